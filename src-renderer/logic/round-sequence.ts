/**
 * Following the loop's queue in the labeling view. When the back end opens a new round or
 * re-ranks the current one (continuous mode), the view moves to the new order without
 * losing the labeler's place: the image on screen stays on screen while it is still queued.
 */
import type { SequenceItem } from './labeling-sequence';

export interface Placement {
  index: number;
  atEnd: boolean;
}

/** First unlabeled position, or the end when the batch is labeled. */
export function firstUnlabeled(items: readonly SequenceItem[]): Placement {
  const index = items.findIndex((item) => item.classId === null);
  return index >= 0 ? { index, atEnd: false } : { index: Math.max(0, items.length - 1), atEnd: true };
}

/**
 * Where to stand in `next` (the new order). Same round: stay on `currentId` if it is still
 * queued, else go to the first unlabeled image. New round: start at its first unlabeled image.
 */
export function followQueue(next: readonly SequenceItem[], currentId: number | null, sameRound: boolean, atEnd: boolean): Placement {
  if (sameRound && !atEnd && currentId !== null) {
    const index = next.findIndex((item) => item.id === currentId);
    if (index >= 0) return { index, atEnd: false };
  }
  return firstUnlabeled(next);
}
