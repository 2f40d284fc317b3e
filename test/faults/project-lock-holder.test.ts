/**
 * Issue 11.16: the lock is proved by the holder's OS file lock, not by the lock file's
 * contents. A live holder always wins, even with its lock record damaged or deleted; a
 * holder killed with -9 is provably dead and its lock is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Project } from '../../src-main/project/project';
import { tempDir } from '../support/image-folder';
import { runScript } from './support/child';

describe('the project lock with a live holder in another process', () => {
  it('refuses while the holder runs, whatever happened to the lock record, and takes over once it is killed', async () => {
    const root = tempDir();
    await Project.open(root, true).close();
    const holder = runScript('hold-project.ts', [root]);
    try {
      await holder.line('held');
      const record = path.join(root, '.adma', 'lock');
      expect(() => Project.open(root, false)).toThrowError(/open in another ADMA Studio process \(pid \d+/);
      fs.writeFileSync(record, '{"pid": garbage');
      expect(() => Project.open(root, false)).toThrowError(/open in another ADMA Studio process \(its lock record .adma\/lock is missing or unreadable\)/);
      fs.rmSync(record);
      expect(() => Project.open(root, false)).toThrowError(/open in another ADMA Studio process/);
    } finally {
      holder.process.kill('SIGKILL');
      await holder.exited;
    }
    const after = Project.open(root, false);
    expect(after.summary().path).toBe(root);
    await after.close();
  });
});
