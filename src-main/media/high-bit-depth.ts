/**
 * Images of more than 8 bits per channel (16-bit grayscale PNG and TIFF from microscopes,
 * medical and scientific cameras, 32-bit float TIFF from ImageJ), brought to 8 bits by their
 * own range. libvips scales 16-bit to 8-bit by a fixed factor (about ÷256), so a 12-bit image
 * (0-4095 in 0-65535) used 1/16 of the range: shown almost black, and fed to the model almost
 * black. Here the 1st to the 99.8th percentile of the image's values is mapped linearly to
 * 0-255, clipped (a few hot or dead pixels do not set the range).
 *
 * The one decode of every image shown or fed to the model (decodeEightBit): the media cache's
 * renditions and thumbnails (media-cache.ts decodeOriginal), the originals re-encoded for the
 * label view's zoom (image-media.ts), the perceptual codes (engine/features/difference-hash.ts),
 * and the model's input (engine/preprocess/decode-image.ts, which the `adma` commands use too).
 *
 * Invariants:
 * - An 8-bit image is decoded exactly as before: `sharp(input, options).rotate()`, the same
 *   pipeline, so its pixels are the same bytes (test/unit/media/high-bit-depth.test.ts).
 * - The levels are the image's, not a channel's: one range for all colour channels, so a
 *   colour image keeps its balance. Alpha is scaled by its format's full range, never stretched.
 * - The percentiles are those of a grid sample (every `step`-th row and column, step =
 *   ceil(max(width, height) / LEVEL_SAMPLE_SIDE)) of the oriented image, interpolated linearly
 *   as numpy.percentile does by default: the exported model card's Python snippet reproduces
 *   them exactly (export/model-card.ts).
 * - An image whose 1st and 99.8th percentiles are equal (mostly background) is mapped from its
 *   sample's minimum to its maximum; a constant one by its format's full range (what libvips
 *   gave before): never a division by zero.
 * - The values are those stored, read at their own depth (a 32-bit integer is not rounded through
 *   float): a float RGB TIFF, which libvips takes as linear light (scRGB), is not brought to
 *   sRGB's curve first, so its channels are stretched as the same values in grey are. NaN and
 *   infinite values (ImageJ marks missing data with NaN) are left out of the levels; NaN and
 *   -inf map to 0, +inf to 255.
 * - Where only a reduced image is wanted (the gallery thumbnail, renditions, perceptual codes:
 *   `fit`), a deep image larger than it is reduced by libvips at its own depth as it is decoded,
 *   and its levels are those of the reduced image: the full-size values are never held (a
 *   16000 x 16000 16-bit RGB TIFF: ~40 MB instead of ~3 GB; bench/README.md). The model's input
 *   and the zoomed original are decoded whole, as the exported rule says; at most
 *   MAX_WHOLE_DEEP_BYTES of values (a clear error beyond), one such image of more than
 *   LARGE_DEEP_BYTES at a time.
 */
import path from 'node:path';
import pLimit from 'p-limit';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { openImageFile, readImageFile } from '../core/user-file';
import { openInside, readFileInside } from './path-containment';

/** The percentiles mapped to 0 and 255. */
export const LOW_PERCENTILE = 1;
export const HIGH_PERCENTILE = 99.8;
/** The grid sample's longer side, at most: 256 x 256 pixels (~2-10 ms to sort on one core). */
export const LEVEL_SAMPLE_SIDE = 256;

/** The rule in words, for an export's preprocessing.json and model card (engine/export). */
export const HIGH_BIT_DEPTH_RULE =
  `Images of more than 8 bits per channel (16-bit PNG and TIFF, 32-bit and float TIFF) are brought to 8 bits by their own levels: ` +
  `the ${LOW_PERCENTILE}st to the ${HIGH_PERCENTILE}th percentile of the values of the EXIF-oriented image (all colour channels together, ` +
  `from every step-th row and column, step = ceil(longer side / ${LEVEL_SAMPLE_SIDE}); numpy.percentile's linear interpolation) ` +
  `mapped linearly to 0..255, clipped and rounded half up; alpha is scaled by its full range (65535 for 16-bit). ` +
  `The values are those stored (float RGB is not converted from linear light to sRGB); NaN and infinite values are left out of the percentiles, and NaN maps to 0. ` +
  `When the two percentiles are equal, the sample's minimum and maximum are used; for a constant image, 0 and the full range (65535 for 16-bit, 2147483647 for 32-bit signed, 4294967295 for 32-bit unsigned, 1 for float). ` +
  `8-bit images are used as they are.`;

