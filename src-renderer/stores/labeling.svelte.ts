/**
 * The labeling session: the active loop's queue (the open round's batch, in its order), the
 * unlabeled images in folder order (paged from the server as the labeler advances), the
 * evaluation set's unlabeled images, or a browse through labeled / one class / everything.
 * Commands run one after another, and every label is awaited (committed by the server)
 * before the view moves on; a failed label leaves the view on its image.
 */
import type { ImageFilter, ImageItem, LabelAction, QueueItem, RoundInfo } from '../../src-shared/contract';
import { SvelteSet } from 'svelte/reactivity';
import { call } from '../api/client';
import { firstUnlabeled, followQueue, nextInQueue, roundWithChanges } from '../logic/round-sequence';
import {
  appendPage,
  actionChanges,
  applyLabels,
  type LabelChange,
  listingCount,
  matchesFilter,
  nextIndex,
  nextPageOffset,
  nextUnlabeledIndex,
  previousIndex,
  sequenceLength,
  shouldLoadMore,
  type SourceCounts,
} from '../logic/labeling-sequence';

/**
 * `round`: the loop's queue (the open round). `queue`: every unlabeled image in folder order.
 * `evaluation`: the evaluation set, stopping on its unlabeled images.
 */
export type SessionSource = { kind: 'queue' } | { kind: 'round' } | { kind: 'evaluation' } | { kind: 'browse'; filter: ImageFilter; title: string };

const PAGE = 200;
const LOAD_MARGIN = 30;

class LabelingSession {
  #source = $state<SessionSource>({ kind: 'queue' });
  #items = $state.raw<ImageItem[]>([]);
  #index = $state(0);
  /**
   * How many images the source's listing holds on the server now: from each page, then kept
   * live by label actions, label events and scans (see `recount`).
   */
  #listed = $state(0);
  /** Images put into the sequence by hand, outside the source's paging (after undo, from the history). */
  readonly #inserted = new SvelteSet<number>();
  #total = $derived(this.#source.kind === 'round' ? this.#items.length : sequenceLength(this.#items, filterOf(this.#source), this.#listed));
  #exhausted = $state(false);
  #loading = $state(false);
  #started = $state(false);
  #atEnd = $state(false);
  #current = $derived(this.#atEnd ? null : (this.#items[this.#index] ?? null));
  #currentInserted = $derived(this.#current !== null && this.#inserted.has(this.#current.id));
  #round = $state.raw<RoundInfo | null>(null);
  #queueInfo = $derived(new Map<number, QueueItem>((this.#round?.items ?? []).map((q) => [q.imageId, q])));

  #chain: Promise<void> = Promise.resolve();
  /**
   * Labels this session committed, by image: a round queried before a commit reached the
   * server still lists that image as unlabeled, and must not offer it again as such.
   */
  #committed = new Map<number, LabelChange>();
  #generation = 0;

  get source(): SessionSource {
    return this.#source;
  }
  get items(): ImageItem[] {
    return this.#items;
  }
  get index(): number {
    return this.#index;
  }
  /** Length of the sequence: the loaded images and those still to come. */
  get total(): number {
    return this.#total;
  }
  get exhausted(): boolean {
    return this.#exhausted;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get started(): boolean {
    return this.#started;
  }
  /** The labeler went past the last image of the source. */
  get atEnd(): boolean {
    return this.#atEnd;
  }
  get current(): ImageItem | null {
    return this.#current;
  }
  /** The image on screen was put into the sequence by hand: it is not part of the source. */
  get currentInserted(): boolean {
    return this.#currentInserted;
  }
  /** The open round when the source is the loop's queue, with each image's scores. */
  get round(): RoundInfo | null {
    return this.#round;
  }
  get queueInfo(): Map<number, QueueItem> {
    return this.#queueInfo;
  }

  /** Run commands strictly in order, so fast key presses are neither lost nor reordered. */
  enqueue<T = void>(command: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(command);
    this.#chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private get liveQueue(): boolean {
    return this.#source.kind === 'queue';
  }

  /** Labeling or skipping moves to the next unlabeled image (not merely the next one). */
  private get toUnlabeled(): boolean {
    return this.#source.kind !== 'browse';
  }

