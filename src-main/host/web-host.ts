/**
 * The plain-Node web host: serves the built renderer and the same request handlers over
 * one WebSocket, so the whole UI runs (and is tested) in an ordinary browser. Security:
 * binds 127.0.0.1 only; every HTTP request, image and WebSocket needs the per-run random
 * token (query `?token=` or the HttpOnly cookie set when the page first loads with it);
 * the Host header must name this server (no DNS rebinding) and WebSocket Origins must be
 * this server's own.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MEDIA_ROUTE, TOKEN_PARAM, WS_ROUTE, type WsRequest, type WsServerMessage } from '../../src-shared/ws-protocol';
import { dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import type { Workspace } from '../api/workspace';
import { answerMedia } from '../media/media-request';
import { isInside } from '../media/path-containment';

export interface WebHostOptions {
  workspace: Workspace;
  rendererDir: string;
  port?: number;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

export interface WebHost {
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'adma_token';
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return null;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { workspace, rendererDir } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const handlers = createHandlers(workspace);
  const log = workspace.options.log ?? ((m: string) => console.error(m));
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const authorised = (req: http.IncomingMessage, url: URL): boolean =>
    tokenMatches(url.searchParams.get(TOKEN_PARAM), token) || tokenMatches(cookieToken(req.headers.cookie), token);

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}): void => {
    res.writeHead(status, { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...headers });
    res.end(body);
  };

  const serveMedia = async (res: http.ServerResponse, rest: string, req: http.IncomingMessage): Promise<void> => {
    const answer = await answerMedia(workspace.current, rest, req.headers['if-none-match']);
    send(res, answer.status, answer.body, answer.headers);
  };

  const serveStatic = async (res: http.ServerResponse, pathname: string, setCookie: boolean): Promise<void> => {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    const file = path.resolve(rendererDir, rel);
    if (!isInside(path.resolve(rendererDir), file)) return send(res, 404, 'Not found.');
    try {
      const body = await fs.readFile(file);
      const headers: http.OutgoingHttpHeaders = {
        'Content-Type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
      };
      if (file.endsWith('.html')) {
        headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
        headers['X-Frame-Options'] = 'DENY';
      }
      if (setCookie) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      send(res, 200, body, headers);
    } catch {
      send(res, 404, 'Not found.');
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 421, 'Unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed.');
    if (!authorised(req, url)) {
      return send(res, 401, 'ADMA Studio: this address needs the token printed when the server started (open the full URL it printed).', {
        'Content-Type': 'text/plain; charset=utf-8',
      });
    }
    const done = (p: Promise<void>): void => {
      p.catch((error: Error) => {
        log(`web host: ${req.url}: ${error.message}`);
        if (!res.headersSent) send(res, 500, 'Internal error.');
      });
    };
    if (url.pathname.startsWith(MEDIA_ROUTE)) return done(serveMedia(res, url.pathname.slice(MEDIA_ROUTE.length), req));
    return done(serveStatic(res, url.pathname, url.searchParams.has(TOKEN_PARAM)));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ok =
      url.pathname === WS_ROUTE && allowedHosts.has(req.headers.host ?? '') && allowedOrigins.has(req.headers.origin ?? '') && authorised(req, url);
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client));
  });

  wss.on('connection', (client: WebSocket) => {
    const post = (message: WsServerMessage): void => {
      if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
    };
    const unsubscribe = workspace.events.subscribe((event, payload) => post({ type: 'event', event, payload }));
    client.on('close', unsubscribe);
    client.on('message', (data) => {
      let message: WsRequest;
      try {
        message = JSON.parse(String(data)) as WsRequest;
      } catch {
        return;
      }
      if (message?.type !== 'request' || typeof message.id !== 'number') return;
      void dispatch(handlers, message.channel, message.args, log).then((result) => post({ type: 'response', id: message.id, result }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origin = `http://127.0.0.1:${port}`;
  allowedOrigins = new Set([origin, `http://localhost:${port}`]);

  return {
    url: `${origin}/?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    origin,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
