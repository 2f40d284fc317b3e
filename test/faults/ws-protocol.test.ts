/**
 * Fault script (issue 11.22): messages that are valid WebSocket frames but not requests,
 * and URLs that are not valid percent-encoding. Each used to be dropped without a word (or
 * answered 500); now each gets a protocol error, repeated abuse closes the connection, and
 * a bad URL is a 400.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { MAX_PROTOCOL_ERRORS, type WsServerMessage } from '../../src-shared/ws-protocol';
import { httpGet, nextMessage, wsCall, wsConnect } from '../support/web-host-client';
import { hostWithProject, type HostFixture } from './host-fixture';

let fx: HostFixture;

beforeAll(async () => {
  fx = await hostWithProject(1);
});

afterAll(async () => {
  await fx.close();
});

const connect = (): Promise<WebSocket> => wsConnect(fx.port, `?token=${fx.host.token}`);

async function answerTo(socket: WebSocket, raw: string | Buffer): Promise<WsServerMessage> {
  const answer = nextMessage(socket, (m) => m.type !== 'event');
  socket.send(raw);
  return answer;
}

describe('messages that are not requests', () => {
  const cases: { name: string; raw: string | Buffer; id: number | null; reason: RegExp }[] = [
    { name: 'malformed JSON', raw: '{"type":"request",', id: null, reason: /not JSON/ },
    { name: 'a number', raw: '42', id: null, reason: /message: expected an object, got number/ },
    { name: 'a string', raw: '"hello"', id: null, reason: /message: expected an object, got "hello"/ },
    { name: 'null', raw: 'null', id: null, reason: /message: expected an object, got null/ },
    { name: 'an array', raw: '[{"type":"request","id":1,"channel":"app:info"}]', id: null, reason: /expected an object, got an array/ },
    { name: 'a string id', raw: '{"type":"request","id":"7","channel":"app:info"}', id: null, reason: /message\.id: expected an integer/ },
    { name: 'a missing channel', raw: '{"type":"request","id":8}', id: 8, reason: /message\.channel: expected a string/ },
    { name: 'a wrong type', raw: '{"type":"response","id":9,"channel":"app:info"}', id: 9, reason: /message\.type: expected one of request/ },
    { name: 'an unknown field', raw: '{"type":"request","id":10,"channel":"app:info","__proto__":{}}', id: 10, reason: /message\.__proto__: expected no such field/ },
    { name: 'a binary message', raw: Buffer.from('{"type":"request","id":11,"channel":"app:info"}'), id: null, reason: /Binary messages/ },
  ];

  it('answers each with a protocol error that names the problem, and keeps serving requests', async () => {
    const socket = await connect();
    try {
      for (const c of cases) {
        const answer = await answerTo(socket, c.raw);
        expect(answer, c.name).toMatchObject({ type: 'protocol-error', id: c.id, message: expect.stringMatching(c.reason) });
      }
      expect((await wsCall(socket, 100, 'app:info')).result).toMatchObject({ ok: true });
    } finally {
      socket.close();
    }
  });

  it(`closes a connection after ${MAX_PROTOCOL_ERRORS} malformed messages (1008) while other clients carry on`, async () => {
    const abuser = await connect();
    const bystander = await connect();
    try {
      const closed = new Promise<{ code: number; reason: string }>((resolve) => abuser.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
      for (let i = 0; i < MAX_PROTOCOL_ERRORS; i++) expect((await answerTo(abuser, 'null')).type).toBe('protocol-error');
      abuser.send('null');
      expect(await closed).toEqual({ code: 1008, reason: 'Too many malformed messages.' });
      expect((await wsCall(bystander, 1, 'project:current')).result).toMatchObject({ ok: true, value: { imageCount: 1 } });
    } finally {
      bystander.close();
    }
  });
});

describe('URLs that are not valid percent-encoding', () => {
  it('answers 400, with or without the token, and the host carries on', async () => {
    expect((await httpGet(fx.port, `/%E0%A4%A?token=${fx.host.token}`)).status).toBe(400);
    expect((await httpGet(fx.port, '/%E0%A4%A')).status).toBe(400);
    expect((await httpGet(fx.port, `/media/%FF/thumb?token=${fx.host.token}`)).status).toBe(400);
    expect((await httpGet(fx.port, `/?token=${fx.host.token}`)).status).toBe(200);
  });

  it('refuses a WebSocket upgrade to such a URL without ending the host', async () => {
    await expect(wsConnect(fx.port, `/%E0%A4%A?token=${fx.host.token}`)).rejects.toThrow(/403/);
    const socket = await connect();
    socket.close();
  });
});

/** Sends raw bytes and returns the status line of the answer. */
function rawHttp(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(fx.port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
  });
}

describe('requests that are not HTTP', () => {
  it('answers a garbage request line 400 and oversized headers 431, and the host carries on', async () => {
    expect(await rawHttp('GARBAGE\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawHttp(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${fx.port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect((await httpGet(fx.port, `/?token=${fx.host.token}`)).status).toBe(200);
  });
});
