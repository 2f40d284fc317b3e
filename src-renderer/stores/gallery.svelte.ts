/**
 * The gallery: a filtered, sorted list of any length, loaded by pages around what is shown
 * (a bounded cache), the multi-selection over the whole filter result, and what each tile shows
 * before its gallery thumbnail exists (logic/tile-thumbnails.ts), and the folder each tile's
 * caption shows (what tells its folder from the project's other folders: logic/file-name.ts).
 * Changes made elsewhere (a new model, new evaluation images) reload it only while it is shown;
 * hidden, it remembers that it is out of date and reloads once when shown again (`outdated`, `shown`).
 */
import type { ImageFilter, ImageItem, ImageSort, LabelAction } from '../../src-shared/contract';
import { call } from '../api/client';
import { captionFolders, distinguishingTails, folderOf } from '../logic/file-name';
import { askPaintableThumbnails } from '../api/thumbnail-question';
import { actionChanges, applyLabels, matchesFilter } from '../logic/labeling-sequence';
import type { RelabelQuestion } from '../logic/relabel-question';
import { TileThumbnails, type TileThumbnail } from '../logic/tile-thumbnails';
import {
  applyClick,
  clickSpan,
  emptySelection,
  forgetIds,
  isSelected,
  moveTarget,
  type GridStep,
  selectAll,
  selectedCount,
  type ClickModifiers,
  type Selection,
} from '../logic/range-selection';

export const PAGE = 200;
/** Pages kept in memory; those farthest from the last one requested are dropped first. */
const MAX_PAGES = 40;
/** Larger requests resolve a Shift+click range (the request's limit). */
const RANGE_CHUNK = 5000;


