/**
 * 16-bit test images as microscopes and scientific cameras write them: 12-bit data (0-4095)
 * in a 16-bit grayscale PNG or TIFF. sharp writes a 16-bit TIFF only uncompressed or with
 * LZW/deflate (its default, JPEG compression, is 8-bit).
 */
import sharp from 'sharp';

export const TWELVE_BIT_MAX = 4095;

/** 12-bit values rising from 0 at the left to 4095 at the right, the same on every row; `hot`: these pixel indices set to 65535. */
export function twelveBitGradient(width: number, height: number, hot: readonly number[] = []): Uint16Array {
  const values = new Uint16Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = Math.round(((i % width) / (width - 1)) * TWELVE_BIT_MAX);
  for (const i of hot) values[i] = 65535;
  return values;
}

/** `values` (1 value a pixel: grey, 3: RGB, 4: RGBA) encoded as a 16-bit PNG or TIFF, tagged with an EXIF `orientation` when given. */
export function sixteenBit(values: Uint16Array, width: number, height: number, format: 'png' | 'tiff', options: { channels?: 1 | 3 | 4; orientation?: number } = {}): Promise<Buffer> {
  const { channels = 1, orientation } = options;
  let image = sharp(values, { raw: { width, height, channels } }).toColourspace(channels === 1 ? 'grey16' : 'rgb16');
  if (orientation !== undefined) image = image.withMetadata({ orientation });
  return (format === 'png' ? image.png() : image.tiff({ compression: 'lzw' })).toBuffer();
}
