/**
 * A named pipe (FIFO) at a path, with a writer that opens it (then closes it, empty) after 30 s:
 * so that code which blocks on it (a read waiting for a writer) ends and fails on the content
 * instead of hanging the test process; code that refuses it never waits for the writer. POSIX
 * only (mkfifo). Kill the writers after each test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const canMakeFifo = process.platform === 'linux' || process.platform === 'darwin';

export function fifoWithLateWriter(file: string, writers: ChildProcess[]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const made = spawnSync('mkfifo', [file]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${String(made.stderr)}`);
  writers.push(spawn('sh', ['-c', 'sleep 30; : > "$1"', 'sh', file], { stdio: 'ignore' }));
  return file;
}
