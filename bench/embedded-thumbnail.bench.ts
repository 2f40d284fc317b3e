/**
 * What the EXIF-embedded thumbnail costs the back end, against the gallery thumbnail it stands in
 * for before extraction: `npx tsx bench/embedded-thumbnail.bench.ts [--images 10] [--size 6000x4000]`.
 * Camera-like photo JPEGs (bench/support/jpeg-folder.ts, `exif`); per file, wall time on one
 * thread of: reading the embedded thumbnail (the file's first 128 KiB, synchronously, and exifr),
 * and making the gallery thumbnail from the file (sharp's shrink-on-load decode, resize, WebP).
 * The files were just written, so they are in the page cache (as after a scan, which reads every
 * byte to hash it); a read from a cold disk adds the disk's latency to the first.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { readEmbeddedThumbnail } from '../src-main/media/embedded-thumbnail';
import { decodeOriginal, encodeThumbnail, thumbnailPixels } from '../src-main/media/media-cache';
import { writeJpegs } from './support/jpeg-folder';

const { values } = parseArgs({ options: { images: { type: 'string', default: '10' }, size: { type: 'string', default: '6000x4000' } } });
const [width, height] = values.size.split('x').map(Number) as [number, number];
const count = Number(values.images);

const percentile = (samples: number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const summary = (samples: number[]): string => `p50 ${percentile(samples, 50).toFixed(3)} ms, p95 ${percentile(samples, 95).toFixed(3)} ms, max ${Math.max(...samples).toFixed(3)} ms`;

async function main(): Promise<void> {
  sharp.concurrency(1);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-embedded-'));
  try {
    const files = await writeJpegs(dir, width, height, count, true, true);
    const main = { format: 'jpeg', width, height, orientation: 1 };
    const sizes = await Promise.all(files.map(async (f) => (await fs.stat(f)).size));
    console.log(`${count} photo-like camera JPEGs of ${width}×${height}, ${(sizes.reduce((a, b) => a + b, 0) / count / 1e6).toFixed(1)} MB each, load ${os.loadavg()[0]!.toFixed(1)}`);
    const embedded: number[] = [];
    let bytes = 0;
    // 20 rounds over the files: what a question about 200 images ahead reads when none is known.
    for (let round = 0; round < 20; round++) {
      for (const file of files) {
        const started = performance.now();
        const thumb = await readEmbeddedThumbnail(file, main);
        embedded.push(performance.now() - started);
        if (!thumb) throw new Error(`${file}: no embedded thumbnail`);
        bytes = thumb.length;
      }
    }
    console.log(`embedded thumbnail (${bytes} bytes): ${summary(embedded)}; 200 of them ${embedded.reduce((a, b) => a + b, 0).toFixed(1)} ms`);
    const gallery: number[] = [];
    for (const file of files) {
      const started = performance.now();
      await encodeThumbnail(await thumbnailPixels(decodeOriginal(file)));
      gallery.push(performance.now() - started);
    }
    console.log(`gallery thumbnail from the file (one sharp thread): ${summary(gallery)}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
