/**
 * Navigation through a labeling session: an ordered snapshot of images that grows page by
 * page. Labeling or skipping advances to the next unlabeled image; the arrows walk the
 * sequence whatever the labels.
 */
import type { ImageFilter } from '../../src-shared/contract';

export interface SequenceItem {
  id: number;
  classId: number | null;
}

/** Index of the first unlabeled image after `index`, or null when none is loaded. */
export function nextUnlabeledIndex(items: readonly SequenceItem[], index: number): number | null {
  for (let i = Math.max(-1, index) + 1; i < items.length; i++) {
    if (items[i]?.classId === null) return i;
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
  return paged.reduce((n, item) => n + (item.classId === null ? 1 : 0), 0);
}

/** Append a page, dropping images already in the sequence. */
export function appendPage<T extends SequenceItem>(items: readonly T[], page: readonly T[]): T[] {
  const seen = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !seen.has(item.id))];
}

/** Apply new class ids (from a label action) to the loaded items. */
export function applyLabels<T extends SequenceItem>(items: readonly T[], imageIds: readonly number[], classIds: readonly (number | null)[]): T[] {
  const changes = new Map<number, number | null>();
  imageIds.forEach((id, i) => changes.set(id, classIds[i] ?? null));
  return items.map((item) => (changes.has(item.id) ? { ...item, classId: changes.get(item.id) ?? null } : item));
}

/** Whether to ask for another page: near the end and the source is not exhausted. */
export function shouldLoadMore(length: number, index: number, exhausted: boolean, margin: number): boolean {
  return !exhausted && length - 1 - index < margin;
}

/** What the project counts say about each listing, kept live by label and scan events. */
export interface SourceCounts {
  imageCount: number;
  labeledCount: number;
  classes: readonly { id: number; labelCount: number }[];
}

/** Whether the server's listing for `filter` holds `item` as it is now. */
export function matchesFilter(filter: ImageFilter, item: SequenceItem): boolean {
  switch (filter.kind) {
    case 'unlabeled':
      return item.classId === null;
    case 'labeled':
      return item.classId !== null;
    case 'class':
      return item.classId === filter.classId;
    case 'predicted':
      // The model's prediction is the server's to check; a labeled image leaves this listing.
      return item.classId === null;
    case 'all':
    case 'evaluation':
      return true;
  }
}

/** How many images the server lists for `filter` now, or null when the counts do not say (the evaluation set). */
export function listingCount(filter: ImageFilter, counts: SourceCounts): number | null {
  switch (filter.kind) {
    case 'all':
      return counts.imageCount;
    case 'unlabeled':
      return Math.max(0, counts.imageCount - counts.labeledCount);
    case 'labeled':
      return counts.labeledCount;
    case 'class':
      return counts.classes.find((c) => c.id === filter.classId)?.labelCount ?? 0;
    case 'evaluation':
    case 'predicted':
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
  | { kind: 'browse'; title: string };

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
    }
  })();
  if (current?.inserted) return `${base} · this image is shown from outside it`;
  if (current?.labeled && source.kind === 'queue') return `${base} · back on an image labeled since`;
  return base;
}
