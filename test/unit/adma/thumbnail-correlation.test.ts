import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { alignedCorrelation, CHECK_EVERY, CODE_LENGTH, codeTails, correlationReaches, CROP_SCALES, fineCropCodes, gradientCode, MAX_RESIDUAL_SHARE, moveCorrelation, resampleCentre, residualShare, THUMBNAIL_SIDE, thumbnailCodes, thumbnailCorrelation } from '../../../src-main/engine/adma/thumbnail-correlation';

/**
 * A thin bright stroke on black, side x side, from (x0, top) to (x1, bottom) in [0, 1] units,
 * `width` pixels wide with soft edges: a low-detail image like a handwritten "1".
 */
function stroke(side: number, x0: number, x1: number, top: number, bottom: number, width: number): Uint8Array {
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    const v = (y + 0.5) / side;
    if (v < top || v > bottom) continue;
    const centre = (x0 + ((v - top) / (bottom - top)) * (x1 - x0)) * side;
    for (let x = 0; x < side; x++) out[y * side + x] = Math.round(255 * Math.max(0, Math.min(1, (width / 2 + 0.5 - Math.abs(x + 0.5 - centre)))));
  }
  return out;
}

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

  it('moves the resampled window by whole cells, repeating the edge pixels past the square', () => {
    const grey = Uint8Array.from({ length: 16 }, (_, i) => i); // 4 x 4
    expect(Array.from(resampleCentre(grey, 4, 1, 4, 1, 0))).toEqual([1, 2, 3, 3, 5, 6, 7, 7, 9, 10, 11, 11, 13, 14, 15, 15]);
    expect(Array.from(resampleCentre(grey, 4, 1, 4, 0, -1))).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('a low-detail stroke drawn again a little differently passes the gradient bound but not the residual check; its copies pass both', () => {
    const one = stroke(THUMBNAIL_SIDE, 0.5, 0.46, 0.15, 0.85, 3);
    const other = stroke(THUMBNAIL_SIDE, 0.5, 0.46, 0.17, 0.86, 3.3); // another drawing: a little shorter and thicker
    expect(thumbnailCorrelation(thumbnailCodes(one), thumbnailCodes(other))).toBeGreaterThanOrEqual(0.95);
    const share = (a: Uint8Array, b: Uint8Array): number => residualShare(alignedCorrelation(fineCropCodes(a), fineCropCodes(b)), moveCorrelation(a), moveCorrelation(b));
    expect(moveCorrelation(one)).toBeGreaterThan(0.85); // a one-cell move hardly changes a thin stroke
    expect(share(one, other)).toBeGreaterThan(MAX_RESIDUAL_SHARE);
    expect(share(one, one)).toBe(0);
    const random = mulberry32(3);
    const noisy = one.map((v) => Math.max(0, Math.min(255, v + Math.round((random() - 0.5) * 6))));
    const brighter = one.map((v) => Math.min(255, Math.round(v * 1.2)));
    // 6% off every side, stretched back: the stroke's centre enlarged, matched at the 0.88 crop.
    const cropped = stroke(THUMBNAIL_SIDE, 0.5, 0.5 - 0.04 / 0.88, (0.15 - 0.06) / 0.88, (0.85 - 0.06) / 0.88, 3 / 0.88);
    for (const copy of [noisy, brighter, cropped]) expect(share(one, copy)).toBeLessThanOrEqual(MAX_RESIDUAL_SHARE);
    // The fine crops hold the gradient test's: aligned at least as well.
    expect(alignedCorrelation(fineCropCodes(one), fineCropCodes(cropped))).toBeGreaterThanOrEqual(thumbnailCorrelation(thumbnailCodes(one), thumbnailCodes(cropped)));
    // A flat image: nothing a move changes, alike only to itself.
    const flat = new Uint8Array(THUMBNAIL_SIDE ** 2).fill(90);
    expect(share(flat, flat)).toBe(1);
    expect(share(one, flat)).toBeGreaterThan(MAX_RESIDUAL_SHARE);
  });

  it('the bounded test decides exactly as the full correlation, at the bound itself too, and never rejects a pair it accepts', () => {
    expect(CODE_LENGTH % CHECK_EVERY).toBe(0);
    const random = mulberry32(17);
    // Scenes, their brighter, shifted and cropped variants, noisy copies and noise: correlations spread over [-0.3, 1].
    const thumbnails: Uint8Array[] = [];
    for (let k = 0; k < 6; k++) {
      const lo = 0.02 * k;
      thumbnails.push(scene(THUMBNAIL_SIDE, lo, 1 - lo, 1 + 0.05 * k));
      const base = scene(THUMBNAIL_SIDE, lo * 0.5, 1 - lo * 0.5);
      const noise = 4 + 12 * k;
      thumbnails.push(base.map((v) => Math.max(0, Math.min(255, v + Math.round((random() - 0.5) * noise)))));
    }
    thumbnails.push(Uint8Array.from({ length: THUMBNAIL_SIDE ** 2 }, () => Math.floor(random() * 256)));
    thumbnails.push(new Uint8Array(THUMBNAIL_SIDE ** 2).fill(128)); // flat: all-zero codes
    const codes = thumbnails.map((t) => thumbnailCodes(t));
    const tails = codes.map((c) => codeTails(c));
    expect(tails[0]?.[0]).toBeCloseTo(1, 6); // the whole code: unit length
    let accepted = 0;
    let rejected = 0;
    for (let a = 0; a < codes.length; a++) {
      for (let b = 0; b < codes.length; b++) {
        const ca = codes[a] as Float32Array;
        const cb = codes[b] as Float32Array;
        const full = thumbnailCorrelation(ca, cb);
        for (const bound of [0.3, 0.6, 0.8, 0.9, 0.95, 0.97, 0.99, 1, full, full + 1e-12, full - 1e-12]) {
          const reaches = correlationReaches(ca, tails[a] as Float64Array, cb, tails[b] as Float64Array, bound);
          expect(reaches, `pair ${a}, ${b} at ${bound} (full ${full})`).toBe(full >= bound);
          if (reaches) accepted++;
          else rejected++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
    expect(() => codeTails(new Float32Array(10))).toThrow(/values/);
  });
});