/** The range of values a format's full scale spans (a constant image's mapping, and alpha's). */
const FULL_SCALE: Record<string, number> = {
  ushort: 65535,
  short: 32767,
  uint: 4294967295,
  int: 2147483647,
  float: 1,
  double: 1,
};

/** The value mapped to 0 and the one mapped to 255. */
export interface Levels {
  low: number;
  high: number;
}

/** Whether sharp decodes an image of this `depth` (metadata's band format) to more than 8 bits per channel. */
export const isHighBitDepth = (depth: string | undefined): boolean => depth !== undefined && depth !== 'uchar' && depth !== 'char';

/** What decodeEightBit needs to know of an image deeper than 8 bits: its band format, whether it is in colour, its size. */
export interface HighBitDepth {
  /** sharp's metadata `depth`: 'ushort', 'short', 'uint', 'int', 'float' or 'double'. */
  depth: string;
  /** RGB (or CMYK), with or without alpha; otherwise grey, with or without alpha. */
  colourful: boolean;
  /** Linear-light float RGB (libvips's scRGB: a float RGB TIFF), read as it is, not converted to sRGB. */
  linear?: true;
  /** Its size as stored (one page), and its channels (alpha included) as decodeEightBit reads them. */
  width: number;
  height: number;
  bands: number;
}

/** Formats (as the scan records them, or formatOfHead) that sharp decodes at 8 bits per channel whatever the file: never stretched. */
const EIGHT_BIT_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'webp', 'gif']);

/** Whether an image of `format` (the scan's, or formatOfHead's) may be deeper than 8 bits, i.e. decoded by its levels since they were introduced. */
export const mayBeDeep = (format: string): boolean => !EIGHT_BIT_FORMATS.has(format);

/**
 * The decodes of images deeper than 8 bits, in the order the app's versions made them: a cache
 * records the one it was written under (engine/features: the feature and perceptual caches), and
 * forgets once what the present one gives otherwise (decodedOtherwiseSince), nothing else.
 * - 0: libvips's fixed scale (before this file): a 12-bit image almost black.
 * - 1: stretched by their levels, but a float RGB TIFF first brought from linear light to sRGB's
 *   curve (brighter: 0.1 of 0.2 near 190, not 130) and 32-bit integers rounded through float.
 * - 2: stretched by the values as stored (see the file's comment): this version.
 */
export const DEEP_DECODE = 2;

/** Whether an image of `format` (the scan's; undefined when not known) may decode otherwise now than under deep decode `since` (DEEP_DECODE). */
export function mayDecodeOtherwiseSince(format: string | undefined, since: number): boolean {
  if (since >= DEEP_DECODE) return false;
  if (format === undefined) return true;
  // Of the formats the scan indexes, only TIFF holds float or 32-bit values (PNG and AVIF: at most 16 bits).
  return since < 1 ? mayBeDeep(format) : format === 'tiff';
}

/** Whether an image deeper than 8 bits (highBitDepthOf) decodes otherwise now than under deep decode `since` (DEEP_DECODE). */
export function decodedOtherwiseSince(deep: HighBitDepth, since: number): boolean {
  return since < 1 || (since < 2 && (deep.linear === true || deep.depth === 'uint' || deep.depth === 'int'));
}

/** Bytes at the start of a file enough for `sniff` (a PNG's colour type is byte 25). */
const HEAD_BYTES = 32;

