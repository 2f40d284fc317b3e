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
 * Both come from the gallery thumbnail's pixels (media/media-cache.ts: EXIF-rotated, fitted
 * inside 256 px; sharp shrinks a JPEG while decoding it): ONE decode of the original per image,
 * which also stores the gallery thumbnail in the media cache when it is not there yet, so the
 * gallery and the label view show it without decoding the original again (a 24 MP JPEG costs
 * ~0.1 s of CPU to decode; see bench/README.md).
 *
 * Codes are derived data, cached per content hash in `<project>/.adma/perceptual.db` (tables
 * `dhash` and `thumbnail`; deleting the file costs recomputation only): one decode per image
 * the first time, a lookup afterwards. A cache from before thumbnails existed gets them computed
 * on the next pass. The file's `user_version` names its layout (PERCEPTUAL_SCHEMA_VERSION; 0 is
 * a file from before versioning, whose tables are this layout): a file written by another
 * version of the app, newer or older, is emptied and rebuilt, never misread.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pLimit from 'p-limit';
import { AppError } from '../../../src-shared/app-error';
import { makePrivateFolder, privateFolder, privatePath } from '../../core/private-folder';
import { damagedCacheError, openCacheDatabase, openRebuildableCache, recordDamage, type OpenedCache } from '../../core/rebuildable-cache';
import { isDamagedDatabase } from '../../core/storage-errors';
import { decodeEightBit, decodedOtherwiseAmong, DEEP_DECODE, formatOfHead } from '../../media/high-bit-depth';
import { decodeOriginal, encodeThumbnail, fromRaw, storeCacheFile, THUMB_SIZE, thumbnailFile, thumbnailPixels, type RawPixels } from '../../media/media-cache';
import { readFileInside } from '../../media/path-containment';
import { ADMIN_DIR } from '../../project/project-db';
import type { PerceptualCodes, ThumbnailSource } from '../adma/near-duplicates';
import { THUMBNAIL_SIDE } from '../adma/thumbnail-correlation';

export interface ImageCodes {
  /** The two 32-bit words (high: rows 0-3, low: rows 4-7) of the difference hash. */
  words: [number, number];
  /** THUMBNAIL_SIDE^2 grey bytes, row-major, stretched to a square. */
  thumbnail: Uint8Array;
}

/** Grey pixels (one byte each) of `pixels` flattened on white, stretched to width x height. */
async function greySquare(pixels: RawPixels, width: number, height: number): Promise<Uint8Array> {
  const { data, info } = await fromRaw(pixels).flatten({ background: '#ffffff' }).greyscale().resize(width, height, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] as number;
  return out;
}

/** Both codes of an image from its gallery thumbnail's pixels (thumbnailPixels). */
export async function imageCodes(pixels: RawPixels): Promise<ImageCodes> {
  const [grid, thumbnail] = await Promise.all([greySquare(pixels, 9, 8), greySquare(pixels, THUMBNAIL_SIDE, THUMBNAIL_SIDE)]);
  const words: [number, number] = [0, 0];
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      if ((grid[y * 9 + x] as number) > (grid[y * 9 + x + 1] as number)) {
        const bit = (y % 4) * 8 + x;
        const w = y < 4 ? 0 : 1;
        words[w] = (words[w] | (1 << bit)) >>> 0;
      }
    }
  }
  return { words, thumbnail };
}

/**
 * A decode that tolerates damage (a truncated file gives its readable part): the media cache
 * refuses such a file, but its codes can still find its copies.
 */
const decodeLeniently = async (input: string | Buffer): Promise<RawPixels> => thumbnailPixels(await decodeEightBit(input, { failOn: 'none', animated: false, pages: 1 }, THUMB_SIZE));

/** The codes of an image file or encoded image, decoded directly (tests, benchmarks). */
export async function codesOfImage(input: string | Buffer): Promise<ImageCodes> {
  return imageCodes(await decodeLeniently(input));
}

export async function differenceHash(input: string | Buffer): Promise<[number, number]> {
  return (await codesOfImage(input)).words;
}

/** The grey thumbnail (THUMBNAIL_SIDE^2 bytes, row-major) of the image, stretched to a square. */
export async function greyThumbnail(input: string | Buffer): Promise<Uint8Array> {
  return (await codesOfImage(input)).thumbnail;
}

/**
 * The codes of an image from one decode of its `bytes`; its gallery thumbnail is stored at
 * `thumbFile` as well unless that exists. Bytes the media cache cannot decode (damaged) get
 * codes from a lenient decode and no thumbnail (the gallery reports it when shown); bytes no
 * decoder reads throw.
 */
async function decodeOnce(bytes: Buffer, thumbFile: string): Promise<ImageCodes> {
  let pixels: RawPixels;
  try {
    pixels = await thumbnailPixels(await decodeOriginal(bytes, THUMB_SIZE));
  } catch {
    return imageCodes(await decodeLeniently(bytes));
  }
  const [codes] = await Promise.all([imageCodes(pixels), existsSync(thumbFile) ? undefined : encodeThumbnail(pixels).then((body) => storeCacheFile(thumbFile, body))]);
  return codes;
}

