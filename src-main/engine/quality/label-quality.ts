/**
 * One pass of cross-validation over the labeled images gives both trust measures: the
 * suspect-label ranking (out-of-fold probability of the given label) and the temperature
 * fitted on the same held-out logits, with the expected calibration error and log-loss of those
 * held-out predictions before and after it. T is applied only when, cross-fitted over the
 * folds, it lowers both (calibration.ts decideTemperature); otherwise T = 1.
 *
 * Where T is fitted (bench/README.md, "Where the temperature is fitted"): on the labeled
 * evaluation set when it holds MIN_EVALUATION_TO_CALIBRATE images (evaluationSetCalibration),
 * else on the training labels' out-of-fold predictions. The evaluation set is a random sample,
 * like the images the expert meets; the training labels are mostly the images the loop was
 * least sure of, and a T fitted on them over-softens the rest (measured: with the default
 * strategy's labels the evaluation set's T gave the lower test ECE in 15 of 18 cases, and the
 * training labels' T was worse than none in 10 of the 18).
 *
 * Decision (the paper's method stays exact): the suspect ranking and the query strategies
 * read uncalibrated probabilities. T is applied only where probabilities are shown or
 * shipped (the suggestion while labeling, the dashboard's reliability diagram, the exported
 * model). T leaves each row's argmax unchanged, but across rows it can reorder margin,
 * entropy or self-confidence in a multi-class task, so applying it to the strategies would
 * silently change which images ADMA queries.
 */
import type { HeadInputs } from '../loop/train-on-pool';
import type { HeadWeights } from '../train/head-weights';
import type { HeadRecord } from '../train/head-file';
import { SeededRandom } from '../../core/seeded-random';
import { MIN_EVALUATION_TO_CALIBRATE, type CalibrationSource } from '../../../src-shared/requests/evaluation';
import { decideTemperature, softmaxRows, type TemperatureDecision } from './calibration';
import { outOfFoldLogits } from './out-of-fold';
import { rankBySelfConfidence, type SuspectRow } from './suspect-labels';

/** Folds of the cross-validation (Northcutt et al. use 5). */
export const DEFAULT_FOLDS = 5;

export interface LabelQualityRequest {
  /** Light-head inputs (pooled layer B) of every pool row. */
  inputs: HeadInputs;
  imageIds: readonly number[];
  rows: readonly number[];
  /** Class index of each labeled image. */
  labels: readonly number[];
  classCount: number;
  folds?: number;
  seed: number;
  signal?: AbortSignal;
  /** See OutOfFoldOptions.warmStart. */
  warmStart?: HeadWeights;
  onFold?: (done: number, total: number) => void;
}

export interface Calibration {
  /** The temperature applied: `fittedTemperature` when it helped (`applied`), else 1. */
  temperature: number;
  /** T minimising the log-loss of the held-out predictions. */
  fittedTemperature: number;
  applied: boolean;
  /** ECE and mean log-loss of the held-out predictions at T = 1 and cross-fitted at T (decideTemperature); null without any. */
  eceBefore: number | null;
  eceAfter: number | null;
  logLossBefore: number | null;
  logLossAfter: number | null;
  /** Held-out predictions T was fitted on. */
  heldOut: number;
  folds: number;
  source: CalibrationSource;
}

export interface LabelQuality {
  /** Every judged labeled image, most suspect first (raw out-of-fold probabilities). */
  ranked: SuspectRow[];
  /** Out-of-fold probabilities, labeled rows x classes in `labels`' order (0 in rows not judged). */
  probabilities: Float64Array;
  /** 1 where the row was judged (outOfFoldLogits). */
  judged: Uint8Array;
  calibration: Calibration;
}

/** The smallest number of labels cross-validation runs on. */
export function foldsFor(labelCount: number, wanted = DEFAULT_FOLDS): number | null {
  const folds = Math.min(wanted, labelCount);
  return folds >= 2 ? folds : null;
}

export async function labelQuality(request: LabelQualityRequest): Promise<LabelQuality> {
  const c = request.classCount;
  const folds = foldsFor(request.labels.length, request.folds);
  if (folds === null) throw new Error(`Cross-validation needs at least 2 labeled images; there are ${request.labels.length}.`);
  const oof = await outOfFoldLogits(request.inputs, request.rows, request.labels, {
    classCount: c,
    folds,
    seed: request.seed,
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onFold ? { onFold: request.onFold } : {}),
    ...(request.warmStart ? { warmStart: request.warmStart } : {}),
  });
  const judgedRows: number[] = [];
  for (let i = 0; i < request.labels.length; i++) if (oof.judged[i]) judgedRows.push(i);
  const logits = new Float64Array(judgedRows.length * c);
  judgedRows.forEach((i, j) => logits.set(oof.logits.subarray(i * c, (i + 1) * c), j * c));
  const labels = judgedRows.map((i) => request.labels[i] as number);
  const decision = decideTemperature(logits, c, labels, judgedRows.map((i) => oof.fold[i] as number));
  const probabilities = new Float64Array(request.labels.length * c);
  for (const i of judgedRows) probabilities.set(softmaxRows(oof.logits.subarray(i * c, (i + 1) * c), c), i * c);
  return {
    ranked: rankBySelfConfidence(request.imageIds, request.labels, probabilities, c, oof.judged),
    probabilities,
    judged: oof.judged,
    calibration: calibrationOf(decision, labels.length, folds),
  };
}

