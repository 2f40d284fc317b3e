/**
 * A seeded synthetic pool for the ADMA tests and the scoring benchmark: images drawn around
 * `sourceClasses` class means at layers A and B, a source softmax that favours each image's
 * class, a target classifier's probabilities, and one centre per source class (the class
 * mean, as a model would ship it).
 */
import type { CentreSet } from '../../../src-main/engine/adma/centre-set';
import { createFeatureMatrix, type FeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { mulberry32, randomIndex, type RandomSource } from '../../../src-main/core/seeded-random';
import type { SelectionContext } from '../../../src-main/engine/adma/selection-context';
import { createSourceCentres } from '../../../src-main/engine/adma/source-centres';

export interface SyntheticPoolShape {
  images: number;
  dimA: number;
  dimB: number;
  sourceClasses: number;
  targetClasses: number;
  seed: number;
}

export interface SyntheticPool {
  imageIds: number[];
  /** Source class each image was drawn around. */
  sourceClassOf: Int32Array;
  featuresA: FeatureMatrix;
  featuresB: FeatureMatrix;
  sourceProbabilities: FeatureMatrix;
  targetProbabilities: FeatureMatrix;
  centres: CentreSet;
}

function gaussian(random: RandomSource): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function softmaxRow(logits: Float64Array, out: Float32Array, offset: number): void {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  for (let i = 0; i < logits.length; i++) out[offset + i] = Math.exp((logits[i] as number) - max) / sum;
}

export function createSyntheticPool(shape: SyntheticPoolShape): SyntheticPool {
  const { images: n, dimA, dimB, sourceClasses: k, targetClasses: c, seed } = shape;
  const random = mulberry32(seed);
  const meansA = new Float32Array(k * dimA).map(() => 3 * gaussian(random));
  const meansB = new Float32Array(k * dimB).map(() => gaussian(random));
  const sourceClassOf = new Int32Array(n);
  const a = new Float32Array(n * dimA);
  const b = new Float32Array(n * dimB);
  const source = new Float32Array(n * k);
  const target = new Float32Array(n * c);
  const logits = new Float64Array(k);
  const targetLogits = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const cls = randomIndex(random, k);
    sourceClassOf[i] = cls;
    for (let d = 0; d < dimA; d++) a[i * dimA + d] = (meansA[cls * dimA + d] as number) + 1.5 * gaussian(random);
    for (let d = 0; d < dimB; d++) b[i * dimB + d] = (meansB[cls * dimB + d] as number) + 0.5 * gaussian(random);
    for (let j = 0; j < k; j++) logits[j] = (j === cls ? 4 : 0) + gaussian(random);
    softmaxRow(logits, source, i * k);
    for (let j = 0; j < c; j++) targetLogits[j] = 2 * gaussian(random);
    softmaxRow(targetLogits, target, i * c);
  }
  return {
    imageIds: Array.from({ length: n }, (_, i) => i + 1),
    sourceClassOf,
    featuresA: createFeatureMatrix(a, n, dimA),
    featuresB: createFeatureMatrix(b, n, dimB),
    sourceProbabilities: createFeatureMatrix(source, n, k),
    targetProbabilities: createFeatureMatrix(target, n, c),
    centres: createSourceCentres({
      featuresA: createFeatureMatrix(meansA, k, dimA),
      featuresB: createFeatureMatrix(meansB, k, dimB),
      sourceClasses: Array.from({ length: k }, (_, j) => j),
    }),
  };
}

/** A selection context over the pool, with a classifier and two labeled classes unless overridden. */
export function selectionContextFor(pool: SyntheticPool, overrides: Partial<SelectionContext> = {}): SelectionContext {
  return {
    imageIds: pool.imageIds,
    labeledIds: new Set(),
    excludedIds: new Set(),
    round: 3,
    labeledClassCount: pool.targetProbabilities.cols,
    featuresA: pool.featuresA,
    featuresB: pool.featuresB,
    sourceProbabilities: pool.sourceProbabilities,
    targetProbabilities: pool.targetProbabilities,
    centres: pool.centres,
    seed: 11,
    ...overrides,
  };
}
