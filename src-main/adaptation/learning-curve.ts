/** Accuracy with an honest interval, and when a learning curve has stopped rising. */
import type { CurvePoint } from '../../src-shared/contract';
import type { VersionRow } from './adaptation-store';

import { wilsonInterval } from '../../src-shared/wilson-interval';

export { wilsonInterval };

/** Accuracies closer than this are equal (floating-point rounding, never a real difference). */
const NOISE = 1e-9;

/** The half-width (accuracy, 0–1) below which the evaluation set is trusted to tell a flat curve. */
export const PLATEAU_RESOLUTION = 0.05;

/**
 * Evaluation images needed for a 95% interval of ±`halfWidth` around `accuracy` (normal
 * approximation, at least 50): what the hint asks for when the set is too small to judge.
 */
export function evaluationImagesFor(accuracy: number, halfWidth = PLATEAU_RESOLUTION): number {
  const p = Math.min(Math.max(accuracy, 0.05), 0.95);
  return Math.max(50, Math.ceil((1.96 * 1.96 * p * (1 - p)) / (halfWidth * halfWidth)));
}

/**
 * A stopping hint from the last three points of the curve, in words:
 * - a gain of a point or more: still improving where the last accuracy is above the first
 *   point's interval, else a rise within what the evaluation set can tell (a drop in the
 *   latest round is said too);
 * - a drop of a point or more: said as a drop, as noise when the first point's interval holds
 *   the last accuracy, else as a reason to check the recent labels;
 * - under a point either way but fewer new labels than a third of the first point's: too early;
 * - level over at least a third more labels, the last accuracy inside the first point's
 *   interval: flat, but only where the evaluation set measures to ±5 points or better. A
 *   coarser set (48 images: about ±12, where equal counts on three rounds say little) gets how
 *   many evaluation images would tell instead of "flattened".
 */
export function plateauHint(curve: readonly CurvePoint[]): { flat: boolean; message: string } | null {
  if (curve.length < 3) return null;
  const recent = curve.slice(-3);
  const first = recent[0]!;
  const last = recent[2]!;
  const gain = last.accuracy - first.accuracy;
  const addedLabels = last.labels - first.labels;
  const points = Math.abs(gain * 100).toFixed(1);
  const halfWidth = (last.high - last.low) / 2;
  const resolution = `±${Math.round(halfWidth * 100)} points`;
  const middle = recent[1]!;
  const latestDrop = middle.accuracy - last.accuracy >= 0.01 ? ` (the latest round lowered it by ${((middle.accuracy - last.accuracy) * 100).toFixed(1)})` : '';
  const rising = { flat: false, message: `Still improving: the last ${addedLabels} labels raised accuracy by ${points} points${latestDrop}.` };
  const finer = `About ${evaluationImagesFor(last.accuracy)} labeled evaluation images would measure it to ±${Math.round(PLATEAU_RESOLUTION * 100)}.`;
  if (gain >= 0.01) {
    if (last.accuracy - first.high > NOISE) return rising;
    return {
      flat: false,
      message: `Accuracy rose by ${points} points over the last ${addedLabels} labels${latestDrop}, within what ${last.evaluated} evaluation images can tell (${resolution}): too little to say whether it is still improving.${halfWidth > PLATEAU_RESOLUTION ? ` ${finer}` : ''}`,
    };
  }
  if (gain <= -0.01) {
    return {
      flat: false,
      message:
        last.accuracy >= first.low
          ? `Accuracy fell by ${points} points over the last ${addedLabels} labels, within what ${last.evaluated} evaluation images can tell (${resolution}): likely noise.`
          : `Accuracy fell by ${points} points over the last ${addedLabels} labels, more than ${last.evaluated} evaluation images' uncertainty (${resolution}): check the recent labels (Suspect labels).`,
    };
  }
  const needed = Math.ceil(first.labels / 3);
  if (addedLabels < needed) {
    return { flat: false, message: `Accuracy changed by under a point over the last ${addedLabels} labels: too few to tell whether the curve has flattened (about ${needed} would).` };
  }
  if (last.accuracy - first.high > NOISE) return rising;
  if (halfWidth > PLATEAU_RESOLUTION) {
    return {
      flat: false,
      message: `The last ${addedLabels} labels changed accuracy by under a point, but ${last.evaluated} evaluation images measure it only to about ${resolution}: too coarse to tell whether the curve has flattened. ${finer}`,
    };
  }
  return {
    flat: true,
    message: `The curve has flattened: the last ${addedLabels} labels changed accuracy by under a point, within the evaluation set's uncertainty. More labels of this kind are unlikely to help much; consider stopping, or label more evaluation images to measure finer.`,
  };
}

