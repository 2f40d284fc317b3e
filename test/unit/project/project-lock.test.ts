import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/project/project';
import { tempDir } from '../../support/image-folder';

describe('one process per project', () => {
  it('takes over a lock record left by a process that is gone (whatever pid it names)', async () => {
    const root = tempDir();
    const first = Project.open(root, true);
    await first.close();
    // A record naming a running but unrelated process: only the holder's OS lock proves a live
    // holder (see test/faults/project-lock-holder.test.ts), so the project opens.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(path.join(root, '.adma', 'lock'), JSON.stringify({ pid: other.pid, host: os.hostname(), since: 'earlier' }));
      const again = Project.open(root, false);
      expect(again.summary().path).toBe(root);
      await again.close();
      expect(fs.existsSync(path.join(root, '.adma', 'lock'))).toBe(false);
    } finally {
      other.kill();
      await new Promise((resolve) => other.once('exit', resolve));
    }
  });

  it('refuses to open the same project twice in one process', async () => {
    const root = tempDir();
    const first = Project.open(root, true);
    expect(() => Project.open(root, false)).toThrowError(/already open/);
    await first.close();
  });

  it('does not create a project unless asked to', () => {
    const root = tempDir();
    expect(() => Project.open(root, false)).toThrowError(/no ADMA Studio project/);
    expect(fs.existsSync(path.join(root, '.adma'))).toBe(false);
  });
});
