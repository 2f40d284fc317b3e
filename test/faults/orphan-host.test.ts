/**
 * Fault script (issue 11.25): `npm start` killed with SIGKILL. The web host it started used
 * to live on as an orphan holding the port and the project lock; now it notices that its
 * parent is gone (the IPC channel closes), releases the lock and exits. Runs the built
 * host (`npm test` builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { imageFolder, tempDir } from '../support/image-folder';
import { until } from '../support/until';
import { wsCall, wsConnect } from '../support/web-host-client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Whether `pid` still runs (a zombie waiting for its new parent to reap it does not). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self/stat')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

function hostUrl(child: ChildProcess): Promise<URL> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ADMA Studio web host: (http\S+)/.exec(out);
      if (match) resolve(new URL(match[1]!));
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing its URL:\n${out}`)));
  });
}

describe('npm start killed with SIGKILL', () => {
  it('takes the web host down with it: lock released, port closed', async () => {
    expect(fs.existsSync(path.join(root, 'out/main/host.js')), 'build first: npx electron-vite build').toBe(true);
    const projectDir = await imageFolder(2);
    const start = spawn(process.execPath, [path.join(root, 'scripts/start.mjs'), '--port', '0', '--state-dir', tempDir('adma-state-')], {
      cwd: root,
      env: { ...process.env, ADMA_WEB: '1', DISPLAY: '', WAYLAND_DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(start);
    const url = await hostUrl(start);
    const port = Number(url.port);

    // The printed address carries the token in its fragment (/open#token=…).
    const socket = await wsConnect(port, `?token=${new URLSearchParams(url.hash.slice(1)).get('token')}`);
    socket.on('error', () => {});
    expect((await wsCall(socket, 1, 'project:open', { path: projectDir, create: true })).result).toMatchObject({ ok: true });
    const lockFile = path.join(projectDir, '.adma', 'lock');
    const hostPid = (JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number }).pid;
    expect(hostPid).not.toBe(start.pid);
    expect(running(hostPid)).toBe(true);

    start.kill('SIGKILL');
    await until('the orphaned host to exit', () => !running(hostPid), { paceMs: 50 });
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(await portRefuses(port)).toBe(true);
  });
});
