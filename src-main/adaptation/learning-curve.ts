/** Accuracy with an honest interval, and when a learning curve has stopped rising. */
import type { CurvePoint } from '../../src-shared/contract';
import type { VersionRow } from './adaptation-store';

/** 95% Wilson score interval of `correct` successes out of `n`. */
export function wilsonInterval(correct: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = correct / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * A stopping hint: the curve is flat when the last three points span at least a third more
 * labels than the first of them yet gained under one point of accuracy, and the first
 * point's interval already contains the last point's accuracy (the gain is within noise).
 */
export function plateauHint(curve: readonly CurvePoint[]): { flat: boolean; message: string } | null {
  if (curve.length < 3) return null;
  const recent = curve.slice(-3);
  const first = recent[0]!;
  const last = recent[2]!;
  const gain = last.accuracy - first.accuracy;
  const addedLabels = last.labels - first.labels;
  const flat = addedLabels >= first.labels / 3 && gain < 0.01 && last.accuracy <= first.high;
  const points = (gain * 100).toFixed(1);
  return flat
    ? {
        flat: true,
        message: `The curve has flattened: the last ${addedLabels} labels changed accuracy by ${points} points, within the evaluation set's uncertainty. More labels of this kind are unlikely to help much; consider stopping, or label more evaluation images to measure finer.`,
      }
    : { flat: false, message: `Still improving: the last ${addedLabels} labels changed accuracy by ${points} points.` };
}

/**
 * The learning curve: one point per training-label count, from the latest version scored
 * at that count (a retrain without new labels, or continuous mode's retrains, replace the
 * point rather than repeat its label count), in label order.
 */
export function curvePoints(versions: readonly VersionRow[]): CurvePoint[] {
  const latestAt = new Map<number, VersionRow>();
  for (const v of versions) {
    if (v.evalLabeled <= 0) continue;
    const seen = latestAt.get(v.trainingLabels);
    if (!seen || v.version > seen.version) latestAt.set(v.trainingLabels, v);
  }
  return [...latestAt.values()]
    .sort((a, b) => a.trainingLabels - b.trainingLabels)
    .map((v) => ({
      modelVersion: v.version,
      labels: v.trainingLabels,
      accuracy: v.evalCorrect / v.evalLabeled,
      ...wilsonInterval(v.evalCorrect, v.evalLabeled),
      evaluated: v.evalLabeled,
    }));
}
