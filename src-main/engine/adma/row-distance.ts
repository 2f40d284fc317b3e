import type { FeatureMatrix } from './feature-matrix';

/** Squared Euclidean distance between row i of `a` and row j of `b` (same column count). */
export function squaredRowDistance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  const cols = a.cols;
  const da = a.data;
  const db = b.data;
  const oa = i * cols;
  const ob = j * cols;
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    const diff = (da[oa + c] as number) - (db[ob + c] as number);
    sum += diff * diff;
  }
  return sum;
}

/** Euclidean distance between row i of `a` and row j of `b` (same column count). */
export function rowDistance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  return Math.sqrt(squaredRowDistance(a, i, b, j));
}
