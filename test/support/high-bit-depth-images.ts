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

/**
 * Float RGB values (0-1, linear light as libvips takes a float RGB TIFF) rising from 0 at the left
 * to 1 at the right, red, green and blue alike, the same on every row: brought to sRGB's curve
 * before its levels (the decode before values were read as stored), it comes out brighter.
 */
export function floatRgbGradient(width: number, height: number): Float32Array {
  const values = new Float32Array(width * height * 3);
  for (let i = 0; i < values.length; i++) values[i] = (Math.floor(i / 3) % width) / (width - 1);
  return values;
}

/** What a deepTiff sample is: IEEE float, unsigned or signed integer (TIFF SampleFormat 3, 1, 2), 32 bits each. */
export type DeepSamples = Float32Array | Uint32Array | Int32Array;

/**
 * `values` (1 value a pixel: grey, 3: RGB, interleaved) as a baseline uncompressed TIFF of 32 bits
 * per sample, as ImageJ and scientific pipelines write them: sharp writes no such file (it casts
 * to 8 or 16 bits). Little-endian ("II", 42), one IFD after the header, one strip, tags in
 * ascending order as TIFF 6.0 requires: ImageWidth 256, ImageLength 257, BitsPerSample 258 (32
 * per sample), Compression 259 (1, none), PhotometricInterpretation 262 (1 BlackIsZero, 2 RGB),
 * StripOffsets 273, Orientation 274 (when given), SamplesPerPixel 277, RowsPerStrip 278 (all),
 * StripByteCounts 279, XResolution 282 and YResolution 283 (72/1), PlanarConfiguration 284 (1,
 * chunky), ResolutionUnit 296 (2, inch), SampleFormat 339 (from the array's type).
 */
export function deepTiff(values: DeepSamples, width: number, height: number, options: { channels?: 1 | 3; orientation?: number } = {}): Buffer {
  const { channels = 1, orientation } = options;
  if (values.length !== width * height * channels) throw new Error(`deepTiff: ${values.length} values for ${width} x ${height} x ${channels}`);
  const sampleFormat = values instanceof Float32Array ? 3 : values instanceof Uint32Array ? 1 : 2;
  const SHORT = 3;
  const LONG = 4;
  const RATIONAL = 5;
  // [tag, type, values]; a SHORT or LONG array of more than one value (per-sample tags of RGB) or
  // a RATIONAL lies outside the entry, its offset filled in below.
  const entries: [number, number, number[]][] = [
    [256, LONG, [width]],
    [257, LONG, [height]],
    [258, SHORT, Array<number>(channels).fill(32)],
    [259, SHORT, [1]],
    [262, SHORT, [channels === 3 ? 2 : 1]],
    [273, LONG, [0]], // the strip's offset, set once the layout is known
    ...(orientation === undefined ? [] : [[274, SHORT, [orientation]] as [number, number, number[]]]),
    [277, SHORT, [channels]],
    [278, LONG, [height]],
    [279, LONG, [values.byteLength]],
    [282, RATIONAL, [72, 1]],
    [283, RATIONAL, [72, 1]],
    [284, SHORT, [1]],
    [296, SHORT, [2]],
    [339, SHORT, Array<number>(channels).fill(sampleFormat)],
  ];
  const size = (type: number): number => (type === SHORT ? 2 : type === LONG ? 4 : 8);
  const outside = (type: number, vals: number[]): number => (type === RATIONAL ? 8 : vals.length * size(type) > 4 ? vals.length * size(type) : 0);
  const ifdOffset = 8;
  const ifdLength = 2 + entries.length * 12 + 4;
  let extraOffset = ifdOffset + ifdLength;
  const extraLength = entries.reduce((sum, [, type, vals]) => sum + outside(type, vals), 0);
  const stripOffset = extraOffset + extraLength;
  const out = Buffer.alloc(stripOffset + values.byteLength);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdOffset, 4);
  out.writeUInt16LE(entries.length, ifdOffset);
  entries.forEach(([tag, type, vals], i) => {
    if (tag === 273) vals = [stripOffset];
    const at = ifdOffset + 2 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(type === RATIONAL ? 1 : vals.length, at + 4);
    const extra = outside(type, vals);
    let to = at + 8;
    if (extra > 0) {
      out.writeUInt32LE(extraOffset, at + 8);
      to = extraOffset;
      extraOffset += extra;
    }
    for (const v of vals) {
      if (type === SHORT) out.writeUInt16LE(v, to);
      else out.writeUInt32LE(v, to);
      to += size(type === RATIONAL ? LONG : type);
    }
  });
  out.writeUInt32LE(0, ifdOffset + ifdLength - 4); // no next IFD
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(out, stripOffset);
  return out;
}

/**
 * A deepTiff of 2 x 2 pixels whose header says `width` x `height`: what libvips reads of its size
 * (metadata, the decode's memory checks) without the pixels (their decode fails, truncated).
 */
export function deepTiffHeader(width: number, height: number, channels: 1 | 3 = 1): Buffer {
  const input = deepTiff(new Float32Array(2 * 2 * channels), 2, 2, { channels });
  input.writeUInt32LE(width, 8 + 2 + 8); // ImageWidth's value (the IFD's first entry)
  input.writeUInt32LE(height, 8 + 2 + 12 + 8); // ImageLength's (the second)
  return input;
}
