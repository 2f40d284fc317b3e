/**
 * Whether the expert's own labels say the images have no up or down (bench/study/screens/
 * RESULTS-screen6.md, "The rule": fixed before the screen's runs and validated there; nothing
 * here is tuned). On the n training labels, 5 stratified folds; per fold two light heads on the
 * other four: plain (the rows as they are) and views (every symmetry view of the training rows,
 * each at 1/8 of the row's weight: train-on-pool.ts ViewRows). Both score the held-out rows as
 * they are (the screen's `orig` variant: as the app predicts). Per labeled row
 * d_i = log-loss(views) - log-loss(plain), natural log, probability floored at 1e-6.
 * Suggest "No up or down" when mean(d) < -2 sd(d)/sqrt(n) (sd with n - 1) and the views'
 * out-of-fold accuracy is at least the plain one's.
 *
 * Invariants:
 * - A row without a held-out prediction (its fold's training rows held one class only: no head)
 *   is scored as uniform by both heads, as the screen did: d_i = 0, and it counts in n.
 * - Accuracy ties (several classes at the top) go to the lowest class index (numpy's argmax).
 */
import type { HeadInputs } from '../loop/train-on-pool';
import { outOfFoldLogits } from './out-of-fold';
import { DEFAULT_FOLDS } from './label-quality';

/** The probability floor of the per-row log-loss. */
export const LOG_LOSS_FLOOR = 1e-6;
/** Paired standard errors the views must lower the out-of-fold log-loss by. */
export const STANDARD_ERRORS = 2;

/** The paired out-of-fold statistics of one check, and its decision. */
export interface SymmetryEvidence {
  /** Labeled rows compared. */
  n: number;
  /** Out-of-fold accuracy of the plain head and of the views head (both on the rows as they are), 0..1. */
  plainAccuracy: number;
  viewsAccuracy: number;
  /** Mean per-row log-loss of each, and mean(d) = views - plain with its paired standard error sd(d)/sqrt(n). */
  plainLogLoss: number;
  viewsLogLoss: number;
  meanDifference: number;
  standardError: number;
  /** The rule: meanDifference < -2 standardError and viewsAccuracy >= plainAccuracy. */
  suggest: boolean;
}

/** The rule's decision on the paired statistics (see the file's comment). */
export function suggestsNoUpOrDown(stats: Pick<SymmetryEvidence, 'meanDifference' | 'standardError' | 'plainAccuracy' | 'viewsAccuracy'>): boolean {
  const { meanDifference, standardError, plainAccuracy, viewsAccuracy } = stats;
  if (![meanDifference, standardError, plainAccuracy, viewsAccuracy].every(Number.isFinite)) return false;
  return meanDifference < -STANDARD_ERRORS * standardError && viewsAccuracy >= plainAccuracy;
}

/** Per row, -log of the label's probability (floored) and whether the label is the argmax; uniform where the row has no finite logit. */
function rowScores(logits: ArrayLike<number>, labels: readonly number[], c: number): { loss: Float64Array; correct: Uint8Array } {
  const n = labels.length;
  if (logits.length !== n * c) throw new Error(`${logits.length} logits for ${n} rows of ${c} classes.`);
  const loss = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= c) throw new RangeError(`Label ${label} of row ${i} is not a class index in [0, ${c}).`);
    let max = -Infinity;
    let top = 0;
    for (let k = 0; k < c; k++) {
      const z = logits[i * c + k] as number;
      if (z > max) {
        max = z;
        top = k;
      }
    }
    if (max === -Infinity) {
      loss[i] = -Math.log(Math.max(1 / c, LOG_LOSS_FLOOR));
      correct[i] = label === 0 ? 1 : 0;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp((logits[i * c + k] as number) - max);
    const p = Math.exp((logits[i * c + label] as number) - max) / sum;
    loss[i] = -Math.log(Math.max(p, LOG_LOSS_FLOOR));
    correct[i] = top === label ? 1 : 0;
  }
  return { loss, correct };
}

/** The paired statistics and decision of two heads' out-of-fold logits (rows x c, -Infinity where a class was absent) of the same labeled rows. */
export function symmetryEvidence(plainLogits: ArrayLike<number>, viewsLogits: ArrayLike<number>, labels: readonly number[], c: number): SymmetryEvidence {
  const n = labels.length;
  if (n < 2) throw new RangeError(`Comparing the heads needs at least 2 labeled images; there are ${n}.`);
  const plain = rowScores(plainLogits, labels, c);
  const views = rowScores(viewsLogits, labels, c);
  let sumD = 0;
  let plainLoss = 0;
  let viewsLoss = 0;
  let plainRight = 0;
  let viewsRight = 0;
  for (let i = 0; i < n; i++) {
    sumD += (views.loss[i] as number) - (plain.loss[i] as number);
    plainLoss += plain.loss[i] as number;
    viewsLoss += views.loss[i] as number;
    plainRight += plain.correct[i] as number;
    viewsRight += views.correct[i] as number;
  }
  const meanDifference = sumD / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((views.loss[i] as number) - (plain.loss[i] as number) - meanDifference) ** 2;
  const standardError = Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
  const stats = { n, plainAccuracy: plainRight / n, viewsAccuracy: viewsRight / n, plainLogLoss: plainLoss / n, viewsLogLoss: viewsLoss / n, meanDifference, standardError };
  return { ...stats, suggest: suggestsNoUpOrDown(stats) };
}

export interface SymmetryCheckRequest {
  /** Light-head inputs of every pool row, with the symmetry views of (at least) the labeled rows. */
  inputs: HeadInputs & { views: NonNullable<HeadInputs['views']> };
  rows: readonly number[];
  labels: readonly number[];
  classCount: number;
  seed: number;
  signal?: AbortSignal;
  /** Called after each of the 2 x 5 fold trainings. */
  onFold?: (done: number, total: number) => void;
}

/** The two out-of-fold runs on the same folds (stratifiedFolds, same seed) and their evidence. */
export async function symmetryCheck(request: SymmetryCheckRequest): Promise<SymmetryEvidence> {
  const { views, ...plainInputs } = request.inputs;
  const options = { classCount: request.classCount, folds: DEFAULT_FOLDS, seed: request.seed, ...(request.signal ? { signal: request.signal } : {}) };
  const total = 2 * DEFAULT_FOLDS;
  const plain = await outOfFoldLogits(plainInputs, request.rows, request.labels, { ...options, onFold: (done) => request.onFold?.(done, total) });
  const viewed = await outOfFoldLogits({ ...plainInputs, views }, request.rows, request.labels, { ...options, onFold: (done) => request.onFold?.(DEFAULT_FOLDS + done, total) });
  return symmetryEvidence(plain.logits, viewed.logits, request.labels, request.classCount);
}
