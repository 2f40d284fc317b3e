/**
 * One process at a time per project: a lock file beside the database records who holds it.
 * SQLite alone would keep the file consistent, but two windows labeling the same project
 * would silently fight over undo and rounds, so a second opener gets a clear message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';

interface LockRecord {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockRecord | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockRecord;
  } catch {
    return null;
  }
}

export class ProjectLock {
  private constructor(private readonly file: string) {}

  static acquire(adminDir: string): ProjectLock {
    const file = path.join(adminDir, 'lock');
    const record: LockRecord = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(record), { flag: 'wx' });
        return new ProjectLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readLock(file);
        const stale = holder === null || (holder.host === os.hostname() && !isAlive(holder.pid));
        if (holder && holder.pid === process.pid && holder.host === os.hostname()) {
          throw new AppError('PROJECT_LOCKED', 'This project is already open in this window.');
        }
        if (!stale) {
          throw new AppError(
            'PROJECT_LOCKED',
            `This project is open in another ADMA Studio process (pid ${holder.pid} on ${holder.host}, since ${holder.since}). Close it there, then open it here.`,
          );
        }
        fs.rmSync(file, { force: true }); // left behind by a crashed process
      }
    }
    throw new AppError('PROJECT_LOCKED', 'Could not lock the project: another process keeps taking the lock.');
  }

  release(): void {
    const holder = readLock(this.file);
    if (holder && holder.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}
