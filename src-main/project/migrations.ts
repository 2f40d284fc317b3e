/**
 * Project schema migrations: an ordered list, the schema version kept in
 * `PRAGMA user_version`. All pending migrations run in one transaction; a database from a
 * newer version of the app is refused untouched.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';

type Migration = (db: Database.Database) => void;

export const migrations: readonly Migration[] = [
  // 1: the scanned image index.
  (db) => {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        rel_path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        hash TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        format TEXT NOT NULL,
        orientation INTEGER NOT NULL DEFAULT 1,
        present INTEGER NOT NULL DEFAULT 1,
        added_at TEXT NOT NULL
      );
      CREATE INDEX images_hash ON images(hash);
      CREATE TABLE unreadable (
        rel_path TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        seen_at TEXT NOT NULL
      );
    `);
  },
  // 2: classes, labels, and the append-only label history with undoable actions.
  (db) => {
    db.exec(`
      CREATE TABLE classes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        color TEXT NOT NULL,
        hotkey TEXT NOT NULL,
        position INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        deleted_at TEXT
      );
      CREATE UNIQUE INDEX classes_live_name ON classes(name COLLATE NOCASE) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX classes_live_hotkey ON classes(hotkey) WHERE deleted_at IS NULL;
      CREATE TABLE labels (
        image_id INTEGER PRIMARY KEY REFERENCES images(id),
        class_id INTEGER NOT NULL REFERENCES classes(id),
        labeled_at TEXT NOT NULL,
        actor TEXT NOT NULL
      );
      CREATE INDEX labels_class ON labels(class_id);
      CREATE TABLE label_actions (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('done', 'undone', 'dropped')),
        created_at TEXT NOT NULL,
        state_changed_at TEXT NOT NULL
      );
      CREATE TABLE label_history (
        id INTEGER PRIMARY KEY,
        action_id INTEGER REFERENCES label_actions(id),
        image_id INTEGER NOT NULL REFERENCES images(id),
        old_class_id INTEGER,
        new_class_id INTEGER,
        kind TEXT NOT NULL CHECK (kind IN ('set', 'undo', 'redo', 'class-deleted')),
        actor TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX label_history_image ON label_history(image_id);
    `);
  },
  // 3: the active loop: chosen model, centres, settings, rounds, trained versions,
  // the evaluation set and the current model's predictions.
  (db) => {
    db.exec(`
      CREATE TABLE engine_model (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        choice TEXT NOT NULL,
        model_id TEXT,
        model_name TEXT,
        chosen_at TEXT NOT NULL
      );
      CREATE TABLE loop_settings (id INTEGER PRIMARY KEY CHECK (id = 1), settings TEXT NOT NULL);
      CREATE TABLE centres (model_id TEXT PRIMARY KEY, record TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        round_index INTEGER NOT NULL,
        model_id TEXT NOT NULL,
        strategy TEXT NOT NULL,
        lambda REAL,
        schedule TEXT NOT NULL,
        batch_size INTEGER NOT NULL,
        model_version INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE round_items (
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        position INTEGER NOT NULL,
        image_id INTEGER NOT NULL REFERENCES images(id),
        distinctiveness REAL,
        uncertainty REAL,
        score REAL,
        reason TEXT NOT NULL,
        PRIMARY KEY (round_id, position)
      );
      CREATE INDEX round_items_image ON round_items(image_id);
      CREATE TABLE model_versions (
        version INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        classes TEXT NOT NULL,
        training_labels INTEGER NOT NULL,
        eval_labeled INTEGER NOT NULL,
        eval_correct INTEGER NOT NULL,
        confusion TEXT,
        metrics TEXT NOT NULL,
        trained_at TEXT NOT NULL
      );
      CREATE TABLE evaluation_images (image_id INTEGER PRIMARY KEY REFERENCES images(id), added_at TEXT NOT NULL);
      CREATE TABLE predictions (
        image_id INTEGER PRIMARY KEY REFERENCES images(id),
        model_version INTEGER NOT NULL,
        class_id INTEGER NOT NULL,
        probability REAL NOT NULL
      );
    `);
  },
  // 4: indexes for the gallery's counts, sorts and filters at 100,000 images (present images:
  // a count reads this small index instead of every row; file date; prediction, confidence).
  (db) => {
    db.exec(`
      CREATE INDEX images_present ON images(present);
      CREATE INDEX images_mtime ON images(mtime_ms);
      CREATE INDEX predictions_class ON predictions(class_id, probability);
      CREATE INDEX predictions_probability ON predictions(probability);
    `);
  },
  // 5: the unsure mark (the expert cannot decide: never trained on, its own filter) with its
  // place in the label history, and suggestions imported from another tool's prediction CSV.
  // An image has at most one of a label row and an unsure row (label-store.ts keeps it so).
  (db) => {
    db.exec(`
      CREATE TABLE unsure (
        image_id INTEGER PRIMARY KEY REFERENCES images(id),
        marked_at TEXT NOT NULL,
        actor TEXT NOT NULL
      );
      ALTER TABLE label_history ADD COLUMN old_unsure INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE label_history ADD COLUMN new_unsure INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE imported_suggestions (
        image_id INTEGER PRIMARY KEY REFERENCES images(id),
        class_id INTEGER NOT NULL REFERENCES classes(id),
        probability REAL NOT NULL,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );
    `);
  },
  // 6: the label action that put an image in the evaluation set (an import's held-out split),
  // so that undoing the action takes the image out again and redoing it puts it back; while
  // the action is undone its rows wait in evaluation_undone (label-store.ts keeps it so).
  (db) => {
    db.exec(`
      ALTER TABLE evaluation_images ADD COLUMN action_id INTEGER REFERENCES label_actions(id);
      CREATE INDEX evaluation_images_action ON evaluation_images(action_id) WHERE action_id IS NOT NULL;
      CREATE TABLE evaluation_undone (
        image_id INTEGER PRIMARY KEY REFERENCES images(id),
        action_id INTEGER NOT NULL REFERENCES label_actions(id),
        added_at TEXT NOT NULL
      );
    `);
  },
  // 7: when and by whom the state a history row replaced was given (a label's labeled_at and
  // actor, an unsure mark's marked_at and actor), so an undo gives the label back with its own
  // time, not the undo's (exports and the rounds' class counts read labeled_at). Older rows have
  // none: label-store.ts falls back to the image's earlier history row.
  (db) => {
    db.exec(`
      ALTER TABLE label_history ADD COLUMN old_at TEXT;
      ALTER TABLE label_history ADD COLUMN old_actor TEXT;
    `);
  },
  // 8: the file an action's labels were imported from (null: given by the expert), so the
  // history tells an import's labels from those typed (walkthrough 7).
  (db) => {
    db.exec(`ALTER TABLE label_actions ADD COLUMN imported_from TEXT;`);
  },
];

export const SCHEMA_VERSION = migrations.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function refuseNewerSchema(db: Database.Database): void {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new AppError(
      'PROJECT_TOO_NEW',
      `This project was saved by a newer version of ADMA Studio (project schema ${from}; this version understands up to ${SCHEMA_VERSION}). Update ADMA Studio to open it. Nothing in the project was changed.`,
    );
  }
}

/** Bring `db` to the latest schema; refuse a database written by a newer version. */
export function migrate(db: Database.Database, upTo: number = SCHEMA_VERSION): void {
  refuseNewerSchema(db);
  const from = schemaVersion(db);
  if (from >= upTo) return;
  db.transaction(() => {
    for (let version = from; version < upTo; version++) migrations[version]!(db);
    db.pragma(`user_version = ${upTo}`);
  }).immediate();
}
