/**
 * Faults on the project database file itself (issue 11.14, 11.15, 15.5): a damaged file is
 * refused with PROJECT_CORRUPT and left untouched; a newer app's file with an uncheckpointed
 * WAL is refused before any write; acknowledged labels are synced (synchronous=FULL).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/app-error';
import { Project } from '../../src-main/project/project';
import { projectDbPath } from '../../src-main/project/project-db';
import { tempDir } from '../support/image-folder';

function openError(root: string): AppError {
  try {
    Project.open(root, false);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the project opened');
}

describe('a damaged project database', () => {
  it('refuses a zero-byte project.db as damaged and never overwrites it', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    fs.writeFileSync(projectDbPath(root), '');
    const error = openError(root);
    expect(error.code).toBe('PROJECT_CORRUPT');
    expect(error.message).toMatch(/damaged: the file is empty \(0 bytes\).*has not changed or replaced it.*import that CSV/s);
    expect(fs.statSync(projectDbPath(root)).size).toBe(0);
    expect(fs.existsSync(`${projectDbPath(root)}-wal`)).toBe(false);
    // creating a project there does not overwrite it either
    expect(() => Project.open(root, true)).toThrowError(/damaged/);
    expect(fs.statSync(projectDbPath(root)).size).toBe(0);
  });

  it('refuses a project.db that is a folder with PROJECT_CORRUPT, not INTERNAL', () => {
    const root = tempDir();
    fs.mkdirSync(projectDbPath(root), { recursive: true });
    const error = openError(root);
    expect(error.code).toBe('PROJECT_CORRUPT');
    expect(error.message).toMatch(/is a folder or other non-file/);
    expect(fs.statSync(projectDbPath(root)).isDirectory()).toBe(true);
  });

  it('refuses a newer project with an uncheckpointed WAL without touching either file', async () => {
    const source = tempDir();
    const project = Project.open(source, true);
    await project.close();
    // A "newer app" commits into the WAL only (no checkpoint), then the files are copied as they are.
    const newer = new Database(projectDbPath(source));
    newer.pragma('wal_autocheckpoint = 0');
    newer.exec("CREATE TABLE from_the_future (x); INSERT INTO meta (key, value) VALUES ('future', 'yes')");
    newer.pragma('user_version = 99');
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    for (const suffix of ['', '-wal']) fs.copyFileSync(`${projectDbPath(source)}${suffix}`, `${projectDbPath(root)}${suffix}`);
    newer.close();
    const before = { db: fs.readFileSync(projectDbPath(root)), wal: fs.readFileSync(`${projectDbPath(root)}-wal`) };
    expect(before.wal.length).toBeGreaterThan(0);

    const error = openError(root);
    expect(error.code).toBe('PROJECT_TOO_NEW');
    expect(error.message).toMatch(/schema 99/);
    expect(fs.readFileSync(projectDbPath(root)).equals(before.db)).toBe(true);
    expect(fs.readFileSync(`${projectDbPath(root)}-wal`).equals(before.wal)).toBe(true);
  });
});

describe('durability', () => {
  it('runs the project database in WAL with synchronous=FULL, so an acknowledged label survives a power loss', async () => {
    const project = Project.open(tempDir(), true);
    try {
      expect(project.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(project.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    } finally {
      await project.close();
    }
  });
});
