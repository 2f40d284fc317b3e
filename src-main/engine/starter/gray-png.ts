/** Grayscale 8-bit PNG encoding and decoding with sharp. */
import sharp from 'sharp';
import type { GrayImage } from './gray-image';

export async function encodeGrayPng(image: GrayImage): Promise<Buffer> {
  if (image.pixels.length !== image.width * image.height) {
    throw new RangeError(`A ${image.width}x${image.height} grayscale image needs ${image.width * image.height} bytes, got ${image.pixels.length}.`);
  }
  return sharp(Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), {
    raw: { width: image.width, height: image.height, channels: 1 },
  })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Decode any image sharp reads into 8-bit grayscale. */
export async function decodeGrayPng(data: Buffer | string): Promise<GrayImage> {
  const { data: pixels, info } = await sharp(data).toColourspace('b-w').extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength) };
}
