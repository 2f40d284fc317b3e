/** The gallery: a filtered, paged list of images and the multi-selection over it. */
import type { ImageFilter, ImageItem, LabelAction } from '../../src-shared/contract';
import { call } from '../api/client';
import { applyLabels } from '../logic/labeling-sequence';
import {
  applyClick,
  emptySelection,
  moveTarget,
  retainVisible,
  selectAll,
  selectedInOrder,
  type ClickModifiers,
  type Selection,
} from '../logic/range-selection';

const PAGE = 120;

function matches(filter: ImageFilter, classId: number | null): boolean {
  switch (filter.kind) {
    case 'all':
      return true;
    case 'unlabeled':
      return classId === null;
    case 'labeled':
      return classId !== null;
    case 'class':
      return classId === filter.classId;
    case 'evaluation':
      return true; // membership does not change with a label
  }
}

class Gallery {
  filter = $state<ImageFilter>({ kind: 'all' });
  items = $state.raw<ImageItem[]>([]);
  total = $state(0);
  loading = $state(false);
  loaded = $state(false);
  selection = $state.raw<Selection>(emptySelection);
  /** The image the keyboard moves from: the last one clicked or moved to. */
  cursor = $state<number | null>(null);
  /** Grid columns as laid out, for moving up and down. */
  columns = $state(1);

  setColumns(columns: number): void {
    this.columns = columns;
  }
  ids = $derived(this.items.map((i) => i.id));
  selectedIds = $derived(selectedInOrder(this.selection, this.ids));
  exhausted = $derived(this.loaded && this.items.length >= this.total);

  private generation = 0;

  async setFilter(filter: ImageFilter): Promise<void> {
    this.filter = filter;
    this.selection = emptySelection;
    this.cursor = null;
    await this.reload();
  }

  /** Reload from the start, keeping as many images as were shown and the selection that still applies. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    const want = Math.max(PAGE, this.items.length);
    this.loading = true;
    try {
      const page = await call('images:list', { filter: this.filter, offset: 0, limit: Math.min(5000, want) });
      if (generation !== this.generation) return;
      this.items = page.items;
      this.total = page.total;
      this.loaded = true;
      this.selection = retainVisible(this.selection, this.ids);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.exhausted) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const page = await call('images:list', { filter: this.filter, offset: this.items.length, limit: PAGE });
      if (generation !== this.generation) return;
      const seen = new Set(this.ids);
      this.items = [...this.items, ...page.items.filter((i) => !seen.has(i.id))];
      this.total = page.total;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  reset(): void {
    this.generation++;
    this.filter = { kind: 'all' };
    this.items = [];
    this.total = 0;
    this.loaded = false;
    this.loading = false;
    this.selection = emptySelection;
  }

  click(id: number, mods: ClickModifiers): void {
    this.selection = applyClick(this.selection, this.ids, id, mods);
    this.cursor = id;
  }

  /** Arrow keys: move the cursor and select it, or extend the range from the anchor. Returns the new cursor. */
  move(dx: number, dy: number, extend: boolean): number | null {
    const target = moveTarget(this.ids, this.cursor, dx, dy, this.columns);
    if (target === null) return null;
    this.click(target, { range: extend, toggle: false });
    return target;
  }

  selectAll(): void {
    this.selection = selectAll(this.ids);
  }

  clearSelection(): void {
    this.selection = emptySelection;
  }

  /** Images of a deleted class are unlabeled now. */
  forgetClass(classId: number): void {
    this.items = this.items.map((i) => (i.classId === classId ? { ...i, classId: null } : i));
  }

  /** Record a label action: update shown images, drop those that left the filter. */
  apply(action: LabelAction): void {
    const updated = applyLabels(this.items, action.imageIds, action.classIds);
    const kept = updated.filter((i) => matches(this.filter, i.classId));
    this.total -= updated.length - kept.length;
    this.items = kept;
    this.selection = retainVisible(this.selection, this.ids);
  }
}

export const gallery = new Gallery();
