/**
 * Generated JPEGs for the image benchmarks: shapes on a plain ground (`flat`), or on fine noise
 * (`photo`: a JPEG decoder spends most of its time on entropy decoding, so a flat synthetic
 * image decodes ~3× faster than a photo of the same size; the noise costs what a photo does).
 * Every image differs (its own colours and shape positions), so every content hash does.
 * `exif`: camera-like, with the thumbnail a camera embeds in the EXIF (160×120, padded with black
 * bars, test/support/camera-jpeg.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { cameraThumbnail, withExif } from '../../test/support/camera-jpeg';

export async function writeJpegs(dir: string, width: number, height: number, count: number, photo: boolean, exif = false): Promise<string[]> {
  const base = photo
    ? await sharp({ create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
        .blur(1.2)
        .png({ compressionLevel: 0 })
        .toBuffer()
    : null;
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const hue = (i * 47) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <rect width="100%" height="100%" fill="hsl(${hue},40%,30%)" ${base ? 'fill-opacity="0.5"' : ''}/>
      <circle cx="${(i * 97) % width}" cy="${(i * 61) % height}" r="${60 + (i % 7) * 20}" fill="hsl(${(hue + 120) % 360},70%,60%)"/>
      <rect x="${(i * 31) % width}" y="${(i * 17) % height}" width="180" height="90" fill="hsl(${(hue + 220) % 360},60%,50%)"/></svg>`;
    const file = path.join(dir, `frame-${String(i).padStart(4, '0')}.jpg`);
    const image = base ? sharp(base).composite([{ input: Buffer.from(svg) }]) : sharp(Buffer.from(svg));
    if (!exif) await image.jpeg({ quality: 88 }).toFile(file);
    else {
      // The thumbnail from the composed pixels (a composite applies after a resize in one pipeline).
      const pixels = await image.raw().toBuffer({ resolveWithObject: true });
      const composed = () => sharp(pixels.data, { raw: pixels.info });
      const jpeg = await composed().jpeg({ quality: 88 }).toBuffer();
      await fs.writeFile(file, withExif(jpeg, { thumbnail: await cameraThumbnail(composed()) }));
    }
    files.push(file);
  }
  return files;
}
