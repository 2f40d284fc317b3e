/**
 * The transformation patterns of the distinctiveness criterion (method page, "Two criteria"):
 *
 *   r^L(x)[k] = ||f_L(x) - f_L(c_k)|| / s_L          relative representation at layer L
 *   p(x)      = r^A(x) - r^B(x)                       transformation pattern (length K)
 *   P_j       = r^A(c_j) - r^B(c_j)                   pattern of centre j (P_j[j] = 0)
 *   p_hat(x)  = sum_j alpha_j(x) P_j                  expected pattern
 *
 * s_L is the mean off-diagonal centre-to-centre distance at layer L when `normalize` is true
 * (scale-free distances, a departure from the paper) and 1 when it is false (paper-faithful).
 * With fewer than two centres, or centres that all coincide at a layer, s_L is 1.
 * alpha(x) is the source softmax restricted to the centres' source classes and renormalised
 * to sum to 1; if those probabilities sum to 0 (underflow), alpha is uniform over the centres.
 */
import { assertValidCentreSet, type CentreSet } from './centre-set';
import { createFeatureMatrix, type FeatureMatrix } from './feature-matrix';
import { rowDistance, rowDistancesTo } from './row-distance';

export interface PatternSpaceOptions {
  /** Divide layer-L distances by the mean off-diagonal centre distance at L (default true). */
  normalize: boolean;
}

export interface PatternSpace {
  readonly centres: CentreSet;
  readonly normalize: boolean;
  /** Divisor of every layer-A distance. */
  readonly scaleA: number;
  /** Divisor of every layer-B distance. */
  readonly scaleB: number;
  /** K x K, row j = P_j. */
  readonly centrePatterns: FeatureMatrix;
}

export function createPatternSpace(centres: CentreSet, options: PatternSpaceOptions): PatternSpace {
  assertValidCentreSet(centres);
  const k = centres.sourceClasses.length;
  const distancesA = centreDistances(centres.featuresA);
  const distancesB = centreDistances(centres.featuresB);
  const scaleA = options.normalize ? meanOffDiagonal(distancesA, k) : 1;
  const scaleB = options.normalize ? meanOffDiagonal(distancesB, k) : 1;
  const patterns = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) {
    patterns[i] = (distancesA[i] as number) / scaleA - (distancesB[i] as number) / scaleB;
  }
  return {
    centres,
    normalize: options.normalize,
    scaleA,
    scaleB,
    centrePatterns: createFeatureMatrix(patterns, k, k),
  };
}

/** Layer-B distances of the row transformationPattern is working on (it runs to completion, so one buffer serves). */
let scratchB = new Float64Array(0);

/** Write p(x) for pool row `row` into `out` (length K). */
export function transformationPattern(
  space: PatternSpace,
  featuresA: FeatureMatrix,
  featuresB: FeatureMatrix,
  row: number,
  out: Float64Array,
): Float64Array {
  const { centres, scaleA, scaleB } = space;
  const k = centres.sourceClasses.length;
  if (scratchB.length < k) scratchB = new Float64Array(k);
  rowDistancesTo(featuresA, row, centres.featuresA, out);
  rowDistancesTo(featuresB, row, centres.featuresB, scratchB);
  for (let j = 0; j < k; j++) out[j] = (out[j] as number) / scaleA - (scratchB[j] as number) / scaleB;
  return out;
}

/** Write alpha(x) for pool row `row` into `out` (length K): the restricted, renormalised softmax. */
export function sourceWeights(space: PatternSpace, sourceProbabilities: FeatureMatrix, row: number, out: Float64Array): Float64Array {
  const classes = space.centres.sourceClasses;
  const k = classes.length;
  const offset = row * sourceProbabilities.cols;
  let total = 0;
  for (let j = 0; j < k; j++) {
    const p = sourceProbabilities.data[offset + (classes[j] as number)] as number;
    out[j] = p;
    total += p;
  }
  if (total > 0) {
    for (let j = 0; j < k; j++) out[j] = (out[j] as number) / total;
  } else {
    out.fill(1 / k, 0, k);
  }
  return out;
}

/** Write p_hat(x) = sum_j alpha_j(x) P_j into `out`, given alpha(x) in `weights` (both length K). */
export function expectedPattern(space: PatternSpace, weights: Float64Array, out: Float64Array): Float64Array {
  const k = space.centres.sourceClasses.length;
  const patterns = space.centrePatterns.data;
  out.fill(0, 0, k);
  for (let j = 0; j < k; j++) {
    const alpha = weights[j] as number;
    if (alpha === 0) continue;
    const offset = j * k;
    for (let m = 0; m < k; m++) out[m] = (out[m] as number) + alpha * (patterns[offset + m] as number);
  }
  return out;
}

function centreDistances(features: FeatureMatrix): Float64Array {
  const k = features.rows;
  const distances = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const d = rowDistance(features, i, features, j);
      distances[i * k + j] = d;
      distances[j * k + i] = d;
    }
  }
  return distances;
}

function meanOffDiagonal(distances: Float64Array, k: number): number {
  if (k < 2) return 1;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) if (i !== j) sum += distances[i * k + j] as number;
  }
  const mean = sum / (k * (k - 1));
  return mean > 0 && Number.isFinite(mean) ? mean : 1;
}
