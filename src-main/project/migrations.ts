/**
 * Project schema migrations: an ordered list, the schema version kept in
 * `PRAGMA user_version`. All pending migrations run in one transaction; a database from a
 * newer version of the app is refused untouched.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import { NAME_KEY_RULES, naturalNameKey } from '../../src-shared/natural-name';
import { CLASS_LABEL_COUNTS_SCHEMA } from './class-label-counts';

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
  // 9: the history keeps class names as they were (the audit trail no longer reads a class's
  // present name), and class changes that are not one image's are history too. See historyNames.
  (db) => historyNames(db),
  // 10: the project's identity, a random id made once and never changed, so that a recent entry
  // whose folder moved can tell its project from another in the folder the expert points at
  // (Workspace.locate, project-identity.ts). A project made before gets its id here, at its
  // first opening by this version; a copy of the folder carries the same id (it is that project).
  (db) => {
    db.exec(`INSERT OR IGNORE INTO meta (key, value) VALUES ('project_id', lower(hex(randomblob(16))));`);
  },
  // 11: the window whose request made an action (its page's random id, src-shared/window-id.ts;
  // null: no window asked, as the command line, or made before this migration), so that Ctrl+Z
  // and Ctrl+Shift+Z in one window ask before taking back or bringing back another window's change.
  // (A development build numbered it 10 and may have added the column already: added only if absent.)
  (db) => {
    const columns = db.prepare('PRAGMA table_info(label_actions)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'window_id')) db.exec('ALTER TABLE label_actions ADD COLUMN window_id TEXT;');
  },
  // 12: each class's labels on present images, kept by triggers (class-label-counts.ts), so the
  // class list sent after every label reads a row per class, not every label. Made empty here and
  // filled by the check that follows every migration at open (openProjectDb): filling it here too
  // counted every label twice on the upgrade.
  (db) => {
    db.exec(CLASS_LABEL_COUNTS_SCHEMA);
  },
  // 13: every pre-trained model the project has used, by id, with the name it was chosen under
  // and the choice (a folder model: its path), so its versions, curve points and the status keep
  // naming it after another model is chosen (engine_model holds only the chosen one; a model
  // from a folder has no name but that one). Filled with the chosen model: earlier models' names
  // were not kept and stay unknown (shown by their ids). And the version whose ranking chose an
  // open round's undecided images when a re-rank chose them again (null: never re-ranked, the
  // version it was opened with did), so the queue says which version chose what it shows.
  // Made only where missing, like migrations 9, 11 and 12: running it again changes nothing.
  (db) => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS project_models (
        model_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        choice TEXT NOT NULL,
        chosen_at TEXT NOT NULL
      );
      INSERT OR IGNORE INTO project_models (model_id, name, choice, chosen_at)
        SELECT model_id, model_name, choice, chosen_at FROM engine_model WHERE model_id IS NOT NULL AND model_name IS NOT NULL;
    `);
    const columns = db.prepare('PRAGMA table_info(rounds)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'reranked_with')) db.exec('ALTER TABLE rounds ADD COLUMN reranked_with INTEGER;');
  },
  // 14: natural file-name order (img-2 before img-10, Scan_B after scan_a): each image's key
  // (src-shared/natural-name.ts naturalNameKey, a function of rel_path that SQLite's BINARY
  // collation orders naturally), filled here for every image, written from now on with every
  // rel_path (ImageIndex's upsert and move), and an index in that order, ties by path, so the
  // gallery and the label view walk it as they walked the rel_path index, with no sort. Nullable
  // (ALTER TABLE cannot add a NOT NULL column without a default): a row written without a key
  // (none is, but a test's raw insert) sorts first, by its path. Filled by one UPDATE through the
  // key function registered on this connection for it: 0.35 s at 100,000 images, all of the
  // migration (a JavaScript loop of UPDATEs by id took 0.6 s). Only this connection has that
  // function: no trigger, index or view may name it (the threads' and the engine's connections
  // would fail on it). Made only where missing, like 13: running it again changes nothing.
  (db) => {
    const columns = db.prepare('PRAGMA table_info(images)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'name_key')) db.exec('ALTER TABLE images ADD COLUMN name_key TEXT;');
    registerNameKey(db);
    db.exec(`
      UPDATE images SET name_key = natural_name_key(rel_path) WHERE name_key IS NULL;
      CREATE INDEX IF NOT EXISTS images_name ON images(name_key, rel_path);
    `);
    recordNameKeyTables(db);
  },
  // 15: the kind of each round item's score (src-shared/typical-pick.ts SCORE_KINDS): a
  // typical-first pick's typicality (no upper limit, never a probability) or what the strategy
  // ranked by, written with the item from now on (AdaptationStore.saveRound, rerankRound), so the
  // queue names a typicality by this fact, not by its reason's words. The items written before
  // kept only the reason and the score: they get the kind the queue read from the reason then, a
  // typical pick's reason beginning "typical of a group of " or being "unlike any other image (a
  // group of its own)" (those words as the engine wrote them up to this version, written out here
  // so that a later rewording changes nothing of this back-fill). The default is only for a raw
  // insert that names no kind (tests, benches): the store always names it.
  // Made only where missing: running it again changes nothing (and back-fills nothing twice).
  (db) => {
    const columns = db.prepare('PRAGMA table_info(round_items)').all() as { name: string }[];
    if (columns.some((column) => column.name === 'score_kind')) return;
    db.exec(`
      ALTER TABLE round_items ADD COLUMN score_kind TEXT NOT NULL DEFAULT 'ranking' CHECK (score_kind IN ('typicality', 'ranking'));
      UPDATE round_items SET score_kind = 'typicality'
        WHERE substr(reason, 1, 22) = 'typical of a group of ' OR reason = 'unlike any other image (a group of its own)';
    `);
  },
  // 16: a version's score on part of the evaluation labels for want of features (Evaluation:
  // some labeled evaluation images had none, and the score is on the others), kept beside its
  // score so that after a restart it is not taken for a score on all of them: the labels it was
  // scored against (their signature, a SHA-256 of the image:class pairs) and how many of them it
  // leaves out. Both null: the score, if any, is on every label it was scored against. Written with
  // the score (AdaptationStore.saveEvaluation), so a pass that scores the version on all clears it.
  // Versions scored before were either whole or, partial, in memory only: not recoverable (null).
  // Made only where missing, like 15.
  (db) => {
    const columns = new Set((db.prepare('PRAGMA table_info(model_versions)').all() as { name: string }[]).map((column) => column.name));
    if (!columns.has('partial_against')) db.exec('ALTER TABLE model_versions ADD COLUMN partial_against TEXT;');
    if (!columns.has('partial_left_out')) db.exec('ALTER TABLE model_versions ADD COLUMN partial_left_out INTEGER;');
  },
  // 17: the feature cache's redecodes a version was trained against (engine/features/feature-store.ts
  // FeatureStore.redecodes: how many times its rows were forgotten as made under an older decode
  // of deep images, and computed again), written with the version (AdaptationStore.saveVersion),
  // so that a classifier whose rows were computed again since is trained again by itself
  // (ActiveLoop.retrainDue), as `adma train` records headRedecodes. Versions trained before count
  // as trained against 0: a project whose cache had already computed rows again is retrained
  // once (what the classifier learned from is not known; a training on the same labels is safe).
  // Made only where missing, like 15.
  (db) => {
    const columns = (db.prepare('PRAGMA table_info(model_versions)').all() as { name: string }[]).map((column) => column.name);
    if (!columns.includes('feature_redecodes')) db.exec('ALTER TABLE model_versions ADD COLUMN feature_redecodes INTEGER NOT NULL DEFAULT 0;');
  },
  // 18: the fingerprint of the pre-trained model's files a version was trained with (the chosen
  // model's recorded one, AdaptationStore.model().fingerprint), written with the version. A model
  // folder with its own adma-model.json keeps its id over other weights, so the id alone does not
  // say which weights a head was trained on: a version on other weights than the chosen model's
  // is trained again by itself (ActiveLoop.retrainDue) and not exported with the new files
  // (Transfer.notExportable). Null for versions trained before: unknown, never taken for other
  // weights. Made only where missing, like 15.
  (db) => {
    const columns = (db.prepare('PRAGMA table_info(model_versions)').all() as { name: string }[]).map((column) => column.name);
    if (!columns.includes('model_fingerprint')) db.exec('ALTER TABLE model_versions ADD COLUMN model_fingerprint TEXT;');
  },
];

/** `natural_name_key(rel_path)` on this connection only (see migration 14: nothing stored may name it). */
function registerNameKey(db: Database.Database): void {
  db.function('natural_name_key', { deterministic: true }, (relPath: unknown) => naturalNameKey(String(relPath)));
}

