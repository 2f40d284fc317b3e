import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ImageIndex } from '../../../src-main/project/image-index';
import { keepNameKeysCurrent, migrate, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';
import { openProjectDb, projectDbPath } from '../../../src-main/project/project-db';
import { naturalNameKey } from '../../../src-shared/natural-name';
import { tempDir } from '../../support/image-folder';

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe('project schema migrations', () => {
  it('creates a fresh project at the latest schema with every table', () => {
    const root = tempDir();
    const { db, lock, created } = openProjectDb(root, true);
    opened.push(db, { close: () => lock.release() });
    expect(created).toBe(true);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['images', 'unreadable', 'classes', 'labels', 'label_actions', 'label_history', 'meta']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('upgrades an older project in place and keeps its data', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    const old = new Database(projectDbPath(root));
    migrate(old, 1);
    old
      .prepare("INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, added_at) VALUES ('a.png', 1, 1, 'h', 2, 2, 'png', 'now')")
      .run();
    expect(schemaVersion(old)).toBe(1);
    old.close();

    const { db, lock } = openProjectDb(root, false);
    opened.push(db, { close: () => lock.release() });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT rel_path FROM images').all()).toEqual([{ rel_path: 'a.png' }]);
    db.prepare("INSERT INTO classes (name, color, hotkey, position, created_at) VALUES ('x', '#000000', '1', 0, 'now')").run();
  });

  it('gives every project an id of its own (migration 10), made once and kept', async () => {
    const idOf = (db: Database.Database) => db.prepare("SELECT value FROM meta WHERE key = 'project_id'").pluck().get() as string | undefined;
    const roots = [tempDir(), tempDir()];
    const ids: (string | undefined)[] = [];
    for (const root of roots) {
      const { db, lock } = openProjectDb(root, true);
      ids.push(idOf(db));
      db.close();
      lock.release();
    }
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[0]).not.toBe(ids[1]);
    // Opened again: the same id.
    const again = openProjectDb(roots[0]!, false);
    opened.push(again.db, { close: () => again.lock.release() });
    expect(idOf(again.db)).toBe(ids[0]);

    // A project made by a version before it (schema 9) gets its id at its first opening by this one.
    const old = tempDir();
    fs.mkdirSync(path.join(old, '.adma'));
    const before = new Database(projectDbPath(old));
    migrate(before, 9);
    before.prepare("INSERT INTO meta (key, value) VALUES ('created_at', '2025-06-01T08:00:00.000Z')").run();
    expect(idOf(before)).toBeUndefined();
    before.close();
    const upgraded = openProjectDb(old, false);
    opened.push(upgraded.db, { close: () => upgraded.lock.release() });
    expect(schemaVersion(upgraded.db)).toBe(SCHEMA_VERSION);
    expect(idOf(upgraded.db)).toMatch(/^[0-9a-f]{32}$/);
    expect(idOf(upgraded.db)).not.toBe(ids[0]);
  });

  it('gives the images of a project from before natural order (migration 14) their keys and an index in that order', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    const old = new Database(projectDbPath(root));
    migrate(old, 13);
    const paths = ['img-10.png', 'img-2.png', 'Scan_B.png', 'scan_a.png', 'a-b/x.png', 'a/z.png', 'img-007.png', 'img-7.png'];
    const insert = old.prepare("INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, 1, 1, ?, 2, 2, 'png', 'now')");
    paths.forEach((p, k) => insert.run(p, `h${k}`));
    old.close();

    const { db, lock } = openProjectDb(root, false);
    opened.push(db, { close: () => lock.release() });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    const rows = db.prepare('SELECT rel_path, name_key FROM images').all() as { rel_path: string; name_key: string }[];
    expect(rows.map((r) => r.name_key)).toEqual(rows.map((r) => naturalNameKey(r.rel_path)));
    const images = new ImageIndex(db);
    const natural = ['a/z.png', 'a-b/x.png', 'img-2.png', 'img-007.png', 'img-7.png', 'img-10.png', 'scan_a.png', 'Scan_B.png'];
    expect(images.list({ kind: 'all' }, 0, 100).items.map((i) => i.relPath)).toEqual(natural);
    // Walked in the index's order, not sorted, both ways.
    for (const direction of ['ASC', 'DESC']) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT i.id FROM images i WHERE i.present = 1 ORDER BY i.name_key ${direction}, i.rel_path ${direction}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
      expect(plan).toMatch(/images_name/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }

    // A project of the schema after it (a newer app's) is still refused, untouched.
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    lock.release();
    opened.splice(0);
    const before = fs.readFileSync(projectDbPath(root));
    expect(() => openProjectDb(root, false)).toThrowError(/newer version of ADMA Studio/);
    expect(fs.readFileSync(projectDbPath(root)).equals(before)).toBe(true);
  });

  it('computes the name keys of non-ASCII paths again when the project was keyed under another Unicode version, and only then', () => {
    const root = tempDir();
    const first = openProjectDb(root, true);
    const insert = first.db.prepare("INSERT INTO images (rel_path, name_key, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, ?, 1, 1, ?, 2, 2, 'png', 'now')");
    // Keys as an app with other Unicode tables might have stored them (here simply wrong), on a
    // path with accents and CJK, and on an ASCII one (whose key reads no Unicode table).
    const paths = ['Zellen/Ärztin-2.png', '细胞/图像-10.png', 'cells/img-3.png'];
    paths.forEach((p, k) => insert.run(p, `stale-${k}`, `h${k}`));
    const keys = (db: Database.Database): string[] => paths.map((p) => db.prepare('SELECT name_key FROM images WHERE rel_path = ?').pluck().get(p) as string);
    const recorded = (db: Database.Database): unknown => db.prepare("SELECT value FROM meta WHERE key = 'name_key_unicode'").pluck().get();
    // A project made now records the running Unicode version: a reopen recomputes nothing.
    expect(recorded(first.db)).toBe(process.versions.unicode);
    first.db.close();
    first.lock.release();
    const same = openProjectDb(root, false);
    expect(keys(same.db)).toEqual(['stale-0', 'stale-1', 'stale-2']);
    // Keyed under another version: the non-ASCII paths are keyed again, and the version recorded.
    same.db.prepare("UPDATE meta SET value = '9.0' WHERE key = 'name_key_unicode'").run();
    same.db.close();
    same.lock.release();
    const updated = openProjectDb(root, false);
    opened.push(updated.db, { close: () => updated.lock.release() });
    expect(keys(updated.db)).toEqual([naturalNameKey(paths[0]!), naturalNameKey(paths[1]!), 'stale-2']);
    expect(recorded(updated.db)).toBe(process.versions.unicode);
  });

  it("keys every path again, once, when the project's keys were made by older rules: the gallery keeps each folder's files together", () => {
    const root = tempDir();
    const first = openProjectDb(root, true);
    const paths = ['slide01/b.png', 'Slide01/a.png', 'slide01/a.png', 'Slide01/b.png', 'a1/x-2.png', 'a01/x-10.png', 'a1/x-10.png', 'a01/x-2.png', 'top.png'];
    const insert = first.db.prepare("INSERT INTO images (rel_path, name_key, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, ?, 1, 1, ?, 2, 2, 'png', 'now')");
    // Keys by the rules before (each component's units, folders alike not told apart), no rules recorded.
    const rulesOne = (p: string): string => p.split('/').map((c) => naturalNameKey(c)).join('\u0001');
    paths.forEach((p, k) => insert.run(p, rulesOne(p), `h${k}`));
    first.db.prepare("DELETE FROM meta WHERE key = 'name_key_rules'").run();
    const names = (db: Database.Database): string[] => new ImageIndex(db).list({ kind: 'all' }, 0, 100).items.map((i) => i.relPath);
    // The order before: the files of Slide01 and slide01 interleaved, a01's and a1's too.
    expect(names(first.db)).toEqual(['a01/x-2.png', 'a1/x-2.png', 'a01/x-10.png', 'a1/x-10.png', 'Slide01/a.png', 'slide01/a.png', 'Slide01/b.png', 'slide01/b.png', 'top.png']);
    first.db.close();
    first.lock.release();

    const reopened = openProjectDb(root, false);
    opened.push(reopened.db, { close: () => reopened.lock.release() });
    const rows = reopened.db.prepare('SELECT rel_path, name_key FROM images').all() as { rel_path: string; name_key: string }[];
    expect(rows.map((r) => r.name_key)).toEqual(rows.map((r) => naturalNameKey(r.rel_path)));
    expect(names(reopened.db)).toEqual(['a01/x-2.png', 'a01/x-10.png', 'a1/x-2.png', 'a1/x-10.png', 'Slide01/a.png', 'Slide01/b.png', 'slide01/a.png', 'slide01/b.png', 'top.png']);
    expect(reopened.db.prepare("SELECT value FROM meta WHERE key = 'name_key_rules'").pluck().get()).toBe('2');
    // Recorded: the next open keys nothing again.
    expect(keepNameKeysCurrent(reopened.db)).toBe(0);
  });

  it('refuses a project written by a newer version and leaves it untouched', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    const future = new Database(projectDbPath(root));
    future.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    future.exec('CREATE TABLE from_the_future (x)');
    future.close();
    const before = fs.readFileSync(projectDbPath(root));

    expect(() => openProjectDb(root, false)).toThrowError(new RegExp(`newer version of ADMA Studio.*schema ${SCHEMA_VERSION + 5}; this version understands up to ${SCHEMA_VERSION}`));
    try {
      openProjectDb(root, false);
    } catch (error) {
      expect((error as { code: string }).code).toBe('PROJECT_TOO_NEW');
    }
    expect(fs.readFileSync(projectDbPath(root)).equals(before)).toBe(true);
    // the lock is released after the refusal: a second attempt reports the same problem, not a lock
    expect(() => openProjectDb(root, false)).toThrowError(/newer version/);
  });

  it('rolls back every pending migration when one fails', () => {
    const db = new Database(':memory:');
    opened.push(db);
    db.exec('CREATE TABLE classes (x)'); // makes migration 2 fail
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'images'").get()).toBeUndefined();
  });

  it('says clearly when the database file is not a database', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    fs.writeFileSync(projectDbPath(root), 'this is not sqlite at all, just text that is long enough to look like a header');
    expect(() => openProjectDb(root, false)).toThrowError(/damaged: it is not a readable SQLite database/);
  });
});
