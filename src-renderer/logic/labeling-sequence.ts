/**
 * Navigation through a labeling session: an ordered snapshot of images that grows page by
 * page. Labeling or skipping advances to the next unlabeled image; the arrows walk the
 * sequence whatever the labels.
 */
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
