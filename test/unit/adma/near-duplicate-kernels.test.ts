/**
 * The faster near-duplicate search gives the same answers, to the last bit, as the formulas it
 * replaces: the resampling and gradient codes against the former kernels (written out here as
 * they were), the bounded tests (check order, four running sums, the early rejection of
 * dissimilar features) against the full sums they stand for, and the all-pairs search against
 * every pair tested by its definition.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { createFeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { hammingDistance, NearDuplicateIndex, type DuplicatePair } from '../../../src-main/engine/adma/near-duplicates';
import {
  CHECK_ORDER,
  CHECK_POSITIONS,
  checkOrderCodes,
  CODE_LENGTH,
  CODE_SIDE,
  codeTails,
  correlationReaches,
  CROP_SCALES,
  FINE_CROP_SCALES,
  fineCropCodes,
  MAX_RESIDUAL_SHARE,
  moveCorrelation,
  resampleCentre,
  THUMBNAIL_SIDE,
  thumbnailCodes,
  thumbnailCorrelation,
} from '../../../src-main/engine/adma/thumbnail-correlation';

// The former kernels, as they were before the weights were kept and the work arrays reused.
function referenceAxis(side: number, origin: number, cell: number, out: number, moved: boolean): { index: number[]; weight: number[] }[] {
  const axis: { index: number[]; weight: number[] }[] = [];
  for (let t = 0; t < out; t++) {
    const v0 = origin + t * cell;
    const v1 = v0 + cell;
    const index: number[] = [];
    const weight: number[] = [];
    for (let v = Math.floor(v0); v < Math.ceil(v1) && (moved || v < side); v++) {
      const w = Math.min(v + 1, v1) - Math.max(v, v0);
      if (w <= 0) continue;
      index.push(Math.min(side - 1, Math.max(0, v)));
      weight.push(w);
    }
    axis.push({ index, weight });
  }
  return axis;
}

function referenceResample(grey: ArrayLike<number>, side: number, scale: number, out: number, shiftX = 0, shiftY = 0): Float64Array {
  const cell = (side * scale) / out;
  const margin = (side * (1 - scale)) / 2;
  const columns = referenceAxis(side, margin + shiftX * cell, cell, out, shiftX !== 0);
  const rows = referenceAxis(side, margin + shiftY * cell, cell, out, shiftY !== 0);
  const across = new Float64Array(side * out);
  for (let y = 0; y < side; y++) {
    for (let tx = 0; tx < out; tx++) {
      const { index, weight } = columns[tx] as { index: number[]; weight: number[] };
      let sum = 0;
      let total = 0;
      for (let k = 0; k < index.length; k++) {
        sum += (weight[k] as number) * (grey[y * side + (index[k] as number)] as number);
        total += weight[k] as number;
      }
      across[y * out + tx] = total > 0 ? sum / total : 0;
    }
  }
  const result = new Float64Array(out * out);
  for (let ty = 0; ty < out; ty++) {
    const { index, weight } = rows[ty] as { index: number[]; weight: number[] };
    let total = 0;
    for (const w of weight) total += w;
    for (let tx = 0; tx < out; tx++) {
      let sum = 0;
      for (let k = 0; k < index.length; k++) sum += (weight[k] as number) * (across[(index[k] as number) * out + tx] as number);
      result[ty * out + tx] = total > 0 ? sum / total : 0;
    }
  }
  return result;
}

function referenceGradient(grid: Float64Array, n: number, into: Float32Array = new Float32Array(2 * n * n), offset = 0): Float32Array {
  const m = n + 1;
  const values = new Float64Array(2 * n * n);
  let k = 0;
  let mean = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const here = grid[y * m + x] as number;
      const right = (grid[y * m + x + 1] as number) - here;
      const down = (grid[(y + 1) * m + x] as number) - here;
      values[k++] = right;
      values[k++] = down;
      mean += right + down;
    }
  }
  mean /= values.length;
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] as number) - mean;
    values[i] = v;
    norm += v * v;
  }
  const scale = norm > 1e-18 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < values.length; i++) into[offset + i] = (values[i] as number) * scale;
  return into;
}

function referenceCodes(grey: ArrayLike<number>, scales: readonly number[]): Float32Array {
  const codes = new Float32Array(scales.length * CODE_LENGTH);
  scales.forEach((scale, s) => referenceGradient(referenceResample(grey, THUMBNAIL_SIDE, scale, CODE_SIDE + 1), CODE_SIDE, codes, s * CODE_LENGTH));
  return codes;
}

function referenceDot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number): number {
  let sum = 0;
  for (let i = 0; i < CODE_LENGTH; i++) sum += (a[aOffset + i] as number) * (b[bOffset + i] as number);
  return sum;
}

function referenceMove(grey: ArrayLike<number>): number {
  const whole = referenceGradient(referenceResample(grey, THUMBNAIL_SIDE, 1, CODE_SIDE + 1), CODE_SIDE);
  let best = -1;
  for (const dy of [-1, 0, 1]) {
    for (const dx of [-1, 0, 1]) {
      if (dx === 0 && dy === 0) continue;
      best = Math.max(best, referenceDot(whole, 0, referenceGradient(referenceResample(grey, THUMBNAIL_SIDE, 1, CODE_SIDE + 1, dx, dy), CODE_SIDE), 0));
    }
  }
  return best;
}

/** A thin slanted stroke (a handwritten "1"), its slant and place drawn at random, on a margin of black. */
function stroke(random: () => number): Uint8Array {
  const side = THUMBNAIL_SIDE;
  const out = new Uint8Array(side * side);
  const x0 = 0.4 + 0.2 * random();
  const x1 = 0.4 + 0.2 * random();
  const width = 3 + 4 * random();
  for (let y = Math.floor(side * 0.15); y < Math.ceil(side * 0.85); y++) {
    const centre = (x0 + ((y / side - 0.15) / 0.7) * (x1 - x0)) * side;
    for (let x = 0; x < side; x++) out[y * side + x] = Math.round(255 * Math.max(0, Math.min(1, width / 2 + 0.5 - Math.abs(x + 0.5 - centre))));
  }
  return out;
}

