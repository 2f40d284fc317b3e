/**
 * 32-bit float and integer TIFF (ImageJ's float images, scientific pipelines' 32-bit output),
 * written by test/support's deepTiff (sharp writes none), decoded by their levels as 16-bit ones
 * are: by the values as stored, NaN and infinities left out of the levels, for the label view as
 * for the model, and by the model card's Node snippet to the same bytes. The Python snippet:
 * high-bit-depth-python.test.ts.
 */
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { NODE_EIGHT_BIT } from '../../../src-main/engine/export/model-card';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { decodeEightBit, highBitDepthOf } from '../../../src-main/media/high-bit-depth';
import { deepTiff, sixteenBit, twelveBitGradient, type DeepSamples } from '../../support/high-bit-depth-images';

/** The 8-bit pixels decodeEightBit gives `input`, as raw bytes, with their layout. */
async function decoded(input: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await (await decodeEightBit(input)).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** The grey values (one byte a pixel) decodeEightBit gives `input`. */
const grey = async (input: Buffer): Promise<Buffer> => (await decodeEightBit(input)).toColourspace('b-w').raw().toBuffer();

/** A gradient of `width` values from `from` at the left to `to` at the right, the same on every row, as 32-bit floats. */
function floatGradient(width: number, height: number, from: number, to: number): Float32Array {
  return Float32Array.from({ length: width * height }, (_, i) => from + ((i % width) / (width - 1)) * (to - from));
}

describe('deepTiff, the test fixtures’ 32-bit TIFF writer', () => {
  it('writes float, unsigned and signed 32-bit TIFF, grey and RGB, that libvips reads back value for value', async () => {
    const cases: [string, DeepSamples, 1 | 3, string][] = [
      ['float grey', Float32Array.from([-0.25, 0, 0.1, 1e-7, 3.5, -1e6]), 1, 'float'],
      ['float RGB', Float32Array.from({ length: 18 }, (_, i) => i / 7), 3, 'float'],
      ['uint grey', Uint32Array.from([0, 1, 2 ** 24 + 1, 2 ** 31, 4294967295, 7]), 1, 'uint'],
      ['int grey', Int32Array.from([-2147483648, -1, 0, 1, 2 ** 24 + 1, 2147483647]), 1, 'int'],
      ['int RGB', Int32Array.from({ length: 18 }, (_, i) => (i - 9) * 100_000_007), 3, 'int'],
    ];
    for (const [what, values, channels, depth] of cases) {
      const width = 3;
      const height = values.length / channels / width;
      const input = deepTiff(values, width, height, { channels, orientation: 1 });
      const meta = await sharp(input).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height, depth: meta.depth, channels: meta.channels, orientation: meta.orientation }, what).toEqual({
        format: 'tiff',
        width,
        height,
        depth,
        channels,
        orientation: 1,
      });
      // Read back at the stored depth, in the stored interpretation (float RGB is scRGB to libvips).
      const space = channels === 1 ? 'b-w' : depth === 'float' ? 'scrgb' : 'srgb';
      const data = await sharp(input).toColourspace(space).raw({ depth: depth as 'float' | 'uint' | 'int' }).toBuffer();
      const back = new (values.constructor as new (b: ArrayBuffer, o: number, n: number) => DeepSamples)(data.buffer, data.byteOffset, values.length);
      expect(Array.from(back), what).toEqual(Array.from(values));
    }
    // The orientation tag, when given, is the one libvips applies.
    expect((await sharp(deepTiff(new Float32Array(6), 3, 2, { orientation: 6 })).metadata()).orientation).toBe(6);
    expect(() => deepTiff(new Float32Array(5), 3, 2)).toThrow(/5 values for 3 x 2 x 1/);
  });
});

