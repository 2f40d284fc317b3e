/**
 * Uncertainty U(x) of the current target classifier over C classes, scaled to [0, 1]
 * (method page, "Two criteria"):
 *   entropy           H(p) / log C                 (default; 0 log 0 = 0)
 *   margin            1 - (p1 - p2)                (p1 >= p2 the two largest)
 *   least-confidence  (1 - p_max) C / (C - 1)
 *   gini              (1 - sum p^2) C / (C - 1)
 * Values are clamped to [0, 1] against rounding in probabilities that do not sum exactly to 1.
 * With a single class (C < 2) nothing is uncertain and every measure is 0.
 */
import type { FeatureMatrix } from './feature-matrix';

import { UNCERTAINTY_NAMES, type UncertaintyName } from '../../../src-shared/contract';

/** The measures are part of the UI contract; the engine uses the same list. */
export type UncertaintyMeasure = UncertaintyName;

export const UNCERTAINTY_MEASURES: readonly UncertaintyMeasure[] = UNCERTAINTY_NAMES;

export const DEFAULT_UNCERTAINTY_MEASURE: UncertaintyMeasure = 'entropy';

/** U of one row of an n x C probability matrix. */
export function uncertaintyOfRow(measure: UncertaintyMeasure, probabilities: FeatureMatrix, row: number): number {
  const c = probabilities.cols;
  if (c < 2) return 0;
  const data = probabilities.data;
  const offset = row * c;
  for (let i = 0; i < c; i++) {
    if (Number.isNaN(data[offset + i])) throw new RangeError(`Row ${row} of the classifier's probabilities contains NaN.`);
  }
  let value: number;
  switch (measure) {
    case 'entropy': {
      let h = 0;
      for (let i = 0; i < c; i++) {
        const p = data[offset + i] as number;
        if (p > 0) h -= p * Math.log(p);
      }
      value = h / Math.log(c);
      break;
    }
    case 'margin': {
      let first = -Infinity;
      let second = -Infinity;
      for (let i = 0; i < c; i++) {
        const p = data[offset + i] as number;
        if (p > first) {
          second = first;
          first = p;
        } else if (p > second) {
          second = p;
        }
      }
      value = 1 - (first - second);
      break;
    }
    case 'least-confidence': {
      let max = -Infinity;
      for (let i = 0; i < c; i++) max = Math.max(max, data[offset + i] as number);
      value = ((1 - max) * c) / (c - 1);
      break;
    }
    case 'gini': {
      let squares = 0;
      for (let i = 0; i < c; i++) {
        const p = data[offset + i] as number;
        squares += p * p;
      }
      value = ((1 - squares) * c) / (c - 1);
      break;
    }
  }
  return Math.min(1, Math.max(0, value));
}

/** U for every row of an n x C probability matrix. */
export function computeUncertainty(measure: UncertaintyMeasure, probabilities: FeatureMatrix): Float64Array {
  const result = new Float64Array(probabilities.rows);
  for (let row = 0; row < probabilities.rows; row++) result[row] = uncertaintyOfRow(measure, probabilities, row);
  return result;
}
