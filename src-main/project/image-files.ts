/**
 * Finding and probing image files: a recursive walk that never stops on a bad entry, and a
 * probe that reads a file once for its content hash, format, pixel size and orientation.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { ADMIN_DIR } from './project-db';
import { imageErrnoReason } from '../core/storage-errors';
import { readImageFile, readImageFileSync } from '../core/user-file';

/**
 * What the scan indexes: the formats sharp decodes here (AVIF where its libheif has the AV1
 * decoder). sharp's prebuilt libvips has no BMP loader on any platform: BMP is listed below.
 */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff',
  ...(sharp.format.heif?.input.fileSuffix ?? []).filter((s) => s === '.avif'),
]);

const MICROSCOPE = (vendor: string): string =>
  `microscope file (${vendor}): ADMA Studio reads image files, not this format; export the images as TIFF (e.g. Fiji: File → Save As → Tiff…) to label them`;
const CAMERA_RAW = 'camera raw file: ADMA Studio cannot develop raw files; export them as JPEG or TIFF to label them';

/**
 * Files the scan finds but cannot index, listed with why and what to do instead of skipped
 * without a word: image formats this build cannot decode, and the medical, microscope and
 * camera files experts keep beside their images (a folder of only these otherwise read as
 * "no images in this folder").
 */
export const UNSUPPORTED_IMAGES: Record<string, string> = {
  '.heic': 'HEIC photo: this build cannot decode HEVC images; convert it to JPEG (e.g. Photos → Export, or `heif-convert`)',
  '.heif': 'HEIF photo: this build cannot decode HEVC images; convert it to JPEG (e.g. Photos → Export, or `heif-convert`)',
  '.svg': 'vector drawing (SVG): not a photo; export it as PNG to label it',
  '.svgz': 'vector drawing (SVG): not a photo; export it as PNG to label it',
  '.jxl': 'JPEG XL image: this build cannot decode it; convert it to JPEG or PNG',
  '.bmp': 'BMP image: this build cannot decode BMP; convert it to PNG (lossless, e.g. Fiji or any image editor: Save As → PNG)',
  ...(IMAGE_EXTENSIONS.has('.avif') ? {} : { '.avif': 'AVIF image: this build cannot decode it; convert it to JPEG or PNG' }),
  '.dcm': 'DICOM file: ADMA Studio reads image files, not DICOM; export the images from your DICOM viewer as PNG or 16-bit TIFF to label them',
  '.dicom': 'DICOM file: ADMA Studio reads image files, not DICOM; export the images from your DICOM viewer as PNG or 16-bit TIFF to label them',
  '.czi': MICROSCOPE('Zeiss CZI'),
  '.nd2': MICROSCOPE('Nikon ND2'),
  '.lif': MICROSCOPE('Leica LIF'),
  '.oib': MICROSCOPE('Olympus OIB'),
  '.oir': MICROSCOPE('Olympus OIR'),
  '.vsi': MICROSCOPE('Olympus VSI'),
  '.ndpi': MICROSCOPE('Hamamatsu NDPI'),
  '.ims': MICROSCOPE('Imaris IMS'),
  '.cr2': CAMERA_RAW,
  '.cr3': CAMERA_RAW,
  '.nef': CAMERA_RAW,
  '.arw': CAMERA_RAW,
  '.orf': CAMERA_RAW,
  '.raf': CAMERA_RAW,
  '.rw2': CAMERA_RAW,
};

/** A file the scan looks at by its name's extension: an image, indexed or listed as unsupported. */
export function imageLikeName(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  return IMAGE_EXTENSIONS.has(ext) || Object.hasOwn(UNSUPPORTED_IMAGES, ext);
}

