/**
 * The perceptual codes of images, the thumbnail half of the near-duplicate test
 * (adma/near-duplicates.ts):
 * - difference hashes (dHash): the image, EXIF-rotated and in grey, shrunk to 9 x 8 pixels;
 *   bit (y, x) is set when pixel (x, y) is brighter than its right neighbour. A re-encoded,
 *   resized, brightened or slightly cropped copy keeps nearly every bit; a different photo
 *   differs in about half of them (but two drawings of a digit may not);
 * - grey thumbnails of THUMBNAIL_SIDE^2 bytes, stretched to a square, from which the gradient
 *   codes of adma/thumbnail-correlation.ts are derived when a pair is compared.
 *
 * Codes are derived data, cached per content hash in `<project>/.adma/perceptual.db` (tables
 * `dhash` and `thumbnail`; deleting the file costs recomputation only): two sharp decodes
 * per image the first time (with JPEG shrink-on-load, a few milliseconds each), a lookup
 * afterwards. A cache from before thumbnails existed gets them computed on the next pass.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pLimit from 'p-limit';
import sharp, { type OutputInfo } from 'sharp';
import type { PerceptualCodes, ThumbnailSource } from '../adma/near-duplicates';
import { THUMBNAIL_SIDE } from '../adma/thumbnail-correlation';

/** The two 32-bit words (high: rows 0-3, low: rows 4-7) of an image's difference hash. */
function greySquare(input: string | Buffer, width: number, height: number): Promise<{ data: Buffer; info: OutputInfo }> {
  return sharp(input, { failOn: 'none', animated: false, pages: 1 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
}

/** The grey thumbnail (THUMBNAIL_SIDE^2 bytes, row-major) of the image, stretched to a square. */
export async function greyThumbnail(input: string | Buffer): Promise<Uint8Array> {
  const { data, info } = await greySquare(input, THUMBNAIL_SIDE, THUMBNAIL_SIDE);
  const out = new Uint8Array(THUMBNAIL_SIDE * THUMBNAIL_SIDE);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] as number;
  return out;
}

export async function differenceHash(input: string | Buffer): Promise<[number, number]> {
  const { data, info } = await greySquare(input, 9, 8);
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
  /** Absolute path; without one the image's codes stay unknown unless cached. */
  path?: string;
}

/**
 * The thumbnails of `hashes` (row = index) read from the perceptual cache when asked for,
 * through one read-only connection opened on the first read; a row whose thumbnail is gone
 * or cannot be read (the file was deleted, the disk fails) reads as null.
 */
export class StoredThumbnails implements ThumbnailSource {
  #db: Database.Database | null = null;
  #get: Database.Statement | null = null;

  constructor(
    private readonly path: string,
    private readonly hashes: readonly string[],
  ) {}

  thumbnail(row: number): Uint8Array | null {
    const hash = this.hashes[row];
    if (hash === undefined) return null;
    try {
      if (!this.#get) {
        this.#db = new Database(this.path, { readonly: true, fileMustExist: true });
        this.#get = this.#db.prepare('SELECT pixels FROM thumbnail WHERE hash = ? AND side = ?');
      }
      const found = this.#get.get(hash, THUMBNAIL_SIDE) as { pixels: Buffer } | undefined;
      return found?.pixels.length === THUMBNAIL_SIDE * THUMBNAIL_SIDE ? new Uint8Array(found.pixels.buffer, found.pixels.byteOffset, found.pixels.byteLength) : null;
    } catch {
      this.close();
      return null;
    }
  }

  close(): void {
    this.#db?.close();
    this.#db = null;
    this.#get = null;
  }
}

/**
 * Perceptual codes of `files` in order, from the cache or computed (four files at a time)
 * and cached. A file that cannot be decoded gets unknown codes (and is tried again next time).
 * Thumbnails come in one array (`inMemory`, THUMBNAIL_SIDE^2 bytes per file) or, `onDemand`,
 * as StoredThumbnails: read from the cache only for the rows that need them (close it when done).
 */
export async function perceptualCodes(
  projectDir: string,
  files: readonly HashedFile[],
  onProgress?: (done: number, total: number) => void,
  thumbnailsKept: 'inMemory' | 'onDemand' = 'inMemory',
): Promise<PerceptualCodes> {
  const path = perceptualStorePath(projectDir);
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS dhash (hash TEXT PRIMARY KEY, high INTEGER NOT NULL, low INTEGER NOT NULL) WITHOUT ROWID');
    db.exec('CREATE TABLE IF NOT EXISTS thumbnail (hash TEXT PRIMARY KEY, side INTEGER NOT NULL, pixels BLOB NOT NULL) WITHOUT ROWID');
    const side = THUMBNAIL_SIDE * THUMBNAIL_SIDE;
    const words = new Uint32Array(files.length * 2);
    const known = new Uint8Array(files.length);
    const inMemory = thumbnailsKept === 'inMemory';
    const thumbnails = new Uint8Array(inMemory ? files.length * side : 0);
    const getHash = db.prepare('SELECT high, low FROM dhash WHERE hash = ?');
    const getThumbnail = db.prepare(inMemory ? 'SELECT pixels, length(pixels) AS size FROM thumbnail WHERE hash = ? AND side = ?' : 'SELECT length(pixels) AS size FROM thumbnail WHERE hash = ? AND side = ?');
    const todo: number[] = [];
    files.forEach((file, i) => {
      const hash = getHash.get(file.hash) as { high: number; low: number } | undefined;
      const thumbnail = getThumbnail.get(file.hash, THUMBNAIL_SIDE) as { pixels?: Buffer; size: number } | undefined;
      if (hash && thumbnail?.size === side) {
        words[2 * i] = hash.high;
        words[2 * i + 1] = hash.low;
        if (thumbnail.pixels) thumbnails.set(thumbnail.pixels, i * side);
        known[i] = 1;
      } else if (file.path) todo.push(i);
    });
    const putHash = db.prepare('INSERT OR REPLACE INTO dhash (hash, high, low) VALUES (?, ?, ?)');
    const putThumbnail = db.prepare('INSERT OR REPLACE INTO thumbnail (hash, side, pixels) VALUES (?, ?, ?)');
    const limit = pLimit(4);
    let done = 0;
    const fresh: { hash: string; high: number; low: number; pixels: Uint8Array }[] = [];
    await Promise.all(
      todo.map((i) =>
        limit(async () => {
          const file = files[i] as HashedFile;
          try {
            const [[high, low], pixels] = await Promise.all([differenceHash(file.path as string), greyThumbnail(file.path as string)]);
            words[2 * i] = high;
            words[2 * i + 1] = low;
            if (inMemory) thumbnails.set(pixels, i * side);
            known[i] = 1;
            fresh.push({ hash: file.hash, high, low, pixels });
          } catch {
            // unreadable now: unknown, so never called a near duplicate
          }
          done++;
          if (onProgress && (done % 64 === 0 || done === todo.length)) onProgress(done, todo.length);
        }),
      ),
    );
    db.transaction(() => {
      for (const row of fresh) {
        putHash.run(row.hash, row.high, row.low);
        putThumbnail.run(row.hash, THUMBNAIL_SIDE, Buffer.from(row.pixels.buffer, row.pixels.byteOffset, row.pixels.byteLength));
      }
    })();
    return { words, known, thumbnails: inMemory ? thumbnails : new StoredThumbnails(path, files.map((file) => file.hash)) };
  } finally {
    db.close();
  }
}
