/**
 * The one-sentence explanations the UI shows beside each queried image. Numbers are given
 * with two decimals; wording names the criterion that put the image in the batch.
 */
import { ALONE_IN_GROUP, TYPICAL_REASON_START } from '../../../src-shared/typical-pick';
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

/**
 * Uncertainty in words an expert reads: the two classes the model hesitates between, with
 * their probabilities ("the model is torn between rose 41% and tulip 38%"), when the
 * probabilities are known; the measure's name and value otherwise.
 */
export function uncertainReason(measure: UncertaintyMeasure, uncertainty: number, competing?: CompetingClasses | null): string {
  if (competing) return tornReason(competing);
  return `uncertain: the current classifier is unsure about it (${MEASURE_LABELS[measure]} ${fixed(uncertainty)})`;
}

/** The two most probable classes of one image under the current classifier. */
export interface CompetingClasses {
  first: string;
  firstProbability: number;
  second: string;
  secondProbability: number;
}

function percent(p: number): string {
  return `${Math.round(100 * p)}%`;
}

export function tornReason(c: CompetingClasses): string {
  return `the model is torn between ${c.first} ${percent(c.firstProbability)} and ${c.second} ${percent(c.secondProbability)}`;
}

/** The group a pick stands for: its size, its labeled members, and this batch's earlier picks from it. */
export interface PickGroup {
  members: { length: number };
  labels: number;
  picked: number;
}

/** " (1 other image of this batch is from it)" when the batch has picked from the group before; "" otherwise. */
function earlierPicks(picked: number): string {
  return picked === 0 ? '' : ` (${picked} other image${picked === 1 ? '' : 's'} of this batch ${picked === 1 ? 'is' : 'are'} from it)`;
}

/** Typical-first picks (TypiClust): the image stands for a group of similar images. */
export function typicalReason({ members, labels, picked }: PickGroup): string {
  if (members.length === 1) return ALONE_IN_GROUP; // a group of one image: no other image is like it (an outlier of the pool)
  const said = labels === 0 ? 'no label yet' : labels === 1 ? 'only 1 label' : `only ${labels} labels`;
  // A typicality score is known by its round item's score kind (src-shared/typical-pick.ts scoreKindOf), not by these words; projects from before it had the kind read once from them (migration 15).
  return `${TYPICAL_REASON_START}${members.length} similar images with ${said}${earlierPicks(picked)}`;
}

/** A pick made for its cluster: its own reason, then the group it covers. */
export function inGroupReason(reason: string, { members, labels, picked }: PickGroup): string {
  if (members.length === 1) return `${reason}; ${ALONE_IN_GROUP}`;
  const said = labels === 0 ? 'no label yet' : labels === 1 ? '1 label' : `${labels} labels`;
  return `${reason}; from a group of ${members.length} similar images with ${said}${earlierPicks(picked)}`;
}

/** ProbCover: the pick's neighbourhood holds many images no labeled image is near. */
export function coverageReason(newlyCovered: number): string {
  return `close to ${newlyCovered} image${newlyCovered === 1 ? '' : 's'} that no labeled image is close to yet`;
}

/** BADGE: uncertain and unlike the other picks of the batch. */
export function badgeReason(competing: CompetingClasses | null, first: boolean): string {
  const why = competing ? tornReason(competing) : 'the model would change most on it';
  return first ? `${why}; the largest expected change of the model` : `${why}; and unlike the batch's earlier picks`;
}

/** ADMA: name the term that contributes more to s = (1 - lambda) D + lambda U. */
export function admaReason(
  distinctiveness: number,
  uncertainty: number | null,
  lambda: number,
  measure: UncertaintyMeasure,
  labeledClassCount: number,
  competing: CompetingClasses | null = null,
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
    : `${uncertainReason(measure, uncertainty, competing)}; D ${fixed(distinctiveness)}, ${terms}`;
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
