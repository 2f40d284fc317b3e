/** A 127.0.0.1 HTTP server for a model folder, for download tests. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A 127.0.0.1 server for a model folder with Range support, broken transfers and corrupted files on demand. */
export interface ModelServer {
  base: string;
  log: { file: string; range: string | null }[];
  /**
   * Files whose next full transfer stops half-way (socket destroyed). Where the client keeps
   * `<file>.part` (partsIn), only once the half is written there: a reset drops the bytes the
   * client has not read yet, and on a busy machine it may not have read any.
   */
  interruptNext: Set<string>;
  /** The folder where the client writes `<file>.part` while downloading (null: not waited for). */
  partsIn(dir: string | null): void;
  /** Files served with one byte flipped. */
  corrupt: Set<string>;
  close(): Promise<void>;
}

export async function startModelServer(dir: string): Promise<ModelServer> {
  const state = { log: [] as ModelServer['log'], interruptNext: new Set<string>(), corrupt: new Set<string>() };
  let partsDir: string | null = null;
  const partSize = (file: string): number => {
    try {
      return statSync(join(partsDir as string, `${file}.part`)).size;
    } catch {
      return 0;
    }
  };
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
      const half = body.subarray(0, Math.floor(body.length / 2));
      // Wait for the state (the half on the client's disk), not for a duration.
      const cut = (): void => {
        if (partsDir === null || response.destroyed || partSize(file) >= start + half.length) response.destroy();
        else setTimeout(cut, 10);
      };
      response.write(half, cut);
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/models/`,
    ...state,
    partsIn: (dir) => {
      partsDir = dir;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

