/**
 * Bytes for the renderer's <img>: the original file when the browser can show it as is,
 * otherwise a re-encoding with EXIF orientation applied; thumbnails cached per content hash.
 * Images are addressed by id only; the path comes from the project database.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { AppError } from '../../src-shared/app-error';
import type { MediaVariant } from '../../src-shared/contract';
import { resolveInside } from './path-containment';

export interface MediaSource {
  root: string;
  adminDir: string;
  locate(id: number): { relPath: string; hash: string; format: string; orientation: number };
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
/** Thumbnails being rendered, by cache file: parallel requests for one share its render. */
const rendering = new Map<string, Promise<Buffer>>();

async function renderThumbnail(file: string, cacheFile: string): Promise<Buffer> {
  const body = await decodeSlots(() =>
    sharp(file, { animated: false })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer(),
  );
  // The cache is an optimisation: a thumbnail that cannot be stored is still served.
  const tmp = `${cacheFile}.${randomUUID()}.tmp`;
  try {
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, cacheFile);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
  return body;
}

async function thumbnail(source: MediaSource, file: string, hash: string): Promise<MediaBody> {
  const cacheFile = path.join(source.adminDir, 'thumbs', `${hash}-${THUMB_SIZE}.webp`);
  try {
    return { body: await fs.readFile(cacheFile), contentType: 'image/webp' };
  } catch {
    // not cached yet
  }
  let render = rendering.get(cacheFile);
  if (!render) {
    render = renderThumbnail(file, cacheFile).finally(() => rendering.delete(cacheFile));
    rendering.set(cacheFile, render);
  }
  return { body: await render, contentType: 'image/webp' };
}

export async function readMedia(source: MediaSource, imageId: number, variant: MediaVariant): Promise<MediaBody> {
  const { relPath, hash, format, orientation } = source.locate(imageId);
  const file = await resolveInside(source.root, relPath);
  try {
    if (variant === 'thumb') return await thumbnail(source, file, hash);
    const native = NATIVE[format];
    if (native && orientation === 1) return { body: await fs.readFile(file), contentType: native };
    const body = await decodeSlots(() => sharp(file, { animated: format === 'gif' }).rotate().png().toBuffer());
    return { body, contentType: 'image/png' };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('IMAGE_INVALID', `Cannot decode ${relPath}: ${(error as Error).message}`);
  }
}
