import { describe, expect, it } from 'vitest';
import { createFeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { rowDistance, rowDistancesTo, squaredDistancesFromRow, squaredRowDistance, squaredRowDistanceInOrder } from '../../../src-main/engine/adma/row-distance';
import { mulberry32 } from '../../../src-main/core/seeded-random';

describe('rowDistancesTo', () => {
  it('gives the distance from one row to every row of another matrix, for any shape', () => {
    const random = mulberry32(3);
    for (const cols of [1, 2, 5, 16, 33]) {
      for (const others of [0, 1, 3, 4, 9]) {
        const a = createFeatureMatrix(Float32Array.from({ length: 3 * cols }, () => random() * 6 - 3), 3, cols);
        const b = createFeatureMatrix(Float64Array.from({ length: others * cols }, () => random() * 6 - 3), others, cols);
        const out = rowDistancesTo(a, 2, b, new Float64Array(others).fill(NaN));
        for (let j = 0; j < others; j++) expect(out[j]).toBeCloseTo(rowDistance(a, 2, b, j), 12);
      }
    }
  });

  it('computes each listed pair exactly as squaredRowDistanceInOrder does, whatever the tiling', () => {
    const random = mulberry32(9);
    const m = createFeatureMatrix(Float32Array.from({ length: 11 * 7 }, () => random() * 4 - 2), 11, 7);
    for (const rows of [[3], [0, 5, 9], [10, 2, 4, 6, 8, 1, 0]]) {
      const out = squaredDistancesFromRow(m, 7, m, rows, new Float64Array(rows.length));
      expect(Array.from(out)).toEqual(rows.map((j) => squaredRowDistanceInOrder(m, 7, m, j)));
    }
  });
});

describe('squaredRowDistance with a limit', () => {
  it('is past the limit exactly when the whole distance is, and the same number when it is not given up', () => {
    const random = mulberry32(21);
    for (const cols of [3, 16, 17, 64, 130]) {
      const m = createFeatureMatrix(Float32Array.from({ length: 6 * cols }, () => random() * 2 - 1), 6, cols);
      for (let j = 1; j < 6; j++) {
        const whole = squaredRowDistance(m, 0, m, j);
        for (const limit of [0, whole / 4, whole / 2, whole * (1 - 1e-12), whole, whole * 2, Infinity]) {
          const limited = squaredRowDistance(m, 0, m, j, limit);
          expect(limited > limit).toBe(whole > limit);
          if (limited <= limit) expect(limited).toBe(whole);
          else expect(limited).toBeLessThanOrEqual(whole);
        }
      }
    }
  });
});
