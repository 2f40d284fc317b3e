/**
 * The light head's L2 penalty, chosen by cross-validation once there are enough labels: a loop-
 * core option (LoopCoreTrainRequest.chooseL2, `run-study.ts --l2-cv`) that the product leaves
 * off. On the labels the queue picks the choice is biased towards strong penalties, and the
 * default strategy then needed more labels to 95% of the all-labels accuracy (bench/STUDY.md,
 * "The light head's penalty chosen by cross-validation").
 *
 * Why it was tried: one fixed penalty does not suit every data set. On the study's sets the all-labels
 * accuracy of the head moved by several points with it, in opposite directions (blood
 * cells, MobileNet 0.25: 81% at alpha 1, 84% at 30; MNIST from the starter model: 89% at 1,
 * 84% at 30; bench/STUDY.md). So, as scikit-learn's LogisticRegressionCV does, the penalty
 * is the grid value whose held-out loss is least.
 *
 * Rule:
 * - Below L2_CV_MIN_LABELS labels the penalty is DEFAULT_L2 (alpha = 1 against the summed
 *   loss). With a few dozen labels the held-out folds are too small to tell the grid's
 *   values apart, and choosing on them made early rounds worse (MNIST, 10 classes).
 * - From L2_CV_MIN_LABELS on: L2_FOLDS stratified folds (out-of-fold.ts, the same folds
 *   for every grid value), the class-weighted mean held-out cross-entropy of each grid value
 *   (rows whose class is absent from their fold's training are not scored), the least wins;
 *   ties go to the larger penalty (the simpler model). The first choice evaluates the whole
 *   grid; later ones start at the previous choice and step towards the smaller loss until a
 *   value is no worse than its neighbours (3 of the 7 values when it stays), so a choice at
 *   1,400 labels costs seconds, not half a minute (bench/README.md).
 * - A choice is kept while the labels have grown by less than REFIT_GROWTH since it was made
 *   and the classes are the same (as the calibration is: choosing trains the head
 *   L2_FOLDS × L2_GRID.length more times).
 *
 * Deterministic: same rows, labels, classes and seed give the same choice.
 */
import { inverseFrequencyClassWeights } from '../train/class-weights';
import type { HeadInputs } from '../loop/train-on-pool';
import type { HeadWeights } from '../train/head-weights';
import { DEFAULT_L2 } from '../train/logistic-regression';
import { REFIT_GROWTH } from './label-quality';
import { outOfFoldLogits } from './out-of-fold';

/** Half-decades from 0.1 to 100. */
export const L2_GRID: readonly number[] = [0.1, 0.3, 1, 3, 10, 30, 100];
export const L2_CV_MIN_LABELS = 100;
export const L2_FOLDS = 3;
/** The cross-validation fits' solver tolerance: their held-out losses agree with 1e-6's to 1e-3 relative, at half the time. */
export const L2_CV_TOLERANCE = 1e-4;

export interface L2Choice {
  alpha: number;
  /** Labels the choice was made on; null for DEFAULT_L2 below L2_CV_MIN_LABELS. */
  chosenOn: number | null;
  /** Classes (in head order) it was chosen for. */
  classes: string[];
}

export interface L2ChoiceRequest {
  inputs: HeadInputs;
  /** Pool rows of the labeled images and their class indices into `classes`. */
  rows: readonly number[];
  labels: readonly number[];
  classes: string[];
  seed: number;
  /** The previous round's choice, kept while the labels have grown by less than REFIT_GROWTH. */
  previous?: L2Choice;
  signal?: AbortSignal;
}

/** The previous choice if it still holds for `labels` labels of `classes`, else null. */
export function carriedL2(previous: L2Choice | undefined, labels: number, classes: string[]): L2Choice | null {
  if (!previous) return null;
  if (labels < L2_CV_MIN_LABELS) return previous.chosenOn === null ? previous : null;
  if (previous.chosenOn === null) return null;
  if (previous.classes.length !== classes.length || previous.classes.some((name, i) => name !== classes[i])) return null;
  return labels >= previous.chosenOn && labels < previous.chosenOn * REFIT_GROWTH ? previous : null;
}

/** Class-weighted mean held-out cross-entropy of out-of-fold logits (judged rows only). */
export function heldOutLoss(logits: Float64Array, judged: Uint8Array, labels: readonly number[], classCount: number): number {
  const weights = inverseFrequencyClassWeights(labels, classCount);
  let loss = 0;
  let weight = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!judged[i]) continue;
    const row = logits.subarray(i * classCount, (i + 1) * classCount);
    let max = -Infinity;
    for (const z of row) if (z > max) max = z;
    let sum = 0;
    for (const z of row) sum += Math.exp(z - max);
    const w = weights[labels[i] as number] as number;
    loss += w * (Math.log(sum) + max - (row[labels[i] as number] as number));
    weight += w;
  }
  return weight > 0 ? loss / weight : Infinity;
}

/** The penalty for this round: carried, the default, or chosen by cross-validation. */
export async function chooseL2(request: L2ChoiceRequest): Promise<L2Choice & { losses: (number | null)[] | null }> {
  const n = request.labels.length;
  const carried = carriedL2(request.previous, n, request.classes);
  if (carried) return { ...carried, losses: null };
  if (n < L2_CV_MIN_LABELS) return { alpha: DEFAULT_L2, chosenOn: null, classes: request.classes, losses: null };
  const classCount = request.classes.length;
  const last = L2_GRID.length - 1;
  const losses: (number | null)[] = new Array<number | null>(L2_GRID.length).fill(null);
  const foldHeads: (HeadWeights | null)[][] = [];
  const lossAt = async (k: number): Promise<number> => {
    const known = losses[k];
    if (known !== undefined && known !== null) return known;
    // Each fold starts from its solution at the nearest penalty already evaluated (the
    // objective is strictly convex: the same optimum, fewer iterations).
    const starts = foldHeads[k + 1] ?? foldHeads[k - 1];
    const oof = await outOfFoldLogits(request.inputs, request.rows, request.labels, {
      classCount,
      folds: L2_FOLDS,
      seed: request.seed,
      l2: L2_GRID[k] as number,
      solverTolerance: L2_CV_TOLERANCE,
      ...(starts ? { foldStarts: starts } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const loss = heldOutLoss(oof.logits, oof.judged, request.labels, classCount);
    losses[k] = loss;
    foldHeads[k] = oof.heads;
    return loss;
  };
  const from = request.previous && request.previous.chosenOn !== null ? L2_GRID.indexOf(request.previous.alpha) : -1;
  if (from < 0) {
    for (let k = last; k >= 0; k--) await lossAt(k);
  } else {
    // From the previous choice, step towards the smaller held-out loss until a value is no
    // worse than both neighbours (the loss is unimodal in log alpha on every set measured).
    let k = from;
    for (;;) {
      const here = await lossAt(k);
      const up = k < last ? await lossAt(k + 1) : Infinity;
      const down = k > 0 ? await lossAt(k - 1) : Infinity;
      if (k < last && up <= here && up <= down) k++;
      else if (down < here && down < up) k--;
      else break;
    }
  }
  // Ties go to the larger penalty: from the largest down, only a strictly smaller loss wins.
  let best = -1;
  for (let k = last; k >= 0; k--) {
    const loss = losses[k];
    if (loss !== undefined && loss !== null && (best < 0 || loss < (losses[best] as number))) best = k;
  }
  return { alpha: L2_GRID[best] as number, chosenOn: n, classes: request.classes, losses };
}
