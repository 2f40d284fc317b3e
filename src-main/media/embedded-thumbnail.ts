/**
 * The thumbnail a camera embeds in a JPEG's EXIF (IFD1, JPEGInterchangeFormat/Length; usually
 * 160×120): bytes near the start of the file. The label view shows it as an image's first paint
 * when neither its rendition nor its gallery thumbnail is ready, because it costs a read of the
 * file's first bytes where either of those costs a decode of the original (~0.1 s of CPU at
 * 24 MP, bench/README.md). Parsed by exifr (pure JavaScript, no decode).
 *
 * Invariants:
 * - Only the first EXIF_READ_BYTES of the file are read, synchronously: an asynchronous read
 *   would queue on libuv's thread pool behind the decodes that fill it (the very wait this
 *   avoids); from the page cache it costs tens of microseconds (bench/README.md, "EXIF thumbnails").
 * - What is served is a whole JPEG smaller than the image, in the image's aspect ratio up to
 *   the bars some cameras pad it with (then the page crops it, centred: `object-fit: cover`).
 *   Anything else (no EXIF, a truncated one, offsets past the end, a thumbnail that is not a
 *   JPEG, a huge length, another aspect) is no thumbnail: the label view behaves as without one.
 * - Oriented as the image: the image's EXIF orientation applies to its thumbnail, which has
 *   none of its own, so an EXIF segment naming that orientation is put in front of its bytes
 *   (browsers and sharp apply it when decoding; no decode here).
 */
import { closeSync, readSync } from 'node:fs';
import { openImageSync } from '../core/user-file';
import exifr from 'exifr';
import { imageSize } from 'image-size';

/** Read this much of a file: the EXIF segment (at most 64 KB) and whatever segments come before it. */
export const EXIF_READ_BYTES = 128 * 1024;
/** An APP1 segment holds at most 65,533 bytes, its thumbnail with it. */
const MAX_THUMBNAIL_BYTES = 65_533;
/**
 * The most of either side the centred crop may take away: bars padding a 16:9 image into 4:3
 * take 25% of the height (a 3:2 one 11%); a thumbnail that would lose more is not of this image.
 */
export const MAX_CROP = 0.26;

/** The image as the project knows it: format, size as displayed (after orientation), EXIF orientation. */
export interface MainImage {
  format: string;
  width: number;
  height: number;
  orientation: number;
}

/**
 * The first `bytes` of a file (fewer when it is shorter), read synchronously; null when it cannot
 * be read. `file` is a path, or a descriptor the caller opened (and closes).
 */
function readHead(file: string | number, bytes: number): Buffer | null {
  let fd: number;
  try {
    fd = typeof file === 'number' ? file : openImageSync(file).fd;
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(bytes);
    const read = readSync(fd, head, 0, bytes, 0);
    return head.subarray(0, read);
  } catch {
    return null;
  } finally {
    if (typeof file !== 'number') closeSync(fd);
  }
}

/** Whether `bytes` end with a JPEG's end-of-image marker (trailing zero padding allowed). */
function endsLikeJpeg(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 2 && bytes[end - 1] === 0) end--;
  return end >= 4 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

/**
 * The thumbnail's bytes if they are an acceptable first paint of `main`, else null: a whole
 * JPEG, smaller than the image, with its aspect ratio once oriented (up to MAX_CROP of padding).
 */
export function acceptThumbnail(bytes: Uint8Array, main: MainImage): Buffer | null {
  if (bytes.length < 128 || bytes.length > MAX_THUMBNAIL_BYTES) return null;
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff || !endsLikeJpeg(bytes)) return null;
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    return null;
  }
  if (size.type !== 'jpg' || !(size.width > 0 && size.height > 0)) return null;
  // Stored as the image's pixels are: turned as the image is turned.
  const [width, height] = main.orientation >= 5 && main.orientation <= 8 ? [size.height, size.width] : [size.width, size.height];
  // Smaller than the image (a reader that fell back on the file's own start would give the image itself).
  if (width >= main.width || height >= main.height) return null;
  const ratio = width / height / (main.width / main.height);
  if (1 - Math.min(ratio, 1 / ratio) > MAX_CROP) return null;
  return Buffer.from(bytes);
}

/**
 * `jpeg` with an EXIF segment naming `orientation` right after its start-of-image marker (the
 * first EXIF segment is the one decoders read). Orientation 1 (or an invalid one) leaves it as it is.
 */
export function withOrientation(jpeg: Buffer, orientation: number): Buffer {
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) return jpeg;
  const segment = Buffer.from([
    0xff, 0xe1, 0x00, 0x22, // APP1, length 34 (this field and the 32 bytes after it)
    0x45, 0x78, 0x69, 0x66, 0x00, 0x00, // "Exif\0\0"
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // TIFF header, big-endian, IFD0 at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation, SHORT, 1, value
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/**
 * The embedded thumbnail of the JPEG `file` (a path, or a descriptor the caller opened and
 * closes), oriented as `main`, or null when it has no acceptable one (see the invariants above).
 * Never throws: a hostile file is no thumbnail.
 */
export async function readEmbeddedThumbnail(file: string | number, main: MainImage): Promise<Buffer | null> {
  if (main.format !== 'jpeg') return null;
  const head = readHead(file, EXIF_READ_BYTES);
  if (!head || head.length < 4) return null;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await exifr.thumbnail(head);
  } catch {
    return null;
  }
  const accepted = bytes ? acceptThumbnail(bytes, main) : null;
  return accepted && withOrientation(accepted, main.orientation);
}
