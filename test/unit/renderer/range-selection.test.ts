import { describe, expect, it } from 'vitest';
import {
  applyClick,
  clickSpan,
  emptySelection,
  forgetIds,
  isSelected,
  moveTarget,
  selectAll,
  selectedCount,
  type ClickModifiers,
  type Selection,
} from '../../../src-renderer/logic/range-selection';

// Position k holds id 10 + k.
const idAt = (k: number): number => 10 + k;
const none = { range: false, toggle: false };

function click(state: Selection, index: number, mods: ClickModifiers): Selection {
  const [from, to] = clickSpan(state, index, mods);
  const span = Array.from({ length: to - from + 1 }, (_, k) => idAt(from + k));
  return applyClick(state, index, idAt(index), mods, span);
}
const sorted = (s: Selection): number[] => [...s.ids].sort((a, b) => a - b);

describe('gallery selection', () => {
  it('selects one image on a plain click', () => {
    const s = click(emptySelection, 2, none);
    expect(sorted(s)).toEqual([12]);
    expect(s.anchor).toBe(2);
  });

  it('selects the range from the anchor with Shift, in either direction', () => {
    const a = click(emptySelection, 2, none);
    expect(sorted(click(a, 4, { range: true, toggle: false }))).toEqual([12, 13, 14]);
    const back = click(a, 0, { range: true, toggle: false });
    expect(sorted(back)).toEqual([10, 11, 12]);
    expect(back.anchor).toBe(2);
    // A second Shift+click re-measures from the same anchor, replacing the range.
    expect(sorted(click(back, 3, { range: true, toggle: false }))).toEqual([12, 13]);
  });

  it('toggles with Ctrl/Cmd and adds ranges with Ctrl+Shift', () => {
    let s = click(emptySelection, 0, none);
    s = click(s, 2, { range: false, toggle: true });
    expect(sorted(s)).toEqual([10, 12]);
    s = click(s, 4, { range: true, toggle: true });
    expect(sorted(s)).toEqual([10, 12, 13, 14]);
    s = click(s, 0, { range: false, toggle: true });
    expect(sorted(s)).toEqual([12, 13, 14]);
  });

  it('falls back to a single selection when Shift is used without an anchor', () => {
    expect(sorted(click(emptySelection, 3, { range: true, toggle: false }))).toEqual([13]);
  });

  it('Ctrl+A selects every image of the filter, loaded or not; Ctrl+click leaves images out', () => {
    let s = selectAll();
    expect(selectedCount(s, 100_000)).toBe(100_000);
    expect(isSelected(s, 99_999)).toBe(true);
    s = click(s, 1, { range: false, toggle: true });
    expect(isSelected(s, 11)).toBe(false);
    expect(selectedCount(s, 100_000)).toBe(99_999);
    s = click(s, 4, { range: false, toggle: true });
    expect(selectedCount(s, 100_000)).toBe(99_998);
    // Ctrl+Shift adds the range from the anchor (4) back: 3..5.
    s = click(s, 5, { range: true, toggle: true });
    expect(isSelected(s, 14)).toBe(true);
    expect(selectedCount(s, 100_000)).toBe(99_999);
    // A plain click replaces the whole-filter selection.
    expect(selectedCount(click(s, 5, none), 100_000)).toBe(1);
  });

  it('forgets images that left the filter', () => {
    const s = forgetIds(click(click(emptySelection, 0, none), 1, { range: false, toggle: true }), [10]);
    expect(sorted(s)).toEqual([11]);
    const all = forgetIds(click(selectAll(), 1, { range: false, toggle: true }), [11]);
    expect(all.ids.size).toBe(0);
  });
});

describe('keyboard moves in the grid', () => {
  it('moves sideways and by rows, clamped, starting at the first image', () => {
    expect(moveTarget(7, null, { dx: 1, dy: 0 }, 3)).toBe(0);
    expect(moveTarget(7, 1, { dx: 1, dy: 0 }, 3)).toBe(2);
    expect(moveTarget(7, 1, { dx: 0, dy: 1 }, 3)).toBe(4);
    expect(moveTarget(7, 5, { dx: 0, dy: 1 }, 3)).toBe(6);
    expect(moveTarget(7, 0, { dx: -1, dy: 0 }, 3)).toBe(0);
    expect(moveTarget(100_000, 99_990, { dx: 0, dy: 1 }, 6)).toBe(99_996);
    expect(moveTarget(0, 1, { dx: 1, dy: 0 }, 3)).toBeNull();
  });

  it('Home and End go to the ends of the row (the last row may be short), Ctrl+Home and Ctrl+End to the first and last image', () => {
    expect(moveTarget(7, 4, { to: 'row-start' }, 3)).toBe(3);
    expect(moveTarget(7, 4, { to: 'row-end' }, 3)).toBe(5);
    expect(moveTarget(7, 6, { to: 'row-end' }, 3)).toBe(6);
    expect(moveTarget(7, 6, { to: 'row-start' }, 3)).toBe(6);
    expect(moveTarget(7, 4, { to: 'first' }, 3)).toBe(0);
    expect(moveTarget(7, 4, { to: 'last' }, 3)).toBe(6);
    expect(moveTarget(7, null, { to: 'last' }, 3)).toBe(0);
    expect(moveTarget(100_000, 12, { to: 'last' }, 6)).toBe(99_999);
  });
});
