/**
 * The web host's log never carries the access token: a request that fails (here, a client that
 * goes away in the middle of sending it, while its answer is still being read) is logged with
 * its URL, `token=` redacted.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../src-main/api/workspace';
import { redactToken, startWebHost, type WebHost } from '../../../src-main/host/web-host';
import { until } from '../../support/until';
import { tempDir } from '../../support/image-folder';

const logged: string[] = [];
let host: WebHost;
let workspace: Workspace;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = tempDir('adma-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ADMA Studio</title>');
  workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: (m) => logged.push(m) });
  host = await startWebHost({ workspace, rendererDir });
});

afterAll(async () => {
  await host.close();
  await workspace.close();
});

describe('web host log', () => {
  it('redacts the token in every URL it logs', () => {
    expect(redactToken('/media/12/thumb?token=abc-_123&v=2')).toBe('/media/12/thumb?token=…&v=2');
    expect(redactToken('/?v=1&token=abc')).toBe('/?v=1&token=…');
    expect(redactToken('/media/12/thumb')).toBe('/media/12/thumb');
    expect(redactToken(undefined)).toBe('');
  });

  // A named pipe as a page file holds the answer until the test writes to it (POSIX only).
  it.skipIf(process.platform === 'win32')('logs a request aborted by its client without the token', async () => {
    const pipe = path.join(rendererDir, 'held.js');
    execFileSync('mkfifo', [pipe]);
    const { port } = new URL(host.origin);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // A body announced and never sent: the client goes away in the middle of its request.
    socket.write(`GET /held.js?token=${host.token}&v=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 1000\r\n\r\npartial`);
    // Opening the pipe for writing returns once the host opened it to answer the request.
    const writer = await fs.promises.open(pipe, 'w');
    socket.destroy();
    const line = await until('the aborted request is logged', () => Promise.resolve(logged.find((m) => m.includes('/held.js'))), { paceMs: 150 });
    await writer.close();
    expect(line).toBe('web host: request /held.js?token=…&v=1: aborted');
    expect(logged.join('\n')).not.toContain(host.token);
  });
});