/**
 * What the first bytes of an image tell: null for JPEG, GIF and WebP (8 bits here) and an 8-bit
 * PNG; a 16-bit PNG's depth, colour and size (IHDR: width at byte 16, height at 20, bit depth at
 * 24, colour type at 25: 0 grey, 2 RGB, 4 grey and alpha, 6 RGBA); undefined when they do not
 * tell (TIFF, AVIF…: libvips does).
 */
function sniff(head: Buffer): HighBitDepth | null | undefined {
  const format = formatOfHead(head);
  if (format !== 'png') return format === 'other' ? undefined : null;
  if (head[24] !== 16) return null;
  const type = head[25];
  const colourful = type === 2 || type === 6;
  return { depth: 'ushort', colourful, width: head.readUInt32BE(16), height: head.readUInt32BE(20), bands: (colourful ? 3 : 1) + (type === 4 || type === 6 ? 1 : 0) };
}

/** The format of an image as its first bytes say it, as the scan names it, for JPEG, GIF, WebP and PNG; 'other' for the rest (TIFF, AVIF…). */
export function formatOfHead(head: Buffer): 'jpeg' | 'gif' | 'webp' | 'png' | 'other' {
  if (head[0] === 0xff && head[1] === 0xd8) return 'jpeg';
  if (head.toString('latin1', 0, 4) === 'GIF8') return 'gif';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (head.length > 25 && head.readUInt32BE(0) === 0x89504e47 && head.toString('latin1', 12, 16) === 'IHDR') return 'png';
  return 'other';
}

/**
 * How `input` is deeper than 8 bits per channel, or null when it is not. JPEG, GIF, WebP and PNG
 * are told from their first bytes (sniff), with no call into libvips: an 8-bit JPEG or PNG pays
 * nothing more than that look.
 */
export async function highBitDepthOf(input: string | Buffer, options: SharpOptions = {}): Promise<HighBitDepth | null> {
  const told = Buffer.isBuffer(input) ? sniff(input) : undefined;
  if (told !== undefined) return told;
  const { depth, channels = 1, hasAlpha, space, width = 0, height = 0 } = await sharp(input, options).metadata();
  if (!isHighBitDepth(depth)) return null;
  const colourful = channels - (hasAlpha ? 1 : 0) >= 3 || space === 'cmyk';
  return { depth: depth as string, colourful, ...(colourful && space === 'scrgb' ? { linear: true as const } : {}), width, height, bands: (colourful ? 3 : 1) + (hasAlpha ? 1 : 0) };
}

/**
 * What a cache written under deep decode `since` (DEEP_DECODE, decodedOtherwiseSince) can no
 * longer keep of `files` (engine/features: the feature and perceptual caches forget it once):
 * `otherwise`, the hashes of those whose decode is other now (under 0, every image deeper than 8
 * bits; under 1, the float RGB and 32-bit integer ones); `unreadable`, those that cannot be read
 * now (gone, refused, unreadable bytes), which may be either: what was made from them is not
 * known to be of this decode, so it is not kept as if checked, and their next decode tries them
 * again and reports why it fails, as for any unreadable image.
 * Each file's first bytes are read, checked inside `root` as every project read is
 * (path-containment.ts; without `root`, a file a tool or test names); the whole file only when
 * they do not tell (a TIFF). A file whose `format` the scan read from its content cannot be one
 * (mayDecodeOtherwiseSince: under 0, JPEG, WebP or GIF; under 1, all but TIFF) is not read at
 * all, and is in neither set.
 */
