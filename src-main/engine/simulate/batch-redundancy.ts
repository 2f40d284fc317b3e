/** Mean pairwise Euclidean distance between rows of a feature matrix (batch redundancy diagnostics). */
import { deriveSeed, mulberry32, randomIndex } from '../../core/seeded-random';
import type { FeatureMatrix } from '../adma/feature-matrix';
import { rowDistance } from '../adma/row-distance';

/** Mean distance over all pairs of `rows`; null with fewer than two rows. */
export function meanPairwiseDistance(matrix: FeatureMatrix, rows: readonly number[]): number | null {
  if (rows.length < 2) return null;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      sum += rowDistance(matrix, rows[i] as number, matrix, rows[j] as number);
      pairs++;
    }
  }
  return sum / pairs;
}

/** Mean distance over `samples` seeded random pairs of distinct rows from `rows`. */
export function sampledMeanPairwiseDistance(matrix: FeatureMatrix, rows: readonly number[], samples: number, seed: number): number {
  if (rows.length < 2) return 0;
  const random = mulberry32(deriveSeed(seed, 0xd157));
  let sum = 0;
  for (let s = 0; s < samples; s++) {
    const i = randomIndex(random, rows.length);
    let j = randomIndex(random, rows.length - 1);
    if (j >= i) j++;
    sum += rowDistance(matrix, rows[i] as number, matrix, rows[j] as number);
  }
  return sum / samples;
}
