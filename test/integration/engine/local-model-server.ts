/** A 127.0.0.1 HTTP server for a model folder, for download tests. */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A 127.0.0.1 server for a model folder with Range support, broken transfers and corrupted files on demand. */
export interface ModelServer {
  base: string;
  log: { file: string; range: string | null }[];
  /** Files whose next full transfer stops half-way (socket destroyed). */
  interruptNext: Set<string>;
  /** Files served with one byte flipped. */
  corrupt: Set<string>;
  close(): Promise<void>;
}

export async function startModelServer(dir: string): Promise<ModelServer> {
  const state = { log: [] as ModelServer['log'], interruptNext: new Set<string>(), corrupt: new Set<string>() };
  const server: Server = createServer((request, response) => {
    const file = decodeURIComponent((request.url ?? '/').replace(/^\/models\//, ''));
    const range = request.headers.range ?? null;
    state.log.push({ file, range });
    const path = join(dir, file);
    if (file.includes('/') || !existsSync(path)) {
      response.writeHead(404).end('not found');
      return;
    }
    const bytes = Buffer.from(readFileSync(path));
    if (state.corrupt.has(file)) {
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = (bytes[middle] as number) ^ 0xff;
    }
    const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
    if (start >= bytes.length && range) {
      response.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    const body = bytes.subarray(start);
    response.writeHead(range ? 206 : 200, {
      'Content-Length': body.length,
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (state.interruptNext.has(file) && body.length > 1) {
      state.interruptNext.delete(file);
      response.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => response.destroy(), 20));
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/models/`,
    ...state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

