/**
 * The one-sentence explanations the UI shows beside each queried image. Numbers are given
 * with two decimals; wording names the criterion that put the image in the batch.
 */
import type { UncertaintyMeasure } from './uncertainty';

const MEASURE_LABELS: Record<UncertaintyMeasure, string> = {
  entropy: 'entropy',
  margin: 'margin',
  'least-confidence': 'least confidence',
  gini: 'Gini',
};

function fixed(value: number): string {
  return value.toFixed(2);
}

export function distinctiveReason(distinctiveness: number): string {
  return `distinctive: features move unlike the source classes it resembles (D ${fixed(distinctiveness)})`;
}

export function uncertainReason(measure: UncertaintyMeasure, uncertainty: number): string {
  return `uncertain: the current classifier is unsure about it (${MEASURE_LABELS[measure]} ${fixed(uncertainty)})`;
}

/** ADMA: name the term that contributes more to s = (1 - lambda) D + lambda U. */
export function admaReason(
  distinctiveness: number,
  uncertainty: number | null,
  lambda: number,
  measure: UncertaintyMeasure,
  labeledClassCount: number,
): string {
  if (lambda === 0 || uncertainty === null) {
    const why =
      labeledClassCount < 2
        ? 'uncertainty is used once two classes have labels'
        : uncertainty === null
          ? 'uncertainty is used once a classifier is trained'
          : 'the schedule weighs distinctiveness only this round';
    return `${distinctiveReason(distinctiveness)}; ${why}`;
  }
  const terms = `score ${fixed((1 - lambda) * distinctiveness + lambda * uncertainty)} with λ ${fixed(lambda)}`;
  return (1 - lambda) * distinctiveness >= lambda * uncertainty
    ? `${distinctiveReason(distinctiveness)}; ${MEASURE_LABELS[measure]} ${fixed(uncertainty)}, ${terms}`
    : `${uncertainReason(measure, uncertainty)}; D ${fixed(distinctiveness)}, ${terms}`;
}

/** Added to a diversity-aware pick after the first. */
export function diversityNote(distanceToNearestPick: number): string {
  return `kept for diversity: ${fixed(distanceToNearestPick)} from the nearest earlier pick`;
}

export function randomReason(seed: number): string {
  return `random pick (seed ${seed})`;
}

export function uncertaintyFallbackReason(seed: number): string {
  return `random pick (seed ${seed}): uncertainty needs a classifier trained on at least two labeled classes`;
}

export function coresetReason(distance: number): string {
  return `covers the pool: ${fixed(distance)} from the nearest labeled or already picked image (layer B)`;
}

export function coresetStartReason(seed: number): string {
  return `first core-set point: nothing is labeled yet, so a seeded random start (seed ${seed})`;
}
