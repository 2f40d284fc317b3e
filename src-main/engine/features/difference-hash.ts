/**
 * Difference hashes (dHash) of image thumbnails, the perceptual half of the near-duplicate
 * test (adma/near-duplicates.ts): the image, EXIF-rotated and in grey, shrunk to 9 x 8 pixels;
 * bit (y, x) is set when pixel (x, y) is brighter than its right neighbour. A re-encoded,
 * resized, brightened or slightly cropped copy keeps nearly every bit; a different photo
 * differs in about half of them.
 *
 * Hashes are derived data, cached per content hash in `<project>/.adma/perceptual.db`
 * (deleting it costs recomputation only): one sharp decode per image the first time (with
 * JPEG shrink-on-load, a few milliseconds each: about half a minute for 10,000 images on
 * two cores, five minutes for 100,000), a lookup afterwards.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pLimit from 'p-limit';
import sharp from 'sharp';
import type { PerceptualCodes } from '../adma/near-duplicates';

/** The two 32-bit words (high: rows 0-3, low: rows 4-7) of an image's difference hash. */
export async function differenceHash(input: string | Buffer): Promise<[number, number]> {
  const { data, info } = await sharp(input, { failOn: 'none', animated: false, pages: 1 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  const words: [number, number] = [0, 0];
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const left = data[(y * 9 + x) * channels] as number;
      const right = data[(y * 9 + x + 1) * channels] as number;
      if (left > right) {
        const bit = (y % 4) * 8 + x;
        const w = y < 4 ? 0 : 1;
        words[w] = (words[w] | (1 << bit)) >>> 0;
      }
    }
  }
  return words;
}

export function perceptualStorePath(projectDir: string): string {
  return join(projectDir, '.adma', 'perceptual.db');
}

export interface HashedFile {
  /** Content hash (the cache key). */
  hash: string;
  /** Absolute path; without one the image's code stays unknown unless cached. */
  path?: string;
}

/**
 * Difference hashes of `files` in order, from the cache or computed (four files at a time)
 * and cached. A file that cannot be decoded gets an unknown code (and is tried again next time).
 */
export async function perceptualCodes(
  projectDir: string,
  files: readonly HashedFile[],
  onProgress?: (done: number, total: number) => void,
): Promise<PerceptualCodes> {
  const path = perceptualStorePath(projectDir);
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS dhash (hash TEXT PRIMARY KEY, high INTEGER NOT NULL, low INTEGER NOT NULL) WITHOUT ROWID');
    const words = new Uint32Array(files.length * 2);
    const known = new Uint8Array(files.length);
    const get = db.prepare('SELECT high, low FROM dhash WHERE hash = ?');
    const todo: number[] = [];
    files.forEach((file, i) => {
      const row = get.get(file.hash) as { high: number; low: number } | undefined;
      if (row) {
        words[2 * i] = row.high;
        words[2 * i + 1] = row.low;
        known[i] = 1;
      } else if (file.path) todo.push(i);
    });
    const put = db.prepare('INSERT OR REPLACE INTO dhash (hash, high, low) VALUES (?, ?, ?)');
    const limit = pLimit(4);
    let done = 0;
    const fresh: [string, number, number][] = [];
    await Promise.all(
      todo.map((i) =>
        limit(async () => {
          const file = files[i] as HashedFile;
          try {
            const [high, low] = await differenceHash(file.path as string);
            words[2 * i] = high;
            words[2 * i + 1] = low;
            known[i] = 1;
            fresh.push([file.hash, high, low]);
          } catch {
            // unreadable now: unknown, so never called a near duplicate
          }
          done++;
          if (onProgress && (done % 64 === 0 || done === todo.length)) onProgress(done, todo.length);
        }),
      ),
    );
    db.transaction(() => fresh.forEach((row) => put.run(...row)))();
    return { words, known };
  } finally {
    db.close();
  }
}
