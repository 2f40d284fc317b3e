/**
 * Distinctiveness D(x) = (1 - tau_b(p(x), p_hat(x))) / 2 for every pool image (method page,
 * "Two criteria"). D depends only on the pre-trained network (pooled layer-A/B features and
 * the source softmax), so it is computed once per image and cached by the caller.
 * D is in [0, 1]: 0 when the image's pattern orders the centres exactly as its expected
 * pattern does, 1 when exactly reversed, 0.5 when either pattern is entirely tied.
 */
import type { CentreSet } from './centre-set';
import type { FeatureMatrix } from './feature-matrix';
import { KendallTauBWorkspace } from './kendall-tau-b';
import { createPatternSpace, expectedPattern, sourceWeights, transformationPattern, type PatternSpace } from './pattern-space';

export interface DistinctivenessInput {
  /** n x dA pooled layer-A features of the pool. */
  featuresA: FeatureMatrix;
  /** n x dB pooled layer-B features of the pool. */
  featuresB: FeatureMatrix;
  /** n x K source softmax of the pool (K source classes, a superset of the centres' classes). */
  sourceProbabilities: FeatureMatrix;
  centres: CentreSet;
}

export interface DistinctivenessOptions {
  /** Scale-free distances (default true); false is the paper-faithful variant. */
  normalize: boolean;
  /** Called every PROGRESS_INTERVAL rows and once at the end, for progress events from a worker. */
  onProgress?: (done: number, total: number) => void;
}

export const PROGRESS_INTERVAL = 1000;

export const DEFAULT_DISTINCTIVENESS_OPTIONS: DistinctivenessOptions = { normalize: true };

/** Everything behind one image's D, for tests, diagnostics and explanations. */
export interface DistinctivenessBreakdown {
  pattern: Float64Array;
  expectedPattern: Float64Array;
  weights: Float64Array;
  tau: number;
  distinctiveness: number;
}

export function distinctivenessFromTau(tau: number): number {
  return (1 - tau) / 2;
}

/** D for every pool row, in row order. */
export function computeDistinctiveness(
  input: DistinctivenessInput,
  options: DistinctivenessOptions = DEFAULT_DISTINCTIVENESS_OPTIONS,
): Float64Array {
  assertCompatible(input);
  const space = createPatternSpace(input.centres, options);
  const k = input.centres.sourceClasses.length;
  const pattern = new Float64Array(k);
  const weights = new Float64Array(k);
  const expected = new Float64Array(k);
  const tau = new KendallTauBWorkspace();
  const n = input.featuresA.rows;
  const result = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    transformationPattern(space, input.featuresA, input.featuresB, row, pattern);
    sourceWeights(space, input.sourceProbabilities, row, weights);
    expectedPattern(space, weights, expected);
    result[row] = distinctivenessFromTau(tau.compute(pattern, expected));
    if (options.onProgress && (row + 1) % PROGRESS_INTERVAL === 0 && row + 1 < n) options.onProgress(row + 1, n);
  }
  options.onProgress?.(n, n);
  return result;
}

/** The patterns, weights, tau and D of one pool row. */
export function explainDistinctiveness(input: DistinctivenessInput, row: number, space: PatternSpace): DistinctivenessBreakdown {
  assertCompatible(input);
  if (space.centres !== input.centres) throw new RangeError('The pattern space was built from other centres than the input.');
  if (!Number.isInteger(row) || row < 0 || row >= input.featuresA.rows) {
    throw new RangeError(`Row ${row} is outside the pool (0..${input.featuresA.rows - 1}).`);
  }
  const k = space.centres.sourceClasses.length;
  const pattern = transformationPattern(space, input.featuresA, input.featuresB, row, new Float64Array(k));
  const weights = sourceWeights(space, input.sourceProbabilities, row, new Float64Array(k));
  const expected = expectedPattern(space, weights, new Float64Array(k));
  const tau = new KendallTauBWorkspace().compute(pattern, expected);
  return { pattern, expectedPattern: expected, weights, tau, distinctiveness: distinctivenessFromTau(tau) };
}

function assertCompatible(input: DistinctivenessInput): void {
  const { featuresA, featuresB, sourceProbabilities, centres } = input;
  const n = featuresA.rows;
  if (featuresB.rows !== n || sourceProbabilities.rows !== n) {
    throw new RangeError(
      `Pool matrices disagree on the number of images: layer A ${n}, layer B ${featuresB.rows}, source softmax ${sourceProbabilities.rows}.`,
    );
  }
  if (featuresA.cols !== centres.featuresA.cols || featuresB.cols !== centres.featuresB.cols) {
    throw new RangeError(
      `Pool features (${featuresA.cols} at A, ${featuresB.cols} at B) do not match the centres ` +
        `(${centres.featuresA.cols} at A, ${centres.featuresB.cols} at B): were they computed with another model?`,
    );
  }
  for (const sourceClass of centres.sourceClasses) {
    if (sourceClass >= sourceProbabilities.cols) {
      throw new RangeError(`Centre source class ${sourceClass} is beyond the ${sourceProbabilities.cols} source classes.`);
    }
  }
}
