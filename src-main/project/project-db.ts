/** Opens `<folder>/.adma/project.db`: WAL, foreign keys, migrations, one process at a time. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import { migrate, refuseNewerSchema } from './migrations';
import { ProjectLock } from './project-lock';

export const ADMIN_DIR = '.adma';
export const DB_FILE = 'project.db';

export interface OpenedProjectDb {
  db: Database.Database;
  adminDir: string;
  lock: ProjectLock;
  created: boolean;
}

export function projectDbPath(root: string): string {
  return path.join(root, ADMIN_DIR, DB_FILE);
}

export function hasProject(root: string): boolean {
  return fs.existsSync(projectDbPath(root));
}

export function openProjectDb(root: string, create: boolean): OpenedProjectDb {
  const adminDir = path.join(root, ADMIN_DIR);
  const dbFile = projectDbPath(root);
  const exists = fs.existsSync(dbFile);
  if (!exists && !create) {
    throw new AppError('NOT_FOUND', `There is no ADMA Studio project in ${root}. Choose "Create project" to start one there.`);
  }
  try {
    fs.mkdirSync(adminDir, { recursive: true });
  } catch (error) {
    throw new AppError(
      'NOT_WRITABLE',
      `Cannot create the project folder ${adminDir}: ${(error as Error).message}. Choose a folder you can write to.`,
    );
  }
  const lock = ProjectLock.acquire(adminDir);
  let db: Database.Database | null = null;
  try {
    db = new Database(dbFile);
    refuseNewerSchema(db); // before any write: a newer app's file must stay byte-for-byte intact
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new AppError('PROJECT_CORRUPT', `The project database ${dbFile} is damaged (${String(check)}). Restore it from a backup.`);
    }
    migrate(db);
    return { db, adminDir, lock, created: !exists };
  } catch (error) {
    db?.close();
    lock.release();
    if (error instanceof AppError) throw error;
    const message = (error as Error).message;
    if (/not a database|malformed|file is encrypted/i.test(message)) {
      throw new AppError('PROJECT_CORRUPT', `${dbFile} is not a readable ADMA Studio database (${message}). Restore it from a backup or move it away to start over.`);
    }
    throw error;
  }
}
