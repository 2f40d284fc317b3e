/**
 * Cross-validated (out-of-fold) logits of labeled images: K stratified folds, the app's
 * light head (train-on-pool.ts: logistic regression on pool-standardised layer-B
 * features, class-balanced, L2) trained on K - 1 folds and applied to the held-out one, so
 * every image is scored by a model that never saw its label (confident learning, Northcutt
 * et al., JAIR 2021; the held-out logits also fit the temperature).
 *
 * Invariants:
 * - Folds are stratified (per class a seeded shuffle dealt round robin, the deal continuing
 *   across classes), so fold sizes differ by at most one and each class's by at most one.
 * - Same labels, K and seed give the same folds and, the solver being deterministic, the
 *   same logits.
 * - A class absent from a fold's training rows gets logit -Infinity for that fold's
 *   held-out rows (probability 0); a row whose own class is absent there is not judged
 *   (`judged[i] = 0`: the only image of its class).
 */
import { deriveSeed, SeededRandom } from '../../core/seeded-random';
import { trainOnPool, type HeadInputs } from '../loop/train-on-pool';
import type { HeadWeights } from '../train/head-weights';

const FOLD_STREAM = 0xf01d;

/** Fold index (0..k-1) of each row, stratified by label; deterministic in the seed. */
export function stratifiedFolds(labels: ArrayLike<number>, classCount: number, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`Cross-validation needs at least 2 folds; got ${k}.`);
  if (labels.length < k) throw new RangeError(`${labels.length} labeled images cannot be split into ${k} folds.`);
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass[labels[i] as number];
    if (!rows) throw new RangeError(`Label ${labels[i]} of row ${i} is not a class index in [0, ${classCount}).`);
    rows.push(i);
  }
  const fold = new Int32Array(labels.length);
  let dealt = 0;
  byClass.forEach((rows, c) => {
    for (const row of new SeededRandom(deriveSeed(seed, FOLD_STREAM, c)).shuffled(rows)) fold[row] = dealt++ % k;
  });
  return fold;
}

export interface OutOfFoldOptions {
  classCount: number;
  folds: number;
  seed: number;
  signal?: AbortSignal;
  /**
   * A light head on the same classes (output k = class index k), e.g. the one just trained on
   * every label: each fold starts from it. The objective is convex, so the optimum is the same;
   * only fewer solver iterations are needed.
   */
  warmStart?: HeadWeights;
  /** The light head's L2 penalty (l2-choice.ts); default the fine-tuning default. */
  l2?: number;
  /** The light head's solver tolerance (FineTuneOptions.solverTolerance); default the fine-tuning default. */
  solverTolerance?: number;
  /**
   * Per fold, a head from an earlier pass over the same folds (OutOfFold.heads, e.g. at the
   * previous penalty of a grid): the fold starts from it. Takes precedence over warmStart.
   */
  foldStarts?: readonly (HeadWeights | null)[];
  /** Called after each fold is trained and scored. */
  onFold?: (done: number, total: number) => void;
}

export interface OutOfFold {
  /** rows x C held-out logits (Float64, -Infinity for a class absent from the fold's training). */
  logits: Float64Array;
  /** 1 where the row's own class was in its fold's training rows. */
  judged: Uint8Array;
  fold: Int32Array;
  /** Each fold's trained head (outputs named class-<index>); null where the fold trained nothing. */
  heads: (HeadWeights | null)[];
}

/**
 * Out-of-fold logits of pool rows `rows` with labels `labels` (class indices), trained on
 * the light head inputs of the pool (`inputs`: pooled layer-B rows of every pool image).
 */
export async function outOfFoldLogits(inputs: HeadInputs, rows: readonly number[], labels: readonly number[], options: OutOfFoldOptions): Promise<OutOfFold> {
  const c = options.classCount;
  const n = rows.length;
  if (labels.length !== n) throw new Error(`${labels.length} labels for ${n} rows.`);
  const d = inputs.rowShape.reduce((a, b) => a * b, 1);
  const fold = stratifiedFolds(labels, c, options.folds, options.seed);
  const logits = new Float64Array(n * c).fill(-Infinity);
  const judged = new Uint8Array(n);
  const heads: (HeadWeights | null)[] = [];
  for (let f = 0; f < options.folds; f++) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('Cancelled.');
    const train: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? held : train).push(i);
    // Train on the classes present in the other folds only (a class without rows has no optimum).
    const present = [...new Set(train.map((i) => labels[i] as number))].sort((a, b) => a - b);
    heads.push(null);
    if (present.length >= 2 && held.length > 0) {
      const foldStart = options.foldStarts?.[f];
      const local = new Map(present.map((cls, j) => [cls, j]));
      const result = await trainOnPool(inputs, {
        mode: 'light',
        classes: present.map((cls) => `class-${cls}`),
        rows: train.map((i) => rows[i] as number),
        labels: train.map((i) => local.get(labels[i] as number) as number),
        seed: options.seed,
        ...(options.l2 !== undefined ? { l2: options.l2 } : {}),
        ...(options.solverTolerance !== undefined ? { fineTune: { solverTolerance: options.solverTolerance } } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        // initialHead aligns a warm start by class name: name its outputs as the fold's are.
        ...(foldStart
          ? { previous: foldStart }
          : options.warmStart
            ? { previous: { ...options.warmStart, classes: options.warmStart.classes.map((_, k) => `class-${k}`) } }
            : {}),
      });
      heads[f] = result.head;
      const { kernel, bias } = result.head.dense;
      const m = present.length;
      for (const i of held) {
        const offset = (rows[i] as number) * d;
        for (let j = 0; j < m; j++) {
          let z = bias[j] as number;
          for (let q = 0; q < d; q++) z += (inputs.data[offset + q] as number) * (kernel[q * m + j] as number);
          logits[i * c + (present[j] as number)] = z;
        }
        judged[i] = local.has(labels[i] as number) ? 1 : 0;
      }
    }
    options.onFold?.(f + 1, options.folds);
  }
  return { logits, judged, fold, heads };
}
