import { describe, expect, it } from 'vitest';
import { createFeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { rowDistance, rowDistancesTo, squaredDistancesFromRow, squaredRowDistanceInOrder } from '../../../src-main/engine/adma/row-distance';
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