export interface FoundFile {
  relPath: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedEntry {
  relPath: string;
  reason: string;
}

export interface ImageProbe {
  hash: string;
  width: number;
  height: number;
  format: string;
  orientation: number;
}

/** Stats in flight at once while walking a folder. */
const STAT_CHUNK = 64;

/**
 * Files up to this size are read synchronously: from the page cache the read takes
 * microseconds, while the promise-based open/stat/read/close round trips cost ten times the
 * CPU (measured: 12 vs 110 µs per 50 KB file) and bounded the scan rate. Larger files are read
 * asynchronously so a slow disk never holds the main thread for long.
 */
const SYNC_READ_MAX_BYTES = 256 * 1024;

/** Project-relative paths always use '/' so a project moves between systems. */
export function toRelPath(root: string, absPath: string): string {
  return path.relative(root, absPath).split(path.sep).join('/');
}

/**
 * Walk `root` depth-first in name order; skips `.adma` and hidden entries (export staging
 * folders too), reports unreadable ones, symbolic links and image formats it cannot read.
 */
export async function* walkImageFiles(root: string, skipped: SkippedEntry[]): AsyncGenerator<FoundFile> {
  const stack: string[] = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ relPath: `${toRelPath(root, dir) || '.'}/`, reason: `folder unreadable: ${imageErrnoReason(error)}` });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    const files: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === ADMIN_DIR) continue;
      const absPath = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        subdirs.push(absPath);
        continue;
      }
      const ext = path.extname(entry.name).toLowerCase();
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(absPath).catch(() => null);
        if (target?.isDirectory()) {
          skipped.push({ relPath: `${toRelPath(root, absPath)}/`, reason: 'symbolic link to a folder: not followed (move or copy the folder into the project folder)' });
        } else if (imageLikeName(entry.name)) {
          skipped.push({ relPath: toRelPath(root, absPath), reason: 'symbolic link: not followed (copy the file into the project folder)' });
        }
        continue;
      }
      const unsupported = UNSUPPORTED_IMAGES[ext];
      if (unsupported && entry.isFile()) {
        skipped.push({ relPath: toRelPath(root, absPath), reason: unsupported });
        continue;
      }
      if (!IMAGE_EXTENSIONS.has(ext)) continue;
      if (!entry.isFile()) continue;
      files.push(absPath);
    }
    // The folder's stats in parallel (one at a time, a 100,000-file walk waited on each round
    // trip in turn), yielded in name order.
    for (let start = 0; start < files.length; start += STAT_CHUNK) {
      const chunk = files.slice(start, start + STAT_CHUNK);
      const stats = await Promise.allSettled(chunk.map((absPath) => fs.stat(absPath)));
      for (let i = 0; i < chunk.length; i++) {
        const absPath = chunk[i]!;
        const stat = stats[i]!;
        if (stat.status === 'fulfilled') yield { relPath: toRelPath(root, absPath), absPath, size: stat.value.size, mtimeMs: stat.value.mtimeMs };
        else skipped.push({ relPath: toRelPath(root, absPath), reason: imageErrnoReason(stat.reason) });
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}

/** Cheap end-of-data check for the formats whose truncation a header read does not reveal. */
function truncationReason(buffer: Buffer, format: string): string | null {
  if (format === 'jpeg') {
    let end = buffer.length;
    while (end > 2 && (buffer[end - 1] === 0x00 || buffer[end - 1] === 0x0a || buffer[end - 1] === 0x0d)) end--;
    if (!(buffer[end - 2] === 0xff && buffer[end - 1] === 0xd9)) return 'truncated JPEG: the file ends before the image data does';
  } else if (format === 'png') {
    if (buffer.lastIndexOf('IEND', buffer.length - 1, 'latin1') < 0) return 'truncated PNG: the file ends before the image data does';
  }
  return null;
}

/** JPEG or PNG by the file's first bytes (its signature), whatever its name says; null otherwise. */
function signatureFormat(buffer: Buffer): 'jpeg' | 'png' | null {
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'jpeg';
  if (buffer.length >= 8 && buffer.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class UnreadableImage extends Error {}

interface Header {
  format: string;
  width: number;
  height: number;
  orientation: number;
}

/** sharp's default input limit (limitInputPixels): a header naming more pixels than this is not trusted from a quick read. */
const MAX_PIXELS = 0x3fff * 0x3fff;

/**
 * The header of a JPEG or PNG read in JavaScript (image-size): 2–13 µs a file where sharp's
 * `metadata()` costs ~150 µs of CPU, most of what a scan spends per file (bench/README.md,
 * "Scan"); same formats, sizes and orientations on 745 photos. Null when it cannot say
 * (another format, an unreadable or implausible header, a PNG with an eXIf chunk whose
 * orientation it does not read): sharp decides then, with its own reasons.
 */
function quickHeader(buffer: Buffer): Header | null {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(buffer);
  } catch {
    return null;
  }
  const format = size.type === 'jpg' ? 'jpeg' : size.type === 'png' ? 'png' : null;
  if (!format || !(size.width > 0 && size.height > 0) || size.width * size.height > MAX_PIXELS) return null;
  if (format === 'png' && buffer.includes('eXIf', 8, 'latin1')) return null;
  return { format, width: size.width, height: size.height, orientation: size.orientation ?? 1 };
}

/** The header as sharp reads it; throws UnreadableImage with a user-facing reason. */
async function sharpHeader(buffer: Buffer): Promise<Header> {
  try {
    const meta = await sharp(buffer).metadata();
    const format = meta.format ?? 'unknown';
    if (!meta.width || !meta.height) throw new UnreadableImage(`corrupt image: no pixel dimensions in the ${format} header`);
    return { format, width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
  } catch (error) {
    if (error instanceof UnreadableImage) throw error;
    // A JPEG or PNG cut short inside its header (a copy or download interrupted early) gets the
    // same plain reason as one cut in its image data, not the decoder's words for it.
    const signature = signatureFormat(buffer);
    const truncated = signature && truncationReason(buffer, signature);
    if (truncated) throw new UnreadableImage(truncated);
    const message = ((error as Error).message.split('\n')[0] ?? '').trim();
    // sharp's limitInputPixels (its default, MAX_PIXELS): a 20000 x 20000 microscope scan is not corrupt.
    if (/exceeds pixel limit/i.test(message)) throw new UnreadableImage(`too large: more than ${MAX_PIXELS.toLocaleString('en-US')} pixels (16383 x 16383), the most ADMA Studio decodes`);
    throw new UnreadableImage(
      /unsupported image format/i.test(message) ? 'not an image: the contents are not a supported image format' : `corrupt image: ${message}`,
    );
  }
}

/**
 * Read and identify one image; throws UnreadableImage with a user-facing reason.
 * `expectedSize` (the walk's stat) picks the read: small files synchronously, see SYNC_READ_MAX_BYTES.
 */
export async function probeImage(absPath: string, expectedSize = Infinity): Promise<ImageProbe> {
  let buffer: Buffer;
  try {
    buffer = expectedSize <= SYNC_READ_MAX_BYTES ? readImageFileSync(absPath) : await readImageFile(absPath);
  } catch (error) {
    throw new UnreadableImage(imageErrnoReason(error));
  }
  return probeImageBytes(buffer);
}

/**
 * Identify an image from its bytes, as the scan does (probeImage; `adma extract` reads them
 * inside its folder itself); throws UnreadableImage with a user-facing reason: empty, truncated,
 * not an image, too large.
 */
export async function probeImageBytes(buffer: Buffer): Promise<ImageProbe> {
  if (buffer.length === 0) throw new UnreadableImage('empty file (0 bytes)');
  const { format, width, height, orientation } = quickHeader(buffer) ?? (await sharpHeader(buffer));
  const truncated = truncationReason(buffer, format);
  if (truncated) throw new UnreadableImage(truncated);
  const swap = orientation >= 5 && orientation <= 8;
  return {
    hash: createHash('sha256').update(buffer).digest('hex'),
    width: swap ? height : width,
    height: swap ? width : height,
    format,
    orientation,
  };
}
