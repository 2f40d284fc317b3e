/**
 * Test images for the exported snippets' resize: blocks of random colours with sharp edges and some
 * noise, where a pixel sampled at the wrong place shows (a half-pixel shift is tens of levels off at
 * an edge). Deterministic: the same `seed` gives the same pixels.
 */
import sharp from 'sharp';

/** `width` x `height` RGB pixels (3 bytes each, row-major) of blocks of 64 colours, with noise of ±15. */
export function blockPixels(width: number, height: number, seed = 7): Buffer {
  let state = seed;
  const random = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const blockWidth = 7 + Math.floor(random() * 20);
  const blockHeight = 5 + Math.floor(random() * 20);
  const colours = Array.from({ length: 64 }, () => [random() * 255, random() * 255, random() * 255]);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = colours[(Math.floor(x / blockWidth) * 7 + Math.floor(y / blockHeight) * 3) % 64] as number[];
      for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round((colour[c] as number) + (random() - 0.5) * 30)));
    }
  }
  return pixels;
}

/** blockPixels as a PNG file's bytes. */
export const blockPng = (width: number, height: number, seed = 7): Promise<Buffer> => sharp(blockPixels(width, height, seed), { raw: { width, height, channels: 3 } }).png().toBuffer();

/**
 * Sizes that take each path of libvips' resize to 224 x 224: one axis shrunk and the other enlarged
 * (500 x 146 and 146 x 500, as a wide photo squashed), one enlarged and one kept (224 x 100), both
 * enlarged (120 x 90), both shrunk (640 x 480).
 */
export const RESIZE_SIZES: readonly [number, number][] = [
  [500, 146],
  [146, 500],
  [224, 100],
  [230, 60],
  [120, 90],
  [640, 480],
];
