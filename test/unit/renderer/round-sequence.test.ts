import { describe, expect, it } from 'vitest';
import { firstUnlabeled, followQueue, keepOnScreen, nextInQueue, sourceAtOpen } from '../../../src-renderer/logic/round-sequence';

const items = (...spec: [number, number | null][]) => spec.map(([id, classId]) => ({ id, classId, unsure: false }));

describe('following the queue', () => {
  it('starts a batch at its first unlabeled image, or at the end when all are labeled', () => {
    expect(firstUnlabeled(items([1, 3], [2, null], [3, null]))).toEqual({ index: 1, atEnd: false });
    expect(firstUnlabeled(items([1, 3], [2, 4]))).toEqual({ index: 1, atEnd: true });
    expect(firstUnlabeled([])).toEqual({ index: 0, atEnd: true });
  });

  it('keeps the image on screen when the same round is re-ranked', () => {
    const next = items([5, null], [2, null], [7, null]);
    expect(followQueue(next, 2, true, false)).toEqual({ index: 1, atEnd: false });
  });

  it('keeps an unlabeled image on screen when a new round still queues it (continuous mode)', () => {
    const next = items([5, null], [2, null], [7, null]);
    expect(followQueue(next, 7, false, false)).toEqual({ index: 2, atEnd: false });
  });

  it('goes to the first unlabeled image when the shown one left the queue (kept on screen only by keepOnScreen) or the batch was done', () => {
    const next = items([5, 1], [2, null], [7, null]);
    expect(followQueue(next, 9, true, false)).toEqual({ index: 1, atEnd: false });
    expect(followQueue(next, 5, false, false)).toEqual({ index: 1, atEnd: false });
    expect(followQueue(next, 7, true, true)).toEqual({ index: 1, atEnd: false });
  });

  it('keeps an undecided image on screen, in its place, when a re-rank of its round took it out', () => {
    const shown = { id: 9, classId: null, unsure: false };
    const next = items([5, 1], [2, null], [7, null]);
    const kept = keepOnScreen(next, shown, 1, true);
    expect(kept.map((i) => i.id)).toEqual([5, 9, 2, 7]);
    expect(followQueue(kept, 9, true, false)).toEqual({ index: 1, atEnd: false });
    // past the end of a shorter list: at its end
    expect(keepOnScreen(next, shown, 8, true).map((i) => i.id)).toEqual([5, 2, 7, 9]);
    // still queued, labeled, nothing on screen, or a new round: the new order as it is
    expect(keepOnScreen(next, { id: 2, classId: null, unsure: false }, 0, true).map((i) => i.id)).toEqual([5, 2, 7]);
    expect(keepOnScreen(next, { id: 9, classId: 3, unsure: false }, 1, true).map((i) => i.id)).toEqual([5, 2, 7]);
    expect(keepOnScreen(next, { id: 9, classId: null, unsure: true }, 1, true).map((i) => i.id)).toEqual([5, 2, 7]);
    expect(keepOnScreen(next, null, 1, true).map((i) => i.id)).toEqual([5, 2, 7]);
    expect(keepOnScreen(next, shown, 1, false).map((i) => i.id)).toEqual([5, 2, 7]);
  });

  it('moves on to the next unlabeled image, wrapping to those ranked above', () => {
    const queue = items([1, null], [2, 3], [3, null], [4, 3], [5, null]);
    expect(nextInQueue(queue, 0)).toBe(2);
    expect(nextInQueue(queue, 2)).toBe(4);
    expect(nextInQueue(queue, 4)).toBe(0);
    expect(nextInQueue(items([1, 3], [2, null]), 1)).toBeNull();
  });
});

describe('the label view’s source when a project opens (or the page reloads)', () => {
  it('is the queue while the loop has a round: its batch waiting, or labeled and between rounds (the next one opens there)', () => {
    expect(sourceAtOpen({ items: items([1, null], [2, 3]) })).toBe('round');
    // the last image of the batch labeled, the training running: the view follows the loop
    expect(sourceAtOpen({ items: items([1, 4], [2, 3]) })).toBe('round');
  });

  it('is folder order before the first round', () => {
    expect(sourceAtOpen(null)).toBe('queue');
    expect(sourceAtOpen({ items: [] })).toBe('queue');
  });
});