class Gallery {
  #filter = $state<ImageFilter>({ kind: 'all' });
  #sort = $state<ImageSort>({ key: 'name', descending: false });
  #total = $state(0);
  #loading = $state(false);
  #loaded = $state(false);
  #selection = $state.raw<Selection>(emptySelection);
  /** The position the keyboard moves from: the last one clicked or moved to. */
  #cursor = $state<number | null>(null);
  /** Grid columns as laid out, for moving up and down. */
  #columns = $state(1);
  /** Loaded pages by page number. */
  #pages = $state.raw<ReadonlyMap<number, readonly ImageItem[]>>(new Map());
  /** The folders of the project's present images (`images:folders`), as last read. */
  #folders: readonly string[] = [];
  /** The caption's folder of each of `#folders`: made once for each list that differs from the last. */
  #captionFolders = $state.raw<ReadonlyMap<string, string>>(new Map());
  /** The data changed on the back end while the gallery was hidden: reload when shown. */
  #outdated = false;
  /** Bumped when something becomes known about the tiles' thumbnails (the tiles re-read). */
  #thumbnailsKnown = $state(0);
  readonly #tileThumbnails = new TileThumbnails(
    askPaintableThumbnails,
    () => this.#thumbnailsKnown++,
  );

  get filter() {
    return this.#filter;
  }
  get sort() {
    return this.#sort;
  }
  get total() {
    return this.#total;
  }
  get loading() {
    return this.#loading;
  }
  get loaded() {
    return this.#loaded;
  }
  get selection() {
    return this.#selection;
  }
  get cursor() {
    return this.#cursor;
  }
  get columns() {
    return this.#columns;
  }
  get selectedCount() {
    return this.#selectedCount;
  }
  #pending = new Map<number, Promise<void>>();
  #generation = 0;

  #selectedCount = $derived(selectedCount(this.#selection, this.#total));

  setColumns(columns: number): void {
    this.#columns = columns;
  }

  /** The image at a position, when its page is loaded. */
  itemAt(index: number): ImageItem | undefined {
    return this.#pages.get(Math.floor(index / PAGE))?.[index % PAGE];
  }

  /**
   * The folder a tile's caption shows for the image at `relPath`: the fewest last folders that
   * tell its folder from every other folder of the project's images ("…/slide01",
   * "patientA/slide01"); '' at the top of the project folder. An image of a folder the last
   * list did not have (added since) shows its own folder.
   */
  captionFolder(relPath: string): string {
    const folder = folderOf(relPath);
    return this.#captionFolders.get(folder) ?? distinguishingTails([folder])[0]!;
  }

  isSelected(id: number): boolean {
    return isSelected(this.#selection, id);
  }

  /** Number of loaded pages (the cache is bounded whatever the list's length). */
  get loadedPages(): number {
    return this.#pages.size;
  }

  async setFilter(filter: ImageFilter): Promise<void> {
    this.#filter = filter;
    this.#selection = emptySelection;
    this.#cursor = null;
    await this.reload();
  }

  async setSort(sort: ImageSort): Promise<void> {
    this.#sort = sort;
    this.#selection = emptySelection;
    this.#cursor = null;
    await this.reload();
  }

  /** Reload from the start: the first page now, the others as they are shown again. Keeps the selection. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.#pending.clear();
    this.#loading = true;
    try {
      // The folders with the first page: the captions are right from the first paint.
      const [page, folders] = await Promise.all([call('images:list', { filter: this.#filter, sort: this.#sort, offset: 0, limit: PAGE }), call('images:folders')]);
      if (generation !== this.#generation) return;
      if (folders.length !== this.#folders.length || folders.some((f, k) => f !== this.#folders[k])) {
        this.#folders = folders;
        this.#captionFolders = captionFolders(folders);
      }
      this.#pages = new Map([[0, page.items]]);
      this.#total = page.total;
      this.#loaded = true;
      if (this.#cursor !== null && this.#cursor >= this.#total) this.#cursor = this.#total > 0 ? this.#total - 1 : null;
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  /** Load the pages covering positions `from`..`to` (inclusive) that are not loaded or loading. */
  ensure(from: number, to: number): Promise<void> {
    if (!this.#loaded || this.#total === 0) return Promise.resolve();
    const first = Math.max(0, Math.floor(from / PAGE));
    const last = Math.min(Math.floor((this.#total - 1) / PAGE), Math.floor(Math.max(from, to) / PAGE));
    const waits: Promise<void>[] = [];
    for (let n = first; n <= last; n++) {
      if (this.#pages.has(n)) continue;
      waits.push(this.#pending.get(n) ?? this.loadPage(n));
    }
    return Promise.all(waits).then(() => undefined);
  }

  private loadPage(n: number): Promise<void> {
    const generation = this.#generation;
    const done = call('images:list', { filter: this.#filter, sort: this.#sort, offset: n * PAGE, limit: PAGE })
      .then((page) => {
        if (generation !== this.#generation) return;
        // Keep the pages nearest the new one (a bounded cache, replaced rather than mutated).
        const kept = [...this.#pages].filter(([k]) => k !== n);
        kept.sort(([a], [b]) => Math.abs(a - n) - Math.abs(b - n));
        this.#pages = new Map([[n, page.items], ...kept.slice(0, MAX_PAGES - 1)]);
        this.#total = page.total;
      })
      .finally(() => {
        if (this.#pending.get(n) === done) this.#pending.delete(n);
      });
    this.#pending.set(n, done);
    return done;
  }

  /** Ids at positions `from`..`to`: from loaded pages, or one request per chunk (not cached). */
  private async idsBetween(from: number, to: number): Promise<number[]> {
    const ids: number[] = [];
    let index = from;
    while (index <= to) {
      const item = this.itemAt(index);
      if (item) {
        ids.push(item.id);
        index++;
        continue;
      }
      const limit = Math.min(RANGE_CHUNK, to - index + 1);
      const page = await call('images:list', { filter: this.#filter, sort: this.#sort, offset: index, limit });
      if (page.items.length === 0) break;
      for (const i of page.items) ids.push(i.id);
      index += page.items.length;
    }
    return ids;
  }

  /**
   * The images' data changed on the back end (a new model's suggestions, new evaluation images):
   * reload now when the gallery is `visible`, else once when it is shown again.
   */
  async outdated(visible: boolean): Promise<void> {
    if (!this.#loaded) return;
    if (!visible) {
      this.#outdated = true;
      return;
    }
    this.#outdated = false;
    await this.reload();
  }

  /** The gallery is shown: load it the first time, or again if it went out of date while hidden. */
  async shown(): Promise<void> {
    if (this.#loaded && !this.#outdated) return;
    this.#outdated = false;
    await this.reload();
  }

  /** What image `id`'s tile shows before its gallery thumbnail: undefined until the back end has said. */
  tileThumbnail(id: number): TileThumbnail | undefined {
    void this.#thumbnailsKnown;
    return this.#tileThumbnails.get(id);
  }

  /** The tiles shown (those on screen first): learn which have a cached or an embedded thumbnail. */
  showTiles(ids: readonly number[]): void {
    this.#tileThumbnails.show(ids);
  }

  /** A tile's gallery thumbnail loaded (the host has it cached from now on). */
  tileThumbnailLoaded(id: number): void {
    this.#tileThumbnails.thumbnailLoaded(id);
  }

  reset(): void {
    this.#generation++;
    this.#outdated = false;
    this.#tileThumbnails.clear();
    this.#pending.clear();
    this.#filter = { kind: 'all' };
    this.#sort = { key: 'name', descending: false };
    this.#pages = new Map();
    this.#folders = [];
    this.#captionFolders = new Map();
    this.#total = 0;
    this.#loaded = false;
    this.#loading = false;
    this.#selection = emptySelection;
    this.#cursor = null;
  }

  /** A click (or a keyboard move) on the image at `index`. */
  async click(index: number, mods: ClickModifiers): Promise<void> {
    await this.ensure(index, index);
    const item = this.itemAt(index);
    if (!item) return;
    const [from, to] = clickSpan(this.#selection, index, mods);
    const span = from === to ? [item.id] : await this.idsBetween(from, to);
    this.#selection = applyClick(this.#selection, index, item.id, mods, span);
    this.#cursor = index;
  }

  /** The keyboard's cursor comes to `index` without changing the selection (a tile focused by Tab). */
  focusAt(index: number): void {
    if (index >= 0 && index < this.#total) this.#cursor = index;
  }

  /** Arrow keys, Home and End: move the cursor and select it, or extend the range from the anchor. Returns the new position. */
  async move(step: GridStep, extend: boolean): Promise<number | null> {
    const target = moveTarget(this.#total, this.#cursor, step, this.#columns);
    if (target === null) return null;
    await this.click(target, { range: extend, toggle: false });
    return target;
  }

  selectAll(): void {
    this.#selection = selectAll();
  }

  /** A label write on the selection waiting for the expert's yes (it would replace many labels). */
  #relabel = $state<{ classId: number | null; question: RelabelQuestion } | null>(null);
  get relabel() {
    return this.#relabel;
  }
  askRelabel(classId: number | null, question: RelabelQuestion): void {
    this.#relabel = { classId, question };
  }
  /** The expert answered: the write waiting (if any), now no longer waiting. */
  takeRelabel(): { classId: number | null } | null {
    const pending = this.#relabel;
    this.#relabel = null;
    return pending;
  }

  clearSelection(): void {
    this.#selection = emptySelection;
  }

  /** The explicitly selected ids (not for a Ctrl+A selection, which the back end resolves by filter). */
  get selectedIds(): number[] {
    return this.#selection.all ? [] : [...this.#selection.ids];
  }

  /** The image Enter opens: the one at the cursor when selected, else the first selected one loaded. */
  openTarget(): number | null {
    const atCursor = this.#cursor === null ? undefined : this.itemAt(this.#cursor);
    if (atCursor && this.isSelected(atCursor.id)) return atCursor.id;
    for (const items of this.#pages.values()) for (const i of items) if (this.isSelected(i.id)) return i.id;
    return null;
  }

  /**
   * Record a label action: update shown images. Images that left the filter are dropped from the
   * selection and the count; positions shift, so the pages reload (the first now, others when shown).
   */
  async apply(action: LabelAction): Promise<void> {
    const changes = actionChanges(action);
    // Evaluation membership does not change with a label; the prediction is the server's to check.
    const gone = [...changes].filter(([id, change]) => !matchesFilter(this.#filter, { id, ...change })).map(([id]) => id);
    this.#pages = new Map([...this.#pages].map(([n, items]) => [n, applyLabels([...items], changes)]));
    if (gone.length === 0 || !this.#loaded) return;
    this.#selection = forgetIds(this.#selection, gone);
    await this.reload();
  }
}

export const gallery = new Gallery();