/** meta: the Unicode version of the tables the stored name keys were computed with. */
const NAME_KEY_UNICODE = 'name_key_unicode';
/** meta: the rules the stored name keys were made by (natural-name.ts NAME_KEY_RULES); absent before rules 2. */
const NAME_KEY_RULES_META = 'name_key_rules';

/** The running runtime's Unicode version (Node's ICU; Electron's Node in the app). */
const runtimeUnicode = (): string => process.versions.unicode ?? 'unknown';

function recordNameKeyTables(db: Database.Database): void {
  const record = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  record.run(NAME_KEY_UNICODE, runtimeUnicode());
  record.run(NAME_KEY_RULES_META, String(NAME_KEY_RULES));
}

/**
 * Keep the stored name keys (migration 14) those of the running app. A key folds a name's letters
 * by the runtime's Unicode tables (`\p{L}`, NFKD: src-shared/natural-name.ts), and an app update
 * brings a newer Node (Electron's) whose tables may classify a character an older one did not:
 * rows keyed before and after the update would then sort by two rules. At every open, when the
 * project's keys were computed under another Unicode version than the running one (or under an
 * unrecorded one: a project migrated before the record), the keys of the paths with a character
 * outside printable ASCII (an ASCII path's key reads no Unicode table) are computed again where
 * they differ, and the running version is recorded. When they were made by other rules than the
 * running app's (NAME_KEY_RULES; unrecorded: rules 1, before folders alike kept their files
 * together), every key is computed again, once. Returns the keys written. Cost: nothing when
 * both agree (two meta reads); otherwise one pass over the paths (GLOB, no key computed for ASCII
 * ones) and the non-ASCII ones keyed once; every path keyed for new rules (bench/README.md).
 */
