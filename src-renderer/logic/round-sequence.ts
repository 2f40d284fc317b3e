/**
 * Following the loop's queue in the labeling view. When the back end opens a new round or
 * re-ranks the current one (continuous mode), the view moves to the new order without
 * losing the labeler's place: the image on screen stays on screen while it is still queued,
 * and, undecided, through any re-rank of its round (keepOnScreen).
 */
import type { RoundInfo } from '../../src-shared/contract';
import { isDecided } from '../../src-shared/requests/images';
import type { LabelChange, SequenceItem } from './labeling-sequence';

/** A round with new image states applied to its items (and its decided count with them). */
export function roundWithChanges(round: RoundInfo, changes: ReadonlyMap<number, LabelChange>): RoundInfo {
  if (!round.items.some((q) => changes.has(q.imageId))) return round;
  const items = round.items.map((q) => {
    const change = changes.get(q.imageId);
    return change ? { ...q, classId: change.classId, unsure: change.unsure } : q;
  });
  return { ...round, items, labeled: items.filter(isDecided).length };
}

/**
 * The label view's source when a project opens (or the page reloads): the loop's queue once
 * the loop has a round, whether its batch waits or is labeled. A labeled batch is between
 * rounds: its training and the next round's query follow by themselves, and a view on the
 * queue moves onto the new round when it opens (followQueue), as it does without a reload;
 * when no next round can open, the queue's finished batch says why. Before the first round,
 * the unlabeled images in folder order. The source chosen by hand is not remembered across
 * a reload, so there is no choice of the user's to keep here; once the view is open, only
 * the user moves it off the queue, and a new round never moves it onto the queue.
 */
export function sourceAtOpen(round: { readonly items: readonly unknown[] } | null): 'round' | 'queue' {
  return round !== null && round.items.length > 0 ? 'round' : 'queue';
}

export interface Placement {
  index: number;
  atEnd: boolean;
}

/** First unlabeled position, or the end when the batch is labeled. */
export function firstUnlabeled(items: readonly SequenceItem[]): Placement {
  const index = items.findIndex((item) => !isDecided(item));
  return index >= 0 ? { index, atEnd: false } : { index: Math.max(0, items.length - 1), atEnd: true };
}

/**
 * The items to follow after a re-rank of the same round: `next`, with the undecided image on
 * screen put back at `index` when the re-rank took it out. The page learns of a re-rank a
 * moment after the back end made it, so the expert may be about to press a key for that
 * image: it must not be swapped from under them, and its label still counts for the batch
 * (the back end takes it back in, ActiveLoop.reclaimDropped).
 */
export function keepOnScreen<T extends SequenceItem>(next: readonly T[], onScreen: T | null, index: number, sameRound: boolean): T[] {
  if (!sameRound || onScreen === null || isDecided(onScreen) || next.some((item) => item.id === onScreen.id)) return [...next];
  const at = Math.min(index, next.length);
  return [...next.slice(0, at), onScreen, ...next.slice(at)];
}

/**
 * Where to stand in `next` (the new order). The image on screen stays on screen while it is
 * still queued: in the same round (re-ranked), or in a new one when it is still unlabeled
 * (continuous mode opens rounds while the expert labels). Otherwise, and after a finished
 * batch, start at the first unlabeled image.
 */
export function followQueue(next: readonly SequenceItem[], currentId: number | null, sameRound: boolean, atEnd: boolean): Placement {
  if (!atEnd && currentId !== null) {
    const index = next.findIndex((item) => item.id === currentId);
    if (index >= 0 && (sameRound || !isDecided(next[index]!))) return { index, atEnd: false };
  }
  return firstUnlabeled(next);
}

/**
 * The next image of the queue to label after `index`: the next unlabeled one after it, else
 * (the queue was re-ranked under the expert) the first unlabeled one before it; null when
 * none is left but the current one.
 */
export function nextInQueue(items: readonly SequenceItem[], index: number): number | null {
  for (let i = index + 1; i < items.length; i++) if (!isDecided(items[i]!)) return i;
  for (let i = 0; i < Math.min(index, items.length); i++) if (!isDecided(items[i]!)) return i;
  return null;
}
