/**
 * Slow fault script (issue 11.23, `npm run test:faults`): a burst of 10,000 thumbnail
 * requests, 50 at a time, over 300 images whose thumbnails are not cached; each image is
 * asked for five times in a row (as a scrolling gallery and its prefetcher do), so requests
 * for one uncached thumbnail overlap. Every request must be answered 200; the script prints
 * what it measured.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostWithProject, type HostFixture } from './host-fixture';

let fx: HostFixture;

beforeAll(async () => {
  fx = await hostWithProject(300);
}, 600_000);

afterAll(async () => {
  await fx.close();
});

describe('thumbnail burst', () => {
  it('answers every one of 10,000 thumbnail requests made 50 at a time', { timeout: 900_000 }, async () => {
    const ids = fx.imageIds();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const total = 10_000;
    const statuses = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    const one = (id: number): Promise<string> =>
      new Promise((resolve) => {
        const req = http.get(
          { host: '127.0.0.1', port: fx.port, path: `/media/${id}/thumb?token=${fx.host.token}`, agent, headers: { host: `127.0.0.1:${fx.port}` } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.statusCode)));
            res.on('error', (e) => resolve(e.message));
          },
        );
        req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
      });
    const worker = async (): Promise<void> => {
      while (next < total) {
        const i = next++;
        const outcome = await one(ids[Math.floor(i / 5) % ids.length]!);
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;
    console.log(`thumbnail burst: ${total} requests, 50 concurrent, ${ids.length} uncached images: ${JSON.stringify(Object.fromEntries(statuses))} in ${seconds.toFixed(1)} s`);
    expect(Object.fromEntries(statuses)).toEqual({ '200': total });
  });
});
