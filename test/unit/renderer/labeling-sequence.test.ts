import { describe, expect, it } from 'vitest';
import {
  appendPage,
  actionChanges,
  applyLabels,
  nextIndex,
  nextPageOffset,
  nextUnlabeledIndex,
  prefetchIds,
  previousIndex,
  sessionTitle,
  sequenceLength,
  shouldLoadMore,
} from '../../../src-renderer/logic/labeling-sequence';

const items = [
  { id: 1, classId: null, unsure: false },
  { id: 2, classId: 5, unsure: false },
  { id: 3, classId: null, unsure: false },
  { id: 4, classId: 5, unsure: false },
  { id: 5, classId: null, unsure: false },
];

describe('labeling sequence', () => {
  it('advances to the next unlabeled image, skipping labeled ones', () => {
    expect(nextUnlabeledIndex(items, 0)).toBe(2);
    expect(nextUnlabeledIndex(items, 2)).toBe(4);
    expect(nextUnlabeledIndex(items, 4)).toBeNull();
    expect(nextUnlabeledIndex(items, -1)).toBe(0);
  });

  it('walks back and forward regardless of labels', () => {
    expect(nextIndex(items, 0)).toBe(1);
    expect(nextIndex(items, 4)).toBeNull();
    expect(previousIndex(1)).toBe(0);
    expect(previousIndex(0)).toBeNull();
  });

  it('prefetches a window ahead and a little behind', () => {
    expect(prefetchIds(items, 1, 2, 1)).toEqual([3, 4, 1]);
    expect(prefetchIds(items, 4, 5, 0)).toEqual([]);
    expect(prefetchIds(items, 0, 5, 1)).toEqual([2, 3, 4, 5]);
  });

  it('pages the live unlabeled queue by the images that still match', () => {
    expect(nextPageOffset(items, true)).toBe(3);
    expect(nextPageOffset(items, false)).toBe(5);
    // An image inserted by hand is not part of the server's paging.
    expect(nextPageOffset(items, true, new Set([5]))).toBe(2);
    expect(nextPageOffset(items, false, new Set([5]))).toBe(4);
  });

  it('appends pages without duplicates and applies label actions', () => {
    const merged = appendPage(items, [
      { id: 5, classId: null, unsure: false },
      { id: 6, classId: null, unsure: false },
    ]);
    expect(merged.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const labeled = applyLabels(merged, actionChanges({ actionId: 1, imageIds: [1, 6], classIds: [7, null], unsure: [false, false] }));
    expect(labeled[0]).toEqual({ id: 1, classId: 7, unsure: false });
    expect(labeled[5]).toEqual({ id: 6, classId: null, unsure: false });
    expect(labeled[1]).toBe(merged[1]);
  });

  it('asks for more when close to the end of an unexhausted source', () => {
    expect(shouldLoadMore(100, 85, false, 20)).toBe(true);
    expect(shouldLoadMore(100, 50, false, 20)).toBe(false);
    expect(shouldLoadMore(100, 99, true, 20)).toBe(false);
  });
});

describe('session header and length', () => {
  it('names the real source and order, and says when the image on screen is not part of it', () => {
    expect(sessionTitle({ kind: 'queue' }, { labeled: false, inserted: false })).toBe('Unlabeled · folder order');
    expect(sessionTitle({ kind: 'browse', title: 'Labeled images' }, { labeled: true, inserted: false })).toBe('Labeled images · folder order');
    expect(sessionTitle({ kind: 'queue' }, { labeled: true, inserted: false })).toBe('Unlabeled · folder order · back on an image labeled since');
    expect(sessionTitle({ kind: 'queue' }, { labeled: true, inserted: true })).toBe('Unlabeled · folder order · this image is shown from outside it');
    expect(sessionTitle({ kind: 'evaluation' }, null)).toBe('Evaluation set · folder order · no suggestions');
    expect(sessionTitle({ kind: 'round', roundIndex: 3 }, { labeled: true, inserted: false })).toBe('Queue · round 3');
  });

  it('counts the loaded images and those the server still lists beyond them', () => {
    expect(sequenceLength(items, { kind: 'unlabeled' }, 3)).toBe(5);
    expect(sequenceLength(items, { kind: 'unlabeled' }, 10)).toBe(12);
    expect(sequenceLength(items, { kind: 'labeled' }, 2)).toBe(5);
    expect(sequenceLength(items, { kind: 'all' }, 0)).toBe(5);
  });
});