/** The calibration record of a temperature decision on `heldOut` held-out predictions in `folds` folds. */
export function calibrationOf(decision: TemperatureDecision, heldOut: number, folds: number, source: CalibrationSource = 'training labels'): Calibration {
  return {
    source,
    temperature: decision.temperature,
    fittedTemperature: decision.fitted,
    applied: decision.applied,
    eceBefore: decision.eceBefore,
    eceAfter: decision.eceAfter,
    logLossBefore: decision.logLossBefore,
    logLossAfter: decision.logLossAfter,
    heldOut,
    folds,
  };
}

/** Stand-in log-probability for a probability that underflowed to 0 in float32 (exp(-103.3) is its smallest subnormal). */
const LOG_OF_UNDERFLOW = Math.log(1.4e-45);

/**
 * Temperature of a head fitted on its own predictions of the labeled evaluation set
 * (`probabilities`: rows x c at T = 1, in `labels`' order), by the same rule as the training
 * labels' (decideTemperature), its cross-fitted check over DEFAULT_FOLDS seeded folds of the
 * set. The head never trained on these images, so no extra training runs: this costs
 * milliseconds where the out-of-fold fit costs K trainings. Null with fewer than
 * MIN_EVALUATION_TO_CALIBRATE images or one class among them.
 *
 * log p differs from the logits by a per-row constant, which softmax(z / T) ignores; a
 * probability that underflowed to 0 gets the smallest float32's log, so a confidently wrong
 * prediction still counts (as very wrong) instead of making its row unusable.
 */
export function evaluationSetCalibration(probabilities: ArrayLike<number>, c: number, labels: readonly number[], seed: number): Calibration | null {
  const n = labels.length;
  if (probabilities.length !== n * c) throw new Error(`${probabilities.length} probabilities for ${n} rows of ${c} classes.`);
  if (n < MIN_EVALUATION_TO_CALIBRATE || new Set(labels).size < 2) return null;
  const logits = Float64Array.from(probabilities, (p) => (p > 0 ? Math.log(p) : LOG_OF_UNDERFLOW));
  const fold = new Array<number>(n);
  new SeededRandom(seed).shuffled(Array.from({ length: n }, (_, i) => i)).forEach((row, rank) => (fold[row] = rank % DEFAULT_FOLDS));
  return calibrationOf(decideTemperature(logits, c, labels, fold), n, DEFAULT_FOLDS, 'evaluation set');
}

/** Labels must grow by this factor since the last fit before the temperature is fitted again. */
export const REFIT_GROWTH = 1.25;

/**
 * The previous head's calibration, carried over while the labels have grown by less than
 * REFIT_GROWTH since it was fitted (on `heldOut` labels) and the classes are the same: fitting
 * runs K more trainings of the head, which would multiply each training's time (continuous
 * mode trains after nearly every label), and the temperature moves little with a few more
 * labels. Null when it must be fitted anew, for a head fitted before T was kept only when
 * it helps (its record lacks the decision): its T was applied whatever its effect, and for a
 * head calibrated on the evaluation set (that fit is cheap, and the set may have changed).
 */
export function carriedCalibration(previous: HeadRecord | undefined, labels: number, classes: string[]): Calibration | null {
  const fitted = previous?.facts.calibration;
  const temperature = previous?.facts.temperature;
  if (!previous || !fitted || temperature === undefined || previous.head.mode !== 'light') return null;
  if ((fitted.source ?? 'training labels') !== 'training labels') return null;
  const { fittedTemperature, applied, logLossBefore, logLossAfter } = fitted;
  if (fittedTemperature === undefined || applied === undefined || logLossBefore === undefined || logLossAfter === undefined) return null;
  if (previous.head.classes.length !== classes.length || previous.head.classes.some((name, i) => name !== classes[i])) return null;
  if (labels >= fitted.heldOut * REFIT_GROWTH || labels < fitted.heldOut) return null;
  return { temperature, ...fitted, fittedTemperature, applied, logLossBefore, logLossAfter, source: 'training labels' };
}
