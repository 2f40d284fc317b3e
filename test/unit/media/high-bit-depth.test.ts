import fs from 'node:fs';
import path from 'node:path';
import sharp, { type SharpOptions } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { decodedOtherwiseAmong, decodeEightBit, DEEP_DECODE, highBitDepthOf, imageLevels, MAX_WHOLE_DEEP_BYTES, tooLargeToDecodeWhole } from '../../../src-main/media/high-bit-depth';
import { deepTiff, deepTiffHeader, sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { tempDir } from '../../support/image-folder';

const root = tempDir('adma-deep-among-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The grey values of the 8-bit image decodeEightBit gives, one byte a pixel, with its size. */
async function grey(input: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await (await decodeEightBit(input)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  return { data, width: info.width, height: info.height };
}

const row = (data: Buffer, width: number, y = 0): number[] => Array.from(data.subarray(y * width, (y + 1) * width));

describe('16-bit images brought to 8 bits by their own levels', () => {
  it('stretches a 12-bit gradient (PNG and TIFF) over 0-255, keeping the order of its values', async () => {
    for (const format of ['png', 'tiff'] as const) {
      const input = await sixteenBit(twelveBitGradient(256, 8), 256, 8, format);
      expect((await sharp(input).metadata()).depth).toBe('ushort');
      // Before: libvips's fixed scale put 4095 at 15 (1/16 of the range).
      expect(Math.max(...(await sharp(input).raw().toBuffer()))).toBeLessThanOrEqual(16);
      const { data, width } = await grey(input);
      const values = row(data, width);
      expect(values[0], format).toBe(0);
      expect(values[255], format).toBe(255);
      expect(values[128], format).toBeGreaterThan(120);
      expect(values[128], format).toBeLessThan(136);
      values.slice(1).forEach((v, x) => expect(v, `${format} column ${x + 1}`).toBeGreaterThanOrEqual(values[x] as number));
    }
  });

  it('ignores a few hot pixels: the range is the image’s, not theirs', async () => {
    // 3 of 2,048 pixels (0.15%) at 65535: above the 99.8th percentile.
    const hot = [5, 700, 1500];
    const input = await sixteenBit(twelveBitGradient(256, 8, hot), 256, 8, 'png');
    const { data, width } = await grey(input);
    expect(row(data, width, 1)[255]).toBeGreaterThanOrEqual(250);
    expect(row(data, width, 1)[128]).toBeGreaterThan(120);
    for (const i of hot) expect(data[i]).toBe(255);
  });

  it('maps a constant image by the full 16-bit range, and a nearly constant one from its minimum to its maximum', async () => {
    const constant = await sixteenBit(new Uint16Array(64 * 64).fill(1000), 64, 64, 'tiff');
    const flat = await grey(constant);
    expect(new Set(flat.data)).toEqual(new Set([Math.round((1000 * 255) / 65535)]));
    // 99.9% background at 100, four pixels at 3000: both percentiles are 100.
    const sparse = new Uint16Array(64 * 64).fill(100);
    for (const i of [10, 1000, 2000, 4000]) sparse[i] = 3000;
    const { data } = await grey(await sixteenBit(sparse, 64, 64, 'png'));
    expect(data[0]).toBe(0);
    expect(data[1000]).toBe(255);
  });

  it('stretches a colour image by one range for all channels (its balance kept) and scales alpha by the full range', async () => {
    const width = 64;
    const height = 4;
    const gradient = twelveBitGradient(width, height);
    const rgba = new Uint16Array(width * height * 4);
    gradient.forEach((v, i) => rgba.set([v, Math.round(v / 2), 0, i % 2 === 0 ? 65535 : 32768], i * 4));
    const input = await sixteenBit(rgba, width, height, 'png', { channels: 4 });
    const { data, info } = await (await decodeEightBit(input)).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    const last = Array.from(data.subarray((width - 1) * 4, width * 4));
    expect(last[0]).toBeGreaterThanOrEqual(250);
    expect(Math.abs((last[1] as number) - 128)).toBeLessThanOrEqual(3); // half of red, as stored
    expect(last[2]).toBe(0);
    expect([data[3], data[7]]).toEqual([255, 128]);
  });

  it('applies the EXIF orientation', async () => {
    // 40 x 20 stored, dark on the left; orientation 6 turns it clockwise: 20 x 40, dark on top.
    const input = await sixteenBit(twelveBitGradient(40, 20), 40, 20, 'tiff', { orientation: 6 });
    const { data, width, height } = await grey(input);
    expect([width, height]).toEqual([20, 40]);
    expect(data[0]).toBe(0);
    expect(data[width * (height - 1)]).toBe(255);
  });

  it('computes the percentiles as numpy.percentile does (linear interpolation), so the model card’s Python reproduces them', () => {
    // np.percentile(np.arange(100), [1, 99.8]) and of the 12 values below: [0.99, 98.802], [0.11, 98.9].
    const near = (levels: { low: number; high: number }, low: number, high: number): void => {
      expect(levels.low).toBeCloseTo(low, 9);
      expect(levels.high).toBeCloseTo(high, 9);
    };
    near(imageLevels(Array.from({ length: 100 }, (_, i) => i), 10, 10, 1, 1, 65535), 0.99, 98.802);
    near(imageLevels([5, 3, 9, 1, 7, 2, 8, 6, 4, 0, 100, 50], 4, 3, 1, 1, 65535), 0.11, 98.9);
    // A 600-wide image is sampled every 3rd row and column (ceil(600 / 256)).
    // Row 0, columns 0, 3, …, 597: 200 values; the 1st percentile lies at 1.99, between columns 3 and 6.
    const wide = twelveBitGradient(600, 3);
    const [at3, at6] = [wide[3] as number, wide[6] as number];
    expect(imageLevels(wide, 600, 3, 1, 1, 65535).low).toBeCloseTo(at3 + 0.99 * (at6 - at3), 9);
    // 16-bit values are ordered by counting them: the same levels as sorting them.
    const noisy = Uint16Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 7919) % 4096);
    expect(imageLevels(noisy, 300, 200, 3, 3, 65535)).toEqual(imageLevels(Array.from(noisy), 300, 200, 3, 3, 65535));
    expect(imageLevels(new Uint16Array(64).fill(7), 8, 8, 1, 1, 65535)).toEqual({ low: 0, high: 65535 });
  });
});

describe('large deep images', () => {
  it('are reduced at their own depth before their values are read when the caller wants no more than `fit` pixels a side', async () => {
    const input = await sixteenBit(twelveBitGradient(1200, 300, [5, 700, 1500]), 1200, 300, 'tiff');
    const { data, info } = await (await decodeEightBit(input, { animated: false }, 256)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    // Before, `fit` was not there: the image was decoded whole (1200 x 300) and the caller resized it.
    expect([info.width, info.height]).toEqual([256, 64]);
    // Stretched by the reduced image's levels: the whole range, its order kept (row 10, away from the hot pixels).
    const row = Array.from(data.subarray(10 * 256, 11 * 256));
    expect(row[0]).toBeLessThanOrEqual(1);
    expect(row[255]).toBeGreaterThanOrEqual(254);
    row.slice(1).forEach((v, x) => expect(v, `column ${x + 1}`).toBeGreaterThanOrEqual((row[x] as number) - 1));
    // An image within `fit`, and an 8-bit one, as without it (the caller's resize does the rest).
    const small = await sixteenBit(twelveBitGradient(200, 50), 200, 50, 'png');
    expect((await (await decodeEightBit(small, {}, 256)).raw().toBuffer()).equals(await (await decodeEightBit(small)).raw().toBuffer())).toBe(true);
    const eight = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#336699' } }).png().toBuffer();
    expect((await (await decodeEightBit(eight, {}, 256)).metadata()).width).toBe(600);
  });

  it('one too large to decode whole at its depth gets a clear error (the model’s input, the zoom), before anything is decoded', async () => {
    const huge = { depth: 'float', colourful: true, linear: true as const, width: 14000, height: 14000, bands: 3 };
    expect(tooLargeToDecodeWhole(huge)).toBe(
      'too large to decode whole at 32 bits per channel: 14000 x 14000 pixels need 2.2 GB (at most 2 GB); it can be shown, not zoomed into or given to the model',
    );
    // Every 16-bit RGBA image libvips opens (sharp's limit: 16383 x 16383 pixels) is decoded whole.
    expect(tooLargeToDecodeWhole({ depth: 'ushort', colourful: true, width: 16383, height: 16383, bands: 4 })).toBeNull();
    expect(16383 * 16383 * 4 * 2).toBeLessThanOrEqual(MAX_WHOLE_DEEP_BYTES);
    // A float RGB TIFF whose header says 14000 x 14000 (its pixels are not there: nothing is read).
    const input = deepTiffHeader(14000, 14000, 3);
    expect(await highBitDepthOf(input)).toMatchObject({ width: 14000, height: 14000, bands: 3 });
    await expect(decodeEightBit(input)).rejects.toThrow(/too large to decode whole at 32 bits per channel: 14000 x 14000 pixels/);
    // As the model's input: an unreadable image (IMAGE_INVALID), named, as a damaged file is.
    await expect(decodeImage(input, { width: 224, height: 224, channels: 3, resize: 'squash' })).rejects.toMatchObject({
      code: 'IMAGE_INVALID',
      message: expect.stringMatching(/^Cannot decode image: too large to decode whole/) as unknown,
    });
  });
});

describe('8-bit images', () => {
  it('are decoded exactly as before, byte for byte', async () => {
    const base = sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 200, g: 120, b: 40 } } });
    const inputs: [string, Buffer, SharpOptions][] = [
      ['png', await base.clone().png().toBuffer(), {}],
      ['grey png', await base.clone().toColourspace('b-w').png().toBuffer(), {}],
      ['rgba png', await base.clone().ensureAlpha(0.5).png().toBuffer(), {}],
      ['jpeg, turned', await base.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer(), { failOn: 'truncated', animated: false, pages: 1 }],
      ['webp', await base.clone().webp().toBuffer(), { animated: false }],
      ['gif', await base.clone().gif().toBuffer(), { animated: true }],
      ['tiff', await base.clone().tiff().toBuffer(), { failOn: 'none', animated: false, pages: 1 }],
    ];
    for (const [what, input, options] of inputs) {
      expect(await highBitDepthOf(input, options), what).toBeNull();
      const before = await sharp(input, options).rotate().raw().toBuffer();
      expect((await (await decodeEightBit(input, options)).raw().toBuffer()).equals(before), what).toBe(true);
    }
  });

  it('tells a 16-bit PNG from its header and a 16-bit TIFF from libvips', async () => {
    const png = await sixteenBit(twelveBitGradient(8, 8), 8, 8, 'png');
    const tiff = await sixteenBit(new Uint16Array(8 * 8 * 3), 8, 8, 'tiff', { channels: 3 });
    expect(await highBitDepthOf(png)).toEqual({ depth: 'ushort', colourful: false, width: 8, height: 8, bands: 1 });
    expect(await highBitDepthOf(tiff)).toEqual({ depth: 'ushort', colourful: true, width: 8, height: 8, bands: 3 });
    const rgba = await sixteenBit(new Uint16Array(5 * 3 * 4), 5, 3, 'png', { channels: 4 });
    expect(await highBitDepthOf(rgba)).toEqual({ depth: 'ushort', colourful: true, width: 5, height: 3, bands: 4 });
  });

  it('decodedOtherwiseAmong, under the dark decode, finds the 16-bit files by their bytes, and reads none the scan found to be JPEG, WebP or GIF', async () => {
    const deep = path.join(root, 'deep.png');
    const tiff = path.join(root, 'deep.tif');
    const plain = path.join(root, 'plain.png');
    fs.writeFileSync(deep, await sixteenBit(twelveBitGradient(64, 8), 64, 8, 'png'));
    fs.writeFileSync(tiff, await sixteenBit(twelveBitGradient(64, 8), 64, 8, 'tiff'));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toFile(plain);
    const found = await decodedOtherwiseAmong(
      [
        { hash: 'png', path: deep },
        { hash: 'tiff', path: tiff, format: 'tiff' },
        { hash: 'plain', path: plain, format: 'png' },
        { hash: 'gone', path: path.join(root, 'gone.png') },
      ],
      0,
      root,
    );
    expect([...found.otherwise].sort()).toEqual(['png', 'tiff']);
    // The scan's format is read from the content: a file it calls JPEG, WebP or GIF is not read
    // (here a 16-bit PNG given as one, to show that nothing of it was looked at).
    for (const format of ['jpeg', 'webp', 'gif']) expect([...(await decodedOtherwiseAmong([{ hash: 'png', path: deep, format }], 0, root)).otherwise], format).toEqual([]);
    expect([...(await decodedOtherwiseAmong([{ hash: 'png', path: deep, format: 'png' }], 0, root)).otherwise]).toEqual(['png']);
  });

  it('decodedOtherwiseAmong, under the first levels, finds the float RGB and 32-bit TIFF only (read brighter, or rounded, then)', async () => {
    const files = {
      floatRgb: deepTiff(new Float32Array(4 * 4 * 3).map((_, i) => i / 48), 4, 4, { channels: 3 }),
      floatGrey: deepTiff(new Float32Array(4 * 4).map((_, i) => i / 16), 4, 4),
      uint: deepTiff(new Uint32Array(4 * 4).map((_, i) => 2 ** 25 + i), 4, 4),
      sixteenTiff: await sixteenBit(twelveBitGradient(4, 4), 4, 4, 'tiff'),
      sixteenPng: await sixteenBit(twelveBitGradient(4, 4), 4, 4, 'png'),
      plainTiff: await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).tiff().toBuffer(),
    };
    const listed = Object.entries(files).map(([hash, bytes]) => {
      const file = path.join(root, `since-levels-${hash}`);
      fs.writeFileSync(file, bytes);
      return { hash, path: file };
    });
    expect([...(await decodedOtherwiseAmong(listed, 1, root)).otherwise].sort()).toEqual(['floatRgb', 'uint']);
    // A PNG is not read under 1 (at most 16 bits), nor anything under this version's decode.
    expect([...(await decodedOtherwiseAmong([{ hash: 'x', path: listed[0]!.path, format: 'png' }], 1, root)).otherwise]).toEqual([]);
    expect([...(await decodedOtherwiseAmong(listed, DEEP_DECODE, root)).otherwise]).toEqual([]);
  });
});
