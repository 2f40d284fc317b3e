/**
 * Everything a query strategy may look at when it picks the next batch, and which pool rows
 * it may pick from: never a labeled image, never an excluded one (test or evaluation images).
 */
import type { CentreSet } from './centre-set';
import type { FeatureMatrix } from './feature-matrix';
import type { NearDuplicateIndex } from './near-duplicates';
import type { CompetingClasses } from './selection-reason';
import { uncertaintyOfRow, type UncertaintyMeasure } from './uncertainty';

export interface SelectionContext {
  /** Image id of each pool row; row i of every matrix below is this image. */
  imageIds: ArrayLike<number>;
  /** Images that already have a target label. */
  labeledIds: ReadonlySet<number>;
  /** Images that must never be returned (held-out test or evaluation images). */
  excludedIds: ReadonlySet<number>;
  /** Round index t = 0, 1, 2, ... */
  round: number;
  /** How many target classes have at least one label. */
  labeledClassCount: number;
  /** n x dA pooled layer-A features. */
  featuresA: FeatureMatrix;
  /** n x dB pooled layer-B features. */
  featuresB: FeatureMatrix;
  /** n x K source softmax. */
  sourceProbabilities: FeatureMatrix;
  /** n x C probabilities of the current target classifier; null before the first one. */
  targetProbabilities: FeatureMatrix | null;
  /** Names of the classifier's C classes (column order), for reasons in words. */
  targetClassNames?: readonly string[];
  /**
   * The temperature at which the product shows this classifier's probabilities (its applied
   * calibration, 1 when the fitted T did not help): reasons in words quote them at it, so that they agree with the suggestion
   * shown beside them. Strategies rank by the raw probabilities; absent means 1.
   */
  shownTemperature?: number;
  centres: CentreSet;
  /** Seed for every random draw; with the round index it makes a selection reproducible. */
  seed: number;
  /** D of every pool row from computeDistinctiveness, when the caller cached it. */
  distinctiveness?: Float64Array;
  /** Near duplicates among the pool rows; with it no batch slot goes to one (duplicate-free-batch.ts). */
  nearDuplicates?: NearDuplicateIndex;
}

/** Check shapes and ids; throws a RangeError that says what does not fit. */
export function assertValidSelectionContext(ctx: SelectionContext): void {
  const n = ctx.imageIds.length;
  const shapes: [string, FeatureMatrix | null][] = [
    ['featuresA', ctx.featuresA],
    ['featuresB', ctx.featuresB],
    ['sourceProbabilities', ctx.sourceProbabilities],
    ['targetProbabilities', ctx.targetProbabilities],
  ];
  for (const [name, matrix] of shapes) {
    if (matrix && matrix.rows !== n) throw new RangeError(`${name} has ${matrix.rows} rows for ${n} pool images.`);
  }
  if (ctx.nearDuplicates && ctx.nearDuplicates.rows !== n) throw new RangeError(`The near-duplicate index has ${ctx.nearDuplicates.rows} rows for ${n} pool images.`);
  if (ctx.distinctiveness && ctx.distinctiveness.length !== n) {
    throw new RangeError(`The cached distinctiveness has ${ctx.distinctiveness.length} values for ${n} pool images; recompute it.`);
  }
  if (!Number.isInteger(ctx.round) || ctx.round < 0) throw new RangeError(`Rounds are numbered 0, 1, 2, ...; got ${ctx.round}.`);
  if (!Number.isInteger(ctx.labeledClassCount) || ctx.labeledClassCount < 0) {
    throw new RangeError(`labeledClassCount must be a whole number of at least 0; got ${ctx.labeledClassCount}.`);
  }
  if (!Number.isFinite(ctx.seed)) throw new RangeError(`The seed must be a finite number; got ${ctx.seed}.`);
  const seen = new Set<number>();
  for (let row = 0; row < n; row++) {
    const id = ctx.imageIds[row] as number;
    if (seen.has(id)) throw new RangeError(`Image id ${id} appears twice in the pool.`);
    seen.add(id);
  }
}

export function assertValidBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 0) {
    throw new RangeError(`The batch size must be a whole number of at least 0; got ${batchSize}.`);
  }
}

/** Rows a strategy may pick, in row order: neither labeled nor excluded. */
export function eligibleRows(ctx: SelectionContext): Int32Array {
  const rows: number[] = [];
  for (let row = 0; row < ctx.imageIds.length; row++) {
    const id = ctx.imageIds[row] as number;
    if (!ctx.labeledIds.has(id) && !ctx.excludedIds.has(id)) rows.push(row);
  }
  return Int32Array.from(rows);
}

/** Rows whose labels the target classifier trains on: labeled and not excluded. */
export function trainingRows(ctx: SelectionContext): Int32Array {
  const rows: number[] = [];
  for (let row = 0; row < ctx.imageIds.length; row++) {
    const id = ctx.imageIds[row] as number;
    if (ctx.labeledIds.has(id) && !ctx.excludedIds.has(id)) rows.push(row);
  }
  return Int32Array.from(rows);
}

/** Whether a usable target classifier exists (probabilities over at least two classes). */
export function hasTargetClassifier(ctx: SelectionContext): boolean {
  return ctx.targetProbabilities !== null && ctx.targetProbabilities.cols >= 2;
}

/** D of a row when the context carries the cached values; null otherwise. */
export function knownDistinctiveness(ctx: SelectionContext, row: number): number | null {
  return ctx.distinctiveness ? (ctx.distinctiveness[row] as number) : null;
}

/** The two most probable classes of a row under the current classifier; null without one. */
export function competingClasses(ctx: SelectionContext, row: number): CompetingClasses | null {
  const p = ctx.targetProbabilities;
  if (!p || !hasTargetClassifier(ctx)) return null;
  let first = 0;
  let second = 1;
  const at = (k: number): number => p.data[row * p.cols + k] as number;
  if (at(second) > at(first)) [first, second] = [second, first];
  for (let k = 2; k < p.cols; k++) {
    if (at(k) > at(first)) {
      second = first;
      first = k;
    } else if (at(k) > at(second)) second = k;
  }
  const name = (k: number): string => ctx.targetClassNames?.[k] ?? `class ${k + 1}`;
  const t = ctx.shownTemperature ?? 1;
  if (t === 1) return { first: name(first), firstProbability: at(first), second: name(second), secondProbability: at(second) };
  // At temperature t, p_k becomes p_k^(1/t) / sum_j p_j^(1/t) (the same order of classes).
  let sum = 0;
  for (let k = 0; k < p.cols; k++) sum += at(k) > 0 ? Math.exp(Math.log(at(k)) / t) : 0;
  const shown = (k: number): number => (at(k) > 0 ? Math.exp(Math.log(at(k)) / t) / sum : 0);
  return { first: name(first), firstProbability: shown(first), second: name(second), secondProbability: shown(second) };
}

/** U of a row under `measure` when a classifier exists; null otherwise. */
export function knownUncertainty(ctx: SelectionContext, measure: UncertaintyMeasure, row: number): number | null {
  return ctx.targetProbabilities && hasTargetClassifier(ctx) ? uncertaintyOfRow(measure, ctx.targetProbabilities, row) : null;
}