export async function decodedOtherwiseAmong(
  files: readonly { hash: string; path: string; format?: string }[],
  since: number,
  root?: string,
): Promise<{ otherwise: Set<string>; unreadable: Set<string> }> {
  const otherwise = new Set<string>();
  const unreadable = new Set<string>();
  const read = new Set<string>();
  if (since >= DEEP_DECODE) return { otherwise, unreadable };
  for (const { hash, path: file, format } of files) {
    // The scan read the format from the content: a JPEG, WebP or GIF is never deeper (no read;
    // 100,000 JPEGs' heads took ~20-30 s, for nothing).
    if (!mayDecodeOtherwiseSince(format, since)) continue;
    try {
      const { handle } = root === undefined ? await openImageFile(file) : await openInside(root, path.relative(root, file).split(path.sep).join('/'));
      let head: Buffer;
      try {
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
        head = buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
      const told = sniff(head);
      const whole = (): Promise<Buffer> => (root === undefined ? readImageFile(file) : readFileInside(root, file));
      const deep = told === undefined ? await highBitDepthOf(await whole()) : told;
      if (deep !== null && decodedOtherwiseSince(deep, since)) otherwise.add(hash);
      read.add(hash);
    } catch {
      unreadable.add(hash);
    }
  }
  // Two files of one content, one of them read: its bytes are the hash's, and tell.
  for (const hash of read) unreadable.delete(hash);
  return { otherwise, unreadable };
}

/** A sample's values in ascending order, read by rank (0 is the least): `at(rank)`, `count` of them. */
interface Ordered {
  count: number;
  at(rank: number): number;
}

/** The finite values of `sample` in order; NaN (float images) would sort last and spoil the high percentile: left out. */
function sorted(sample: Float64Array): Ordered {
  const finite = sample.filter((v) => Number.isFinite(v)).sort();
  return { count: finite.length, at: (rank) => finite[rank] as number };
}

/**
 * 16-bit values in order by counting them (65,536 bins), the same ranks as sorting them in a
 * fraction of the time (~1 ms instead of ~15-50 ms for a 256 x 256 RGB sample).
 */
function counted(sample: Uint16Array): Ordered {
  const below = new Uint32Array(65537); // below[v]: how many are less than v
  for (const v of sample) below[v + 1]!++;
  for (let v = 1; v <= 65536; v++) below[v]! += below[v - 1]!;
  return {
    count: sample.length,
    at(rank) {
      // The value v with below[v] <= rank < below[v + 1], by bisection.
      let lo = 0;
      let hi = 65535;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((below[mid] as number) <= rank) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
  };
}

/**
 * The value at percentile `p` (0-100) of `ordered`, interpolated linearly as numpy.percentile
 * does by default, operation for operation (its index `(n - 1) * (p / 100)`, and its lerp,
 * which from the halfway point on counts back from the upper value), so that the model card's
 * Python gets the same levels to the last bit.
 */
function percentile(ordered: Ordered, p: number): number {
  const at = (ordered.count - 1) * (p / 100);
  const below = Math.floor(at);
  const t = at - below;
  const lower = ordered.at(below);
  const upper = ordered.at(Math.min(below + 1, ordered.count - 1));
  const diff = upper - lower;
  return t >= 0.5 ? upper - diff * (1 - t) : lower + diff * t;
}

/**
 * The levels of an image of `width` x `height` x `channels` values (`colour` of them colour,
 * the rest alpha), as decodeEightBit maps them; `fullScale` when the image is constant.
 */
export function imageLevels(values: ArrayLike<number>, width: number, height: number, channels: number, colour: number, fullScale: number): Levels {
  const step = Math.max(1, Math.ceil(Math.max(width, height) / LEVEL_SAMPLE_SIDE));
  const rows = Math.ceil(height / step);
  const columns = Math.ceil(width / step);
  const sixteen = values instanceof Uint16Array;
  const sample = sixteen ? new Uint16Array(rows * columns * colour) : new Float64Array(rows * columns * colour);
  let n = 0;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const at = (y * width + x) * channels;
      for (let c = 0; c < colour; c++) sample[n++] = values[at + c] as number;
    }
  }
  const ordered = sample instanceof Uint16Array ? counted(sample) : sorted(sample);
  if (ordered.count === 0) return { low: 0, high: fullScale };
  const low = percentile(ordered, LOW_PERCENTILE);
  const high = percentile(ordered, HIGH_PERCENTILE);
  if (high > low) return { low, high };
  const min = ordered.at(0);
  const max = ordered.at(ordered.count - 1);
  if (max > min) return { low: min, high: max };
  return { low: 0, high: fullScale };
}

