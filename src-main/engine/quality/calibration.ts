/**
 * Calibration kernels: softmax with a temperature, the reliability diagram and expected
 * calibration error (ECE), and temperature scaling (Guo et al., ICML 2017), kept only when it
 * lowers the held-out log-loss and ECE on folds it was not fitted on (decideTemperature): the
 * training labels' out-of-fold predictions, or the labeled evaluation set's (label-quality.ts).
 *
 * Invariants:
 * - A logit of -Infinity is a class the model cannot predict (absent from its training
 *   fold); its probability is exactly 0 and it is skipped in every sum, never NaN.
 * - Temperature scaling divides every logit of a row by the same T > 0, so each row's
 *   argmax (and any order of its classes) is unchanged; only the probabilities move.
 */
import type { HeadWeights } from '../train/head-weights';

/** Probabilities of `rows` rows of `c` logits at temperature T (row-major, Float64). */
export function softmaxRows(logits: ArrayLike<number>, c: number, temperature = 1): Float64Array {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`The temperature must be a positive number; got ${temperature}.`);
  if (c <= 0 || logits.length % c !== 0) throw new Error(`${logits.length} logits do not make whole rows of ${c} classes.`);
  const out = new Float64Array(logits.length);
  for (let start = 0; start < logits.length; start += c) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, logits[start + k] as number);
    if (max === -Infinity) throw new Error(`Row ${start / c} has no finite logit.`);
    let sum = 0;
    for (let k = 0; k < c; k++) {
      const e = Math.exp(((logits[start + k] as number) - max) / temperature);
      out[start + k] = e;
      sum += e;
    }
    for (let k = 0; k < c; k++) out[start + k] = (out[start + k] as number) / sum;
  }
  return out;
}

export interface ReliabilityBin {
  /** The bin holds confidences in (lower, upper] (the first bin also holds 0). */
  lower: number;
  upper: number;
  count: number;
  /** Share of the bin's predictions that were right; null for an empty bin. */
  accuracy: number | null;
  /** Mean confidence of the bin's predictions; null for an empty bin. */
  confidence: number | null;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Sum over bins of (count / n) |accuracy - confidence|; null without predictions. */
  ece: number | null;
  count: number;
}

/**
 * Reliability diagram over `binCount` equal-width confidence bins and its expected
 * calibration error. `confidence[i]` is the top-1 probability of prediction i and
 * `correct[i]` whether it was right.
 */
export function reliability(confidence: ArrayLike<number>, correct: ArrayLike<boolean | number>, binCount = 10): Reliability {
  if (confidence.length !== correct.length) throw new Error(`${confidence.length} confidences for ${correct.length} outcomes.`);
  if (!Number.isInteger(binCount) || binCount < 1) throw new RangeError(`The bin count must be a positive whole number; got ${binCount}.`);
  const counts = new Float64Array(binCount);
  const right = new Float64Array(binCount);
  const sums = new Float64Array(binCount);
  for (let i = 0; i < confidence.length; i++) {
    const p = confidence[i] as number;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Confidence ${p} of prediction ${i} is not a probability.`);
    const bin = Math.min(binCount - 1, Math.max(0, Math.ceil(p * binCount) - 1));
    counts[bin] = (counts[bin] as number) + 1;
    sums[bin] = (sums[bin] as number) + p;
    if (correct[i]) right[bin] = (right[bin] as number) + 1;
  }
  const n = confidence.length;
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < binCount; b++) {
    const count = counts[b] as number;
    const accuracy = count > 0 ? (right[b] as number) / count : null;
    const mean = count > 0 ? (sums[b] as number) / count : null;
    if (accuracy !== null && mean !== null) ece += (count / n) * Math.abs(accuracy - mean);
    bins.push({ lower: b / binCount, upper: (b + 1) / binCount, count, accuracy, confidence: mean });
  }
  return { bins, ece: n > 0 ? ece : null, count: n };
}

/** Top-1 confidence and correctness of each row of probabilities against its label. */
export function topConfidence(probabilities: ArrayLike<number>, c: number, labels: ArrayLike<number>): { confidence: Float64Array; correct: Uint8Array } {
  const n = labels.length;
  if (probabilities.length !== n * c) throw new Error(`${probabilities.length} probabilities for ${n} rows of ${c} classes.`);
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if ((probabilities[i * c + k] as number) > (probabilities[i * c + best] as number)) best = k;
    confidence[i] = probabilities[i * c + best] as number;
    correct[i] = best === labels[i] ? 1 : 0;
  }
  return { confidence, correct };
}

/** Temperatures are kept in this range: a separable fold would otherwise push T to 0. */
export const TEMPERATURE_RANGE = { min: 0.05, max: 20 } as const;

/**
 * Mean negative log-likelihood at inverse temperature beta and its first two derivatives in
 * beta: NLL(beta) = mean_i [logsumexp_k(beta z_ik) - beta z_iy], convex in beta, with
 * NLL' = mean_i (E_p[z_i] - z_iy) and NLL'' = mean_i Var_p[z_i] >= 0.
 */
export function temperatureObjective(logits: ArrayLike<number>, c: number, labels: ArrayLike<number>, beta: number): { value: number; slope: number; curvature: number } {
  const n = labels.length;
  let value = 0;
  let slope = 0;
  let curvature = 0;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    const label = labels[i] as number;
    const zy = logits[row + label] as number;
    if (!Number.isFinite(zy)) throw new Error(`Row ${i}'s own class has no finite logit.`);
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, beta * (logits[row + k] as number));
    let sum = 0;
    let mean = 0;
    let square = 0;
    for (let k = 0; k < c; k++) {
      const z = logits[row + k] as number;
      if (z === -Infinity) continue;
      const e = Math.exp(beta * z - max);
      sum += e;
      mean += e * z;
      square += e * z * z;
    }
    mean /= sum;
    square /= sum;
    value += Math.log(sum) + max - beta * zy;
    slope += mean - zy;
    curvature += Math.max(0, square - mean * mean);
  }
  return n > 0 ? { value: value / n, slope: slope / n, curvature: curvature / n } : { value: 0, slope: 0, curvature: 0 };
}

