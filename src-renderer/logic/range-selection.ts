/**
 * Gallery multi-selection over a filter result that is only partly loaded, as in file
 * managers: click selects one, Ctrl/Cmd+click toggles, Shift+click selects the range from the
 * anchor, Ctrl+Shift+click adds that range, Ctrl+A selects every image the filter matches
 * (loaded or not) and Ctrl+click then leaves single images out. Positions are indexes in the
 * filter's order; the caller resolves the ids of a range (they may not be loaded yet).
 */
export interface Selection {
  /** True: every image the filter matches except `ids`. False: exactly `ids`. */
  all: boolean;
  ids: ReadonlySet<number>;
  /** The position ranges are measured from. */
  anchor: number | null;
}

export const emptySelection: Selection = { all: false, ids: new Set(), anchor: null };

export interface ClickModifiers {
  range: boolean;
  toggle: boolean;
}

/** The positions a click covers: the range from the anchor with Shift, else the clicked one. */
export function clickSpan(state: Selection, index: number, mods: ClickModifiers): [number, number] {
  if (!mods.range || state.anchor === null) return [index, index];
  return state.anchor <= index ? [state.anchor, index] : [index, state.anchor];
}

/** Apply a click at `index` (image `id`); `spanIds` are the ids of `clickSpan`'s positions. */
export function applyClick(state: Selection, index: number, id: number, mods: ClickModifiers, spanIds: readonly number[]): Selection {
  if (mods.range && state.anchor !== null) {
    if (!mods.toggle) return { all: false, ids: new Set(spanIds), anchor: state.anchor };
    const ids = new Set(state.ids);
    for (const i of spanIds) {
      if (state.all) ids.delete(i);
      else ids.add(i);
    }
    return { all: state.all, ids, anchor: state.anchor };
  }
  if (mods.toggle) {
    const ids = new Set(state.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { all: state.all, ids, anchor: index };
  }
  return { all: false, ids: new Set([id]), anchor: index };
}

export function selectAll(): Selection {
  return { all: true, ids: new Set(), anchor: 0 };
}

export function isSelected(state: Selection, id: number): boolean {
  return state.all !== state.ids.has(id);
}

/** How many images are selected out of the `total` the filter matches. */
export function selectedCount(state: Selection, total: number): number {
  return state.all ? Math.max(0, total - state.ids.size) : state.ids.size;
}

/** Forget images that left the filter (a label moved them out). */
export function forgetIds(state: Selection, gone: Iterable<number>): Selection {
  const ids = new Set(state.ids);
  let changed = false;
  for (const id of gone) changed = ids.delete(id) || changed;
  return changed ? { ...state, ids } : state;
}

/** A keyboard move in the grid: `dx` images sideways and `dy` rows (the arrows), or to a place (Home, End, Ctrl+Home, Ctrl+End). */
export type GridStep = { dx: number; dy: number } | { to: 'row-start' | 'row-end' | 'first' | 'last' };

/**
 * Keyboard move in a grid of `columns` over `total` positions, from the cursor, clamped to the
 * list (the last row may be short). Returns the position to move to; with no cursor, the first.
 */
export function moveTarget(total: number, cursor: number | null, step: GridStep, columns: number): number | null {
  if (total === 0) return null;
  if (cursor === null || cursor >= total) return 0;
  const width = Math.max(1, columns);
  const rowStart = cursor - (cursor % width);
  const target =
    'dx' in step
      ? cursor + step.dx + step.dy * width
      : step.to === 'first'
        ? 0
        : step.to === 'last'
          ? total - 1
          : step.to === 'row-start'
            ? rowStart
            : rowStart + width - 1;
  return Math.min(total - 1, Math.max(0, target));
}
