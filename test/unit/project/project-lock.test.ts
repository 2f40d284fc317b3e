import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/project/project';
import { tempDir } from '../../support/image-folder';

describe('one process per project', () => {
  it('refuses a second live process with a clear message, and takes over a stale lock', async () => {
    const root = tempDir();
    const first = Project.open(root, true);
    await first.close();

    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(path.join(root, '.adma', 'lock'), JSON.stringify({ pid: other.pid, host: os.hostname(), since: 'earlier' }));
      expect(() => Project.open(root, false)).toThrowError(/open in another ADMA Studio process \(pid \d+/);
    } finally {
      other.kill();
      await new Promise((resolve) => other.once('exit', resolve));
    }
    // the holder died without cleaning up: the lock is stale and the project opens
    const again = Project.open(root, false);
    expect(again.summary().path).toBe(root);
    await again.close();
    expect(fs.existsSync(path.join(root, '.adma', 'lock'))).toBe(false);
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
