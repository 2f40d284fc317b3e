/**
 * Gallery multi-selection, as in file managers: click selects one, Ctrl/Cmd+click toggles,
 * Shift+click selects the range from the anchor, Ctrl+Shift+click adds that range.
 */
export interface Selection {
  selected: ReadonlySet<number>;
  /** The id ranges are measured from. */
  anchor: number | null;
}

export const emptySelection: Selection = { selected: new Set(), anchor: null };

export interface ClickModifiers {
  range: boolean;
  toggle: boolean;
}

export function applyClick(state: Selection, orderedIds: readonly number[], clickedId: number, mods: ClickModifiers): Selection {
  const clickedIndex = orderedIds.indexOf(clickedId);
  if (clickedIndex < 0) return state;
  const anchorIndex = state.anchor === null ? -1 : orderedIds.indexOf(state.anchor);
  if (mods.range && anchorIndex >= 0) {
    const [from, to] = anchorIndex <= clickedIndex ? [anchorIndex, clickedIndex] : [clickedIndex, anchorIndex];
    const range = orderedIds.slice(from, to + 1);
    const selected = mods.toggle ? new Set([...state.selected, ...range]) : new Set(range);
    return { selected, anchor: state.anchor };
  }
  if (mods.toggle) {
    const selected = new Set(state.selected);
    if (selected.has(clickedId)) selected.delete(clickedId);
    else selected.add(clickedId);
    return { selected, anchor: clickedId };
  }
  return { selected: new Set([clickedId]), anchor: clickedId };
}

export function selectAll(orderedIds: readonly number[]): Selection {
  return { selected: new Set(orderedIds), anchor: orderedIds[0] ?? null };
}

/** Keep only ids still shown (after a filter change or a reload). */
export function retainVisible(state: Selection, orderedIds: readonly number[]): Selection {
  const visible = new Set(orderedIds);
  const selected = new Set([...state.selected].filter((id) => visible.has(id)));
  return { selected, anchor: state.anchor !== null && visible.has(state.anchor) ? state.anchor : null };
}

/** Selected ids in display order. */
export function selectedInOrder(state: Selection, orderedIds: readonly number[]): number[] {
  return orderedIds.filter((id) => state.selected.has(id));
}

/**
 * Keyboard move in a grid of `columns`: from the last clicked/moved image (the cursor),
 * `dx` images sideways or `dy` rows; clamped to the list. Returns the id to move to.
 */
export function moveTarget(orderedIds: readonly number[], cursor: number | null, dx: number, dy: number, columns: number): number | null {
  if (orderedIds.length === 0) return null;
  const from = cursor === null ? -1 : orderedIds.indexOf(cursor);
  if (from < 0) return orderedIds[0]!;
  const to = Math.min(orderedIds.length - 1, Math.max(0, from + dx + dy * Math.max(1, columns)));
  return orderedIds[to]!;
}
