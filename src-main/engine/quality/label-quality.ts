/**
 * One pass of cross-validation over the labeled images gives both trust measures: the
 * suspect-label ranking (out-of-fold probability of the given label) and the temperature
 * fitted on the same held-out logits, with the expected calibration error of those held-out
 * predictions before and after it.
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
import { fitTemperature, reliability, softmaxRows, topConfidence } from './calibration';
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
  temperature: number;
  /** ECE of the out-of-fold predictions at T = 1 and at the fitted T; null without any. */
  eceBefore: number | null;
  eceAfter: number | null;
  /** Held-out predictions T was fitted on. */
  heldOut: number;
  folds: number;
}

export interface LabelQuality {
  /** Every judged labeled image, most suspect first (raw out-of-fold probabilities). */
  ranked: SuspectRow[];
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
  const temperature = fitTemperature(logits, c, labels);
  const ece = (t: number): number | null => {
    if (labels.length === 0) return null;
    const top = topConfidence(softmaxRows(logits, c, t), c, labels);
    return reliability(top.confidence, top.correct).ece;
  };
  const probabilities = new Float64Array(request.labels.length * c);
  for (const i of judgedRows) probabilities.set(softmaxRows(oof.logits.subarray(i * c, (i + 1) * c), c), i * c);
  return {
    ranked: rankBySelfConfidence(request.imageIds, request.labels, probabilities, c, oof.judged),
    calibration: { temperature, eceBefore: ece(1), eceAfter: ece(temperature), heldOut: labels.length, folds },
  };
}

/** Labels must grow by this factor since the last fit before the temperature is fitted again. */
export const REFIT_GROWTH = 1.25;

/**
 * The previous head's calibration, carried over while the labels have grown by less than
 * REFIT_GROWTH since it was fitted (on `heldOut` labels) and the classes are the same: fitting
 * runs K more trainings of the head, which would multiply each training's time (continuous
 * mode trains after nearly every label), and the temperature moves little with a few more
 * labels. Null when it must be fitted anew.
 */
export function carriedCalibration(previous: HeadRecord | undefined, labels: number, classes: string[]): Calibration | null {
  const fitted = previous?.facts.calibration;
  const temperature = previous?.facts.temperature;
  if (!previous || !fitted || temperature === undefined || previous.head.mode !== 'light') return null;
  if (previous.head.classes.length !== classes.length || previous.head.classes.some((name, i) => name !== classes[i])) return null;
  if (labels >= fitted.heldOut * REFIT_GROWTH || labels < fitted.heldOut) return null;
  return { temperature, ...fitted };
}
