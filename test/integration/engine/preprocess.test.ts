import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { decodeImage, type DecodeTarget } from '../../../src-main/engine/preprocess/decode-image';
import { prefetchDecodedBatches } from '../../../src-main/engine/preprocess/prefetch-decoded-batches';
import { decodeOriginal } from '../../../src-main/media/media-cache';
import { sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { until } from '../../support/until';

/** The files whose decode began, and those whose decode has ended (the prefetch test watches how far ahead it decodes). */
const decodes = vi.hoisted(() => ({ begun: new Set<string>(), ended: new Set<string>() }));
vi.mock('../../../src-main/engine/preprocess/decode-image', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-main/engine/preprocess/decode-image')>();
  const watched: typeof real.decodeImage = (input, target) => {
    const name = typeof input === 'string' ? input : 'bytes';
    decodes.begun.add(name);
    return real.decodeImage(input, target).finally(() => decodes.ended.add(name));
  };
  return { ...real, decodeImage: watched };
});

const RGB: DecodeTarget = { height: 8, width: 8, channels: 3, resize: 'center-crop' };
let dir: string;

/** A 40x20 image: left half red, right half blue. */
function halves(): Promise<Buffer> {
  const pixels = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 40; x++) {
      const i = (y * 40 + x) * 3;
      if (x < 20) pixels[i] = 255;
      else pixels[i + 2] = 255;
    }
  }
  return sharp(pixels, { raw: { width: 40, height: 20, channels: 3 } }).png().toBuffer();
}

function pixel(p: Uint8Array, x: number, y: number, width = 8, channels = 3): number[] {
  const i = (y * width + x) * channels;
  return Array.from(p.subarray(i, i + channels));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'adma-preprocess-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decodeImage', () => {
  it('center-crop keeps the aspect ratio, squash keeps the whole image', async () => {
    const png = await halves();
    const crop = await decodeImage(png, RGB);
    const squash = await decodeImage(png, { ...RGB, resize: 'squash' });
    // Square centre crop of a 2:1 image: columns 10..30, still half red, half blue.
    expect(pixel(crop, 0, 4)).toEqual([255, 0, 0]);
    expect(pixel(crop, 7, 4)).toEqual([0, 0, 255]);
    expect(pixel(squash, 0, 4)).toEqual([255, 0, 0]);
    expect(pixel(squash, 7, 4)).toEqual([0, 0, 255]);
    // A tall 1:2 image: crop keeps the middle rows only.
    const tall = await sharp(png).rotate(90).toBuffer();
    const tallCrop = await decodeImage(tall, RGB);
    // Rotated clockwise: red on top, blue below; the crop keeps rows 10..30 of 40, both colours.
    expect(pixel(tallCrop, 4, 0)).toEqual([255, 0, 0]);
    expect(pixel(tallCrop, 4, 7)).toEqual([0, 0, 255]);
  });

  it('applies the EXIF orientation', async () => {
    const png = await halves();
    // Stored 40x20 with orientation 6 (rotate 90 clockwise to display): displayed 20x40, red on top.
    const jpeg = await sharp(png).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const out = await decodeImage(jpeg, { ...RGB, resize: 'squash' });
    const top = pixel(out, 4, 0);
    const bottom = pixel(out, 4, 7);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);
  });

  it('converts CMYK images to 8-bit sRGB close to the original', async () => {
    const base = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
    const reference = await decodeImage(base, RGB);
    const cmyk = await sharp(base).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const out = await decodeImage(cmyk, RGB);
    expect(out.length).toBe(8 * 8 * 3);
    const diff = Math.max(...Array.from(out, (v, i) => Math.abs(v - (reference[i] as number))));
    // ICC round trips move colours a little; a misread CMYK image is off by >100.
    expect(diff).toBeLessThan(40);
  });

  it('feeds a 12-bit image in a 16-bit PNG or TIFF stretched by its levels, as it is shown, not 1/16 of the range', async () => {
    for (const format of ['png', 'tiff'] as const) {
      // Dark on the left (0), bright on the right (4095), three hot pixels at 65535 that do not set the range.
      const input = await sixteenBit(twelveBitGradient(64, 64, [70, 1000, 3000]), 64, 64, format);
      const grey = await decodeImage(input, { height: 8, width: 8, channels: 1, resize: 'squash' });
      const middle = Array.from(grey.subarray(4 * 8, 5 * 8));
      expect(middle[0], format).toBeLessThan(20);
      expect(middle[7], format).toBeGreaterThan(230); // the old code: at most 16
      middle.slice(1).forEach((v, x) => expect(v, format).toBeGreaterThan(middle[x] as number));
      // The model sees what the expert sees: the media cache's decode of the same file, resized alike.
      const shown = await (await decodeOriginal(input)).toColourspace('b-w').resize(8, 8, { fit: 'fill' }).raw().toBuffer();
      expect(Array.from(grey), format).toEqual(Array.from(shown));
    }
    // A colour 16-bit image keeps its three channels.
    const rgb = await sharp(await halves()).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(rgb).metadata()).depth).toBe('ushort');
    expect(pixel(await decodeImage(rgb, RGB), 0, 4)).toEqual([255, 0, 0]);
    expect(pixel(await decodeImage(rgb, RGB), 7, 4)).toEqual([0, 0, 255]);
  });

  it('flattens transparency onto white and uses the first frame of an animation', async () => {
    const transparent = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expect(pixel(await decodeImage(transparent, RGB), 3, 3)).toEqual([255, 255, 255]);
    const frames = Buffer.concat(
      await Promise.all([{ r: 0, g: 200, b: 0 }, { r: 200, g: 0, b: 0 }].map((background) => sharp({ create: { width: 12, height: 12, channels: 3, background } }).raw().toBuffer())),
    );
    const animated = await sharp(frames, { raw: { width: 12, height: 12 * 2, channels: 3, pageHeight: 12 } }).gif().toBuffer();
    expect((await sharp(animated, { animated: true }).metadata()).pages).toBe(2);
    const first = pixel(await decodeImage(animated, RGB), 4, 4);
    expect(first[1]).toBeGreaterThan(150);
    expect(first[0]).toBeLessThan(50);
  });

  it('decodes to one channel for grayscale models', async () => {
    const png = await halves();
    const out = await decodeImage(png, { ...RGB, channels: 1 });
    expect(out.length).toBe(64);
    // Pure red has relative luminance 0.2126, i.e. ~127 after sRGB gamma encoding.
    expect(out[0]).toBeGreaterThan(110);
    expect(out[0]).toBeLessThan(145);
    expect(out[63]).toBeLessThan(out[0] as number); // blue is darker than red
  });

  it('rejects empty, non-image and truncated files with IMAGE_INVALID', async () => {
    const empty = join(dir, 'empty.jpg');
    const text = join(dir, 'text.jpg');
    const truncated = join(dir, 'truncated.jpg');
    writeFileSync(empty, '');
    writeFileSync(text, 'this is not a JPEG, only text with the wrong extension\n');
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3080c0' } }).jpeg().toBuffer();
    writeFileSync(truncated, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    for (const file of [empty, text, truncated, join(dir, 'does-not-exist.jpg')]) {
      const error = await decodeImage(file, RGB).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('IMAGE_INVALID');
      expect((error as AppError).message).toContain(file);
    }
    expect(readFileSync(truncated).length).toBeLessThan(jpeg.length);
  });
});