/**
 * The temperature T minimising the mean NLL of softmax(z / T) on held-out logits. NLL is
 * convex in beta = 1/T, so its slope is increasing: bisection on the slope over
 * log(beta) finds the one minimum (60 halvings of the range are below 1e-12 in log T).
 * Clamped to TEMPERATURE_RANGE; 1 without rows.
 */
export function fitTemperature(logits: ArrayLike<number>, c: number, labels: ArrayLike<number>): number {
  if (logits.length !== labels.length * c) throw new Error(`${logits.length} logits for ${labels.length} rows of ${c} classes.`);
  if (labels.length === 0) return 1;
  let lo = Math.log(1 / TEMPERATURE_RANGE.max);
  let hi = Math.log(1 / TEMPERATURE_RANGE.min);
  if (temperatureObjective(logits, c, labels, Math.exp(lo)).slope >= 0) return TEMPERATURE_RANGE.max;
  if (temperatureObjective(logits, c, labels, Math.exp(hi)).slope <= 0) return TEMPERATURE_RANGE.min;
  for (let step = 0; step < 60; step++) {
    const mid = (lo + hi) / 2;
    if (temperatureObjective(logits, c, labels, Math.exp(mid)).slope < 0) lo = mid;
    else hi = mid;
  }
  return 1 / Math.exp((lo + hi) / 2);
}

/**
 * Probabilities at temperature T from probabilities at T = 1: softmax(z / T) =
 * normalise(p^(1/T)), since log p = z - logsumexp(z) differs from z by a per-row constant.
 * Used where only a head's probabilities are at hand (the pool's predictions).
 */
export function temperedProbabilities(probabilities: ArrayLike<number>, c: number, temperature: number): Float64Array {
  const logs = Float64Array.from(probabilities as ArrayLike<number>, (p) => (p > 0 ? Math.log(p) : -Infinity));
  return softmaxRows(logs, c, temperature);
}

/**
 * The calibrated classifier of a stored head: its final dense layer's kernel and bias divided
 * by the head's applied temperature (1, the head unchanged, when the fitted T did not help), so softmax(x W / T + b / T) = softmax(logits / T) exactly (up to
 * float32 rounding of the divided weights). What export writes, for TF.js and ONNX alike.
 */
export function calibratedHead(record: { head: HeadWeights; facts: { temperature?: number } }): HeadWeights {
  const t = record.facts.temperature ?? 1;
  if (!(t > 0) || !Number.isFinite(t)) throw new RangeError(`The temperature must be a positive number; got ${t}.`);
  if (t === 1) return record.head;
  const { dense } = record.head;
  return { ...record.head, dense: { kernel: dense.kernel.map((w) => w / t), bias: dense.bias.map((b) => b / t) } };
}

