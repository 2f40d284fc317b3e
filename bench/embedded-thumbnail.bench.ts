/**
 * What the EXIF-embedded thumbnail costs the back end, against the gallery thumbnail it stands in
 * for before extraction: `npx tsx bench/embedded-thumbnail.bench.ts [--images 10] [--size 6000x4000]`.
 * Camera-like photo JPEGs (bench/support/jpeg-folder.ts, `exif`); per file, wall time on one
 * thread of: reading the embedded thumbnail (the file's first 128 KiB, synchronously, and exifr),
 * and making the gallery thumbnail from the file (sharp's shrink-on-load decode, resize, WebP).
 * The files were just written, so they are in the page cache (as after a scan, which reads every
 * byte to hash it); a read from a cold disk adds the disk's latency to the first.
 * `--page N`: a gallery page of N camera JPEGs none of whose embedded thumbnails is known yet
 * (N files: copies of the generated ones, each its own file), asked about as the gallery asks
 * (`embeddedThumbnails`, the host's `images:thumbnailsCached`): every read timed, the page's total
 * without a budget, and the questions the page takes with the host's budget (the longest one
 * is the longest the host's main thread is held); in the page cache, then with each file's pages
 * dropped from it first (`dd iflag=nocache`, a cold read from the disk).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { readEmbeddedThumbnail } from '../src-main/media/embedded-thumbnail';
import { embeddedThumbnails, forgetEmbeddedThumbnails, type MediaSource } from '../src-main/media/image-media';
import { decodeOriginal, encodeThumbnail, thumbnailPixels } from '../src-main/media/media-cache';
import { writeJpegs } from './support/jpeg-folder';

const { values } = parseArgs({ options: { images: { type: 'string', default: '10' }, size: { type: 'string', default: '6000x4000' }, page: { type: 'string', default: '0' } } });
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
    const page = Number(values.page);
    if (page > 0) await galleryPage(dir, files, page, main);
    const gallery: number[] = [];
    for (const file of files) {
      const started = performance.now();
      await encodeThumbnail(await thumbnailPixels(await decodeOriginal(file)));
      gallery.push(performance.now() - started);
    }
    console.log(`gallery thumbnail from the file (one sharp thread): ${summary(gallery)}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Drop `file`'s pages from the page cache (POSIX_FADV_DONTNEED through GNU dd). */
const dropFromCache = (file: string): void => void execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);

async function galleryPage(dir: string, files: string[], page: number, main: { format: string; width: number; height: number; orientation: number }): Promise<void> {
  const pageDir = path.join(dir, 'page');
  await fs.mkdir(pageDir);
  const pageFiles: string[] = [];
  for (let i = 0; i < page; i++) {
    const file = path.join(pageDir, `page-${String(i).padStart(4, '0')}.jpg`);
    await fs.copyFile(files[i % files.length]!, file);
    pageFiles.push(file);
  }
  // The host's source: image i + 1 is page file i (each its own hash, so nothing is known ahead).
  const source: MediaSource = {
    root: pageDir,
    adminDir: path.join(dir, 'admin'),
    locate: (id) => ({ relPath: path.basename(pageFiles[id - 1]!), hash: `page-${id}`, ...main }),
  };
  const ids = pageFiles.map((_, i) => i + 1);
  for (const cold of [false, true]) {
    const where = cold ? 'cold (dropped from the page cache)' : 'in the page cache';
    // Every read on its own.
    if (cold) pageFiles.forEach(dropFromCache);
    const reads: number[] = [];
    for (const file of pageFiles) {
      const started = performance.now();
      await readEmbeddedThumbnail(file, main);
      reads.push(performance.now() - started);
    }
    console.log(`gallery page of ${page}, ${where}: one read ${summary(reads)}`);
    // The page in one question without a budget (what a request reading them all would hold the main thread for).
    if (cold) pageFiles.forEach(dropFromCache);
    forgetEmbeddedThumbnails();
    let started = performance.now();
    const all = await embeddedThumbnails(source, ids, Infinity);
    const whole = performance.now() - started;
    // As the host answers: questions with its time budget, each asking about what is left.
    if (cold) pageFiles.forEach(dropFromCache);
    forgetEmbeddedThumbnails();
    const questions: number[] = [];
    let left = ids;
    while (left.length > 0) {
      started = performance.now();
      const answer = await embeddedThumbnails(source, left);
      questions.push(performance.now() - started);
      left = answer.unchecked;
    }
    console.log(
      `  the page in one question: ${whole.toFixed(1)} ms (${all.embedded.length} found); with the host's budget: ${questions.length} questions, longest ${Math.max(...questions).toFixed(1)} ms, total ${questions.reduce((a, b) => a + b, 0).toFixed(1)} ms`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
