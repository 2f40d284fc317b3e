import { describe, expect, it } from 'vitest';
import { createFeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { foldNearestSquaredDistances } from '../../../src-main/engine/adma/nearest-squared-distances';
import { squaredRowDistance } from '../../../src-main/engine/adma/row-distance';
import { mulberry32 } from '../../../src-main/core/seeded-random';

describe('foldNearestSquaredDistances', () => {
  const random = mulberry32(17);
  const rows = 23;
  const cols = 13;
  const features = createFeatureMatrix(Float32Array.from({ length: rows * cols }, () => random() * 4 - 2), rows, cols);

  it('gives each row its squared distance to the nearest centre, for every tile shape', () => {
    for (let centreCount = 0; centreCount <= 9; centreCount++) {
      const centres = Array.from({ length: centreCount }, (_, j) => (j * 5 + 2) % rows);
      for (const subset of [null, Int32Array.from([0, 3, 4, 9, 22]), Int32Array.from([7])]) {
        const squared = new Float64Array(rows).fill(Infinity);
        foldNearestSquaredDistances(features, subset, centres, squared);
        for (let row = 0; row < rows; row++) {
          const covered = subset === null || subset.includes(row);
          const expected = covered && centreCount > 0 ? Math.min(...centres.map((c) => squaredRowDistance(features, row, features, c))) : Infinity;
          if (expected === Infinity) expect(squared[row]).toBe(Infinity);
          else expect(squared[row]).toBeCloseTo(expected, 10);
        }
      }
    }
  });

  it('is bit-identical whether centres are folded in one at a time or all at once', () => {
    const centres = [1, 4, 6, 10, 11, 15, 20];
    const together = new Float64Array(rows).fill(Infinity);
    foldNearestSquaredDistances(features, null, centres, together);
    const oneByOne = new Float64Array(rows).fill(Infinity);
    for (const centre of [...centres].reverse()) foldNearestSquaredDistances(features, null, [centre], oneByOne);
    expect(Array.from(oneByOne)).toEqual(Array.from(together));
    const mixed = new Float64Array(rows).fill(Infinity);
    foldNearestSquaredDistances(features, null, centres.slice(0, 2), mixed);
    foldNearestSquaredDistances(features, null, centres.slice(2), mixed);
    expect(Array.from(mixed)).toEqual(Array.from(together));
    const rowByRow = new Float64Array(rows).fill(Infinity);
    for (let row = 0; row < rows; row++) foldNearestSquaredDistances(features, Int32Array.of(row), centres, rowByRow);
    expect(Array.from(rowByRow)).toEqual(Array.from(together));
  });

  it('only lowers distances', () => {
    const squared = new Float64Array(rows).fill(1e-6);
    foldNearestSquaredDistances(features, null, [0, 1, 2, 3, 4], squared);
    expect(squared[10]).toBe(1e-6);
    expect(squared[0]).toBe(0);
  });
});
