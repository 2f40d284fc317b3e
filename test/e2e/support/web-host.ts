/**
 * Starts the built web host (`node out/main/host.js --port 0 --state-dir <dir>`) and reads
 * the tokenised URL it prints: `ADMA Studio web host: http://127.0.0.1:<port>/?token=<token>`.
 */
import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, SHOTS } from './paths';

export interface RunningHost {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const URL_LINE = /ADMA Studio web host: (http:\/\/127\.0\.0\.1:\d+\/open#token=\S+)/;

export interface HostOptions {
  /**
   * Notice file changes in the open project's folder by themselves (the default, as the app
   * does). A spec that changes files and then clicks Rescan turns it off: the watch's own scan
   * would race the click's and leave its report empty.
   */
  folderWatch?: boolean;
}

/** `port`: 0 picks a free one; a given port lets a test start a host again where one ran (a restart). */
export async function startWebHost(root: string, stateDir: string, timeoutMs = 30_000, port = 0, options: HostOptions = {}): Promise<RunningHost> {
  const entry = path.join(root, 'out/main/host.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run "npx electron-vite build" first.`);
  const args = [entry, '--port', String(port), '--state-dir', stateDir, ...(options.folderWatch === false ? ['--no-folder-watch'] : [])];
  const child = spawn(process.execPath, args, {
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
        // Ended already: by itself (exitCode) or killed by a test (signalCode; 'exit' has fired).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** A spec file's web host and the folder its projects go in (read inside the tests). */
export interface SpecHost {
  readonly host: RunningHost;
  readonly work: string;
}

/**
 * For the tests of one spec file: the built web host on a fresh state folder, started before
 * them, and a fresh folder for their projects, images and files; stopped and removed after
 * them (registers the beforeAll/afterAll hooks; read the fields inside a test). `prefix` names
 * the temporary folders (`adma-e2e-<spec>-`, the state folder `adma-e2e-<spec>-state-`).
 * `prepare`, when given, fills the work folder (images, a model, photos) before the host starts.
 */
export function webHostForSpec(prefix: string, prepare?: (work: string) => Promise<void>, options: HostOptions = {}): SpecHost {
  let host: RunningHost | null = null;
  let work = '';
  let stateDir = '';
  test.beforeAll(async () => {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
    stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `${prefix}state-`));
    await prepare?.(work);
    host = await startWebHost(ROOT, stateDir, 30_000, 0, options);
    await fs.promises.mkdir(SHOTS, { recursive: true });
  });
  test.afterAll(async () => {
    await host?.stop();
    await Promise.all([work, stateDir].filter((dir) => dir !== '').map((dir) => fs.promises.rm(dir, { recursive: true, force: true })));
  });
  return {
    get host(): RunningHost {
      if (!host) throw new Error('The web host is not started yet: read it inside a test.');
      return host;
    },
    get work(): string {
      if (!work) throw new Error('The work folder is not made yet: read it inside a test.');
      return work;
    },
  };
}
