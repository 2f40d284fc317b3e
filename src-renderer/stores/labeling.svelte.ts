/**
 * The labeling session: the active loop's queue (the open round's batch, in its order), the
 * unlabeled images in folder order (paged from the server as the labeler advances), the
 * evaluation set's unlabeled images, or a browse through labeled / one class / everything.
 * Commands run one after another. A label is shown and the view moves on at once; its commit
 * runs in the background, one after another in the order given (`PendingLabels`). A commit
 * that fails takes its label away again and brings the view back to its image (the caller's
 * promise rejects with the reason), so no label is ever dropped silently.
 */
import type { ImageFilter, ImageItem, ImagePage, LabelAction, QueueItem, RoundInfo } from '../../src-shared/contract';
import { SvelteSet } from 'svelte/reactivity';
import { call } from '../api/client';
import { PendingLabels } from '../logic/pending-labels';
import { batchOffer, type BatchOffer } from '../logic/batch-offer';
import { loop } from './loop.svelte';
import { firstUnlabeled, followQueue, keepOnScreen, nextInQueue, roundWithChanges } from '../logic/round-sequence';
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
 * `evaluation`: the evaluation set, stopping on its unlabeled images. `list`: these images in
 * this order, to review one by one (the labeled images whose file changed).
 */
export type SessionSource =
  | { kind: 'queue' }
  | { kind: 'round' }
  | { kind: 'evaluation' }
  | { kind: 'browse'; filter: ImageFilter; title: string }
  | { kind: 'list'; ids: readonly number[]; title: string };

/** The most images a `list` session holds (images:byIds answers as many at once). */
export const LIST_SESSION_MAX = 5000;

const PAGE = 200;
/** The most ids one images:byIds request takes (its schema). */
const BY_IDS_MAX = 5000;
const LOAD_MARGIN = 30;

/** How a session starts (`start`). */
export interface StartOptions {
  /** Open this image (loading pages until found; shown inserted when the source has none). */
  startAt?: number;
  /** The source the project opens on, not the labeler's choice (see `onOpenDefault`). */
  openDefault?: boolean;
  /**
   * The labeler chose this source (a button, the gallery): the folder order chosen so passes over
   * the batch open then (`passedAtStart`). A fallback the app takes by itself (an image gone, a
   * scan's empty session) passes nothing, and the batch stays offered.
   */
  byHand?: boolean;
}

/**
 * The image on screen when a key was pressed, how many times the view had moved by then by
 * anything but the keys (see `#moves`), and how many times a project had been left (`#resets`).
 * Taken at the press, before the key's command waits its turn behind the commands before it.
 */
export interface KeyPress {
  readonly item: ImageItem | null;
  readonly moves: number;
  readonly resets: number;
}

/**
 * What a key's command did (see `keyTarget`). `done`: it acted on `item`; `onScreen` false when
 * that image had left the screen (the view moved under the key), to be said to the expert.
 * `unchanged`: nothing to change on its image (no image on screen, nothing to do for it).
 * `dropped`: the view moved under the key and no image is left for it to go to; nothing was done,
 * to be said to the expert. `left`: the project the key was pressed in was left (closed, or
 * another opened: `reset`) before its turn; nothing was done, and there is nothing to tell.
 */
export type KeyOutcome = { kind: 'done'; item: ImageItem; onScreen: boolean } | { kind: 'unchanged' } | { kind: 'dropped' } | { kind: 'left' };

/**
 * What a key's command did to its image (`keyCommand`): its outcome, and whether it moves the
 * expert on from that image (a label, a skip) or leaves them on it (a clear, the unsure mark
 * taken away, nothing to change): the keys typed after it are for the next image, or this one.
 */
interface KeyAct {
  outcome: KeyOutcome;
  movesOn: boolean;
}