  /** The round with the labels this session committed since it was queried. */
  private withCommitted(round: RoundInfo): RoundInfo {
    return roundWithChanges(round, this.#committed);
  }

  /** The round's images as the label view shows them: queue items carry every field of an image. */
  private roundItems(round: RoundInfo): ImageItem[] {
    return round.items.map(({ imageId, distinctiveness: _d, uncertainty: _u, score: _s, reason: _r, suggestion: _g, ...image }) => ({ id: imageId, ...image }));
  }

  /** Start over on `source`; with `startAt`, open that image (loading pages until found). */
  async start(source: SessionSource, startAt?: number): Promise<void> {
    const generation = ++this.#generation;
    this.clearSession(source, true);
    this.#committed = new Map();
    await this.loadMore(generation);
    if (generation !== this.#generation) return;
    if (startAt === undefined && (source.kind === 'round' || source.kind === 'evaluation')) {
      await this.advance((items) => firstUnlabeledIndex(items));
      return;
    }
    if (startAt !== undefined) {
      while (generation === this.#generation && !this.#items.some((i) => i.id === startAt) && !this.#exhausted) await this.loadMore(generation);
      const found = this.#items.findIndex((i) => i.id === startAt);
      if (found >= 0) this.#index = found;
      else await this.showImage(startAt);
    }
  }

  reset(): void {
    this.#generation++;
    this.clearSession({ kind: 'queue' }, false);
  }

  /** No images loaded yet for `source` (the caller moves the generation on). */
  private clearSession(source: SessionSource, started: boolean): void {
    this.#source = source;
    this.#inserted.clear();
    this.#items = [];
    this.#index = 0;
    this.#listed = 0;
    this.#exhausted = false;
    this.#atEnd = false;
    this.#started = started;
    this.#round = null;
  }

  private async loadMore(generation = this.#generation): Promise<void> {
    if (this.#exhausted) return;
    this.#loading = true;
    try {
      if (this.#source.kind === 'round') {
        const fetched = await call('loop:currentRound');
        const round = fetched ? this.withCommitted(fetched) : null;
        const items = round ? this.roundItems(round) : [];
        if (generation !== this.#generation) return;
        this.#round = round;
        this.#items = items;
        this.#exhausted = true;
        return;
      }
      const offset = nextPageOffset(this.#items, this.liveQueue, this.#inserted);
      const page = await call('images:list', { filter: filterOf(this.#source), offset, limit: PAGE });
      if (generation !== this.#generation) return;
      this.#listed = page.total;
      const before = this.#items.length;
      this.#items = appendPage(this.#items, page.items);
      if (page.items.length < PAGE || this.#items.length === before) this.#exhausted = true;
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  /** The folder changed (a scan found images): pages may exist past what looked like the end. */
  async sourceGrew(): Promise<void> {
    this.#exhausted = false;
    if (this.#atEnd) {
      await this.enqueue(async () => {
        this.#atEnd = false;
        await this.advance((items, index) => (this.toUnlabeled ? nextUnlabeledIndex(items, index) : nextIndex(items, index)));
      });
    }
  }

  /**
   * The back end opened a new round or re-ranked this one: show the new order. The image on
   * screen stays while it is still queued; a new round starts at its first unlabeled image.
   */
  followRound(fetched: RoundInfo | null): Promise<void> {
    return this.enqueue(async () => {
      if (this.#source.kind !== 'round') return;
      const round = fetched ? this.withCommitted(fetched) : null;
      const generation = this.#generation;
      const sameRound = round !== null && this.#round !== null && round.id === this.#round.id;
      const items = round ? this.roundItems(round) : [];
      if (generation !== this.#generation) return;
      const placement = followQueue(items, this.#current?.id ?? null, sameRound, this.#atEnd);
      this.#round = round;
      this.#items = items;
      this.#exhausted = true;
      this.#inserted.clear();
      this.#index = placement.index;
      this.#atEnd = placement.atEnd;
    });
  }

  /** Keep pages coming while the labeler nears the end of what is loaded. */
  async topUp(): Promise<void> {
    if (shouldLoadMore(this.#items.length, this.#index, this.#exhausted, LOAD_MARGIN) && !this.#loading) await this.loadMore();
  }

  /** Move to the next image matching `pick`, loading more pages when needed. */
  private async advance(pick: (items: ImageItem[], index: number) => number | null): Promise<void> {
    let next = pick(this.#items, this.#index);
    while (next === null && !this.#exhausted) {
      await this.loadMore();
      next = pick(this.#items, this.#index);
    }
    if (next === null) {
      this.#atEnd = true;
      return;
    }
    this.#index = next;
    void this.topUp();
  }

  private advanceAfterLabel(): Promise<void> {
    if (this.#source.kind === 'round') return this.advance((items, index) => nextInQueue(items, index));
    return this.advance((items, index) => (this.toUnlabeled ? nextUnlabeledIndex(items, index) : nextIndex(items, index)));
  }

  /** Label the current image, wait for the commit, then advance. Throws (and stays) on failure. */
  label(classId: number): Promise<void> {
    return this.enqueue(async () => {
      const item = this.#current;
      if (!item) return;
      const action = await call('labels:set', { imageIds: [item.id], classId });
      this.apply(action);
      await this.advanceAfterLabel();
    });
  }

  /**
   * Label the current image with the class `pick` chooses for it when the command runs (the
   * model's suggestion); false when it has none, and the view stays.
   */
  labelWith(pick: (item: ImageItem) => number | null): Promise<boolean> {
    return this.enqueue(async () => {
      const item = this.#current;
      if (!item) return true;
      const classId = pick(item);
      if (classId === null) return false;
      this.apply(await call('labels:set', { imageIds: [item.id], classId }));
      await this.advanceAfterLabel();
      return true;
    });
  }

  clearLabel(): Promise<void> {
    return this.enqueue(async () => {
      const item = this.#current;
      if (!item || item.classId === null) return;
      this.apply(await call('labels:set', { imageIds: [item.id], classId: null }));
    });
  }

  /**
   * Mark the current image unsure (the expert cannot decide) and move on, or take an unsure
   * image's mark away (it becomes unlabeled, and stays on screen).
   */
  toggleUnsure(): Promise<void> {
    return this.enqueue(async () => {
      const item = this.#current;
      if (!item) return;
      const unsure = !item.unsure;
      this.apply(await call('labels:setUnsure', { imageIds: [item.id], unsure }));
      if (unsure) await this.advanceAfterLabel();
    });
  }

  skip(): Promise<void> {
    return this.enqueue(() => (this.#current ? this.advanceAfterLabel() : Promise.resolve()));
  }

  forward(): Promise<void> {
    return this.enqueue(async () => {
      if (this.#atEnd) return;
      await this.advance((items, index) => nextIndex(items, index));
    });
  }

  back(): Promise<void> {
    return this.enqueue(async () => {
      if (this.#atEnd) {
        this.#atEnd = false;
        return;
      }
      const previous = previousIndex(this.#index);
      if (previous !== null) this.#index = previous;
    });
  }

  /**
   * The project's counts changed (labels here or elsewhere, an import, a scan): take the
   * listing's count from them where they say it (not for the queue or the evaluation set).
   */
  recount(counts: SourceCounts): void {
    if (this.#source.kind === 'round') return;
    const listed = listingCount(filterOf(this.#source), counts);
    if (listed !== null) this.#listed = listed;
  }

  /** A label change announced by the back end: its action (when it has one), then the new counts. */
  followLabels(action: LabelAction | null, counts: SourceCounts): void {
    if (action) this.apply(action);
    this.recount(counts);
  }

  /** Images of a deleted class are unlabeled now. */
  forgetClass(classId: number): void {
    this.#items = this.#items.map((i) => (i.classId === classId ? { ...i, classId: null } : i));
  }

  /**
   * Record a label action's result in the loaded images (from its answer or its event, in
   * either order: applying it twice changes nothing). A loaded image that joins or leaves the
   * source's listing changes the listing's count with it, so the sequence length stays put.
   */
  apply(action: LabelAction): void {
    const changes = actionChanges(action);
    for (const [id, change] of changes) this.#committed.set(id, change);
    const filter = filterOf(this.#source);
    const before = this.#items;
    this.#items = applyLabels(this.#items, changes);
    before.forEach((item, i) => {
      const after = this.#items[i]!;
      if (after !== item) this.#listed += Number(matchesFilter(filter, after)) - Number(matchesFilter(filter, item));
    });
    if (this.#round) this.#round = roundWithChanges(this.#round, changes);
  }

  /** Show one image (after undo or from the gallery): in the sequence if there, else inserted here. */
  async showImage(imageId: number): Promise<void> {
    const found = this.#items.findIndex((i) => i.id === imageId);
    if (found >= 0) {
      this.#index = found;
      this.#atEnd = false;
      return;
    }
    const item = await call('images:get', { id: imageId });
    this.#inserted.add(item.id);
    const at = this.#atEnd ? this.#items.length : this.#index;
    this.#items = [...this.#items.slice(0, at), item, ...this.#items.slice(at)];
    this.#index = at;
    this.#atEnd = false;
  }

  /** Refresh loaded items from the server (after a class was deleted or a rescan). */
  async refreshCurrent(): Promise<void> {
    const item = this.#current;
    if (!item) return;
    try {
      const fresh = await call('images:get', { id: item.id });
      this.#items = this.#items.map((i) => (i.id === fresh.id ? fresh : i));
    } catch {
      // The image left the project (rescan): start again from the queue.
      await this.start({ kind: 'queue' });
    }
  }
}

/** The server listing a session's source pages through. */
function filterOf(source: SessionSource): ImageFilter {
  switch (source.kind) {
    case 'queue':
    case 'round':
      return { kind: 'unlabeled' };
    case 'evaluation':
      return { kind: 'evaluation' };
    case 'browse':
      return source.filter;
  }
}

const firstUnlabeledIndex = (items: readonly ImageItem[]): number | null => {
  const placement = firstUnlabeled(items);
  return placement.atEnd ? null : placement.index;
};

export const labeling = new LabelingSession();
