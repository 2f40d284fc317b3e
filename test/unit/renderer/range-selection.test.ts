import { describe, expect, it } from 'vitest';
import { applyClick, emptySelection, retainVisible, selectAll, selectedInOrder } from '../../../src-renderer/logic/range-selection';

const ids = [10, 11, 12, 13, 14, 15];
const none = { range: false, toggle: false };

describe('gallery selection', () => {
  it('selects one image on a plain click', () => {
    const s = applyClick(emptySelection, ids, 12, none);
    expect([...s.selected]).toEqual([12]);
    expect(s.anchor).toBe(12);
  });

  it('selects the range from the anchor with Shift, in either direction', () => {
    const a = applyClick(emptySelection, ids, 12, none);
    expect(selectedInOrder(applyClick(a, ids, 14, { range: true, toggle: false }), ids)).toEqual([12, 13, 14]);
    const back = applyClick(a, ids, 10, { range: true, toggle: false });
    expect(selectedInOrder(back, ids)).toEqual([10, 11, 12]);
    expect(back.anchor).toBe(12);
    // A second Shift+click re-measures from the same anchor, replacing the range.
    expect(selectedInOrder(applyClick(back, ids, 13, { range: true, toggle: false }), ids)).toEqual([12, 13]);
  });

  it('toggles with Ctrl/Cmd and adds ranges with Ctrl+Shift', () => {
    let s = applyClick(emptySelection, ids, 10, none);
    s = applyClick(s, ids, 12, { range: false, toggle: true });
    expect(selectedInOrder(s, ids)).toEqual([10, 12]);
    s = applyClick(s, ids, 14, { range: true, toggle: true });
    expect(selectedInOrder(s, ids)).toEqual([10, 12, 13, 14]);
    s = applyClick(s, ids, 10, { range: false, toggle: true });
    expect(selectedInOrder(s, ids)).toEqual([12, 13, 14]);
  });

  it('falls back to a single selection when Shift is used without an anchor', () => {
    expect(selectedInOrder(applyClick(emptySelection, ids, 13, { range: true, toggle: false }), ids)).toEqual([13]);
  });

  it('selects all and forgets ids no longer shown', () => {
    const all = selectAll(ids);
    expect(all.selected.size).toBe(6);
    const kept = retainVisible(all, [11, 12]);
    expect(selectedInOrder(kept, ids)).toEqual([11, 12]);
    expect(kept.anchor).toBeNull();
  });
});

describe('keyboard moves in the grid', () => {
  it('moves sideways and by rows, clamped, starting at the first image', async () => {
    const { moveTarget } = await import('../../../src-renderer/logic/range-selection');
    const grid = [1, 2, 3, 4, 5, 6, 7];
    expect(moveTarget(grid, null, 1, 0, 3)).toBe(1);
    expect(moveTarget(grid, 2, 1, 0, 3)).toBe(3);
    expect(moveTarget(grid, 2, 0, 1, 3)).toBe(5);
    expect(moveTarget(grid, 6, 0, 1, 3)).toBe(7);
    expect(moveTarget(grid, 1, -1, 0, 3)).toBe(1);
    expect(moveTarget([], 1, 1, 0, 3)).toBeNull();
  });
});