/** `<projectDir>/.adma/perceptual.db`; refused when `.adma` is or holds a symbolic link (privateFolder: the file, its -wal and -shm). */
export function perceptualStorePath(projectDir: string): string {
  return join(privateFolder(join(projectDir, ADMIN_DIR)), 'perceptual.db');
}

/** What the user knows perceptual.db as. */
const PERCEPTUAL_NAME = 'the thumbnail-hash cache';

/**
 * Layout of perceptual.db: tables `dhash (hash, high, low)` and `thumbnail (hash, side, pixels)`.
 * 2: the same tables, clear of codes computed from the almost black decode of 16-bit images that
 * versions before media/high-bit-depth.ts made. 3: clear as well of codes of float RGB and
 * 32-bit TIFF computed from their decode before they were read as stored (brighter; deep decode
 * 1). A file of an earlier version is kept and cleared of those images' codes by the next pass
 * (forgetCodesDecodedOtherwise), not emptied.
 */
export const PERCEPTUAL_SCHEMA_VERSION = 3;

/**
 * The deep decode (media/high-bit-depth.ts DEEP_DECODE) each version's codes were computed
 * under: the versions whose tables are this layout's, though they may hold codes of images that
 * decode otherwise now (see above).
 */
const DEEP_DECODE_OF_VERSION: ReadonlyMap<number, number> = new Map([
  [0, 0],
  [1, 0],
  [2, 1],
  [PERCEPTUAL_SCHEMA_VERSION, DEEP_DECODE],
]);

/**
 * Open (creating it if needed) the perceptual cache at `path` in this version's layout; see the
 * file's comment. A file that is not a readable database is set aside and a new one made
 * (rebuildable-cache.ts): `notice` says so, for the user.
 */
function openPerceptualStore(path: string): OpenedCache<Database.Database> {
  try {
    makePrivateFolder(dirname(path)); // `.adma` when a command-line run makes it: owner-only (private-folder.ts)
  } catch (error) {
    throw new AppError('NOT_WRITABLE', `Cannot open the thumbnail-hash cache ${path}: ${(error as Error).message}`);
  }
  return openRebuildableCache(path, PERCEPTUAL_NAME, () => openInLayout(path));
}

/** The database at `path` in this version's layout; errors as openCacheDatabase says them. */
function openInLayout(path: string): Database.Database {
  return openCacheDatabase(
    path,
    PERCEPTUAL_NAME,
    (db) => {
      db.pragma('journal_mode = WAL');
      const version = db.pragma('user_version', { simple: true }) as number;
      db.transaction(() => {
        const kept = DEEP_DECODE_OF_VERSION.has(version);
        if (!kept) db.exec('DROP TABLE IF EXISTS dhash; DROP TABLE IF EXISTS thumbnail;');
        db.exec('CREATE TABLE IF NOT EXISTS dhash (hash TEXT PRIMARY KEY, high INTEGER NOT NULL, low INTEGER NOT NULL) WITHOUT ROWID');
        db.exec('CREATE TABLE IF NOT EXISTS thumbnail (hash TEXT PRIMARY KEY, side INTEGER NOT NULL, pixels BLOB NOT NULL) WITHOUT ROWID');
        // A file of an earlier decode keeps its version until forgetCodesDecodedOtherwise has cleared it.
        if (!kept) db.pragma(`user_version = ${PERCEPTUAL_SCHEMA_VERSION}`);
      })();
    },
    'NOT_WRITABLE',
  );
}

