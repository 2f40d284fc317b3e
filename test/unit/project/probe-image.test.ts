/**
 * The probe reads JPEG and PNG headers in JavaScript (image-size) and asks sharp otherwise:
 * either way it must give what sharp's `metadata()` gives, orientation included, and the same
 * reasons for files it cannot read.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { probeImage, UnreadableImage } from '../../../src-main/project/image-files';
import { deepTiff } from '../../support/high-bit-depth-images';
import { tempDir } from '../../support/image-folder';

const solid = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#c04020' } });

async function written(name: string, body: Buffer): Promise<string> {
  const file = path.join(tempDir('adma-probe-'), name);
  fs.writeFileSync(file, body);
  return file;
}

describe('probeImage', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('gives sharp’s format, size and orientation %i for a JPEG and a PNG', async (orientation) => {
    for (const [name, body] of [
      ['o.jpg', await solid().jpeg().withMetadata({ orientation }).toBuffer()],
      ['o.png', await solid().png().withMetadata({ orientation }).toBuffer()],
      ['o.webp', await solid().webp().withMetadata({ orientation }).toBuffer()],
    ] as const) {
      const meta = await sharp(body).metadata();
      const probe = await probeImage(await written(name, body));
      const swap = orientation >= 5;
      expect(probe).toMatchObject({ format: meta.format, orientation: meta.orientation ?? 1, width: swap ? 30 : 40, height: swap ? 40 : 30 });
    }
  });

  it('refuses a header naming an implausible size, and a fake image, with sharp’s reasons', async () => {
    const png = await solid().png().toBuffer();
    // IHDR's width and height overwritten with 0x07070707: a quick read would believe it.
    const implausible = Buffer.from(png);
    implausible.fill(7, 16, 24);
    await expect(probeImage(await written('big.png', implausible))).rejects.toThrow(UnreadableImage);
    // A header past sharp's pixel limit (a 20000 x 20000 float TIFF; its pixels need not be there): too large, not corrupt.
    const huge = deepTiff(new Float32Array(4), 2, 2);
    huge.writeUInt32LE(20000, 8 + 2 + 8); // ImageWidth's value (the first entry)
    huge.writeUInt32LE(20000, 8 + 2 + 12 + 8); // ImageLength's
    await expect(probeImage(await written('huge.tif', huge))).rejects.toThrow(/^too large: more than 268,402,689 pixels \(16383 x 16383\), the most ADMA Studio decodes$/);
    await expect(probeImage(await written('fake.jpg', Buffer.from('a text file wearing a .jpg extension')))).rejects.toThrow(/not an image/);
    const jpeg = await solid().jpeg().toBuffer();
    await expect(probeImage(await written('cut.jpg', jpeg.subarray(0, jpeg.length - 40)))).rejects.toThrow(/truncated JPEG/);
  });

  it('calls a JPEG or PNG cut inside its header truncated, as one cut in its image data, not by the decoder\'s words', async () => {
    const jpeg = await solid().jpeg().withIccProfile('srgb').toBuffer();
    const png = await solid().png().toBuffer();
    // Cut before the image's dimensions (a JPEG's SOF after its ICC profile; a PNG's inside IHDR): no quick read, sharp fails.
    await expect(probeImage(await written('early.jpg', jpeg.subarray(0, 300)))).rejects.toThrow(/^truncated JPEG: the file ends before the image data does$/);
    await expect(probeImage(await written('early.png', png.subarray(0, 20)))).rejects.toThrow(/^truncated PNG: the file ends before the image data does$/);
    // A file named .png that is a cut JPEG is judged by its bytes.
    await expect(probeImage(await written('named.png', jpeg.subarray(0, 300)))).rejects.toThrow(/^truncated JPEG/);
  });
});
