import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { CODE_LENGTH, CROP_SCALES, gradientCode, resampleCentre, THUMBNAIL_SIDE, thumbnailCodes, thumbnailCorrelation } from '../../../src-main/engine/adma/thumbnail-correlation';

/** A smooth scene with some texture, side x side, sampled from a function of (x, y) in [0, 1]^2 over the window [lo, hi]^2. */
function scene(side: number, lo = 0, hi = 1, brightness = 1): Uint8Array {
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const u = lo + ((x + 0.5) / side) * (hi - lo);
      const v = lo + ((y + 0.5) / side) * (hi - lo);
      const value = 90 + 60 * Math.sin(7 * u + 2 * v) + 40 * Math.cos(11 * v * u + 3) + 30 * (u > 0.4 && u < 0.6 && v > 0.3 ? 1 : 0);
      out[y * side + x] = Math.max(0, Math.min(255, Math.round(value * brightness)));
    }
  }
  return out;
}

describe('thumbnail correlation kernels', () => {
  it('resamples the centre by area: block means, a uniform square stays uniform', () => {
    const grey = Uint8Array.from({ length: 16 }, (_, i) => i); // 4 x 4: rows 0-3, 4-7, ...
    expect(Array.from(resampleCentre(grey, 4, 1, 2))).toEqual([(0 + 1 + 4 + 5) / 4, (2 + 3 + 6 + 7) / 4, (8 + 9 + 12 + 13) / 4, (10 + 11 + 14 + 15) / 4]);
    expect(Array.from(resampleCentre(grey, 4, 0.5, 1))).toEqual([(5 + 6 + 9 + 10) / 4]);
    // 3 cells over 4 pixels: the middle cell takes a third of pixel 1, all of... by share
    expect(resampleCentre(new Uint8Array(16).fill(77), 4, 1, 3).every((v) => Math.abs(v - 77) < 1e-12)).toBe(true);
    expect(() => resampleCentre(new Uint8Array(15), 4, 1, 2)).toThrow(/16 pixels/);
    expect(() => resampleCentre(grey, 4, 0, 2)).toThrow(/crop scale/);
  });

  it('gradient codes are unit length, zero for a flat image, and blind to brightness and contrast', () => {
    const grid = Float64Array.from({ length: 9 }, (_, i) => (i * 7) % 5);
    const code = gradientCode(grid, 2);
    expect(code).toHaveLength(8);
    expect(code.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 6);
    expect(code.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 6);
    expect(Array.from(gradientCode(new Float64Array(9).fill(3), 2))).toEqual(new Array(8).fill(0));
    const affine = gradientCode(grid.map((v) => 20 + 1.7 * v), 2);
    for (let i = 0; i < 8; i++) expect(affine[i]).toBeCloseTo(code[i] as number, 6);
  });

  it('a copy correlates at 1, a brighter or centrally cropped copy above 0.97, a different scene far below', () => {
    const original = thumbnailCodes(scene(THUMBNAIL_SIDE));
    expect(original).toHaveLength(CROP_SCALES.length * CODE_LENGTH);
    expect(thumbnailCorrelation(original, original)).toBeCloseTo(1, 6);
    expect(thumbnailCorrelation(original, thumbnailCodes(scene(THUMBNAIL_SIDE, 0, 1, 1.1)))).toBeGreaterThan(0.97);
    // 6% off every side, stretched back to the thumbnail: matched by the 0.88 crop of the original.
    const cropped = thumbnailCodes(scene(THUMBNAIL_SIDE, 0.06, 0.94));
    expect(thumbnailCorrelation(original, cropped)).toBeGreaterThan(0.97);
    expect(thumbnailCorrelation(cropped, original)).toBeCloseTo(thumbnailCorrelation(original, cropped), 9);
    const random = mulberry32(5);
    const noise = thumbnailCodes(Uint8Array.from({ length: THUMBNAIL_SIDE ** 2 }, () => Math.floor(random() * 256)));
    expect(thumbnailCorrelation(original, noise)).toBeLessThan(0.3);
  });
});
