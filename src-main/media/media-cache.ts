/**
 * The media cache under a project's `.adma` folder: its file names, its atomic writes, and the
 * one definition of the gallery thumbnail (decode, size, encoding). Shared by the media server
 * (image-media.ts) and the engine's perceptual pass (engine/features/difference-hash.ts), which
 * decodes every image once after feature extraction and stores its thumbnail here, so the
 * gallery and the label view find it ready instead of decoding the original again.
 */
import { randomUUID } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { RenditionEdge } from '../../src-shared/contract';
import { privatePath } from '../core/private-folder';
import { decodeEightBit, mayDecodeOtherwiseSince } from './high-bit-depth';

export const THUMB_SIZE = 256;

/** Pixels in memory, 8 bits per channel, as sharp gives them (`raw()`) and takes them back (`{ raw }`). */
export interface RawPixels {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/**
 * What the cache files of an image of `format` (the scan's, or formatOfHead's) are named with
 * besides its hash and size: the deep decode (high-bit-depth.ts DEEP_DECODE) they were made
 * under, for the formats whose decode it changed (mayDecodeOtherwiseSince). `-levels` for a
 * format that may hold more than 8 bits per channel (all but JPEG, WebP and GIF), decoded by its
 * own levels since then; `-values` for TIFF, whose float RGB images are read as stored since
 * then (before, brighter) and 32-bit ones at their own depth. The files made before (dark for a
 * 16-bit image, bright for a float RGB one) are named otherwise, so they are never read again
 * (and go when the new one is stored: replacedCacheFiles), and the media's ETag changes alike
 * (media-request.ts), so a browser's copy is not kept either. Every such image is rendered again
 * once, 8-bit ones too: which are deep is not known without reading each file.
 */
export const cacheGeneration = (format: string): string => (mayDecodeOtherwiseSince(format, 1) ? '-values' : mayDecodeOtherwiseSince(format, 0) ? '-levels' : '');

const thumbnailName = (hash: string, format: string): string => `${hash}-${THUMB_SIZE}${cacheGeneration(format)}.webp`;

/** A thumbnail's cache file; refused when it, `thumbs` or `.adma` is a symbolic link (privatePath). */
export const thumbnailFile = (adminDir: string, hash: string, format: string): string => privatePath(adminDir, 'thumbs', thumbnailName(hash, format));

/**
 * Whether a hash's thumbnail is cached, for many hashes at a time (the gallery's first paint, on
 * the host's main thread): `.adma` and `thumbs` are checked once (privatePath), then one lstat a
 * hash, as the existence check before it cost. A link in a thumbnail's place is not cached (its
 * read through thumbnailFile refuses it).
 */
export function thumbnailsCached(adminDir: string): (hash: string, format: string) => boolean {
  const dir = privatePath(adminDir, 'thumbs');
  return (hash, format) => fsSync.lstatSync(path.join(dir, thumbnailName(hash, format)), { throwIfNoEntry: false })?.isFile() === true;
}

const renditionParts = (hash: string, edge: RenditionEdge, format: string): [string, string] => ['renditions', `${hash}-${edge}${cacheGeneration(format)}.jpg`];

/** A rendition's cache file; refused when it, `renditions` or `.adma` is a symbolic link (privatePath). */
export const renditionFile = (adminDir: string, hash: string, edge: RenditionEdge, format: string): string => privatePath(adminDir, ...renditionParts(hash, edge, format));

/**
 * renditionFile's path without its checks (the same string): the key of a render under way
 * (image-media.ts), looked up by every thumbnail request; never opened, so nothing to check.
 */
export const renditionKey = (adminDir: string, hash: string, edge: RenditionEdge, format: string): string => path.join(adminDir, ...renditionParts(hash, edge, format));

/**
 * The cache files that `cacheFile` (a thumbnail's or rendition's) replaces: those named for the
 * earlier decodes (cacheGeneration); none when the names are the same (JPEG, WebP, GIF).
 */
export function replacedCacheFiles(cacheFile: string): string[] {
  const named = /(-levels|-values)(\.webp|\.jpg)$/.exec(cacheFile);
  if (named === null) return [];
  const [, generation, extension] = named as unknown as [string, string, string];
  const stem = cacheFile.slice(0, named.index);
  return generation === '-values' ? [`${stem}${extension}`, `${stem}-levels${extension}`] : [`${stem}${extension}`];
}

/** Absent on Windows: 0 adds nothing. */
const NOFOLLOW = fsSync.constants.O_NOFOLLOW ?? 0;

/** A cache file's bytes; a symbolic link put in its place since thumbnailFile or renditionFile checked it is not followed (ELOOP). */
export const readCacheFile = (cacheFile: string): Promise<Buffer> => fs.readFile(cacheFile, { flag: fsSync.constants.O_RDONLY | NOFOLLOW });

/**
 * An original as the media cache decodes it: its first frame, EXIF orientation applied, 8 bits
 * per channel (a 16-bit image stretched by its own levels: high-bit-depth.ts). `fit`: the most
 * pixels on a side the caller keeps (it resizes into `fit` x `fit`; a thumbnail, a rendition): a
 * deep image is then reduced before its values are read, never held whole (decodeEightBit). The
 * app gives it the bytes read once from the file checked (path-containment.ts, readInside;
 * user-file.ts), never a path that sharp would open again; benchmarks give paths.
 */
export const decodeOriginal = (input: string | Buffer, fit?: number): Promise<Sharp> => decodeEightBit(input, { animated: false }, fit);

/** Pixels of `image` and their layout (8 bits per channel: give it decodeOriginal's image, never a 16-bit one, which sharp would scale by a fixed factor). */
export async function rawPixels(image: Sharp): Promise<RawPixels> {
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

export const fromRaw = (pixels: RawPixels): Sharp => sharp(pixels.data, { raw: pixels.info });

/**
 * The gallery thumbnail's pixels: `image` fitted inside THUMB_SIZE (never enlarged). From a file,
 * this is the one decode, and sharp shrinks a JPEG while decoding it.
 */
export const thumbnailPixels = (image: Sharp): Promise<RawPixels> => rawPixels(image.resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }));

/**
 * The thumbnail file's bytes (WebP) from its pixels. Effort 2 (of 0-6; sharp's default is 4):
 * every image's thumbnail is encoded once extraction is done, and on 60 hymenoptera thumbnails
 * it took 3.4 ms of CPU each instead of 6.7 ms, for files of 9.3 KB instead of 9.0 KB.
 */
export const encodeThumbnail = (pixels: RawPixels): Promise<Buffer> => fromRaw(pixels).webp({ quality: 80, effort: 2 }).toBuffer();

/**
 * Write a cache file atomically (a temporary file renamed over it: a reader sees the whole file
 * or none). The cache is an optimisation: a file that cannot be stored is still served, so a
 * failure is swallowed and leaves nothing behind.
 */
export async function storeCacheFile(cacheFile: string, body: Buffer): Promise<void> {
  const tmp = `${cacheFile}.${randomUUID()}.tmp`;
  try {
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, cacheFile);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    return;
  }
  // The files this one replaces (replacedCacheFiles) are never read again: removed, not left to fill the disk.
  for (const replaced of replacedCacheFiles(cacheFile)) await fs.rm(replaced, { force: true }).catch(() => undefined);
}