/**
 * The learning curve: the scored versions in training order (version order), each point with
 * its backbone and its run. A retrain on the same labels count and backbone as the version
 * just before it (a retrain without new labels, continuous mode's retrains) replaces that
 * point rather than repeat it. A run starts again where the training labels went down (files
 * moved out, labels removed) or the backbone changed: the chart joins only one run's points,
 * and the stopping hint compares only the latest run's, so an older model at more labels is
 * never read as the latest (the headline is the latest version's point, `latestPoint`).
 */
export function curvePoints(versions: readonly VersionRow[], backbone: (modelId: string) => string = (id) => id): CurvePoint[] {
  const scored = versions.filter((v) => v.evalLabeled > 0).sort((a, b) => a.version - b.version);
  const kept: VersionRow[] = [];
  for (const v of scored) {
    const before = kept.at(-1);
    if (before && before.trainingLabels === v.trainingLabels && before.modelId === v.modelId) kept[kept.length - 1] = v;
    else kept.push(v);
  }
  let run = 0;
  return kept.map((v, k) => {
    const before = kept[k - 1];
    if (before && (v.trainingLabels < before.trainingLabels || v.modelId !== before.modelId)) run++;
    return versionPoint(v, backbone, run);
  });
}

/** One version's point on the evaluation set (accuracy 0, interval 0–1, none evaluated, when it is not scored). */
export function versionPoint(v: VersionRow, backbone: (modelId: string) => string = (id) => id, run = 0): CurvePoint {
  return {
    modelVersion: v.version,
    labels: v.trainingLabels,
    accuracy: v.evalLabeled > 0 ? v.evalCorrect / v.evalLabeled : 0,
    ...wilsonInterval(v.evalCorrect, v.evalLabeled),
    evaluated: v.evalLabeled,
    modelId: v.modelId,
    backbone: backbone(v.modelId),
    trainedAt: v.trainedAt,
    run,
  };
}

/** The latest version's point: null before a version, or when the latest is not scored. */
export function latestPoint(versions: readonly VersionRow[], backbone: (modelId: string) => string = (id) => id): CurvePoint | null {
  const latest = versions.reduce<VersionRow | null>((a, v) => (a === null || v.version > a.version ? v : a), null);
  return latest && latest.evalLabeled > 0 ? versionPoint(latest, backbone) : null;
}

/**
 * The stopping hint of a curve in training order: plateauHint over its latest run only. Where
 * that run is too short to judge but the curve is not (the labels went down or the backbone
 * changed a version or two ago), it says so instead of comparing across the break.
 */
export function curveHint(curve: readonly CurvePoint[]): { flat: boolean; message: string } | null {
  const last = curve.at(-1);
  if (!last) return null;
  const run = curve.filter((p) => (p.run ?? 0) === (last.run ?? 0));
  if (run.length >= 3 || curve.length < 3) return plateauHint(run);
  const before = curve[curve.length - run.length - 1] as CurvePoint;
  const why =
    before.modelId !== undefined && last.modelId !== undefined && before.modelId !== run[0]!.modelId
      ? `the pre-trained model changed after version ${before.modelVersion} (${before.backbone ?? before.modelId} → ${run[0]!.backbone ?? run[0]!.modelId})`
      : `the training labels went down after version ${before.modelVersion} (${before.labels} → ${run[0]!.labels})`;
  return {
    flat: false,
    message: `Whether the curve has flattened is not told yet: ${why}, so the latest ${run.length === 1 ? 'version is' : `${run.length} versions are`} not compared with the ones before. It is told after three trainings since then.`,
  };
}
