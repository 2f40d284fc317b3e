/**
 * Bytes for the renderer's <img>: the original file when the browser can show it as is,
 * otherwise a re-encoding with EXIF orientation applied; thumbnails and screen-sized
 * renditions (JPEG, EXIF orientation applied) cached per content hash. An image no larger than
 * the rendition is served as the original instead. A rendition's decode also gives its image's
 * thumbnail when that is not cached yet: one decode instead of two (the JPEG decode is most of
 * the cost; sharp decodes a 24 MP JPEG at 1/2 scale for a 1280 px rendition, see bench/README.md).
 * Images are addressed by id only; the path comes from the project database.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { AppError } from '../../src-shared/app-error';
import { RENDITION_EDGES, type MediaVariant, type RenditionEdge } from '../../src-shared/contract';
import { resolveInside } from './path-containment';

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
  bmp: 'image/bmp',
};

export const THUMB_SIZE = 256;

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
        return await fs.readFile(cacheFile);
      } catch {
        // not cached yet
      }
      const body = await decodeSlots(render);
      await store(cacheFile, body);
      return body;
    })().finally(() => rendering.delete(cacheFile));
    rendering.set(cacheFile, pending);
  }
  return pending;
}

/** The cache is an optimisation: a file that cannot be stored is still served. */
async function store(cacheFile: string, body: Buffer): Promise<void> {
  const tmp = `${cacheFile}.${randomUUID()}.tmp`;
  try {
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, cacheFile);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

const thumbFile = (source: MediaSource, hash: string): string => path.join(source.adminDir, 'thumbs', `${hash}-${THUMB_SIZE}.webp`);
const toThumbnail = (image: Sharp): Promise<Buffer> => image.resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();

const renditionFile = (source: MediaSource, hash: string, edge: RenditionEdge): string => path.join(source.adminDir, 'renditions', `${hash}-${edge}.jpg`);

async function thumbnail(source: MediaSource, file: Promise<string>, hash: string): Promise<Buffer> {
  // A rendition of this image being rendered stores its thumbnail too: wait for it rather than
  // decode the file a second time (the label view asks for both of the images ahead of it).
  const rendition = RENDITION_EDGES.map((edge) => rendering.get(renditionFile(source, hash, edge))).find((r) => r !== undefined);
  if (rendition) await rendition.catch(() => undefined);
  return cached(thumbFile(source, hash), async () => toThumbnail(sharp(await file, { animated: false }).rotate()));
}

/** Store the thumbnail made from a rendition's pixels, unless it is cached or being rendered. */
async function thumbnailFromRendition(cacheFile: string, pixels: Buffer, raw: SharpOptions): Promise<void> {
  if (rendering.has(cacheFile)) return;
  const exists = await fs.access(cacheFile).then(
    () => true,
    () => false,
  );
  if (!exists) await store(cacheFile, await toThumbnail(sharp(pixels, raw)));
}

function rendition(source: MediaSource, file: Promise<string>, hash: string, edge: RenditionEdge): Promise<Buffer> {
  return cached(renditionFile(source, hash, edge), async () => {
    const { data, info } = await sharp(await file, { animated: false })
      .rotate()
      .resize(edge, edge, { fit: 'inside', withoutEnlargement: true })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
    const [body] = await Promise.all([
      sharp(data, raw).flatten({ background: '#000000' }).jpeg({ quality: 88 }).toBuffer(),
      // The thumbnail is an optimisation too: one that cannot be made is rendered when asked for.
      thumbnailFromRendition(thumbFile(source, hash), data, raw).catch(() => undefined),
    ]);
    return body;
  });
}

/** The rendition edge a variant names, or null for 'full' and 'thumb'. */
export function renditionEdge(variant: MediaVariant): RenditionEdge | null {
  const edge = Number(variant.slice('screen'.length));
  return variant.startsWith('screen') && (RENDITION_EDGES as readonly number[]).includes(edge) ? (edge as RenditionEdge) : null;
}

export async function readMedia(source: MediaSource, imageId: number, variant: MediaVariant): Promise<MediaBody> {
  const { relPath, hash, format, orientation, width, height } = source.locate(imageId);
  // The path check comes before any read of the file and any answer, but a render is
  // registered before it is awaited: a thumbnail asked for in the same moment as its image's
  // rendition must find the rendition under way (two checks need not finish in the order asked).
  const file = resolveInside(source.root, relPath);
  const checked = <T>(body: Promise<T>): Promise<T> => {
    body.catch(() => undefined);
    return file.then(() => body);
  };
  try {
    if (variant === 'thumb') return { body: await checked(thumbnail(source, file, hash)), contentType: 'image/webp' };
    const edge = renditionEdge(variant);
    if (edge !== null && Math.max(width, height) > edge) return { body: await checked(rendition(source, file, hash, edge)), contentType: 'image/jpeg' };
    const native = NATIVE[format];
    if (native && orientation === 1) return { body: await fs.readFile(await file), contentType: native };
    const resolved = await file;
    const body = await decodeSlots(() => sharp(resolved, { animated: format === 'gif' }).rotate().png().toBuffer());
    return { body, contentType: 'image/png' };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('IMAGE_INVALID', `Cannot decode ${relPath}: ${(error as Error).message}`);
  }
}