/** `v` scaled by `scale` from `low`, clipped to 0-255 and rounded half up (NaN fails both comparisons: 0). */
const eightBit = (v: number, low: number, scale: number): number => {
  const scaled = (v - low) * scale;
  return scaled <= 0 ? 0 : scaled >= 255 ? 255 : Math.floor(scaled + 0.5);
};

/**
 * `values` mapped to 8 bits: colour channels by `levels` (clipped, rounded half up), alpha by
 * `fullScale`. 16-bit values through a table of all 65,536 (the same arithmetic, once per value
 * instead of once per pixel: a 2048 x 2048 RGB image in ~15 ms instead of ~60).
 */
export function toEightBit(values: ArrayLike<number>, channels: number, colour: number, levels: Levels, fullScale: number): Uint8Array {
  const out = new Uint8Array(values.length);
  const scale = 255 / (levels.high - levels.low);
  const alphaScale = 255 / fullScale;
  if (values instanceof Uint16Array) {
    const table = new Uint8Array(65536);
    const alphaTable = new Uint8Array(colour < channels ? 65536 : 0);
    for (let v = 0; v < 65536; v++) table[v] = eightBit(v, levels.low, scale);
    for (let v = 0; v < alphaTable.length; v++) alphaTable[v] = eightBit(v, 0, alphaScale);
    if (colour === channels) for (let i = 0; i < values.length; i++) out[i] = table[values[i] as number] as number;
    else for (let i = 0; i < values.length; i++) out[i] = (i % channels < colour ? table[values[i] as number] : alphaTable[values[i] as number]) as number;
    return out;
  }
  for (let i = 0; i < values.length; i++) out[i] = i % channels < colour ? eightBit(values[i] as number, levels.low, scale) : eightBit(values[i] as number, 0, alphaScale);
  return out;
}

/** The typed array of each band format's values as sharp gives them raw (`raw({ depth })`), and its bytes per value. */
const STORED: Record<string, { array: (buffer: ArrayBuffer, offset: number, length: number) => ArrayLike<number>; bytes: number }> = {
  ushort: { array: (b, o, n) => new Uint16Array(b, o, n), bytes: 2 },
  short: { array: (b, o, n) => new Int16Array(b, o, n), bytes: 2 },
  uint: { array: (b, o, n) => new Uint32Array(b, o, n), bytes: 4 },
  int: { array: (b, o, n) => new Int32Array(b, o, n), bytes: 4 },
  float: { array: (b, o, n) => new Float32Array(b, o, n), bytes: 4 },
  double: { array: (b, o, n) => new Float64Array(b, o, n), bytes: 8 },
};

/** A band format's typed array, float's for any other (sharp reads it as float). */
const storedOf = (depth: string): (typeof STORED)[string] => STORED[depth] ?? (STORED.float as (typeof STORED)[string]);

/** The bytes of a deep image's values decoded whole at its depth. */
const wholeBytes = ({ depth, width, height, bands }: HighBitDepth): number => width * height * bands * storedOf(depth).bytes;

/**
 * The most values a deep image decoded whole (the model's input, the zoomed original) may hold:
 * 2 GiB, then ~1 GiB more of 8-bit pixels and the file's bytes (a 16000 x 16000 16-bit RGB TIFF,
 * 1.4 GiB of values, peaked at ~3 GB). Every 16-bit image libvips opens (at most 16383 x 16383
 * pixels, sharp's limitInputPixels) fits; a larger float or 32-bit RGB one is refused with
 * tooLargeToDecodeWhole's reason, and still shown (its reduced decodes never hold it whole).
 */
export const MAX_WHOLE_DEEP_BYTES = 2 * 1024 ** 3;

/** Values above which a whole deep decode waits for any other such decode to end: 256 MiB (a 6,500 x 6,500 16-bit RGB image). */
export const LARGE_DEEP_BYTES = 256 * 1024 ** 2;

