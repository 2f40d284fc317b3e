/**
 * Starts the built web host (`node out/main/host.js --port 0 --state-dir <dir>`) and reads
 * the tokenised URL it prints: `ADMA Studio web host: http://127.0.0.1:<port>/?token=<token>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface RunningHost {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const URL_LINE = /ADMA Studio web host: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/;

export async function startWebHost(root: string, stateDir: string, timeoutMs = 30_000): Promise<RunningHost> {
  const entry = path.join(root, 'out/main/host.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run "npx electron-vite build" first.`);
  const child = spawn(process.execPath, [entry, '--port', '0', '--state-dir', stateDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The web host printed no URL within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = URL_LINE.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The web host exited with code ${code}:\n${log}`));
    });
  });
  return {
    url,
    process: child,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