describe('32-bit float and integer TIFF brought to 8 bits by their own levels', () => {
  it('stretches a float image of values in 0..0.3, or below zero, over 0-255 (fixed scaling would leave it black)', async () => {
    for (const [from, to] of [
      [0, 0.3],
      [-2, -1.5],
      [0, 1],
    ] as const) {
      const input = deepTiff(floatGradient(256, 4, from, to), 256, 4);
      expect(await highBitDepthOf(input)).toEqual({ depth: 'float', colourful: false, width: 256, height: 4, bands: 1 });
      const data = await grey(input);
      const row = Array.from(data.subarray(0, 256));
      expect([row[0], row[255]], `${from}..${to}`).toEqual([0, 255]);
      expect(Math.abs((row[128] as number) - 128), `${from}..${to}`).toBeLessThanOrEqual(3);
      row.slice(1).forEach((v, x) => expect(v).toBeGreaterThanOrEqual(row[x] as number));
    }
  });

  it('leaves NaN and infinite pixels out of the levels: NaN and -inf are black, +inf white, the rest stretched over 0-255', async () => {
    const width = 256;
    const values = floatGradient(width, 4, 0, 0.3);
    // Row 1 begins with the odd ones (2% of the image: enough to set either percentile if they counted).
    const odd = [NaN, Infinity, -Infinity];
    for (let x = 0; x < 21; x++) values[width + x] = odd[x % 3] as number;
    const data = await grey(deepTiff(values, width, 4));
    expect(Array.from(data.subarray(width, width + 3))).toEqual([0, 255, 0]);
    const row = Array.from(data.subarray(0, width));
    expect([row[0], row[width - 1]]).toEqual([0, 255]);
    expect(Math.abs((row[128] as number) - 128)).toBeLessThanOrEqual(3);
    // Nothing finite at all: mapped by the float full scale (0..1), not a division by zero.
    expect(Array.from(await grey(deepTiff(Float32Array.from([NaN, NaN, Infinity, -Infinity]), 2, 2)))).toEqual([0, 0, 255, 0]);
  });

  it('maps a constant float image by 0..1, a constant 32-bit integer one by its full range', async () => {
    expect(new Set(await grey(deepTiff(new Float32Array(64).fill(0.5), 8, 8)))).toEqual(new Set([128]));
    expect(new Set(await grey(deepTiff(new Int32Array(64).fill(2 ** 30), 8, 8)))).toEqual(new Set([128]));
    expect(new Set(await grey(deepTiff(new Uint32Array(64).fill(2 ** 31), 8, 8)))).toEqual(new Set([128]));
  });

  it('stretches a float RGB image by its stored values, as the same values in grey (libvips’s scRGB is not converted to sRGB first)', async () => {
    const width = 64;
    const gradient = floatGradient(width, 2, 0, 0.2);
    const rgb = new Float32Array(gradient.length * 3);
    gradient.forEach((v, i) => rgb.set([v, v, v], i * 3));
    const colour = await decoded(deepTiff(rgb, width, 2, { channels: 3 }));
    expect(colour.channels).toBe(3);
    const reds = Array.from({ length: width }, (_, x) => colour.data[x * 3] as number);
    // Before: the linear values were brought to sRGB's curve first (0.1 of 0.2 near 190, not 130).
    // (Within 1 of the grey image's: its sample holds each value once, the colour one's three times.)
    const greys = await grey(deepTiff(gradient, width, 2));
    reds.forEach((v, x) => expect(Math.abs(v - (greys[x] as number)), `column ${x}`).toBeLessThanOrEqual(1));
    expect(Math.abs((reds[32] as number) - 130)).toBeLessThanOrEqual(2);
  });

  it('reads 32-bit integers exactly (no rounding through float): two values 1 apart above 2^24 are black and white', async () => {
    // Rounded to float, 2^24 and 2^24 + 1 are one value: a constant image, all at 2^24 / 2^31 x 255 = 2.
    const checker = (base: number): number[] => Array.from({ length: 64 }, (_, i) => base + ((i + (i >> 3)) % 2));
    for (const values of [Int32Array.from(checker(2 ** 24)), Uint32Array.from(checker(2 ** 31 + 2 ** 24)), Int32Array.from(checker(-(2 ** 30) - 2 ** 24))]) {
      const data = await grey(deepTiff(values, 8, 8));
      expect(Array.from(data), String(values[0])).toEqual(Array.from(values, (v) => (v === values[0] ? 0 : 255)));
    }
  });

  it('gives the model a stretched input (224 x 224, full range) from a float and a 32-bit integer image', async () => {
    const target = { width: 224, height: 224, channels: 3, resize: 'squash' } as const; // the whole gradient
    for (const input of [deepTiff(floatGradient(300, 200, -0.1, 0.2), 300, 200), deepTiff(Int32Array.from(twelveBitGradient(300, 200), (v) => v * 1000 - 5_000_000), 300, 200)]) {
      const pixels = await decodeImage(input, target);
      expect(pixels.length).toBe(224 * 224 * 3);
      expect(pixels.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThanOrEqual(250);
      expect(pixels.reduce((a, b) => Math.min(a, b), 255)).toBeLessThanOrEqual(5);
    }
  });

  it('the model card’s Node snippet (eightBit) gives the bytes ADMA Studio decodes, for float grey and RGB, NaN, 32-bit integers and 16-bit', async () => {
    const eightBit = new Function('sharp', `${NODE_EIGHT_BIT}\nreturn eightBit;`)(sharp) as (file: Buffer) => Promise<Sharp>;
    const withNaN = floatGradient(300, 20, -0.1, 0.2);
    withNaN.set([NaN, Infinity, -Infinity, NaN], 600);
    const rgb = Float32Array.from({ length: 300 * 20 * 3 }, (_, i) => ((i * 7919) % 1000) / 5000);
    const inputs: Record<string, Buffer> = {
      'float grey, NaN and inf': deepTiff(withNaN, 300, 20),
      'float RGB': deepTiff(rgb, 300, 20, { channels: 3 }),
      'int, turned': deepTiff(Int32Array.from({ length: 600 * 3 }, (_, i) => 2 ** 24 + ((i * 7919) % 4001)), 600, 3, { orientation: 6 }),
      uint: deepTiff(Uint32Array.from({ length: 600 * 3 }, (_, i) => 2 ** 31 + ((i * 7919) % 4001)), 600, 3),
      '16-bit': await sixteenBit(twelveBitGradient(300, 20), 300, 20, 'tiff'),
    };
    for (const [what, input] of Object.entries(inputs)) {
      const ours = await (await decodeEightBit(input, { animated: false, pages: 1 })).raw().toBuffer();
      const theirs = await (await eightBit(input)).raw().toBuffer();
      expect(theirs.equals(ours), what).toBe(true);
    }
  });
});