/**
 * One whole deep decode of more than LARGE_DEEP_BYTES at a time: the media server decodes up to 4
 * images at once and the model's input a batch at once, and four 16000 x 16000 16-bit images
 * held together would need ~12 GB. Smaller ones do not wait. Exported for its test (its
 * activeCount and pendingCount); decodes go through wholeDecodeGated.
 */
export const largeWholeDecodes = pLimit(1);

/** `read`, a whole deep decode of `bytes` of values (wholeBytes), run once no other of more than LARGE_DEEP_BYTES runs when it is one; at once otherwise. */
export const wholeDecodeGated = <T>(bytes: number, read: () => Promise<T>): Promise<T> => (bytes > LARGE_DEEP_BYTES ? largeWholeDecodes(read) : read());

/** Why an image cannot be decoded whole at its depth, or null when it can (see MAX_WHOLE_DEEP_BYTES). */
export function tooLargeToDecodeWhole(deep: HighBitDepth): string | null {
  const bytes = wholeBytes(deep);
  if (bytes <= MAX_WHOLE_DEEP_BYTES) return null;
  const { depth, width, height } = deep;
  const bits = 8 * storedOf(depth).bytes;
  return `too large to decode whole at ${bits} bits per channel: ${width} x ${height} pixels need ${(bytes / 1024 ** 3).toFixed(1)} GB (at most ${MAX_WHOLE_DEEP_BYTES / 1024 ** 3} GB); it can be shown, not zoomed into or given to the model`;
}

/**
 * `input` decoded with `options`, EXIF orientation applied, as an image of 8 bits per channel
 * (see the file's comment): an 8-bit image as sharp decodes it, a deeper one stretched by its
 * levels into raw 8-bit pixels (grey, grey and alpha, RGB or RGBA; a 16-bit CMYK one as RGB).
 * `fit`: the caller wants no more than this many pixels on either side (it resizes the result
 * into `fit` x `fit`): a deep image larger than that is reduced to fit inside it before its
 * values are read, and its levels are the reduced image's. Without it, a deep image is decoded
 * whole (the exported rule), and one too large for that throws tooLargeToDecodeWhole's reason.
 * Throws sharp's errors for input it cannot decode, as sharp does.
 */
export async function decodeEightBit(input: string | Buffer, options: SharpOptions = {}, fit?: number): Promise<Sharp> {
  const deep = await highBitDepthOf(input, options);
  if (deep === null) return sharp(input, options).rotate();
  const { depth, colourful, linear } = deep;
  const stored = storedOf(depth);
  // The values as stored, in grey or RGB (libvips converts to 8-bit sRGB unless told the
  // colourspace; it takes a float RGB TIFF as scRGB, kept so: its values are not converted).
  const sixteen = depth === 'ushort';
  const space = sixteen ? (colourful ? 'rgb16' : 'grey16') : !colourful ? 'b-w' : linear ? 'scrgb' : 'srgb';
  const reduce = fit !== undefined && Math.max(deep.width, deep.height) > fit;
  const read = async (): Promise<Sharp> => {
    let image = sharp(input, options).rotate();
    // libvips reduces as it decodes, at the image's own depth: the full-size values are never held.
    if (reduce) image = image.resize(fit, fit, { fit: 'inside', withoutEnlargement: true });
    const { data, info } = await image
      .toColourspace(space)
      .raw({ depth: (STORED[depth] ? depth : 'float') as 'float' })
      .toBuffer({ resolveWithObject: true });
    const values = stored.array(data.buffer, data.byteOffset, data.byteLength / stored.bytes);
    const { width, height, channels } = info;
    const colour = colourful ? 3 : 1;
    const fullScale = FULL_SCALE[depth] ?? 1;
    const levels = imageLevels(values, width, height, channels, colour, fullScale);
    return sharp(toEightBit(values, channels, colour, levels, fullScale), { raw: { width, height, channels } });
  };
  if (reduce) return read();
  const tooLarge = tooLargeToDecodeWhole(deep);
  if (tooLarge !== null) throw new Error(tooLarge);
  return wholeDecodeGated(wholeBytes(deep), read);
}
