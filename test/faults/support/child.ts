/** Runs a fault script (test/faults/support/*.ts) in a child Node process via tsx. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

export interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line that starts with `prefix`. */
  line(prefix: string): Promise<string>;
  exited: Promise<number | null>;
}

export function runScript(script: string, args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { prefix: string; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const check = (): void => {
    for (const w of [...waiters]) {
      const found = out.split('\n').find((l) => l.startsWith(w.prefix));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  void exited.then((code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`${script} exited (${code}) before printing "${w.prefix}": ${err}`));
  });
  return {
    process: child,
    exited,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        waiters.push({ prefix, resolve, reject });
        check();
      }),
  };
}
