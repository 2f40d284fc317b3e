/**
 * Rows for `n` more present images in a project database, without files (one statement): for
 * tests of label writes over many images, which never read the files. Their paths start with
 * `synthetic/`, after every real image's path.
 */
import type Database from 'better-sqlite3';

export function addSyntheticImages(db: Database.Database, n: number): void {
  db.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
     INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, added_at)
     SELECT printf('synthetic/%07d.png', i), 100, 0, printf('%064d', i), 8, 8, 'png', '2026-01-01T00:00:00Z' FROM k`,
  ).run(n);
}
