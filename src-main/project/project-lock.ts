/**
 * One process at a time per project. SQLite alone would keep the file consistent, but two
 * windows labeling the same project would silently fight over undo and rounds, so a second
 * opener gets a clear message.
 *
 * The proof that a holder lives is an operating-system lock, not a file's contents: the holder
 * keeps `.adma/lock.db` open in SQLite's exclusive locking mode, and the OS drops that lock
 * the moment the holder's process ends (also on kill -9 or a crash). So a live holder always
 * wins, whatever happened to the readable record `.adma/lock` (pid, host, since) that only
 * serves the message; and only a provably dead holder's lock is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import { openRebuildableCache } from '../core/rebuildable-cache';

interface LockRecord {
  pid: number;
  host: string;
  since: string;
}

function readLock(file: string): LockRecord | null {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockRecord>;
    if (typeof record.pid !== 'number' || typeof record.host !== 'string' || typeof record.since !== 'string') return null;
    return record as LockRecord;
  } catch {
    return null;
  }
}

/**
 * Take the OS lock on `lock.db`, or null when a live process holds it. A lock.db that is not a
 * database (overwritten, cut short) holds nothing and no live holder (its lock would have
 * answered SQLITE_BUSY before its bytes were read): it is set aside and made again
 * (rebuildable-cache.ts), never taken for a damaged project database.
 */
function takeOsLock(file: string): Database.Database | null {
  return openRebuildableCache(file, "the project's lock file", () => lockOnce(file), 'it held only the lock of the open project, taken again now').opened;
}

function lockOnce(file: string): Database.Database | null {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write in exclusive locking mode takes the file lock and keeps it until close.
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY); COMMIT;');
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY' || (error as { code?: string }).code === 'SQLITE_LOCKED') return null;
    throw error;
  }
}

export class ProjectLock {
  private constructor(
    private readonly file: string,
    private readonly holder: Database.Database,
  ) {}

  static acquire(adminDir: string): ProjectLock {
    const file = path.join(adminDir, 'lock');
    const previous = readLock(file);
    if (previous && previous.pid === process.pid && previous.host === os.hostname()) {
      throw new AppError('PROJECT_LOCKED', 'This project is already open in this window.');
    }
    const holder = takeOsLock(path.join(adminDir, 'lock.db'));
    if (!holder) {
      const who = previous ? `pid ${previous.pid} on ${previous.host}, since ${previous.since}` : 'its lock record .adma/lock is missing or unreadable';
      throw new AppError('PROJECT_LOCKED', `This project is open in another ADMA Studio process (${who}). Close it there, then open it here.`);
    }
    const record: LockRecord = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    try {
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(record));
      fs.renameSync(temp, file); // the record is never seen half-written
    } catch (error) {
      holder.close();
      throw error;
    }
    return new ProjectLock(file, holder);
  }

  release(): void {
    const record = readLock(this.file);
    if (record && record.pid === process.pid && record.host === os.hostname()) fs.rmSync(this.file, { force: true });
    this.holder.close(); // lock.db itself stays: removing it could let two openers lock two different files
  }
}