export function keepNameKeysCurrent(db: Database.Database): number {
  const stored = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const sameRules = stored.get(NAME_KEY_RULES_META) === String(NAME_KEY_RULES);
  if (sameRules && stored.get(NAME_KEY_UNICODE) === runtimeUnicode()) return 0;
  registerNameKey(db);
  return db.transaction(() => {
    const changed = sameRules
      ? db.prepare("UPDATE images SET name_key = natural_name_key(rel_path) WHERE rel_path GLOB '*[^ -~]*' AND name_key IS NOT natural_name_key(rel_path)").run().changes
      : db.prepare('UPDATE images SET name_key = natural_name_key(rel_path)').run().changes;
    recordNameKeyTables(db);
    return changed;
  }).immediate();
}

/**
 * Migration 9. Each `label_history` row gets the names its old and new class had when the row
 * was written (`old_class_name`, `new_class_name`; label-store.ts writes them from now on), and
 * `class_history` records what happened to a class itself: its deletion, the undo that brought
 * it back and the redo that deleted it again (labels or none), and its renames.
 *
 * Backfill, from what older versions stored:
 * - Names: a class's present name (`classes.name`, deleted classes included) is the only name
 *   the database kept, so older rows get it, and all of them are marked
 *   `class_names_backfilled = 1`. One earlier name is read back: a class named "X (restored)"
 *   (or "X (restored 2)"…) that a deletion action deleted before another class named "X" was
 *   made took that name when an undo brought it back (ClassStore.restore); it was deleted from
 *   the moment "X" was made until that undo, so its rows (and its class changes) up to that
 *   moment name it "X", and so does the old name of the first undo after it. Not recoverable:
 *   every rename made before the upgrade (rows before it show the later name), a name
 *   shortened by " (restored)" to fit 80 characters, and a restore whose "X" was taken by a
 *   rename rather than a new class.
 * - Class changes: every deletion action (meta `deleted-class:<action>`) gives its delete (at
 *   the action's `created_at`, its 'class-deleted' rows counted); each undo and redo of it that
 *   changed labels is its group of 'undo'/'redo' rows (time, who, count). A class deleted without
 *   labels left no rows: its action's present state gives one undo (state 'undone', at
 *   `state_changed_at`) or one redo (state 'done' but changed after it was made); earlier undos
 *   and redos of it, and the undo of a delete dropped since, are not recoverable. Older
 *   versions' deletes (kind 'class-deleted' without an action) give a delete per class and time;
 *   a class deleted by them without labels, its `deleted_at`. The actor of a change read from no
 *   history row is not known (null). No rename before the upgrade is known.
 * - `after_history_id`, which places a class change among the label rows, is the id of the last
 *   row of its group (a change without rows: the last row written at or before its time).
 *
 * Idempotent on its own (columns and table added only when missing, backfills only of rows not
 * yet filled), besides `migrate` running it once inside the transaction that sets user_version.
 */
