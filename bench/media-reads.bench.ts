/**
 * What the media server pays per image it serves, beyond the bytes: the path checks
 * (path-containment.ts) and the cache lookups (image-media.ts, media-cache.ts), old code
 * against new. `npx tsx bench/media-reads.bench.ts [--old <checkout of the code before>]
 * [--images 1000] [--rounds 5] [--variant thumb|full] [--code both|old|new]`.
 *
 * A project folder of `--images` small PNGs (64×64, ~1 KB: the bytes cost next to nothing, so
 * what is measured is the checks) in `images/`, under bench/.work/media-reads/. The thumbnail
 * cache is warmed first (every thumbnail rendered once), as after feature extraction, then each
 * round serves every image (`readMedia`, six at a time, as a browser's connections to one host)
 * with the old code and the new, alternating; wall time and the process's CPU per request.
 * `--code new --rounds 0` and `--code new --rounds 2` under `strace -f -c` give the system calls
 * of the serving alone (the difference of the two, per request: bench/README.md).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { MediaVariant } from '../src-shared/contract';
import type { MediaSource, readMedia as ReadMedia } from '../src-main/media/image-media';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    images: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    variant: { type: 'string', default: 'thumb' },
    code: { type: 'string', default: 'both' },
  },
});
const count = Number(values.images);
const rounds = Number(values.rounds);
const variant = values.variant as MediaVariant;
const codes = values.code === 'both' ? (['old', 'new'] as const) : ([values.code] as ['old' | 'new']);
if (codes.includes('old') && !values.old) throw new Error('--old <checkout of the code before> is required to run the old code (its src-main is imported as is).');

const implementations: Record<'old' | 'new', typeof ReadMedia | null> = {
  new: (await import('../src-main/media/image-media')).readMedia,
  old: values.old ? ((await import(pathToFileURL(path.resolve(values.old, 'src-main/media/image-media.ts')).href)) as { readMedia: typeof ReadMedia }).readMedia : null,
};

/** The project folder: made once per image count, kept (its thumbnails are the warm cache). */
async function project(): Promise<MediaSource> {
  const root = path.resolve('bench/.work/media-reads', String(count));
  const images: { relPath: string; hash: string }[] = [];
  for (let i = 0; i < count; i++) {
    const relPath = `images/img-${String(i).padStart(5, '0')}.png`;
    const file = path.join(root, relPath);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: (i * 7) % 256 } } })
        .png()
        .toFile(file);
    }
    images.push({ relPath, hash: createHash('sha256').update(fs.readFileSync(file)).digest('hex') });
  }
  return {
    root,
    adminDir: path.join(root, '.adma'),
    locate: (id) => ({ ...images[id]!, format: 'png', orientation: 1, width: 64, height: 64 }),
  };
}

/** Serve every image once, six at a time: wall and CPU milliseconds. */
async function serve(readMedia: typeof ReadMedia, source: MediaSource): Promise<{ wallMs: number; cpuMs: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < count) await readMedia(source, next++, variant);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const source = await project();
await serve(implementations.new!, source); // the warm cache (thumbnails) and the page cache
const results: Record<string, { wallMs: number; cpuMs: number }[]> = { old: [], new: [] };
for (let round = 0; round < rounds; round++) {
  for (const code of codes) results[code]!.push(await serve(implementations[code]!, source));
}
if (rounds > 0) {
  console.log(`${count} images, '${variant}', ${rounds} rounds, node ${process.version}\n\n| code | ${variant === 'thumb' ? 'thumbnails' : 'images'}/s (median) | wall µs/request | CPU µs/request |\n|---|---|---|---|`);
  for (const code of codes) {
    const wall = median(results[code]!.map((r) => r.wallMs));
    const cpu = median(results[code]!.map((r) => r.cpuMs));
    console.log(`| ${code} | ${Math.round((count * 1000) / wall)} | ${Math.round((wall * 1000) / count)} | ${Math.round((cpu * 1000) / count)} |`);
  }
}
