/**
 * Bytes for the renderer's <img>: the original file when the browser can show it as is,
 * otherwise a re-encoding with EXIF orientation applied; thumbnails cached per content hash.
 * Images are addressed by id only; the path comes from the project database.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
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

async function thumbnail(source: MediaSource, file: string, hash: string): Promise<MediaBody> {
  const cacheFile = path.join(source.adminDir, 'thumbs', `${hash}-${THUMB_SIZE}.webp`);
  try {
    return { body: await fs.readFile(cacheFile), contentType: 'image/webp' };
  } catch {
    // not cached yet
  }
  const body = await sharp(file, { animated: false })
    .rotate()
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  await fs.mkdir(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await fs.writeFile(tmp, body);
  await fs.rename(tmp, cacheFile);
  return { body, contentType: 'image/webp' };
}

export async function readMedia(source: MediaSource, imageId: number, variant: MediaVariant): Promise<MediaBody> {
  const { relPath, hash, format, orientation } = source.locate(imageId);
  const file = await resolveInside(source.root, relPath);
  try {
    if (variant === 'thumb') return await thumbnail(source, file, hash);
    const native = NATIVE[format];
    if (native && orientation === 1) return { body: await fs.readFile(file), contentType: native };
    const body = await sharp(file, { animated: format === 'gif' }).rotate().png().toBuffer();
    return { body, contentType: 'image/png' };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('IMAGE_INVALID', `Cannot decode ${relPath}: ${(error as Error).message}`);
  }
}