function thumbnails(random: () => number): Uint8Array[] {
  const side = THUMBNAIL_SIDE;
  const noise = Uint8Array.from({ length: side * side }, () => Math.floor(random() * 256));
  const scene = Uint8Array.from({ length: side * side }, (_, k) => Math.round(120 + 80 * Math.sin((k % side) / 4 + Math.floor(k / side) / 9)));
  return [stroke(random), stroke(random), noise, scene, new Uint8Array(side * side).fill(90)];
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, k) => Object.is(v, b[k]));

describe('near-duplicate kernels, kept equal to their formulas', () => {
  it('resamples, codes and moves every thumbnail to the same bits as the former kernels', () => {
    const random = mulberry32(41);
    for (const grey of thumbnails(random)) {
      for (const scale of [...CROP_SCALES, 0.83, 0.5]) {
        for (const [dx, dy] of [[0, 0], [1, 0], [-1, 1], [0, -1]] as const) {
          expect(same(resampleCentre(grey, THUMBNAIL_SIDE, scale, CODE_SIDE + 1, dx, dy), referenceResample(grey, THUMBNAIL_SIDE, scale, CODE_SIDE + 1, dx, dy)), `scale ${scale}, move ${dx}, ${dy}`).toBe(true);
        }
      }
      expect(same(thumbnailCodes(grey), referenceCodes(grey, CROP_SCALES))).toBe(true);
      expect(same(fineCropCodes(grey), referenceCodes(grey, FINE_CROP_SCALES))).toBe(true);
      expect(Object.is(moveCorrelation(grey), referenceMove(grey))).toBe(true);
    }
  });

  it('orders a code centre first, and decides the gradient test on codes in that order exactly as the full correlation in code order', () => {
    expect([...CHECK_ORDER].sort((x, y) => x - y)).toEqual(Array.from({ length: CODE_LENGTH }, (_, k) => k));
    // The first values summed are the centre cell's two differences; the last, a corner's.
    expect([...CHECK_ORDER.slice(0, 8)].map((k) => k >> 1).every((cell) => Math.abs((cell % CODE_SIDE) - 15.5) <= 1 && Math.abs(Math.floor(cell / CODE_SIDE) - 15.5) <= 1)).toBe(true);
    expect([0, 2 * CODE_SIDE - 2, 2 * CODE_SIDE * (CODE_SIDE - 1), CODE_LENGTH - 2].map((k) => CHECK_POSITIONS[k] as number).every((p) => p >= CODE_LENGTH - 8)).toBe(true);
    const random = mulberry32(43);
    const greys = [...thumbnails(random), stroke(random), stroke(random), stroke(random)];
    const codes = greys.map((grey) => thumbnailCodes(grey));
    const checked = codes.map((c) => checkOrderCodes(c));
    const tails = checked.map((c) => codeTails(c));
    let accepted = 0;
    let rejected = 0;
    for (let a = 0; a < codes.length; a++) {
      for (let b = 0; b < codes.length; b++) {
        const full = thumbnailCorrelation(codes[a] as Float32Array, codes[b] as Float32Array);
        expect(Object.is(thumbnailCorrelation(checked[a] as Float32Array, checked[b] as Float32Array, CHECK_POSITIONS), full)).toBe(true);
        for (const bound of [0.3, 0.6, 0.9, 0.95, 0.99, 1, full, full + 1e-12, full - 1e-12, full + 1e-15, full - 1e-15]) {
          const reaches = correlationReaches(checked[a] as Float32Array, tails[a] as Float64Array, checked[b] as Float32Array, tails[b] as Float64Array, bound, CHECK_POSITIONS);
          expect(reaches, `pair ${a}, ${b} at ${bound} (full ${full})`).toBe(full >= bound);
          if (reaches) accepted++;
          else rejected++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
    expect(() => checkOrderCodes(new Float32Array(10))).toThrow(/scales of/);
  });

  it('finds every pair the definition finds, at bounds that fall exactly on a pair’s similarity and correlation', () => {
    const random = mulberry32(47);
    const n = 60;
    const side = THUMBNAIL_SIDE;
    // Strokes drawn around a few shapes, some rows copies of others (brightened a little), with features near one another.
    const greys: Uint8Array[] = [];
    for (let row = 0; row < n; row++) {
      if (row % 5 === 4) greys.push((greys[row - 3] as Uint8Array).map((v) => Math.min(255, Math.round(v * 1.05))));
      else greys.push(stroke(mulberry32(1000 + (row % 7))).map((v) => Math.max(0, Math.min(255, v + Math.round((random() - 0.5) * 6)))));
    }
    const all = new Uint8Array(n * side * side);
    greys.forEach((g, row) => all.set(g, row * side * side));
    const cols = 24;
    const base = Array.from({ length: 7 }, () => Array.from({ length: cols }, () => random() - 0.5));
    const data = new Float32Array(n * cols);
    for (let row = 0; row < n; row++) for (let c = 0; c < cols; c++) data[row * cols + c] = (base[row % 7] as number[])[c] as number + 0.15 * (random() - 0.5);
    const words = Uint32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? 0 : (1 << Math.floor(random() * 8)) >>> 0));
    const known = new Uint8Array(n).fill(1);
    const keys = Array.from({ length: n }, (_, row) => (row === 59 ? 'k0' : `k${row}`)); // row 59: an exact copy of row 0 by content
    const loose = new NearDuplicateIndex(createFeatureMatrix(data, n, cols), { words, known, thumbnails: all }, keys, { minSimilarity: 0.5, maxHammingDistance: 4, minThumbnailCorrelation: 0.5 });
    // Bounds equal to a pair's own similarity and correlation: the pair sits on the line, kept by >=.
    const similarities = [];
    const correlations = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        similarities.push(loose.similarity(i, j));
        correlations.push(loose.thumbnailCorrelation(i, j));
      }
    }
    similarities.sort((x, y) => x - y);
    correlations.sort((x, y) => x - y);
    const codes = greys.map((g) => thumbnailCodes(g));
    for (const [minSimilarity, minThumbnailCorrelation] of [
      [similarities[Math.floor(similarities.length * 0.92)] as number, correlations[Math.floor(correlations.length * 0.5)] as number],
      [similarities[Math.floor(similarities.length * 0.88)] as number, correlations[Math.floor(correlations.length * 0.9)] as number],
      [0.9, 0.95],
    ] as const) {
      const index = loose.withCriteria({ minSimilarity, maxHammingDistance: 4, minThumbnailCorrelation });
      const expected: DuplicatePair[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const similarity = index.similarity(i, j);
          if (keys[i] === keys[j]) expected.push({ a: i, b: j, similarity, exact: true });
          else if (hammingDistance(index.codes, i, j) <= 4 && similarity >= minSimilarity && thumbnailCorrelation(codes[i] as Float32Array, codes[j] as Float32Array) >= minThumbnailCorrelation && index.residualShare(i, j) <= MAX_RESIDUAL_SHARE) {
            expected.push({ a: i, b: j, similarity, exact: false });
          }
        }
      }
      expect(expected.length, `bounds ${minSimilarity}, ${minThumbnailCorrelation}`).toBeGreaterThan(3);
      expect(expected.length).toBeLessThan((n * (n - 1)) / 2);
      expect(index.pairs()).toEqual(expected);
      // Tiles of 7 rows: the codes go in and out of the cache, the answer stays.
      const tiled = index.pairSearch(null, 0, 7);
      for (let step = tiled.next(); !step.done; step = tiled.next());
      expect(tiled.found).toEqual(expected);
    }
  });
});
