/**
 * Decodes one image file into the model's input pixels with sharp (libvips, on libuv
 * worker threads): EXIF orientation applied, CMYK converted to 8-bit sRGB, 16-bit and float
 * images stretched to 8 bits by their own levels (media/high-bit-depth.ts, as they are shown),
 * transparency flattened onto white, only the first frame of animated GIF/WebP/TIFF used,
 * grayscale for 1-channel models, then resized to the model input.
 *
 * Resize modes (a project setting; the default comes from the model descriptor):
 * - 'center-crop' (default): scale so the shorter side fits, crop the centre; keeps the
 *   aspect ratio, may cut off the borders of very wide or tall images.
 * - 'squash': scale each axis independently to the input size; keeps the whole image but
 *   distorts its aspect ratio.
 */
import { AppError } from '../../../src-shared/app-error';
import { imageErrnoReason } from '../../core/storage-errors';
import { readImageFile } from '../../core/user-file';
import { decodeEightBit } from '../../media/high-bit-depth';
import { readFileInside } from '../../media/path-containment';

export type ResizeMode = 'center-crop' | 'squash';

export interface DecodeTarget {
  height: number;
  width: number;
  channels: 1 | 3;
  resize: ResizeMode;
}

/** Pixels of one decoded image: height x width x channels bytes, row-major, 0..255. */
export type DecodedPixels = Uint8Array;

/**
 * Decode a file (path) or an in-memory image. Throws AppError('IMAGE_INVALID') for empty,
 * unreadable, truncated or non-image input. `root`: the folder the file must lie in (the
 * project's), read as the media server reads it (path-containment.ts, readFileInside: a
 * symbolic link on its path that leads outside is refused, with that AppError); without it, a
 * file named by a tool or test, read as every project image is (user-file.ts, readImageFile).
 */
export async function decodeImage(input: string | Buffer, target: DecodeTarget, root?: string): Promise<DecodedPixels> {
  const label = typeof input === 'string' ? input : 'image';
  let bytes: Buffer;
  try {
    // Read first: sharp says "unsupported image format" for a file it may not open.
    bytes = typeof input !== 'string' ? input : root !== undefined ? await readFileInside(root, input) : await readImageFile(input);
  } catch (error) {
    if (error instanceof AppError) throw error; // readFileInside's: names the file and says what to do
    throw new AppError('IMAGE_INVALID', `Cannot read ${label}: ${imageErrnoReason(error)}`);
  }
  try {
    const { data, info } = await (await decodeEightBit(bytes, { failOn: 'truncated', animated: false, pages: 1 }))
      .flatten({ background: '#ffffff' })
      .toColourspace(target.channels === 1 ? 'b-w' : 'srgb')
      .resize(target.width, target.height, { fit: target.resize === 'squash' ? 'fill' : 'cover', position: 'centre' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== target.width || info.height !== target.height || info.channels !== target.channels) {
      throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${target.width}x${target.height}x${target.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new AppError('IMAGE_INVALID', `Cannot decode ${label}: ${reason}`);
  }
}
