import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../src-main/api/workspace';
import { startWebHost, type WebHost } from '../../../src-main/host/web-host';
import type { WsServerMessage } from '../../../src-shared/ws-protocol';
import { imageFolder, tempDir } from '../../support/image-folder';
import { httpGet, wsCall, wsConnect } from '../../support/web-host-client';

let host: WebHost;
let workspace: Workspace;
let projectDir: string;
let port: number;

const get = (pathAndQuery: string, headers: http.OutgoingHttpHeaders = {}) => httpGet(port, pathAndQuery, headers);
const connect = (query: string, origin: string | undefined) => wsConnect(port, query, origin ?? null);
const call = wsCall;

beforeAll(async () => {
  const rendererDir = tempDir('adma-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ADMA Studio</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'index-abc.js'), 'export {};');
  projectDir = await imageFolder(4);
  workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
  host = await startWebHost({ workspace, rendererDir });
  port = Number(new URL(host.origin).port);
});

afterAll(async () => {
  await host.close();
  await workspace.close();
});

describe('web host access control', () => {
  it('binds to 127.0.0.1 and prints a tokenised URL', () => {
    // The token in the fragment, which no request carries (the page reads it; ws-raw-api.ts pageToken).
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/open#token=[A-Za-z0-9_-]{32}$`));
  });

  it('serves the app’s public page and bundle to anyone; images and anything else need the token in the URL', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await get('/index.html')).status).toBe(200);
    expect((await get('/open')).status).toBe(200);
    expect((await get('/assets/index-abc.js')).status).toBe(200);
    // No cookie: a browser would send a cookie of 127.0.0.1 to every other port of 127.0.0.1 too
    // (the security review's proof: a local server on another port received it and took control).
    expect(page.headers['set-cookie']).toBeUndefined();
    expect((await get('/media/1/thumb', { cookie: `adma_token=${host.token}` })).status).toBe(401);
    expect((await get('/media/1/thumb?token=wrong')).status).toBe(401);
    expect((await get('/other.txt')).status).toBe(401);
    // The socket's address over HTTP says whether a token is still known (the page's probe after a restart).
    expect((await get('/ws?token=wrong')).status).toBe(401);
    expect((await get(`/ws?token=${host.token}`)).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get(`/?token=${host.token}`, { host: 'evil.example:80' })).status).toBe(421);
  });

  it('does not serve files outside the renderer folder', async () => {
    expect((await get(`/..%2F..%2Fetc%2Fpasswd?token=${host.token}`)).status).toBe(404);
  });

  it('requires the token and this server as Origin for the WebSocket', async () => {
    await expect(connect('', `http://127.0.0.1:${port}`)).rejects.toThrow(/403/);
    await expect(connect(`?token=${host.token}`, 'http://evil.example')).rejects.toThrow(/403/);
    await expect(connect(`?token=${host.token}`, undefined)).rejects.toThrow(/403/);
    const socket = await connect(`?token=${host.token}`, `http://127.0.0.1:${port}`);
    socket.close();
  });
});

describe('requests over the WebSocket', () => {
  it('runs handlers, validates arguments, and returns errors as data', async () => {
    const socket = await connect(`?token=${host.token}`, `http://127.0.0.1:${port}`);
    try {
      const events: string[] = [];
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as WsServerMessage;
        if (m.type === 'event') events.push(m.event);
      });
      expect((await call(socket, 1, 'app:info')).result).toMatchObject({ ok: true, value: { shell: 'web', canPickFolder: false } });
      expect((await call(socket, 2, 'images:list', { filter: { kind: 'all' }, offset: 0, limit: 10 })).result).toMatchObject({
        ok: false,
        error: { code: 'NO_PROJECT' },
      });
      expect((await call(socket, 3, 'project:open', { path: projectDir })).result).toMatchObject({
        ok: false,
        error: { code: 'BAD_ARGUMENT', message: expect.stringMatching(/create: expected a boolean/) },
      });
      expect((await call(socket, 4, 'no:such', {})).result).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
      expect((await call(socket, 5, 'project:pickFolder', { purpose: 'openProject' })).result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });

      const opened = await call(socket, 6, 'project:open', { path: projectDir, create: true });
      expect(opened.result).toMatchObject({ ok: true, value: { path: projectDir } });
      const session = (opened.result as { ok: true; value: { session: string } }).value.session;
      const scan = await call(socket, 7, 'project:rescan', undefined, session);
      expect(scan.result).toMatchObject({ ok: true, value: { total: 4 } });
      expect(events).toContain('job:progress');
      expect(events).toContain('project:changed');
    } finally {
      socket.close();
    }
  });
});

describe('media route', () => {
  it('serves images by id with the token, and nothing outside the project folder', async () => {
    if (!workspace.current) await workspace.open(projectDir, true);
    await workspace.rescan();
    const [first] = workspace.current!.images.list({ kind: 'all' }, 0, 1).items;
    expect((await get(`/media/${first!.id}/full`)).status).toBe(401);
    const full = await get(`/media/${first!.id}/full?token=${host.token}`);
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe('image/png');
    expect(full.body.equals(fs.readFileSync(path.join(projectDir, first!.relPath)))).toBe(true);
    const thumb = await get(`/media/${first!.id}/thumb?token=${host.token}`);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await get(`/media/${first!.id}/full?token=${host.token}`, { 'if-none-match': String(full.headers.etag) })).status).toBe(304);
    expect((await get(`/media/999999/full?token=${host.token}`)).status).toBe(404);
    expect((await get(`/media/abc/full?token=${host.token}`)).status).toBe(404);

    // a tampered database row pointing outside the folder is refused
    const secret = path.join(path.dirname(projectDir), `secret-${path.basename(projectDir)}.png`);
    fs.copyFileSync(path.join(projectDir, first!.relPath), secret);
    workspace.current!.db.prepare('UPDATE images SET rel_path = ? WHERE id = ?').run(`../${path.basename(secret)}`, first!.id);
    const escaped = await get(`/media/${first!.id}/full?token=${host.token}`);
    expect(escaped.status).toBe(404);
    expect(escaped.body.toString()).toMatch(/outside the project folder/);
  });
});
