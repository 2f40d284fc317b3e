/**
 * Bytes for the renderer's <img>: the original file when the browser can show it as is,
 * otherwise a re-encoding with EXIF orientation applied; thumbnails and screen-sized
 * renditions (JPEG, EXIF orientation applied) cached per content hash. An image no larger than
 * the rendition is served as the original instead. A rendition's decode also gives its image's
 * thumbnail when that is not cached yet: one decode instead of two (the JPEG decode is most of
 * the cost; sharp decodes a 24 MP JPEG at 1/2 scale for a 1280 px rendition, see bench/README.md).
 * The thumbnail a camera embedded in a JPEG's EXIF is served as it is ('embedded', oriented;
 * embedded-thumbnail.ts): the label view's first paint when nothing better is ready yet.
 * Images are addressed by id only; the path comes from the project database.
 */
import { closeSync, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import pLimit from 'p-limit';
import { AppError } from '../../src-shared/app-error';
import { RENDITION_EDGES, type MediaVariant, type RenditionEdge } from '../../src-shared/contract';
import { decodeOriginal, encodeThumbnail, fromRaw, rawPixels, readCacheFile, renditionFile, renditionKey, storeCacheFile, THUMB_SIZE, thumbnailFile, thumbnailPixels, thumbnailsCached, type RawPixels } from './media-cache';
import { readEmbeddedThumbnail } from './embedded-thumbnail';
import { decodeEightBit, highBitDepthOf } from './high-bit-depth';
import { openInsideSync, readBelow, realRootOf, resolvedBelow } from './path-containment';

export interface MediaSource {
  root: string;
  adminDir: string;
  locate(id: number): { relPath: string; hash: string; format: string; orientation: number; width: number; height: number };
}

export interface MediaBody {
  body: Buffer;
  contentType: string;
}

const NATIVE: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/**
 * Decodes at a time (at least libuv's default thread pool of 4, where sharp runs them):
 * more would only wait there holding their inputs in memory; a burst of requests queues
 * here instead and every request is answered in turn.
 */
const decodeSlots = pLimit(Math.max(4, os.availableParallelism()));
/** Thumbnails and renditions being rendered, by cache file: parallel requests for one share its render. */
const rendering = new Map<string, Promise<Buffer>>();

/**
 * Read the cache file, or render once, store and answer; parallel requests for one cache file
 * share one read or render (registered at once, so that a thumbnail asked for just after its
 * image's rendition finds the rendition under way).
 */
function cached(cacheFile: string, render: () => Promise<Buffer>): Promise<Buffer> {
  let pending = rendering.get(cacheFile);
  if (!pending) {
    pending = (async () => {
      try {
        return await readCacheFile(cacheFile);
      } catch {
        // not cached yet
      }
      const body = await decodeSlots(render);
      await storeCacheFile(cacheFile, body);
      return body;
    })().finally(() => rendering.delete(cacheFile));
    rendering.set(cacheFile, pending);
  }
  return pending;
}

/**
 * The project folder's real path per source (a Project is one opening of a project), resolved at
 * its first read and kept: a request resolves only its image's path below it. The folder's
 * resolution was 6 of the 14 readlinks of a cached thumbnail, at depth 6 (bench/README.md).
 * Invariants:
 * - Every check still resolves the image's path and refuses it when it is not below the real
 *   path the check uses (path-containment.ts): a link inside the folder leading out of it is
 *   refused as before.
 * - A check that fails below the kept path resolves the folder again and, when its real path
 *   changed (the folder moved, or a link on the folder's own path re-pointed), is made once more
 *   below the new one and keeps it: what every read did before, so nothing read before is
 *   refused now. Its error stands when the folder's real path is the same.
 * - A check that passes below the kept path reads from the folder opened, even if a link on the
 *   folder's own path now points at another copy of it (the project's database is still the
 *   file opened there); nothing outside both was ever read.
 */
const realRoots = new WeakMap<MediaSource, string>();

/** `check` below the project folder's real path as kept (see realRoots). */
async function belowFolder<T>(source: MediaSource, relPath: string, check: (realRoot: string) => Promise<T>): Promise<T> {
  const kept = realRoots.get(source);
  let failure: unknown;
  if (kept !== undefined) {
    try {
      return await check(kept);
    } catch (error) {
      failure = error;
    }
  }
  const now = await realRootOf(source.root, relPath);
  if (now === kept) throw failure;
  realRoots.set(source, now);
  return check(now);
}

/** An original's bytes, read when its decode starts (readInside: what is decoded is what was checked). */
type ReadOriginal = () => Promise<Buffer>;

async function thumbnail(source: MediaSource, original: ReadOriginal, hash: string, format: string): Promise<Buffer> {
  const cacheFile = thumbnailFile(source.adminDir, hash, format);
  // A rendition of this image being rendered stores its thumbnail too (unless it is cached
  // already): wait for it rather than decode the file a second time (the label view asks for
  // both of the images ahead of it).
  // (A lookup by renditionKey: renditionFile's checks, three lstats an edge, are for a file opened.)
  const rendition = RENDITION_EDGES.map((edge) => rendering.get(renditionKey(source.adminDir, hash, edge, format))).find((r) => r !== undefined);
  if (rendition && !existsSync(cacheFile)) await rendition.catch(() => undefined);
  return cached(cacheFile, async () => encodeThumbnail(await thumbnailPixels(await decodeOriginal(await original(), THUMB_SIZE))));
}

/** Store the thumbnail made from a rendition's pixels, unless it is cached or being rendered. */
async function thumbnailFromRendition(cacheFile: string, pixels: RawPixels): Promise<void> {
  if (rendering.has(cacheFile)) return;
  const exists = await fs.access(cacheFile).then(
    () => true,
    () => false,
  );
  if (!exists) await storeCacheFile(cacheFile, await encodeThumbnail(await thumbnailPixels(fromRaw(pixels))));
}

function rendition(source: MediaSource, original: ReadOriginal, hash: string, format: string, edge: RenditionEdge): Promise<Buffer> {
  return cached(renditionFile(source.adminDir, hash, edge, format), async () => {
    const pixels = await rawPixels((await decodeOriginal(await original(), edge)).resize(edge, edge, { fit: 'inside', withoutEnlargement: true }));
    const [body] = await Promise.all([
      fromRaw(pixels).flatten({ background: '#000000' }).jpeg({ quality: 88 }).toBuffer(),
      // The thumbnail is an optimisation too: one that cannot be made is rendered when asked for.
      thumbnailFromRendition(thumbnailFile(source.adminDir, hash, format), pixels).catch(() => undefined),
    ]);
    return body;
  });
}

/** Forget the embedded thumbnails found (tests). */
export function forgetEmbeddedThumbnails(): void {
  embeddedKept.clear();
  embeddedKeptBytes = 0;
}

/**
 * Embedded thumbnails found (a JPEG) or not (null), by content hash (the same bytes have the same
 * one), the most recently used last; at most EMBEDDED_KEPT entries and EMBEDDED_KEPT_BYTES of JPEG.
 */
const embeddedKept = new Map<string, Buffer | null>();
const EMBEDDED_KEPT = 2000;
const EMBEDDED_KEPT_BYTES = 16 * 1024 * 1024;
let embeddedKeptBytes = 0;

function keepEmbedded(hash: string, thumb: Buffer | null): void {
  const before = embeddedKept.get(hash);
  if (before) embeddedKeptBytes -= before.length;
  embeddedKept.delete(hash);
  embeddedKept.set(hash, thumb);
  embeddedKeptBytes += thumb?.length ?? 0;
  for (const [oldest, kept] of embeddedKept) {
    if (embeddedKept.size <= EMBEDDED_KEPT && embeddedKeptBytes <= EMBEDDED_KEPT_BYTES) break;
    embeddedKept.delete(oldest);
    embeddedKeptBytes -= kept?.length ?? 0;
  }
}

/** The embedded thumbnail of an image as `source.locate` gives it (oriented), or null when it has no usable one; throws NOT_FOUND for a missing file. */
async function embeddedThumbnail(source: MediaSource, located: ReturnType<MediaSource['locate']>): Promise<Buffer | null> {
  const { relPath, hash, format, orientation, width, height } = located;
  if (format !== 'jpeg') return null;
  if (embeddedKept.has(hash)) {
    const thumb = embeddedKept.get(hash)!;
    keepEmbedded(hash, thumb);
    return thumb;
  }
  // Read from the descriptor of the file checked inside the project folder (path-containment.ts).
  const { fd } = openInsideSync(source.root, relPath);
  let thumb: Buffer | null;
  try {
    thumb = await readEmbeddedThumbnail(fd, { format, width, height, orientation });
  } finally {
    closeSync(fd);
  }
  keepEmbedded(hash, thumb);
  return thumb;
}

/** Time a question may spend reading files for embedded thumbnails (on the host's main thread); the rest wait for the next question. */
export const EMBEDDED_CHECK_BUDGET_MS = 20;

type Located = ReturnType<MediaSource['locate']>;

/** `source.locate(id)`, or null for an image that is gone (it has no thumbnail to show). */
function locatedOrNull(source: MediaSource, id: number): Located | null {
  try {
    return source.locate(id);
  } catch {
    return null;
  }
}

/** What a question about embedded thumbnails learned: which ids have one, and which were left for a later question. */
export interface EmbeddedAnswer {
  embedded: number[];
  unchecked: number[];
}

/**
 * The ids among `ids` (in priority order) whose file carries a usable embedded thumbnail. Files
 * not read before are read while the question has spent less than `budgetMs` (on the host's main
 * thread: a page of uncached files is read in bounded chunks, one question each); the others are
 * `unchecked`, for the next question.
 */
export function embeddedThumbnails(source: MediaSource, ids: readonly number[], budgetMs = EMBEDDED_CHECK_BUDGET_MS): Promise<EmbeddedAnswer> {
  return embeddedAmong(
    source,
    ids.flatMap((id) => {
      const located = locatedOrNull(source, id);
      return located ? [{ id, located }] : [];
    }),
    budgetMs,
  );
}

async function embeddedAmong(source: MediaSource, images: readonly { id: number; located: Located }[], budgetMs: number): Promise<EmbeddedAnswer> {
  const started = performance.now();
  const embedded: number[] = [];
  const unchecked: number[] = [];
  for (const { id, located } of images) {
    // Only an unknown JPEG costs a read (a PNG has no EXIF thumbnail: no read, never left over).
    if (located.format === 'jpeg' && !embeddedKept.has(located.hash) && performance.now() - started >= budgetMs) {
      unchecked.push(id);
      continue;
    }
    try {
      if (await embeddedThumbnail(source, located)) embedded.push(id);
    } catch {
      // a file that is gone has no thumbnail to show
    }
  }
  return { embedded, unchecked };
}

/**
 * What the label view and the gallery can paint at once for `ids` (in priority order), each
 * image located once: `ids`, those whose gallery thumbnail is cached, i.e. answered from a small
 * file without a decode (made by the perceptual pass after feature extraction, a visit to the
 * gallery or a rendition; a synchronous check of each file: a few microseconds, never behind the
 * decodes that fill the thread pool); of the others, `embedded` and `unchecked` as
 * embeddedThumbnails answers them, within `budgetMs`.
 */
export async function paintableThumbnails(source: MediaSource, ids: readonly number[], budgetMs = EMBEDDED_CHECK_BUDGET_MS): Promise<{ ids: number[] } & EmbeddedAnswer> {
  const cached: number[] = [];
  const uncached: { id: number; located: Located }[] = [];
  const isCached = thumbnailsCached(source.adminDir);
  for (const id of ids) {
    const located = locatedOrNull(source, id);
    if (!located) continue;
    if (isCached(located.hash, located.format)) cached.push(id);
    else uncached.push({ id, located });
  }
  return { ids: cached, ...(await embeddedAmong(source, uncached, budgetMs)) };
}

/** The rendition edge a variant names, or null for 'full' and 'thumb'. */
export function renditionEdge(variant: MediaVariant): RenditionEdge | null {
  const edge = Number(variant.slice('screen'.length));
  return variant.startsWith('screen') && (RENDITION_EDGES as readonly number[]).includes(edge) ? (edge as RenditionEdge) : null;
}

export async function readMedia(source: MediaSource, imageId: number, variant: MediaVariant): Promise<MediaBody> {
  if (variant === 'embedded') {
    const located = source.locate(imageId);
    const thumb = await embeddedThumbnail(source, located);
    if (!thumb) throw new AppError('NOT_FOUND', `${located.relPath} has no embedded thumbnail to show.`);
    return { body: thumb, contentType: 'image/jpeg' };
  }
  const { relPath, hash, format, orientation, width, height } = source.locate(imageId);
  // The bytes decoded or served are read from the file opened once and checked again on its
  // descriptor (readInside): a link swapped in after a check is never followed.
  const original: ReadOriginal = () => belowFolder(source, relPath, (realRoot) => readBelow(realRoot, relPath));
  try {
    const edge = renditionEdge(variant);
    if (variant === 'thumb' || (edge !== null && Math.max(width, height) > edge)) {
      // A thumbnail or rendition may come from the cache, made from an earlier read: the path is
      // checked before it is answered (a file gone or now leading outside gets no answer). The
      // check is started before the render is registered, and the render before it is awaited:
      // a thumbnail asked for in the same moment as its image's rendition must find the
      // rendition under way (two checks need not finish in the order asked).
      const file = belowFolder(source, relPath, (realRoot) => resolvedBelow(realRoot, relPath));
      // Handled here too: a render that throws before it is awaited (a link at renditions/,
      // refused at once) leaves this check's rejection with no one waiting on it.
      file.catch(() => undefined);
      const checked = <T>(body: Promise<T>): Promise<T> => {
        body.catch(() => undefined);
        return file.then(() => body);
      };
      // A render reads the original once the check passed: the read's own resolutions follow the
      // check's, as when each resolved the project folder first (realRoots: now only the first does).
      const readChecked: ReadOriginal = () => file.then(original);
      if (variant === 'thumb') return { body: await checked(thumbnail(source, readChecked, hash, format)), contentType: 'image/webp' };
      return { body: await checked(rendition(source, readChecked, hash, format, edge as RenditionEdge)), contentType: 'image/jpeg' };
    }
    // The original, as it is or re-encoded: read (and checked) now, nothing from a cache. A
    // 16-bit PNG is re-encoded too: a browser shows its high bytes, a 12-bit image almost black.
    const reencoded = async (bytes: Buffer): Promise<MediaBody> => ({ body: await (await decodeEightBit(bytes, { animated: format === 'gif' })).png().toBuffer(), contentType: 'image/png' });
    const native = NATIVE[format];
    if (native && orientation === 1) {
      const bytes = await original();
      return (await highBitDepthOf(bytes)) === null ? { body: bytes, contentType: native } : decodeSlots(() => reencoded(bytes));
    }
    return await decodeSlots(async () => reencoded(await original()));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('IMAGE_INVALID', `Cannot decode ${relPath}: ${(error as Error).message}`);
  }
}
