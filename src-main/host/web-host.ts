/**
 * The plain-Node web host: serves the built renderer and the same request handlers over
 * one WebSocket, so the whole UI runs (and is tested) in an ordinary browser. Security:
 * binds 127.0.0.1 only; every image and the WebSocket need the per-run random token in their
 * query (`?token=`), and nothing else stands for it: no cookie, since a browser sends a cookie
 * of 127.0.0.1 to every port of 127.0.0.1, so any local server the browser visits would receive
 * it. The address printed carries the token in its fragment (`/open#token=…`), which no request
 * sends: the page (the app's public code, `/`, `/open` and `/assets/`) is served to anyone, reads the
 * token there, keeps it in the tab and takes it out of the address bar (ws-raw-api.ts pageToken),
 * so it stays out of the browser's history. The Host header must name this server (no DNS
 * rebinding) and WebSocket Origins must be this server's own.
 *
 * Robustness: every socket and stream has an error listener, so one misbehaving client (a
 * malformed frame, a reset mid-response, an undecodable URL) is answered or closed with a
 * reason and logged while the host and the other clients carry on.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CLOSE_POLICY_VIOLATION,
  MAX_PROTOCOL_ERRORS,
  MEDIA_ROUTE,
  parseWsRequest,
  OPEN_ROUTE,
  TOKEN_PARAM,
  WS_ROUTE,
  type WsProtocolError,
  type WsServerMessage,
} from '../../src-shared/ws-protocol';
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

/** The built renderer's scripts and styles: the app's public code, served without the token (the page's own loads carry none). */
const PUBLIC_ASSETS = '/assets/';
/** The addresses of the app's page (index.html), public too: `/open` is the one printed (see OPEN_ROUTE). */
const PAGE_PATHS = new Set(['/', '/index.html', OPEN_ROUTE]);
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

/** The request's URL, or null when it cannot be parsed or its path is not valid percent-encoding. */
function requestUrl(raw: string | undefined): { url: URL; pathname: string } | null {
  try {
    const url = new URL(raw ?? '/', 'http://127.0.0.1');
    return { url, pathname: decodeURIComponent(url.pathname) };
  } catch {
    return null;
  }
}