/**
 * Whether a fitted temperature is kept, decided on predictions it was not fitted on.
 *
 * The rule, fixed before looking at any data set: T is fitted by log-loss (fitTemperature),
 * and log-loss and ECE disagree often enough on small label sets (a few confidently wrong
 * predictions pull T up and leave the right ones underconfident) that lowering one does not
 * mean lowering the other. So T is kept only when it lowers BOTH the log-loss (a proper
 * score) and the expected calibration error of the held-out predictions; otherwise T = 1
 * (the raw softmax) and the figures say why. Judging T on the same predictions it was fitted
 * on would favour it (its log-loss there is lower by construction), so the figures after T
 * are cross-fitted: each fold's predictions are tempered with a T fitted on the other folds'
 * predictions only, and the log-loss and ECE are taken over all folds so tempered. The T
 * kept is the one fitted on every fold's predictions (`fitted`).
 */
export interface TemperatureDecision {
  /** T minimising the log-loss of all the held-out predictions (the candidate). */
  fitted: number;
  /** Whether `fitted` is applied; `temperature` is `fitted` then, 1 otherwise. */
  applied: boolean;
  temperature: number;
  /** ECE and mean log-loss at T = 1, and cross-fitted at T; null without predictions (after: or with one fold only). */
  eceBefore: number | null;
  eceAfter: number | null;
  logLossBefore: number | null;
  logLossAfter: number | null;
}

function eceAt(logits: ArrayLike<number>, c: number, labels: ArrayLike<number>, temperature: number): number | null {
  const top = topConfidence(softmaxRows(logits, c, temperature), c, labels);
  return reliability(top.confidence, top.correct).ece;
}

/**
 * Fit T on held-out logits (out of fold, or the evaluation set's; `fold[i]`: the fold row i is
 * judged in) and decide whether to apply it (see TemperatureDecision).
 */
export function decideTemperature(logits: ArrayLike<number>, c: number, labels: ArrayLike<number>, fold: ArrayLike<number>): TemperatureDecision {
  const n = labels.length;
  if (logits.length !== n * c) throw new Error(`${logits.length} logits for ${n} rows of ${c} classes.`);
  if (fold.length !== n) throw new Error(`${fold.length} fold indexes for ${n} rows.`);
  const fitted = fitTemperature(logits, c, labels);
  if (n === 0) return { fitted, applied: false, temperature: 1, eceBefore: null, eceAfter: null, logLossBefore: null, logLossAfter: null };
  const eceBefore = eceAt(logits, c, labels, 1);
  const logLossBefore = temperatureObjective(logits, c, labels, 1).value;
  const folds = [...new Set(Array.from(fold))];
  if (folds.length < 2) return { fitted, applied: false, temperature: 1, eceBefore, eceAfter: null, logLossBefore, logLossAfter: null };
  // Each fold tempered at a T fitted on the others: probabilities for the ECE, log-loss summed.
  const crossFitted = new Float64Array(n * c);
  let logLossSum = 0;
  for (const held of folds) {
    const inside: number[] = [];
    const outside: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === held ? inside : outside).push(i);
    const rowsOf = (rows: number[]): { z: Float64Array; y: number[] } => {
      const z = new Float64Array(rows.length * c);
      rows.forEach((i, j) => {
        for (let k = 0; k < c; k++) z[j * c + k] = logits[i * c + k] as number;
      });
      return { z, y: rows.map((i) => labels[i] as number) };
    };
    const train = rowsOf(outside);
    const test = rowsOf(inside);
    const t = fitTemperature(train.z, c, train.y);
    logLossSum += temperatureObjective(test.z, c, test.y, 1 / t).value * inside.length;
    const p = softmaxRows(test.z, c, t);
    inside.forEach((i, j) => crossFitted.set(p.subarray(j * c, (j + 1) * c), i * c));
  }
  const top = topConfidence(crossFitted, c, labels);
  const eceAfter = reliability(top.confidence, top.correct).ece;
  const logLossAfter = logLossSum / n;
  const applied = eceAfter !== null && eceBefore !== null && eceAfter < eceBefore && logLossAfter < logLossBefore;
  return { fitted, applied, temperature: applied ? fitted : 1, eceBefore, eceAfter, logLossBefore, logLossAfter };
}
