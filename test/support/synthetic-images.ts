/**
 * Rows for `n` more present images in a project database, without files (one statement): for
 * tests of label writes over many images, which never read the files. Their paths start with
 * `synthetic/`, after every real image's path, and in name order too: each row gets its
 * natural-order key as the scan writes it (migration 14), through a function on this connection.
 */
import type Database from 'better-sqlite3';
import { naturalNameKey } from '../../src-shared/natural-name';

export function addSyntheticImages(db: Database.Database, n: number): void {
  db.function('natural_name_key', { deterministic: true }, (relPath: unknown) => naturalNameKey(String(relPath)));
  db.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
     INSERT INTO images (rel_path, name_key, size, mtime_ms, hash, width, height, format, added_at)
     SELECT p.rel_path, natural_name_key(p.rel_path), 100, 0, printf('%064d', p.i), 8, 8, 'png', '2026-01-01T00:00:00Z'
     FROM (SELECT i, printf('synthetic/%07d.png', i) AS rel_path FROM k) p`,
  ).run(n);
}
