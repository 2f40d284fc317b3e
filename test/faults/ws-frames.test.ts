/**
 * Fault script (issue 15.1): malformed WebSocket frames sent over raw TCP. Each one used to
 * end the whole host with "Unhandled 'error' event"; now the bad client is closed with a
 * close code that names the fault, and a second client still labels an image.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wsCall, wsConnect } from '../support/web-host-client';
import { hostWithProject, type HostFixture } from './host-fixture';

let fx: HostFixture;

beforeAll(async () => {
  fx = await hostWithProject(3);
});

afterAll(async () => {
  await fx.close();
});

/** A frame header; masked frames carry a random key and the masked payload. */
function frame(opcode: number, payload: Buffer, opts: { masked?: boolean; declaredLength?: number } = {}): Buffer {
  const masked = opts.masked ?? true;
  const length = opts.declaredLength ?? payload.length;
  const head: number[] = [0x80 | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, body]);
}

interface RawOutcome {
  /** Close code of the server's close frame, null when none arrived. */
  closeCode: number | null;
}

/** Handshake over raw TCP, send `bytes`, and collect what the server answers until it hangs up. */
function sendRaw(bytes: Buffer): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(fx.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on('error', () => {
      // the server may reset after its close frame; what arrived is what counts
    });
    socket.on('connect', () => {
      socket.write(
        [
          `GET /ws?token=${fx.host.token} HTTP/1.1`,
          `Host: 127.0.0.1:${fx.port}`,
          `Origin: http://127.0.0.1:${fx.port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = received.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) {
          reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
          return;
        }
        upgraded = true;
        received = received.subarray(end + 4);
        socket.write(bytes);
      }
      // the first server frame after the handshake is its close frame: 0x88, length, code
      if (received.length >= 4 && received[0] === 0x88) {
        resolve({ closeCode: received.readUInt16BE(2) });
        socket.destroy();
      }
    });
    socket.on('close', () => resolve({ closeCode: null }));
  });
}

describe('malformed WebSocket frames', () => {
  const cases: { name: string; bytes: () => Buffer; code: number; error: string }[] = [
    {
      name: 'a 5 MB text message (over the 4 MB limit)',
      bytes: () => frame(0x1, Buffer.alloc(5 * 1024 * 1024, 0x61)),
      code: 1009,
      error: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    },
    { name: 'a 3-byte invalid UTF-8 text frame', bytes: () => frame(0x1, Buffer.from([0xff, 0xfe, 0xfd])), code: 1007, error: 'WS_ERR_INVALID_UTF8' },
    { name: 'an unmasked frame', bytes: () => frame(0x1, Buffer.from('{"type":"request"}'), { masked: false }), code: 1002, error: 'WS_ERR_EXPECTED_MASK' },
    { name: 'a reserved opcode (0x3)', bytes: () => frame(0x3, Buffer.from('x')), code: 1002, error: 'WS_ERR_INVALID_OPCODE' },
    { name: 'a reserved control opcode (0xB)', bytes: () => frame(0xb, Buffer.from('x')), code: 1002, error: 'WS_ERR_INVALID_OPCODE' },
  ];

  for (const c of cases) {
    it(`closes the client that sends ${c.name} with code ${c.code}, and keeps serving others`, async () => {
      fx.logs.length = 0;
      const outcome = await sendRaw(c.bytes());
      expect(outcome.closeCode).toBe(c.code);
      expect(fx.logs.filter((m) => m.startsWith(`web host: closed a WebSocket client: ${c.error}`))).toHaveLength(1);
    });
  }

  it('still labels an image over a second connection after all of them', async () => {
    for (const c of cases) await sendRaw(c.bytes());
    const socket = await wsConnect(fx.port, `?token=${fx.host.token}`);
    try {
      const session = fx.workspace.session;
      const created = await wsCall(socket, 1, 'classes:create', { name: 'cat' }, session);
      expect(created.result.ok).toBe(true);
      const classId = (created.result as { ok: true; value: { id: number } }).value.id;
      const [imageId] = fx.imageIds();
      const labeled = await wsCall(socket, 2, 'labels:set', { imageIds: [imageId], classId }, session);
      expect(labeled.result).toMatchObject({ ok: true, value: { imageIds: [imageId], classIds: [classId] } });
      expect(fx.workspace.current!.images.get(imageId!).classId).toBe(classId);
    } finally {
      socket.close();
    }
  });
});