/** A change of the image on screen and the request that commits it. */
interface Decision {
  change: LabelChange;
  send: (imageId: number) => Promise<LabelAction>;
}

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
  #total = $derived(fixedSequence(this.#source) ? this.#items.length : sequenceLength(this.#items, filterOf(this.#source), this.#listed));
  #exhausted = $state(false);
  #loading = $state(false);
  #started = $state(false);
  /**
   * The source is the one the project opened on (folder order before the first round), not one
   * the labeler chose: the first round, once queried, may take its place (project-lifecycle).
   */
  #openDefault = $state(false);
  /**
   * The loop's batch that was open when the labeler chose the folder order: passed over then
   * (or with "Not now"), so not offered while they label in folder order; a newer one is.
   */
  #passedBatch = $state<number | null>(null);
  #batchOffer = $derived(batchOffer(this.#source.kind, loop.round, this.#passedBatch));
  /** The round whose offer was announced: once per round, also when the label view is shown again. */
  #offerAnnounced: number | null = null;
  /**
   * How many times the image on screen changed by something other than the keys' own commands:
   * a new session, a batch taken or followed, a page putting an image where none was (a new
   * session's first, a scan's on an empty session: `land`), a scan's image on the end panel, an
   * image shown by a click (the history, the duplicates), a failed commit bringing the view back.
   * A key's command that runs after such a move acts on the image on screen when the key was
   * pressed (`keyTarget`), never on the one the move put there, which the expert had not seen.
   * Undo and redo are the expert's own keys: the image they show is not such a move.
   */
  #moves = 0;
  /** `#moves` when the view last went back to an image whose label was not saved (returnTo); null before any. */
  #returnedAt: number | null = null;
  /**
   * For each count of `#moves` the view has left while keys pressed before that move still wait
   * for their command: the image those keys lead to now, or null when they lead nowhere (nothing
   * was on screen, or a key went past the last image it could know). A move records the image on
   * screen then (every key pressed before it that ran had moved the view there); a late key
   * acting on it moves it on, or leaves it when the key leaves the expert on its image, and so
   * does a key the view moved under while it ran (`keyCommand`). Only those keys read it: it
   * goes when the last of them has been answered, and a move with no key waiting records
   * nothing (see `#waiting`).
   */
  readonly #endOf = new Map<number, ImageItem | null>();
  /**
   * For each count of `#moves`: how many keys pressed at it wait for their command (`keyPress`
   * counts one in, `answered` out). Invariant: `#endOf` holds an entry only for a count some key
   * still waits on, so it stays as small as the keys typed ahead, however long the session.
   */
  readonly #waiting = new Map<number, number>();
  /** How many times a project was left (`reset`): a key pressed before does nothing after (`left`). */
  #resets = 0;
  #atEnd = $state(false);
  #current = $derived(this.#atEnd ? null : (this.#items[this.#index] ?? null));
  #currentInserted = $derived(this.#current !== null && this.#inserted.has(this.#current.id));
  #round = $state.raw<RoundInfo | null>(null);
  #queueInfo = $derived(new Map<number, QueueItem>((this.#round?.items ?? []).map((q) => [q.imageId, q])));

  /**
   * The command chain (`enqueue`): the keys' commands, and every move of the view by anything but
   * the keys, in the order they were asked for. Invariants:
   * - A move of the view runs in its turn on the chain (a batch taken or followed, a scan's image
   *   on the end panel, a click in the history, a failed commit bringing the view back, a `start`
   *   reading pages to find its `startAt`), so it never runs between a key's command and the
   *   view it leaves: a key pressed before it was pressed on the image it started from. Only a
   *   session's start (its first page, and the first image to label when the source starts
   *   there: a batch's in the same step; the evaluation set reads on while its pages have none,
   *   a corner left as it is) and `reset` move the view at once; both move the generation on,
   *   and a command of the session before stops there (`advance`, `moveView`, `putOnScreen`).
   * - A key acts on the image it was aimed at (`keyTarget`) or on none: never on an image of a
   *   session started while it waited or ran (the image its keys lead to is never read from a
   *   view that moved while its command ran: `keyCommand`), never once its project was left
   *   (`left`, said to no one: the expert left it).
   * - A key that leaves its image where it is (a clear, the unsure mark taken away, nothing to
   *   change) leaves the keys typed after it on that image, also when it ran late (`KeyAct`).
   */
  #chain: Promise<void> = Promise.resolve();
  /**
   * Labels this session committed, by image: a round queried before a commit reached the
   * server still lists that image as unlabeled, and must not offer it again as such.
   */
  #committed = new Map<number, LabelChange>();
  /** The session: `start` and `reset` move it on, and what an older session asked for is dropped. */
  #generation = 0;
  /**
   * The source's listing as the pages were asked: a scan's news (`dropGone`) moves it on, and a
   * page asked before is asked again (it may hold images whose files went, past an offset that
   * counted them). Not the session's generation: the session, and a `start` finding its image, go on.
   */
  #listing = 0;
  /**
   * While `dropGone` asks which loaded images are still there: settles when it knows. A page is
   * asked only after it, without the images found gone (they still wait for the command chain to
   * leave the sequence).
   */
  #checking: Promise<void> = Promise.resolve();
  #gone: ReadonlySet<number> = new Set();
  /** Labels shown but not committed yet, and the chain their commits run on, in order. */
  readonly #pending = new PendingLabels();
  #commits: Promise<void> = Promise.resolve();

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
  /** The session is on the source the project opened on, not one chosen since (see `#openDefault`). */
  get onOpenDefault(): boolean {
    return this.#openDefault;
  }
  /** The loop's batch waiting while the labeler is on the folder order (see `batchOffer`), or null. */
  get batchOffer(): BatchOffer | null {
    return this.#batchOffer;
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

  /** Labels shown whose commit has not answered yet. */
  get uncommitted(): number {
    return this.#pending.size;
  }

  /** The images with a label given here whose commit has not answered yet. */
  committingIds(): ReadonlySet<number> {
    return new Set(this.#pending.states().keys());
  }

  /** Resolves once every label given so far has been committed or has failed (undo, close). */
  committed(): Promise<void> {
    return this.#commits;
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
    return this.#source.kind !== 'browse' && this.#source.kind !== 'list';
  }

  /** The round with the labels this session committed since it was queried. */
  private withCommitted(round: RoundInfo): RoundInfo {
    return roundWithChanges(round, this.#committed);
  }

  /** The round's images as the label view shows them: queue items carry every field of an image. */
  private roundItems(round: RoundInfo): ImageItem[] {
    return round.items.map(({ imageId, distinctiveness: _d, uncertainty: _u, score: _s, reason: _r, ...image }) => ({ id: imageId, ...image }));
  }

  /** Start over on `source` (see `StartOptions`). */
  async start(source: SessionSource, { startAt, openDefault = false, byHand = false }: StartOptions = {}): Promise<void> {
    const generation = ++this.#generation;
    const passed = this.passedAtStart(source, openDefault, byHand);
    this.clearSession(source, true);
    this.#openDefault = openDefault;
    this.#passedBatch = passed;
    // Labels still being committed hold for the new session's images too.
    this.#committed = this.#pending.states();
    // The first page puts the first image where nothing was (`land` counts it): a key pressed meanwhile had no image.
    await this.loadMore(generation);
    if (generation !== this.#generation) return;
    if (startAt === undefined && (source.kind === 'round' || source.kind === 'evaluation')) {
      await this.moveView(() => this.advance((items) => firstUnlabeledIndex(items)));
      return;
    }
    if (startAt === undefined) return;
    // A move of the view, in its turn among the keys (see `#chain`): a key pressed on the first
    // page's image while pages are read is for that image, and runs once `startAt` is shown.
    await this.enqueue(async () => {
      if (generation !== this.#generation) return;
      await this.moveView(async () => {
        while (!this.#items.some((i) => i.id === startAt) && !this.#exhausted) {
          await this.loadMore(generation);
          if (generation !== this.#generation) return;
        }
        await this.putOnScreen(startAt);
      });
    });
  }

  /**
   * Run `change`, which moves the view by anything but the keys' own commands, and count the move
   * when the image on screen changed (see `#moves`, `#endOf`). `change` keeps the image on screen
   * until it puts the new one there in one step (loading pages behind it), so a key pressed
   * during it was pressed on the image it started from. A session started meanwhile counted its
   * own moves, and `change` stops there: nothing more is counted (the image on screen is the new
   * session's, not one `change` put there).
   */
  private async moveView(change: () => Promise<void> | void): Promise<void> {
    const generation = this.#generation;
    const before = this.#current;
    try {
      await change();
    } finally {
      if (generation === this.#generation) this.movedFrom(before);
    }
  }

  /**
   * Put `items` in the sequence: the pages `loadMore` read. Loaded behind the image on screen,
   * they leave it there; into an empty session (its first page, a scan's image on a session that
   * had found none, however asked: `start`, `topUp`) they put one on screen by themselves, a move
   * under the keys (`movedFrom`), counted as they land, so a key pressed on the empty view is
   * never for that image.
   */
  private land(items: ImageItem[]): void {
    const before = this.#current;
    this.#items = items;
    this.movedFrom(before);
  }

  /** The view moved from `before` to the image on screen now: count it when the image changed. */
  private movedFrom(before: ImageItem | null): void {
    if ((this.#current?.id ?? null) === (before?.id ?? null)) return;
    if (this.#waiting.has(this.#moves)) this.#endOf.set(this.#moves, before);
    this.#moves++;
  }

  /**
   * The batch a session starting on `source` passes over: the folder order chosen by hand while
   * a batch is open passes that one; going on in folder order (the skipped images, a scan's
   * restart) keeps what was passed; the folder order the project opens on, or one the app falls
   * back to by itself, chooses nothing.
   */
  private passedAtStart(source: SessionSource, openDefault: boolean, byHand: boolean): number | null {
    if (source.kind !== 'queue' || openDefault) return null;
    if (this.#source.kind === 'queue' && this.#started) return this.#passedBatch;
    return byHand ? (loop.round?.id ?? null) : null;
  }

  /**
   * No session (the project closed, or another opens). Keys still waiting for their command, or
   * running it, were pressed on the project left: they act on no image when their turn comes,
   * neither one of the project left nor one of the next, and say nothing (`left`).
   */
  reset(): void {
    this.#generation++;
    this.#resets++;
    this.#offerAnnounced = null;
    this.clearSession({ kind: 'queue' }, false);
  }

  /** No images loaded yet for `source` (the caller moves the generation on). */
  private clearSession(source: SessionSource, started: boolean): void {
    const before = this.#current;
    this.#source = source;
    this.#inserted.clear();
    this.#items = [];
    this.#index = 0;
    this.#listed = 0;
    this.#gone = new Set();
    this.#exhausted = false;
    this.#atEnd = false;
    this.#started = started;
    this.#openDefault = false;
    this.#passedBatch = null;
    this.#round = null;
    this.movedFrom(before);
  }

  /** The batch offer to announce now: the one on screen, once per round (see `#offerAnnounced`); else null. */
  offerToAnnounce(): BatchOffer | null {
    const offer = this.#batchOffer;
    if (!offer || offer.roundId === this.#offerAnnounced) return null;
    this.#offerAnnounced = offer.roundId;
    return offer;
  }

  /** The labeler puts the offered batch off ("Not now"): the folder order goes on without the offer until another batch opens. */
  passBatch(roundId: number): void {
    this.#passedBatch = roundId;
  }

  /**
   * Switch to the loop's open batch from the folder order (the batch offer, Ctrl+B). The image
   * on screen stays while the batch is read, and keys pressed meanwhile act on the folder order
   * as ever; then the batch takes the view in one step (no empty view in between), at its first
   * image to label. Resolves false when no batch is open (the view stays); a session started
   * meanwhile wins.
   */
  async switchToRound(): Promise<boolean> {
    const generation = this.#generation;
    const fetched = await call('loop:currentRound');
    return this.enqueue(async () => {
      if (generation !== this.#generation) return true;
      if (!fetched || fetched.items.length === 0) return false;
      this.#generation++;
      this.clearSession({ kind: 'round' }, true);
      // A load of the folder order still on its way is the old session's: nothing loads now.
      this.#loading = false;
      // The batch was read before this turn came: the labels this session gave or heard of since
      // (kept in `#committed`, the latest of each image) hold for its images.
      const round = this.withCommitted(fetched);
      this.#round = round;
      this.#items = this.roundItems(round);
      this.#exhausted = true;
      const placement = firstUnlabeled(this.#items);
      this.#index = placement.index;
      this.#atEnd = placement.atEnd;
      return true;
    });
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
        this.land(items);
        this.#exhausted = true;
        return;
      }
      if (this.#source.kind === 'list') {
        const items = await call('images:byIds', { ids: this.#source.ids.slice(0, LIST_SESSION_MAX) });
        if (generation !== this.#generation) return;
        this.land(appendPage(this.#items, applyLabels(items, this.#pending.states())));
        this.#exhausted = true;
        return;
      }
      let page: ImagePage;
      for (;;) {
        await this.#checking;
        if (generation !== this.#generation) return;
        const listing = this.#listing;
        const paged = this.#items.filter((item) => !this.#gone.has(item.id));
        page = await call('images:list', { filter: filterOf(this.#source), offset: nextPageOffset(paged, this.liveQueue, this.#inserted), limit: PAGE });
        if (generation !== this.#generation) return;
        if (listing === this.#listing) break;
      }
      this.#listed = page.total;
      const before = this.#items.length;
      this.land(appendPage(this.#items, applyLabels(page.items, this.#pending.states())));
      if (page.items.length < PAGE || this.#items.length === before) this.#exhausted = true;
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  /**
   * The folder changed (a scan found images): pages may exist past what looked like the end.
   * They are loaded now when the labeler is near the end of what is loaded (a session started
   * while the scan had found one image would otherwise prefetch nothing ahead until a key).
   */
  async sourceGrew(): Promise<void> {
    // A batch's and a list's images are fixed when fetched: no scan adds any. (A batch whose
    // files went is followed by followRound, which keeps the image on screen; reloading it here
    // kept the position number instead, and jumped past the unlabeled images that had gone.)
    if (this.#source.kind === 'round' || this.#source.kind === 'list') return;
    this.#exhausted = false;
    if (this.#atEnd) {
      // The new image takes the end panel's place: a key pressed on the end panel is not for it.
      // The panel stays while pages load (they land behind it); the image after the last one
      // loaded comes in one step, or the first when the scan found every loaded image gone
      // (from index 0 it passed over the first new image unseen).
      await this.enqueue(() => {
        const after = this.#items.length === 0 ? -1 : this.#index;
        return this.moveView(() => this.advance((items) => (this.toUnlabeled ? nextUnlabeledIndex(items, after) : nextIndex(items, after))));
      });
    } else {
      // Pages behind the image on screen; on a session that had found none, the new image takes
      // the empty view's place as it lands (`land`): a key pressed there is not for it either.
      await this.topUp();
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
      const items = keepOnScreen(round ? this.roundItems(round) : [], this.#atEnd ? null : this.#current, this.#index, sameRound);
      if (generation !== this.#generation) return;
      const before = this.#current;
      const placement = followQueue(items, before?.id ?? null, sameRound, this.#atEnd);
      this.#round = round;
      this.#items = items;
      this.#exhausted = true;
      this.#inserted.clear();
      this.#index = placement.index;
      this.#atEnd = placement.atEnd;
      this.movedFrom(before);
    });
  }

  /** Keep pages coming while the labeler nears the end of what is loaded. */
  async topUp(): Promise<void> {
    if (shouldLoadMore(this.#items.length, this.#index, this.#exhausted, LOAD_MARGIN) && !this.#loading) await this.loadMore();
  }

  /**
   * Show the next image matching `pick` (also from the end panel), loading more pages when needed;
   * none: the end panel. A session started while a page loads (`start` does not wait for the
   * commands) is not this one's: the advance stops there, and never moves the new session's view.
   */
  private async advance(pick: (items: ImageItem[], index: number) => number | null): Promise<void> {
    const generation = this.#generation;
    let next = pick(this.#items, this.#index);
    while (next === null && !this.#exhausted) {
      await this.loadMore(generation);
      if (generation !== this.#generation) return;
      next = pick(this.#items, this.#index);
    }
    if (next === null) {
      this.#atEnd = true;
      return;
    }
    this.#index = next;
    this.#atEnd = false;
    // A page that cannot be read now is asked for again at the next move.
    this.topUp().catch(() => undefined);
  }

  private advanceAfterLabel(): Promise<void> {
    if (this.#source.kind === 'round') return this.advance((items, index) => nextInQueue(items, index));
    return this.advance((items, index) => (this.toUnlabeled ? nextUnlabeledIndex(items, index) : nextIndex(items, index)));
  }

  /**
   * Show `decide`'s change on the current image at once, commit it in the background, and move
   * on when `advance` says so for that change, without waiting for the commit. The promise
   * settles with the commit: it rejects when the commit failed (the label was taken away and
   * the view went back to the image). Resolves false when `decide` has nothing to change.
   * `ready`: what the key's command waits for in its turn, before it finds its image (Enter's
   * suggestion); when it rejects, the press is answered and nothing is changed.
   */
  private changeCurrent(
    decide: (item: ImageItem) => Decision | null,
    advance: (change: LabelChange) => boolean,
    ready: () => Promise<void> = () => Promise.resolve(),
  ): Promise<KeyOutcome> {
    const pressed = this.keyPress();
    let committing: Promise<void> = Promise.resolve();
    const moved = this.enqueue(async (): Promise<KeyOutcome> => {
      try {
        await ready();
      } catch (error) {
        this.answered(pressed);
        // The project was left meanwhile: what it could not read there is nothing to tell.
        if (pressed.resets !== this.#resets) return { kind: 'left' };
        throw error;
      }
      return this.keyCommand(pressed, async (item, onScreen): Promise<KeyAct> => {
        const decision = decide(item);
        if (!decision) return { outcome: { kind: 'unchanged' }, movesOn: false };
        committing = this.commit(item, decision.change, () => decision.send(item.id));
        const movesOn = advance(decision.change);
        if (onScreen && movesOn) await this.advanceAfterLabel();
        return { outcome: { kind: 'done', item, onScreen }, movesOn };
      });
    });
    return moved.then(
      async (changed) => {
        await committing;
        return changed;
      },
      async (error: unknown) => {
        await committing;
        throw error;
      },
    );
  }

  /**
   * The image on screen now and the view's moves so far: what a key pressed now is for (see
   * `keyTarget`). The key waits (`#waiting`) until `answered`: every press taken is given to a
   * key's command (`keyCommand` answers it), or answered when it never gets one.
   */
  private keyPress(): KeyPress {
    this.#waiting.set(this.#moves, (this.#waiting.get(this.#moves) ?? 0) + 1);
    return { item: this.#current, moves: this.#moves, resets: this.#resets };
  }

  /** A key pressed at `pressed` was answered: the view's record for its count goes with the last such key (see `#endOf`). */
  private answered(pressed: KeyPress): void {
    const left = (this.#waiting.get(pressed.moves) ?? 0) - 1;
    if (left > 0) {
      this.#waiting.set(pressed.moves, left);
      return;
    }
    this.#waiting.delete(pressed.moves);
    this.#endOf.delete(pressed.moves);
  }

  /** How many of the view's moves are remembered for keys still waiting (`#endOf`): none once every key was answered. */
  get movesRemembered(): number {
    return this.#endOf.size;
  }

  /**
   * The image a key's command acts on when it runs: the image the keys pressed before it had
   * led to. While nothing but the keys moved the view, that is the image on screen then (a key
   * typed ahead labels the image the keys before it led to, as ever). After a move under the
   * key (another source, a batch taken or followed, a scan's image on the end panel or the
   * empty view, a click in the history or the duplicates showing an image, a failed commit
   * bringing the view back), it is the image its keys had reached at the move (`#endOf`); null
   * when they reached none. Invariant: each key acts on the image it was aimed at, or on none
   * (`keyCommand` says it was dropped, or `left` when its project was left).
   */
  private keyTarget(pressed: KeyPress): ImageItem | null {
    if (pressed.moves === this.#moves) return this.#current;
    return this.#endOf.get(pressed.moves) ?? null;
  }

  /**
   * Run a key's `act` on its target (`keyTarget`), telling it whether that image is on screen
   * (then it may move the view on, as any key). A key pressed in a project since left does
   * nothing (`left`). After a late key, or one the view moved under while it ran, the keys typed
   * after it lead on from its image: to where the view went when it was on screen and nothing
   * else moved it meanwhile; else to that image when the key leaves the expert on it (`KeyAct`),
   * and nowhere when it moves on (the sequence after an image that left the screen is not
   * known, and the image on screen is not one its keys led to). `onNothing`: what the key does
   * when nothing was on screen at its press and the view has not moved since (the end panel).
   * Answers the press (`answered`).
   */
  private async keyCommand(
    pressed: KeyPress,
    act: (item: ImageItem, onScreen: boolean) => Promise<KeyAct>,
    onNothing: () => void = () => undefined,
  ): Promise<KeyOutcome> {
    try {
      if (pressed.resets !== this.#resets) return { kind: 'left' };
      const late = pressed.moves !== this.#moves;
      const item = this.keyTarget(pressed);
      if (!item) {
        if (late) return { kind: 'dropped' };
        onNothing();
        return { kind: 'unchanged' };
      }
      const onScreen = this.#current?.id === item.id;
      const moves = this.#moves;
      // A key whose act failed leads its keys nowhere.
      let movesOn = true;
      try {
        const done = await act(item, onScreen);
        movesOn = done.movesOn;
        return done.outcome;
      } finally {
        const movedUnder = this.#moves !== moves;
        if (late || movedUnder) this.#endOf.set(pressed.moves, onScreen && !movedUnder ? this.#current : movesOn ? null : item);
      }
    } finally {
      this.answered(pressed);
    }
  }

  /** Show `change` on `item` now and commit it after the commits before it (see the class comment). */
  private commit(item: ImageItem, change: LabelChange, send: () => Promise<LabelAction>): Promise<void> {
    const token = this.#pending.add(item.id, change, { classId: item.classId, unsure: item.unsure });
    this.show(new Map([[item.id, change]]));
    const run = this.#commits.then(async () => {
      let action: LabelAction;
      try {
        action = await send();
      } catch (error) {
        const settled = this.#pending.settle(token);
        if (settled) {
          this.show(new Map([[settled.imageId, settled.shown]]));
          void this.enqueue(async () => this.returnTo(settled.imageId));
        }
        throw error;
      }
      this.#pending.settle(token);
      this.apply(action);
    });
    this.#commits = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Back to an image whose label was not saved, when it is in the sequence; not when the view is
   * back on an earlier one already and has not moved since (`#returnedAt`): the commits given
   * after it fail in turn (a host that died, a busy database), and the view stays on the first of
   * them. It went to each in turn and ended on the last, past the others.
   */
  private returnTo(imageId: number): void {
    if (this.#returnedAt === this.#moves) return;
    const found = this.#items.findIndex((i) => i.id === imageId);
    if (found < 0) return;
    const before = this.#current;
    this.#index = found;
    this.#atEnd = false;
    this.movedFrom(before);
    this.#returnedAt = this.#moves;
  }

  /** Label the current image and move on at once; settles with the commit (see `changeCurrent`). */
  label(classId: number): Promise<KeyOutcome> {
    return this.labelWith(() => classId);
  }

  /**
   * Label the current image with the class `pick` chooses for it when the command runs (the
   * model's suggestion) from what `known` answers (asked at the key, before the command: the key
   * is for the image on screen now, also when the view moves before the answer); `unchanged`
   * when it has none, and the view stays. The key takes its place among the commands at the
   * press and waits for `known` there: keys pressed after it run after it, also when the answer
   * is slow (the suggestion not in the store yet). Rejects with `known`'s error, and nothing is
   * labeled.
   */
  labelOnceKnown<T>(known: Promise<T>, pick: (item: ImageItem, answer: T) => number | null): Promise<KeyOutcome> {
    // Its error is read in the key's turn: one that comes before is not unhandled meanwhile.
    known.catch(() => undefined);
    let answer: { value: T } | null = null;
    return this.labelWith(
      (item) => (answer ? pick(item, answer.value) : null),
      async () => {
        answer = { value: await known };
      },
    );
  }

  /**
   * Label the current image with the class `pick` chooses for it when the command runs; `unchanged`
   * when it has none. `ready`: what the command waits for in its turn first (see `changeCurrent`).
   */
  private labelWith(pick: (item: ImageItem) => number | null, ready?: () => Promise<void>): Promise<KeyOutcome> {
    return this.changeCurrent(
      (item) => {
        const classId = pick(item);
        return classId === null ? null : { change: { classId, unsure: false }, send: (id) => call('labels:set', { imageIds: [id], classId }) };
      },
      () => true,
      ready,
    );
  }

  clearLabel(): Promise<KeyOutcome> {
    return this.changeCurrent(
      (item) => (item.classId === null ? null : { change: { classId: null, unsure: false }, send: (id) => call('labels:set', { imageIds: [id], classId: null }) }),
      () => false,
    );
  }

  /**
   * Mark the current image unsure (the expert cannot decide) and move on, or take an unsure
   * image's mark away (it becomes unlabeled, and stays on screen).
   */
  toggleUnsure(): Promise<KeyOutcome> {
    return this.changeCurrent((item) => {
      const unsure = !item.unsure;
      return { change: { classId: null, unsure }, send: (id) => call('labels:setUnsure', { imageIds: [id], unsure }) };
    }, (change) => change.unsure);
  }

  /**
   * A move key (skip, next, back) on its target (`keyTarget`, the same rule as a label key): it
   * moves the view from that image when it is on screen; when the image has left the screen it
   * is dropped (moving on from another image would pass one unseen). `fromEnd`: what the key
   * does on the end panel (nothing on screen), in the keys' own session.
   */
  private moveKey(move: () => Promise<void> | void, fromEnd: () => void = () => undefined): Promise<KeyOutcome> {
    const pressed = this.keyPress();
    return this.enqueue(() =>
      this.keyCommand(
        pressed,
        async (item, onScreen): Promise<KeyAct> => {
          if (!onScreen) return { outcome: { kind: 'dropped' }, movesOn: true };
          await move();
          return { outcome: { kind: 'done', item, onScreen }, movesOn: true };
        },
        fromEnd,
      ),
    );
  }

  skip(): Promise<KeyOutcome> {
    return this.moveKey(() => this.advanceAfterLabel());
  }

  forward(): Promise<KeyOutcome> {
    return this.moveKey(() => this.advance((items, index) => nextIndex(items, index)));
  }

  back(): Promise<KeyOutcome> {
    return this.moveKey(
      () => {
        const previous = previousIndex(this.#index);
        if (previous !== null) this.#index = previous;
      },
      () => {
        this.#atEnd = false;
      },
    );
  }

  /**
   * The project's counts changed (labels here or elsewhere, an import, a scan): take the
   * listing's count from them where they say it (not for the queue or the evaluation set).
   */
  recount(counts: SourceCounts): void {
    if (fixedSequence(this.#source)) return;
    const filter = filterOf(this.#source);
    const listed = listingCount(filter, counts);
    // The counts are the server's: labels not committed yet move the listing as shown here.
    if (listed !== null) this.#listed = listed + this.#pending.listingOffset((state) => matchesFilter(filter, { id: 0, ...state }));
  }

  /** A label change announced by the back end: its action (when it has one), then the new counts. */
  followLabels(action: LabelAction | null, counts: SourceCounts): void {
    if (action) this.apply(action);
    this.recount(counts);
  }

  /**
   * Record a label action's result in the loaded images (from its answer or its event, in
   * either order: applying it twice changes nothing). A loaded image that joins or leaves the
   * source's listing changes the listing's count with it, so the sequence length stays put.
   */
  apply(action: LabelAction): void {
    // An image with a label still being committed keeps showing that label.
    this.show(this.#pending.overlay(actionChanges(action)));
  }

  /** Show new image states in the loaded images, the listing's count and the round. */
  private show(changes: ReadonlyMap<number, LabelChange>): void {
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

  /**
   * Show one image. From a click (the history, the duplicates): a move of the view (`moveView`),
   * so a key pressed before its command ran is for the image it was pressed on, not this one.
   * `byKey`: shown by the expert's own key (Ctrl+Z, Ctrl+Y showing the image whose label came
   * back), a key like the others, not a move: a key typed after it (1, Ctrl+Z, 2: the usual typo
   * fix) is for the image it shows.
   */
  showImage(imageId: number, { byKey = false }: { byKey?: boolean } = {}): Promise<void> {
    return byKey ? this.putOnScreen(imageId) : this.moveView(() => this.putOnScreen(imageId));
  }

  /**
   * Put one image on screen: in the sequence if there, else inserted here (the caller counts the
   * move); not into a session started while the image is read.
   */
  private async putOnScreen(imageId: number): Promise<void> {
    const found = this.#items.findIndex((i) => i.id === imageId);
    if (found >= 0) {
      this.#index = found;
      this.#atEnd = false;
      return;
    }
    const generation = this.#generation;
    const read = await call('images:get', { id: imageId });
    if (generation !== this.#generation) return;
    const [item] = applyLabels([read], this.#pending.states());
    this.#inserted.add(item!.id);
    const at = this.#atEnd ? this.#items.length : this.#index;
    this.#items = [...this.#items.slice(0, at), item!, ...this.#items.slice(at)];
    this.#index = at;
    this.#atEnd = false;
  }

  /**
   * A scan may have taken files away: the loaded images whose files went leave the sequence.
   * Kept, they still counted in its length, were stepped through, and pushed the next page's
   * offset (nextPageOffset) one past an image the server still lists, which was then never
   * shown. A batch is followRound's and a list is what was asked for (both fixed); the image on
   * screen stays, for refreshCurrent to find gone. A page on its way since before the scan is
   * asked again (see `#listing`): landing after this, it put images whose files went back in.
   */
  async dropGone(): Promise<void> {
    if (fixedSequence(this.#source)) return;
    // A page on its way was asked before the scan: it may hold images whose files went.
    this.#listing++;
    if (this.#items.length === 0) return;
    const generation = this.#generation;
    const asked = this.#items.map((item) => item.id);
    const chunks = Array.from({ length: Math.ceil(asked.length / BY_IDS_MAX) }, (_, k) => asked.slice(k * BY_IDS_MAX, (k + 1) * BY_IDS_MAX));
    const checked = Promise.all(chunks.map((ids) => call('images:byIds', { ids }))).then((answers) => {
      const present = new Set(answers.flat().map((item) => item.id));
      return new Set(asked.filter((id) => !present.has(id)));
    });
    this.#checking = checked.then(
      (gone) => {
        this.#gone = gone;
      },
      () => undefined,
    );
    const gone = await checked;
    if (gone.size === 0) return;
    await this.enqueue(async () => {
      this.#gone = new Set();
      if (generation !== this.#generation) return;
      const current = this.#current;
      const stays = (item: ImageItem): boolean => item === current || !gone.has(item.id);
      const kept = this.#items.filter(stays);
      if (kept.length === this.#items.length) return;
      // The same image stays under the cursor; past the end, the cursor stays past the end.
      this.#index = Math.max(0, Math.min(this.#items.slice(0, this.#index).filter(stays).length, kept.length - 1));
      this.#items = kept;
      for (const id of gone) this.#inserted.delete(id);
    });
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
    case 'list':
      // Every image of the list stays in it whatever its label (fixedSequence: the list is its length).
      return { kind: 'all' };
  }
}

/** The sequence is what was loaded (the round's batch, a list of ids), not a server listing that grows or shrinks. */
function fixedSequence(source: SessionSource): boolean {
  return source.kind === 'round' || source.kind === 'list';
}

const firstUnlabeledIndex = (items: readonly ImageItem[]): number | null => {
  const placement = firstUnlabeled(items);
  return placement.atEnd ? null : placement.index;
};

export const labeling = new LabelingSession();
