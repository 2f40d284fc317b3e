/**
 * How many labels each class has on present images, kept in `class_label_counts` so the class
 * list (sent after every label: Workspace.labelsChanged) reads one row per class instead of
 * walking every label of each class (2.6–18 ms of the host's thread per label at 100,000 labels).
 *
 * Invariants:
 * - `class_label_counts.labels` of a class is the number of `labels` rows of that class whose
 *   image has `present = 1`; a class with no row has none. Rows of deleted classes stay (at 0:
 *   deleting a class unlabels its images first, label-store.ts).
 * - SQLite's triggers keep it (migration 12): every insert, delete or change of class of a
 *   `labels` row, and every change of an image's `present`, adjusts the count in the same
 *   statement, so in the same transaction. Whoever writes (the host, the label writer thread,
 *   the scan, a second connection, a later migration) keeps it right without knowing of it, and
 *   a rollback or a crash takes the adjustment back with the write. Images are never deleted
 *   and their ids never change while a label names them (the labels' foreign key refuses it).
 * - Every time the host opens the database (`checkClassLabelCounts`) the table and triggers are
 *   made again where missing and the counts compared with a count from scratch (one pass over
 *   the labels: tens of milliseconds at 100,000) and rewritten where they differ, so nothing that
 *   went wrong before (an edit from outside, a damaged file repaired) outlives the next opening.
 */
import type Database from 'better-sqlite3';

/**
 * Migration 12: the table and the triggers that keep it (see the invariants above); filled by
 * checkClassLabelCounts, which openProjectDb runs after the migrations (the only place that
 * migrates: a database migrated without it has the table empty). Made only where missing, like
 * migration 9, so running it again changes nothing.
 */
export const CLASS_LABEL_COUNTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS class_label_counts (class_id INTEGER PRIMARY KEY, labels INTEGER NOT NULL);
  CREATE TRIGGER IF NOT EXISTS class_label_counts_label_added AFTER INSERT ON labels
  WHEN (SELECT present FROM images WHERE id = NEW.image_id) = 1 BEGIN
    INSERT INTO class_label_counts (class_id, labels) VALUES (NEW.class_id, 1) ON CONFLICT (class_id) DO UPDATE SET labels = labels + 1;
  END;
  CREATE TRIGGER IF NOT EXISTS class_label_counts_label_removed AFTER DELETE ON labels
  WHEN (SELECT present FROM images WHERE id = OLD.image_id) = 1 BEGIN
    UPDATE class_label_counts SET labels = labels - 1 WHERE class_id = OLD.class_id;
  END;
  CREATE TRIGGER IF NOT EXISTS class_label_counts_label_changed AFTER UPDATE OF class_id, image_id ON labels BEGIN
    UPDATE class_label_counts SET labels = labels - 1 WHERE class_id = OLD.class_id AND (SELECT present FROM images WHERE id = OLD.image_id) = 1;
    INSERT INTO class_label_counts (class_id, labels) SELECT NEW.class_id, 1 WHERE (SELECT present FROM images WHERE id = NEW.image_id) = 1
      ON CONFLICT (class_id) DO UPDATE SET labels = labels + 1;
  END;
  CREATE TRIGGER IF NOT EXISTS class_label_counts_image_presence AFTER UPDATE OF present ON images
  WHEN (OLD.present = 1) IS NOT (NEW.present = 1) BEGIN
    UPDATE class_label_counts SET labels = labels - 1 WHERE OLD.present = 1 AND class_id = (SELECT class_id FROM labels WHERE image_id = OLD.id);
    INSERT INTO class_label_counts (class_id, labels) SELECT class_id, 1 FROM labels WHERE NEW.present = 1 AND image_id = NEW.id
      ON CONFLICT (class_id) DO UPDATE SET labels = labels + 1;
  END;
`;

/** Every class's labels on present images, counted from the rows (the labels of absent images are few: counted from that side). */
const FROM_SCRATCH = `
  SELECT class_id, SUM(n) AS labels FROM (
    SELECT class_id, COUNT(*) AS n FROM labels GROUP BY class_id
    UNION ALL
    SELECT l.class_id, -COUNT(*) FROM images i CROSS JOIN labels l ON l.image_id = i.id WHERE i.present <> 1 GROUP BY l.class_id
  ) GROUP BY class_id`;

/**
 * Make the table and triggers where missing, compare `class_label_counts` with a count from
 * scratch and rewrite it where they differ; returns how many classes were wrong (0 when all were
 * right: nothing is written then). Run when the host opens the project, after the migrations:
 * it fills the table migration 12 made.
 */
export function checkClassLabelCounts(db: Database.Database): number {
  return db.transaction((): number => {
    db.exec(CLASS_LABEL_COUNTS_SCHEMA);
    const kept = new Map((db.prepare('SELECT class_id, labels FROM class_label_counts').raw().all() as [number, number][]).map(([id, n]) => [id, n]));
    const counted = new Map((db.prepare(FROM_SCRATCH).raw().all() as [number, number][]).map(([id, n]) => [id, n]));
    const wrong = [...new Set([...kept.keys(), ...counted.keys()])].filter((id) => (kept.get(id) ?? 0) !== (counted.get(id) ?? 0));
    const set = db.prepare('INSERT INTO class_label_counts (class_id, labels) VALUES (?, ?) ON CONFLICT (class_id) DO UPDATE SET labels = excluded.labels');
    for (const id of wrong) set.run(id, counted.get(id) ?? 0);
    return wrong.length;
  }).immediate();
}