/** A request URL as logged: the access token replaced by `…` (a log is no place for it). */
export function redactToken(raw: string | undefined): string {
  return (raw ?? '').replace(new RegExp(`([?&]${TOKEN_PARAM}=)[^&#]*`, 'g'), '$1…');
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { workspace, rendererDir } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const handlers = createHandlers(workspace);
  const log = workspace.options.log ?? ((m: string) => console.error(m));
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const authorised = (url: URL): boolean => tokenMatches(url.searchParams.get(TOKEN_PARAM), token);
  const assetsDir = path.resolve(rendererDir, PUBLIC_ASSETS.slice(1));
  /** The app's page and a file of the bundle's own folder, resolved (a `..` in the decoded path leaves it). */
  const isPublicPage = (pathname: string): boolean =>
    PAGE_PATHS.has(pathname) || isInside(assetsDir, path.resolve(rendererDir, pathname.slice(1)));

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}): void => {
    res.writeHead(status, { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...headers });
    res.end(body);
  };

  const serveMedia = async (res: http.ServerResponse, rest: string, req: http.IncomingMessage): Promise<void> => {
    const answer = await answerMedia(workspace.current, rest, req.headers['if-none-match']);
    send(res, answer.status, answer.body, answer.headers);
  };

  const serveStatic = async (res: http.ServerResponse, pathname: string): Promise<void> => {
    const rel = PAGE_PATHS.has(pathname) ? 'index.html' : pathname.slice(1);
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
      send(res, 200, body, headers);
    } catch {
      send(res, 404, 'Not found.');
    }
  };

  const server = http.createServer((req, res) => {
    req.on('error', (error) => log(`web host: request ${redactToken(req.url)}: ${error.message}`));
    res.on('error', (error) => log(`web host: response to ${redactToken(req.url)}: ${error.message}`));
    if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 421, 'Unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed.');
    const parsed = requestUrl(req.url);
    if (!parsed) return send(res, 400, 'Malformed URL (invalid percent-encoding).', { 'Content-Type': 'text/plain; charset=utf-8' });
    const { url, pathname } = parsed;
    if (!isPublicPage(pathname) && !authorised(url)) {
      return send(res, 401, 'ADMA Studio: this address needs the token printed when the server started (open the full URL it printed).', {
        'Content-Type': 'text/plain; charset=utf-8',
      });
    }
    const done = (p: Promise<void>): void => {
      p.catch((error: Error) => {
        log(`web host: ${redactToken(req.url)}: ${error.message}`);
        if (!res.headersSent) send(res, 500, 'Internal error.');
      });
    };
    if (pathname.startsWith(MEDIA_ROUTE)) return done(serveMedia(res, pathname.slice(MEDIA_ROUTE.length), req));
    return done(serveStatic(res, pathname));
  });
  // A malformed request line or headers, or a connection reset before a request was read.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    log(`web host: bad HTTP request: ${error.code ?? 'error'}: ${error.message}`);
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  wss.on('error', (error) => log(`web host: WebSocket server: ${error.message}`));
  server.on('upgrade', (req, socket, head) => {
    // Until ws takes the socket over, nobody else listens for its errors.
    const onHandshakeError = (error: Error): void => log(`web host: WebSocket handshake: ${error.message}`);
    socket.on('error', onHandshakeError);
    const url = requestUrl(req.url)?.url;
    const ok =
      url !== undefined &&
      url.pathname === WS_ROUTE &&
      allowedHosts.has(req.headers.host ?? '') &&
      allowedOrigins.has(req.headers.origin ?? '') &&
      authorised(url);
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      socket.off('error', onHandshakeError);
      wss.emit('connection', client);
    });
  });

  wss.on('connection', (client: WebSocket) => {
    const post = (message: WsServerMessage): void => {
      if (client.readyState !== client.OPEN) return;
      let text: string;
      try {
        text = JSON.stringify(message);
      } catch (error) {
        // An answer that cannot be serialised still ends the request, as an error.
        log(`web host: cannot send a ${message.type}: ${(error as Error).message}`);
        if (message.type !== 'response') return;
        text = JSON.stringify({ type: 'response', id: message.id, result: { ok: false, error: { code: 'INTERNAL', message: 'The answer could not be sent.' } } });
      }
      client.send(text);
    };
    let protocolErrors = 0;
    const refuse = (error: WsProtocolError): void => {
      protocolErrors += 1;
      if (protocolErrors > MAX_PROTOCOL_ERRORS) {
        log(`web host: closed a WebSocket client after ${MAX_PROTOCOL_ERRORS} malformed messages`);
        client.close(CLOSE_POLICY_VIOLATION, 'Too many malformed messages.');
        return;
      }
      post(error);
    };
    // ws has already sent the close frame (1002 protocol error, 1007 invalid UTF-8, 1009
    // too big) when it reports a bad frame here; without this listener it would end the process.
    client.on('error', (error: Error & { code?: string }) => log(`web host: closed a WebSocket client: ${error.code ?? 'error'}: ${error.message}`));
    const unsubscribe = workspace.events.subscribe((event, payload) => post({ type: 'event', event, payload }));
    client.on('close', unsubscribe);
    client.on('message', (data, isBinary) => {
      if (isBinary) return refuse({ type: 'protocol-error', id: null, message: 'Binary messages are not part of the protocol: send JSON text.' });
      const parsed = parseWsRequest(String(data));
      if (!parsed.ok) return refuse(parsed.error);
      const { id, channel, args, session, windowId } = parsed.request;
      void dispatch(handlers, channel, args, log, { session, workspace, windowId }).then((result) => post({ type: 'response', id, result }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, a server error (e.g. too many open files on accept) is logged, not fatal.
  server.on('error', (error) => log(`web host: server: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origin = `http://127.0.0.1:${port}`;
  allowedOrigins = new Set([origin, `http://localhost:${port}`]);

  return {
    url: `${origin}${OPEN_ROUTE}#${TOKEN_PARAM}=${encodeURIComponent(token)}`,
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
