/** A test client of the web host: plain HTTP GETs, an authorised WebSocket, one request at a time. */
import http from 'node:http';
import WebSocket from 'ws';
import type { WsServerMessage } from '../../src-shared/ws-protocol';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function httpGet(port: number, pathAndQuery: string, headers: http.OutgoingHttpHeaders = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function wsConnect(port: number, query: string, origin: string | null = `http://127.0.0.1:${port}`): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, origin ? { origin } : {});
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** The next server message that matches, parsed. */
export function nextMessage(socket: WebSocket, matches: (message: WsServerMessage) => boolean): Promise<WsServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(String(data)) as WsServerMessage;
      if (matches(message)) {
        socket.off('message', onMessage);
        resolve(message);
      }
    };
    socket.on('message', onMessage);
  });
}

/**
 * Send one request and wait for its answer. `session` is the opening of a project the sender
 * shows (OpenProjectSummary.session); project requests without the open one are refused.
 */
export async function wsCall(
  socket: WebSocket,
  id: number,
  channel: string,
  args?: unknown,
  session: string | null = null,
): Promise<WsServerMessage & { type: 'response' }> {
  const answer = nextMessage(socket, (m) => m.type === 'response' && m.id === id);
  socket.send(JSON.stringify({ type: 'request', id, channel, args, session }));
  return (await answer) as WsServerMessage & { type: 'response' };
}
