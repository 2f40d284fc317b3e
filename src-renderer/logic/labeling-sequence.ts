/**
 * Navigation through a labeling session: an ordered snapshot of images that grows page by
 * page. Labeling or skipping advances to the next unlabeled image; the arrows walk the
 * sequence whatever the labels.
 */
import type { ImageFilter, LabelAction } from '../../src-shared/contract';
import { isDecided } from '../../src-shared/requests/images';

export interface SequenceItem {
  id: number;
  classId: number | null;
  unsure: boolean;
}

/** An image's state after a label action: a class, unsure, or neither. */
export interface LabelChange {
  classId: number | null;
  unsure: boolean;
}

/** Each image of a label action with its state after it. */
export function actionChanges(action: LabelAction): Map<number, LabelChange> {
  return new Map(action.imageIds.map((id, i) => [id, { classId: action.classIds[i] ?? null, unsure: action.unsure[i] ?? false }]));
}

/** Index of the first undecided image (neither labeled nor unsure) after `index`, or null when none is loaded. */
export function nextUnlabeledIndex(items: readonly SequenceItem[], index: number): number | null {
  for (let i = Math.max(-1, index) + 1; i < items.length; i++) {
    const item = items[i];
    if (item && !isDecided(item)) return i;
  }
  return null;
}

export function nextIndex(items: readonly SequenceItem[], index: number): number | null {
  return index + 1 < items.length ? index + 1 : null;
}

export function previousIndex(index: number): number | null {
  return index > 0 ? index - 1 : null;
}

/** Ids worth loading ahead of time: `ahead` after the current image, `behind` before it. */
export function prefetchIds(items: readonly SequenceItem[], index: number, ahead: number, behind: number): number[] {
  const ids: number[] = [];
  for (let i = index + 1; i <= index + ahead && i < items.length; i++) ids.push(items[i]!.id);
  for (let i = index - 1; i >= index - behind && i >= 0; i--) ids.push(items[i]!.id);
  return ids;
}

/**
 * Offset for the next page of a live server-side filter. In the unlabeled queue, images we
 * labeled have left the server's list while skipped ones are still in it, so the offset is
 * the count of loaded images that still match; for a fixed listing it is what we loaded.
 */
export function nextPageOffset(items: readonly SequenceItem[], liveUnlabeledQueue: boolean, inserted: ReadonlySet<number> = new Set()): number {
  // Images inserted out of order (shown after an undo or from the history) are not part of the
  // server's list prefix, so they do not count.
  const paged = items.filter((item) => !inserted.has(item.id));
  if (!liveUnlabeledQueue) return paged.length;
  return paged.reduce((n, item) => n + (isDecided(item) ? 0 : 1), 0);
}

/** Append a page, dropping images already in the sequence. */
export function appendPage<T extends SequenceItem>(items: readonly T[], page: readonly T[]): T[] {
  const seen = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !seen.has(item.id))];
}

/** Apply new states (from a label action, see `actionChanges`) to the loaded items. */
export function applyLabels<T extends SequenceItem>(items: readonly T[], changes: ReadonlyMap<number, LabelChange>): T[] {
  return items.map((item) => {
    const change = changes.get(item.id);
    return change ? { ...item, classId: change.classId, unsure: change.unsure } : item;
  });
}

/** Whether to ask for another page: near the end and the source is not exhausted. */
export function shouldLoadMore(length: number, index: number, exhausted: boolean, margin: number): boolean {
  return !exhausted && length - 1 - index < margin;
}

/** What the project counts say about each listing, kept live by label and scan events. */
export interface SourceCounts {
  imageCount: number;
  labeledCount: number;
  unsureCount: number;
  classes: readonly { id: number; labelCount: number }[];
}

/** Whether the server's listing for `filter` holds `item` as it is now. */
export function matchesFilter(filter: ImageFilter, item: SequenceItem): boolean {
  switch (filter.kind) {
    case 'unlabeled':
      return !isDecided(item);
    case 'unsure':
      return item.unsure;
    case 'labeled':
      return item.classId !== null;
    case 'class':
      return item.classId === filter.classId;
    case 'predicted':
      // The model's prediction is the server's to check; a labeled image leaves this listing.
      return item.classId === null;
    case 'all':
    case 'evaluation':
    case 'name':
      // A label change never moves an image in or out of these.
      return true;
  }
}

/** How many images the server lists for `filter` now, or null when the counts do not say (the evaluation set). */
export function listingCount(filter: ImageFilter, counts: SourceCounts): number | null {
  switch (filter.kind) {
    case 'all':
      return counts.imageCount;
    case 'unlabeled':
      return Math.max(0, counts.imageCount - counts.labeledCount - counts.unsureCount);
    case 'unsure':
      return counts.unsureCount;
    case 'labeled':
      return counts.labeledCount;
    case 'class':
      return counts.classes.find((c) => c.id === filter.classId)?.labelCount ?? 0;
    case 'evaluation':
    case 'predicted':
    case 'name':
      return null;
  }
}

/**
 * Length of a session's sequence: the images loaded (labeled since or not) plus those the
 * server still lists beyond them. Labeling in the unlabeled queue keeps it steady (the image
 * leaves both the server's count and the loaded matches); a scan or labels made elsewhere move it.
 */
export function sequenceLength(items: readonly SequenceItem[], filter: ImageFilter, listed: number): number {
  const loadedMatching = items.reduce((n, item) => n + (matchesFilter(filter, item) ? 1 : 0), 0);
  return items.length + Math.max(0, listed - loadedMatching);
}

/** What a labeling session goes through, for its header. */
export type SessionTitleSource =
  | { kind: 'round'; roundIndex: number | null }
  | { kind: 'queue' }
  | { kind: 'evaluation' }
  | { kind: 'browse'; title: string }
  | { kind: 'list'; title: string };

/**
 * The label view's header: the real source and its order, and what is unusual about the image
 * on screen (put in by hand from elsewhere, or a labeled image met going back in an unlabeled list).
 */
export function sessionTitle(source: SessionTitleSource, current: { labeled: boolean; inserted: boolean } | null): string {
  const base = ((): string => {
    switch (source.kind) {
      case 'round':
        // The queue's order (most useful first) is its definition; the round says which batch.
        return source.roundIndex === null ? 'Queue' : `Queue · round ${source.roundIndex}`;
      case 'queue':
        return 'Unlabeled · folder order';
      case 'evaluation':
        return 'Evaluation set · folder order · no suggestions';
      case 'browse':
        return `${source.title} · folder order`;
      case 'list':
        return source.title;
    }
  })();
  if (current?.inserted) return `${base} · this image is shown from outside it`;
  if (current?.labeled && source.kind === 'queue') return `${base} · back on an image labeled since`;
  return base;
}