function historyNames(db: Database.Database): void {
  const columns = new Set((db.prepare('PRAGMA table_info(label_history)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('old_class_name')) db.exec('ALTER TABLE label_history ADD COLUMN old_class_name TEXT');
  if (!columns.has('new_class_name')) db.exec('ALTER TABLE label_history ADD COLUMN new_class_name TEXT');
  if (!columns.has('class_names_backfilled')) db.exec('ALTER TABLE label_history ADD COLUMN class_names_backfilled INTEGER NOT NULL DEFAULT 0');
  restoredNames(db);
  // A class's name at `at`: "X" before a restore renamed it (see above), else its present name.
  const nameThen = (id: string, at: string) =>
    `COALESCE((SELECT r.base FROM class_name_then r WHERE r.class_id = ${id} AND ${at} <= r.until), (SELECT c.name FROM classes c WHERE c.id = ${id}))`;
  db.exec(`
    UPDATE label_history SET
      old_class_name = ${nameThen('label_history.old_class_id', 'label_history.at')},
      new_class_name = ${nameThen('label_history.new_class_id', 'label_history.at')},
      class_names_backfilled = 1
    WHERE (old_class_id IS NOT NULL AND old_class_name IS NULL) OR (new_class_id IS NOT NULL AND new_class_name IS NULL);
    CREATE TABLE IF NOT EXISTS class_history (
      id INTEGER PRIMARY KEY,
      action_id INTEGER REFERENCES label_actions(id),
      class_id INTEGER NOT NULL REFERENCES classes(id),
      kind TEXT NOT NULL CHECK (kind IN ('class-deleted', 'undo', 'redo', 'renamed')),
      old_name TEXT,
      new_name TEXT,
      images INTEGER NOT NULL,
      actor TEXT,
      at TEXT NOT NULL,
      after_history_id INTEGER NOT NULL,
      backfilled INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS class_history_place ON class_history(after_history_id);
  `);
  if ((db.prepare('SELECT COUNT(*) FROM class_history').pluck().get() as number) > 0) {
    db.exec('DROP TABLE class_name_then');
    return;
  }
  // The last label row written at or before a time (0: none).
  const placeAt = '(SELECT COALESCE(MAX(p.id), 0) FROM label_history p WHERE p.at <= x.at)';
  db.exec(`
    CREATE TEMP TABLE class_history_backfill (action_id INTEGER, class_id INTEGER NOT NULL, kind TEXT NOT NULL, images INTEGER NOT NULL, actor TEXT, at TEXT NOT NULL, place INTEGER);
    -- Deletion actions: the delete itself, with its rows when it had labels.
    INSERT INTO class_history_backfill
      SELECT a.id, json_extract(m.value, '$.classId'), 'class-deleted',
             (SELECT COUNT(*) FROM label_history h WHERE h.action_id = a.id AND h.kind = 'class-deleted'),
             (SELECT h.actor FROM label_history h WHERE h.action_id = a.id AND h.kind = 'class-deleted' ORDER BY h.id LIMIT 1),
             a.created_at,
             (SELECT MAX(h.id) FROM label_history h WHERE h.action_id = a.id AND h.kind = 'class-deleted')
      FROM meta m JOIN label_actions a ON a.id = CAST(substr(m.key, length('deleted-class:') + 1) AS INTEGER)
      WHERE m.key LIKE 'deleted-class:%';
    -- Their undos and redos that changed labels: one per group of rows (same kind and time).
    INSERT INTO class_history_backfill
      SELECT h.action_id, json_extract(m.value, '$.classId'), h.kind, COUNT(*), MIN(h.actor), h.at, MAX(h.id)
      FROM label_history h JOIN meta m ON m.key = 'deleted-class:' || h.action_id
      WHERE h.kind IN ('undo', 'redo') GROUP BY h.action_id, h.kind, h.at;
    -- A deletion without labels: its present state says its last undo or redo.
    INSERT INTO class_history_backfill
      SELECT a.id, json_extract(m.value, '$.classId'), CASE a.state WHEN 'undone' THEN 'undo' ELSE 'redo' END, 0, NULL, a.state_changed_at, NULL
      FROM meta m JOIN label_actions a ON a.id = CAST(substr(m.key, length('deleted-class:') + 1) AS INTEGER)
      WHERE m.key LIKE 'deleted-class:%' AND NOT EXISTS (SELECT 1 FROM label_history h WHERE h.action_id = a.id)
        AND (a.state = 'undone' OR (a.state = 'done' AND a.state_changed_at > a.created_at));
    -- Older versions' deletes (no action): one per class and time.
    INSERT INTO class_history_backfill
      SELECT NULL, h.old_class_id, 'class-deleted', COUNT(*), MIN(h.actor), h.at, MAX(h.id)
      FROM label_history h WHERE h.kind = 'class-deleted' AND h.action_id IS NULL AND h.old_class_id IS NOT NULL GROUP BY h.old_class_id, h.at;
    -- A class deleted without labels by an older version: its deleted_at.
    INSERT INTO class_history_backfill
      SELECT NULL, c.id, 'class-deleted', 0, NULL, c.deleted_at, NULL
      FROM classes c WHERE c.deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM class_history_backfill b WHERE b.class_id = c.id);
    INSERT INTO class_history (action_id, class_id, kind, old_name, new_name, images, actor, at, after_history_id, backfilled)
      SELECT x.action_id, x.class_id, x.kind,
             -- The undo that renamed a class brought back the class deleted as "X".
             CASE WHEN x.kind = 'undo' AND x.at = (SELECT MIN(y.at) FROM class_history_backfill y JOIN class_name_then r ON r.class_id = y.class_id
                                                    WHERE y.class_id = x.class_id AND y.kind = 'undo' AND y.at > r.until)
                  THEN (SELECT r.base FROM class_name_then r WHERE r.class_id = x.class_id) ELSE ${nameThen('x.class_id', 'x.at')} END,
             CASE WHEN x.kind = 'undo' THEN ${nameThen('x.class_id', 'x.at')} END,
             x.images, x.actor, x.at, COALESCE(x.place, ${placeAt}), 1
      FROM class_history_backfill x JOIN classes c ON c.id = x.class_id
      ORDER BY COALESCE(x.place, ${placeAt}), x.at, x.action_id;
    DROP TABLE class_history_backfill;
    DROP TABLE class_name_then;
  `);
}

/**
 * Fill the temporary `class_name_then` with each class that an undo brought back renamed
 * "X (restored…)" because a new class "X" was made while it was deleted: its name "X" and the
 * time until which it had it (when the first such "X" was made). See historyNames.
 */
function restoredNames(db: Database.Database): void {
  db.exec('CREATE TEMP TABLE class_name_then (class_id INTEGER PRIMARY KEY, base TEXT NOT NULL, until TEXT NOT NULL)');
  const suffixed = db.prepare("SELECT id, name FROM classes WHERE name LIKE '% (restored%)'").all() as { id: number; name: string }[];
  const madeWhileDeleted = db.prepare(
    `SELECT MIN(k.created_at) FROM classes k
     WHERE k.id <> @id AND k.name = @base COLLATE NOCASE
       AND EXISTS (SELECT 1 FROM meta m JOIN label_actions a ON a.id = CAST(substr(m.key, length('deleted-class:') + 1) AS INTEGER)
                   WHERE m.key LIKE 'deleted-class:%' AND json_extract(m.value, '$.classId') = @id AND a.created_at <= k.created_at)`,
  );
  const insert = db.prepare('INSERT INTO class_name_then (class_id, base, until) VALUES (?, ?, ?)');
  for (const { id, name } of suffixed) {
    const base = /^(.+) \(restored(?: [0-9]+)?\)$/.exec(name)?.[1];
    if (base === undefined) continue;
    const until = madeWhileDeleted.pluck().get({ id, base }) as string | null;
    if (until !== null) insert.run(id, base, until);
  }
}

export const SCHEMA_VERSION = migrations.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function refuseNewerSchema(db: Database.Database): void {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new AppError(
      'PROJECT_TOO_NEW',
      `This project was opened, and upgraded, by a newer version of ADMA Studio (project schema ${from}; this version understands up to ${SCHEMA_VERSION}). Update ADMA Studio to open it. Nothing in the project was changed.`,
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