export interface HashedFile {
  /** Content hash (the cache key). */
  hash: string;
  /** Absolute path, in the project folder (a file elsewhere is not read); without one the image's codes stay unknown unless cached. */
  path?: string;
  /** The format the scan read from the file's content, when known (a project's images): see media/high-bit-depth.ts decodedOtherwiseAmong. */
  format?: string;
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
    } catch (error) {
      // Damaged pages: recorded, so the next pass sets the file aside (rebuildable-cache.ts).
      if (isDamagedDatabase(error)) recordDamage(this.path, error);
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
 * A perceptual.db of an earlier deep decode (DEEP_DECODE_OF_VERSION) cleared of the codes of
 * those `files` that decode otherwise now (decodedOtherwiseAmong: under 0, every image deeper
 * than 8 bits, almost black; under 1, float RGB and 32-bit TIFF) and of those that cannot be
 * read now (they may be such an image), and marked clear
 * (PERCEPTUAL_SCHEMA_VERSION) when every file with codes had a path to read: the pass computes
 * them again. A file without one is checked by a later pass.
 */
async function forgetCodesDecodedOtherwise(db: Database.Database, projectDir: string, files: readonly HashedFile[]): Promise<void> {
  const since = DEEP_DECODE_OF_VERSION.get(db.pragma('user_version', { simple: true }) as number) ?? DEEP_DECODE;
  if (since >= DEEP_DECODE) return;
  const has = db.prepare('SELECT 1 FROM dhash WHERE hash = ? UNION ALL SELECT 1 FROM thumbnail WHERE hash = ?');
  const cached = files.filter((file) => has.get(file.hash, file.hash) !== undefined);
  const readable = cached.filter((file): file is Required<HashedFile> => file.path !== undefined);
  const { otherwise, unreadable } = await decodedOtherwiseAmong(readable, since, projectDir);
  const delHash = db.prepare('DELETE FROM dhash WHERE hash = ?');
  const delThumbnail = db.prepare('DELETE FROM thumbnail WHERE hash = ?');
  db.transaction(() => {
    // A file that cannot be read now may be one: its codes go too (the pass tries it again; unknown while it fails).
    for (const hash of [...otherwise, ...unreadable]) {
      delHash.run(hash);
      delThumbnail.run(hash);
    }
    if (readable.length === cached.length) db.pragma(`user_version = ${PERCEPTUAL_SCHEMA_VERSION}`);
  })();
}

/** Computed codes are saved this many at a time: a cancelled or interrupted pass keeps its work. */
const SAVE_EVERY = 256;

/**
 * Perceptual codes of `files` in order, from the cache or computed (four files at a time, one
 * decode each, which also stores the image's gallery thumbnail in the media cache) and cached.
 * A file that cannot be decoded, or whose path now leads outside `projectDir` (readFileInside),
 * gets unknown codes (and is tried again next time).
 * Thumbnails come in one array (`inMemory`, THUMBNAIL_SIDE^2 bytes per file) or, `onDemand`,
 * as StoredThumbnails: read from the cache only for the rows that need them (close it when done).
 * `signal`: stop decoding, save the codes computed so far and throw CANCELLED.
 * `notice`: for the user, once, when a damaged cache file was set aside (openPerceptualStore).
 */
export async function perceptualCodes(
  projectDir: string,
  files: readonly HashedFile[],
  onProgress?: (done: number, total: number) => void,
  thumbnailsKept: 'inMemory' | 'onDemand' = 'inMemory',
  signal?: AbortSignal,
): Promise<PerceptualCodes & { notice: string | null }> {
  const path = perceptualStorePath(projectDir);
  const { opened: db, notice } = openPerceptualStore(path);
  try {
    await forgetCodesDecodedOtherwise(db, projectDir, files);
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
    const save = db.transaction((rows: { hash: string; codes: ImageCodes }[]) => {
      for (const { hash, codes } of rows) {
        putHash.run(hash, codes.words[0], codes.words[1]);
        putThumbnail.run(hash, THUMBNAIL_SIDE, Buffer.from(codes.thumbnail.buffer, codes.thumbnail.byteOffset, codes.thumbnail.byteLength));
      }
    });
    const adminDir = join(projectDir, ADMIN_DIR);
    const limit = pLimit(4);
    let done = 0;
    const fresh: { hash: string; codes: ImageCodes }[] = [];
    // A link in a thumbnail's place (or thumbs/ a link) is refused, not taken for an unreadable
    // image: the first refusal stops the pass, the images still queued are skipped, and it is
    // thrown once the running ones have settled (their codes saved), not while they still write.
    let refused: { error: unknown } | null = null;
    await Promise.all(
      todo.map((i) =>
        limit(async () => {
          if (signal?.aborted || refused) return;
          const file = files[i] as HashedFile;
          try {
            // The thumbnail stored lies in `thumbs` (checked before anything is read), named for the
            // format its bytes are in (cacheGeneration).
            privatePath(adminDir, 'thumbs');
          } catch (error) {
            refused ??= { error };
            return;
          }
          try {
            // Its bytes, read as the media server reads them (path-containment.ts: checked inside the
            // project folder, on the descriptor read), decoded as read: the thumbnail stored is the
            // gallery's, never another file's.
            const bytes = await readFileInside(projectDir, file.path as string);
            let thumbFile: string;
            try {
              thumbFile = thumbnailFile(adminDir, file.hash, formatOfHead(bytes));
            } catch (error) {
              refused ??= { error };
              return;
            }
            const codes = await decodeOnce(bytes, thumbFile);
            [words[2 * i], words[2 * i + 1]] = codes.words;
            if (inMemory) thumbnails.set(codes.thumbnail, i * side);
            known[i] = 1;
            fresh.push({ hash: file.hash, codes });
            if (fresh.length >= SAVE_EVERY) save(fresh.splice(0));
          } catch {
            // unreadable now: unknown, so never called a near duplicate
          }
          done++;
          if (onProgress && (done % 64 === 0 || done === todo.length)) onProgress(done, todo.length);
        }),
      ),
    );
    save(fresh);
    if (refused) throw (refused as { error: unknown }).error;
    if (signal?.aborted) throw new AppError('CANCELLED', `The thumbnail hashes were cancelled after ${done} of ${todo.length} images; those are saved and will not be computed again.`);
    return { words, known, thumbnails: inMemory ? thumbnails : new StoredThumbnails(path, files.map((file) => file.hash)), notice };
  } catch (error) {
    // Pages found damaged as the pass reads or writes (the open reads only the header and schema):
    // this cache's damage, set aside at the next pass (damagedCacheError), never the project database's.
    if (isDamagedDatabase(error)) throw damagedCacheError(path, PERCEPTUAL_NAME, error);
    throw error;
  } finally {
    db.close();
  }
}
