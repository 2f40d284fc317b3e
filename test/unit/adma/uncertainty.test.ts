import { describe, expect, it } from 'vitest';
import { featureMatrixFromRows } from '../../../src-main/engine/adma/feature-matrix';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { computeUncertainty, UNCERTAINTY_MEASURES, uncertaintyOfRow } from '../../../src-main/engine/adma/uncertainty';

describe('uncertainty measures', () => {
  it('are 1 for a uniform prediction and 0 for a certain one, for every C', () => {
    for (const c of [2, 3, 10]) {
      const probabilities = featureMatrixFromRows([
        new Array<number>(c).fill(1 / c),
        Array.from({ length: c }, (_, i) => (i === 1 ? 1 : 0)),
      ]);
      for (const measure of UNCERTAINTY_MEASURES) {
        const u = computeUncertainty(measure, probabilities);
        expect(u[0], `${measure}, C ${c}, uniform`).toBeCloseTo(1, 12);
        expect(u[1], `${measure}, C ${c}, certain`).toBe(0);
      }
    }
  });

  it('stay in [0, 1] on random (float32) distributions', () => {
    const random = mulberry32(3);
    const rows = Array.from({ length: 500 }, () => {
      const raw = Array.from({ length: 5 }, () => random() ** 4);
      const total = raw.reduce((a, b) => a + b, 0);
      return raw.map((v) => Math.fround(v / total));
    });
    const probabilities = featureMatrixFromRows(rows);
    for (const measure of UNCERTAINTY_MEASURES) {
      for (const value of computeUncertainty(measure, probabilities)) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });

  it('follow their formulas', () => {
    const p = featureMatrixFromRows([[0.5, 0.3, 0.2]]);
    expect(uncertaintyOfRow('entropy', p, 0)).toBeCloseTo(-(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2)) / Math.log(3), 14);
    expect(uncertaintyOfRow('margin', p, 0)).toBeCloseTo(0.8, 14);
    expect(uncertaintyOfRow('least-confidence', p, 0)).toBeCloseTo(0.75, 14);
    expect(uncertaintyOfRow('gini', p, 0)).toBeCloseTo(((1 - 0.38) * 3) / 2, 14);
    // Margin with a tie at the top is maximal.
    expect(uncertaintyOfRow('margin', featureMatrixFromRows([[0.1, 0.45, 0.45]]), 0)).toBe(1);
  });

  it('are 0 with a single class and reject NaN', () => {
    for (const measure of UNCERTAINTY_MEASURES) {
      expect(uncertaintyOfRow(measure, featureMatrixFromRows([[1]]), 0)).toBe(0);
      expect(() => uncertaintyOfRow(measure, featureMatrixFromRows([[Number.NaN, 0.5]]), 0)).toThrow(/NaN/);
    }
  });
});