describe('prefetchDecodedBatches', () => {
  it('yields batches in order, reports bad files per image, and decodes a bounded number of batches ahead', async () => {
    const items: { hash: string; path: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const path = join(dir, `img-${i}.png`);
      if (i === 1) writeFileSync(path, 'broken');
      else await sharp({ create: { width: 10, height: 10, channels: 3, background: { r: i * 20, g: 0, b: 0 } } }).png().toFile(path);
      items.push({ hash: `h${i}`, path });
    }
    const seen: string[] = [];
    const failures: string[] = [];
    let batches = 0;
    // Batches of 3: [0 1 2] [3 4 5] [6 7 8] [9]; depth 2.
    for await (const batch of prefetchDecodedBatches(items, RGB, { batchSize: 3, depth: 2 })) {
      batches += 1;
      seen.push(...batch.items.map((item) => item.hash));
      failures.push(...batch.failures.map((f) => `${f.item.hash}:${f.error.code}`));
      expect(batch.pixels.length).toBe(batch.items.length * 8 * 8 * 3);
      batch.items.forEach((item, i) => expect(batch.pixels[i * 192]).toBe(Number(item.hash.slice(1)) * 20));
      if (batches === 1) {
        // While the consumer works on batch 1, batches 2 and 3 are decoded ahead; batch 4 is not
        // started yet. Break every later file: only those not decoded yet are affected.
        const ahead = items.slice(3, 9).map((item) => item.path);
        await until('batches 2 and 3 decoded ahead of the consumer', () => ahead.every((file) => decodes.ended.has(file)));
        expect(decodes.begun.has(items[9]!.path)).toBe(false);
        for (const item of items.slice(3)) writeFileSync(item.path, 'overwritten');
      }
    }
    expect(seen).toEqual(['h0', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8']);
    expect(failures).toEqual(['h1:IMAGE_INVALID', 'h9:IMAGE_INVALID']);
  });

  it('stops early when the signal is aborted', async () => {
    const path = join(dir, 'one.png');
    await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).png().toFile(path);
    const items = Array.from({ length: 12 }, (_, i) => ({ hash: `x${i}`, path }));
    const controller = new AbortController();
    let batches = 0;
    for await (const batch of prefetchDecodedBatches(items, RGB, { batchSize: 2, signal: controller.signal })) {
      batches += 1;
      expect(batch.items).toHaveLength(2);
      if (batches === 2) controller.abort();
    }
    expect(batches).toBe(2);
  });
});
