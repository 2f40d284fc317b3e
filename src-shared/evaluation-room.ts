/**
 * How large the evaluation set may grow, in numbers and in words. The rule: the evaluation set
 * may hold at most half of the images that are not training labels, so that at least as many
 * stay for the active loop to ask about (an evaluation set that takes the whole pool ends the
 * loop). The back end computes the room (Evaluation.room) and refuses a larger sample with
 * `sampleRefusal`'s words; the dashboard shows `sampleLimitWords` before the click and the same
 * refusal as the number is typed.
 */
import type { EvaluationRoom } from './contract';

/** The most images one sample may add (the request's limit). */
export const MAX_SAMPLE_COUNT = 10_000;

/** The share of the images that are not training labels the evaluation set may hold. */
export const EVALUATION_MAX_SHARE = 0.5;

/** The most images the evaluation set may hold when `notTraining` images are not training labels. */
export function evaluationCap(notTraining: number): number {
  return Math.floor(notTraining * EVALUATION_MAX_SHARE);
}

/** `n` images, with `more` between the number and the noun ("80 more images"). */
const images = (n: number, more = ''): string => `${n}${more} image${n === 1 ? '' : 's'}`;

/** The rule with this project's numbers (after "the evaluation set"). */
function ruleWords(room: EvaluationRoom): string {
  return `may hold at most half of the ${images(room.notTraining)} that are not training labels (${room.cap}), so that as many stay for the loop to ask about`;
}

/** Why no image can be added now, or null when some can. */
function fullWords(room: EvaluationRoom): string | null {
  if (room.max > 0) return null;
  if (room.size >= room.cap) return `The evaluation set is full: it holds ${images(room.size)} and ${ruleWords(room)}.`;
  return 'No image is left to sample: every unlabeled image outside the evaluation set has been queried by the loop (a queried image is not a random pick).';
}

/** What a sample may add now, said before the click. */
export function sampleLimitWords(room: EvaluationRoom): string {
  // With images in the set already, the number is how many more ("Up to 80 images now" read as the set's size).
  const holds = room.size > 0 ? ` It holds ${room.size}.` : '';
  return fullWords(room) ?? `Up to ${images(room.max, room.size > 0 ? ' more' : '')} now: the evaluation set ${ruleWords(room)}.${holds}`;
}

/** Why a sample of `count` images is refused, or null when it fits. */
export function sampleRefusal(room: EvaluationRoom, count: number): string | null {
  if (count <= room.max) return null;
  const full = fullWords(room);
  if (full) return full;
  if (room.max < room.cap - room.size) {
    return `At most ${images(room.max)} can be added now: only ${room.candidates} unlabeled image${room.candidates === 1 ? ' is' : 's are'} outside the evaluation set and never queried by the loop.`;
  }
  return `At most ${images(room.max)} can be added now, not ${count}: the evaluation set ${ruleWords(room)}. It holds ${room.size}.`;
}

/**
 * Why the number typed in the dashboard's sample field is refused, or null when it can be
 * sampled: `value` is the field's number, NaN when it is empty or not a number. Said under the
 * field as it is typed (as the loop settings say a refused number), so Enter never does nothing
 * without a word.
 */
export function typedSampleRefusal(room: EvaluationRoom, value: number): string | null {
  const range = `Enter how many images to add, a whole number from 1 to ${Math.max(1, Math.min(room.max, MAX_SAMPLE_COUNT))}.`;
  if (!Number.isFinite(value)) return `That is not a number. ${range}`;
  if (!Number.isInteger(value)) return `${value} is not a whole number. ${range}`;
  if (value < 1) return `${value} is out of range. ${range}`;
  if (value > MAX_SAMPLE_COUNT && room.max > MAX_SAMPLE_COUNT) return `One sample adds at most ${MAX_SAMPLE_COUNT} images: add ${MAX_SAMPLE_COUNT}, then sample again.`;
  return sampleRefusal(room, value);
}
