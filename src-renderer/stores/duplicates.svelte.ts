/**
 * Duplicates: the groups at the project's similarity threshold, "more like this" for one
 * image, and the evaluation set's leakage. State changes through the methods only; label
 * changes (from any view, undo and redo too) reach the images shown through `apply`.
 */
import type { DuplicateReport, LabelAction, Leakage, SimilarItem } from '../../src-shared/contract';
import { AppError } from '../../src-shared/app-error';
import { call, CameTooLate } from '../api/client';
import { actionChanges, applyLabels } from '../logic/labeling-sequence';
import { LatestLoad } from './latest-load.svelte';

/** Groups shown at first; "Show more" adds as many again. */
const PAGE = 60;

export interface SimilarView {
  imageId: number;
  relPath: string;
  items: SimilarItem[];
}

class DuplicatesState {
  #report = $state<DuplicateReport | null>(null);
  /** Only the latest search's groups (or failure) are applied. */
  readonly #load = new LatestLoad();
  #shown = $state(PAGE);
  #similar = $state<SimilarView | null>(null);
  #similarLoading = $state(false);
  #leakage = $state<Leakage | null>(null);
  /** Leakage checks asked for (and clears): which answer is the latest. */
  #leakageAsked = 0;
  #fixing = $state(false);
  #cancelled = $state(false);
  /** Searches begun (load), and the one running when the expert asked to cancel (cancel), or null. */
  #searches = 0;
  #cancelledSearch: number | null = null;

  get report(): DuplicateReport | null {
    return this.#report;
  }
  get loading(): boolean {
    return this.#load.loading;
  }
  get error(): string | null {
    return this.#load.error;
  }
  /** How many groups the view shows. */
  get shown(): number {
    return this.#shown;
  }
  get similar(): SimilarView | null {
    return this.#similar;
  }
  get similarLoading(): boolean {
    return this.#similarLoading;
  }
  get leakage(): Leakage | null {
    return this.#leakage;
  }
  get fixing(): boolean {
    return this.#fixing;
  }
  /** The last search was cancelled (the groups shown, if any, are the search's before). */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /**
   * Find the groups (at `minSimilarity`, or the project's threshold); a failure is kept in `error`.
   * A search the expert cancelled (cancel) keeps the groups shown before and says so: it is no
   * failure, and its answer (the back end finished it before the cancel came) is not shown either.
   * So is one superseded by a newer search here (LatestLoad drops it), and one this window called
   * off itself (CameTooLate: it closed or opened a project meanwhile). Any other CANCELLED is the
   * back end's "nothing was done, try again" (features unloaded or replaced meanwhile, the engine
   * stopped, another window's search or cancel): kept in `error`, in its words.
   */
  async load(minSimilarity?: number): Promise<void> {
    this.#cancelled = false;
    const search = ++this.#searches;
    await this.#load.run(
      () => call('duplicates:groups', minSimilarity === undefined ? {} : { minSimilarity }),
      (report) => {
        if (this.#cancelledSearch === search) {
          this.#cancelled = true;
          return;
        }
        this.#report = report;
        this.#shown = PAGE;
      },
      (error) => {
        if (error instanceof CameTooLate) return true;
        if (!(error instanceof AppError && error.code === 'CANCELLED' && this.#cancelledSearch === search)) return false;
        this.#cancelled = true;
        return true;
      },
    );
  }

  /**
   * Stop the running search (the back end's, from its request on: Duplicates.search); the load in
   * flight ends as cancelled, whatever it answers. Marked before the request: the search's answer
   * or CANCELLED may come back before the cancel's. The mark stays whatever the cancel answers
   * (`cancelled: false`: the back end had finished the search, its answer came first); unmarked
   * when the cancel itself failed (the expert is told so), as the search then goes on.
   */
  async cancel(): Promise<void> {
    const search = this.#searches;
    this.#cancelledSearch = search;
    try {
      await call('duplicates:cancel');
    } catch (error) {
      if (this.#cancelledSearch === search) this.#cancelledSearch = null;
      throw error;
    }
  }

  showMore(): void {
    this.#shown += PAGE;
  }

  /** The images most similar to one image; throws when features are not ready. */
  async findSimilar(imageId: number, relPath: string, count = 30): Promise<void> {
    this.#similarLoading = true;
    this.#similar = { imageId, relPath, items: [] };
    try {
      const items = await call('duplicates:similar', { imageId, count });
      if (this.#similar?.imageId === imageId) this.#similar = { imageId, relPath, items };
    } catch (error) {
      this.#similar = null;
      throw error;
    } finally {
      this.#similarLoading = false;
    }
  }

  closeSimilar(): void {
    this.#similar = null;
  }

  /** The latest leakage check's answer counts: an older one, or one asked before `clear` (another project's), is dropped. */
  async loadLeakage(): Promise<void> {
    const asked = ++this.#leakageAsked;
    const leakage = await call('duplicates:leakage');
    if (asked === this.#leakageAsked) this.#leakage = leakage;
  }

  /** Replace the leaked evaluation images with fresh ones, then read the leakage again. */
  async fixLeakage(): Promise<{ removed: number; added: number; size: number }> {
    this.#fixing = true;
    try {
      const result = await call('duplicates:fixLeakage');
      await this.loadLeakage();
      return result;
    } finally {
      this.#fixing = false;
    }
  }

  /** A label action: the classes of the images shown change with it. */
  apply(action: LabelAction): void {
    const changes = actionChanges(action);
    const report = this.#report;
    if (report) {
      this.#report = { ...report, groups: report.groups.map((g) => ({ ...g, items: applyLabels(g.items, changes) })) };
    }
    const similar = this.#similar;
    if (similar) this.#similar = { ...similar, items: applyLabels(similar.items, changes) };
  }

  clear(): void {
    this.#load.reset();
    this.#report = null;
    this.#similar = null;
    this.#leakage = null;
    this.#leakageAsked++;
  }
}

export const duplicates = new DuplicatesState();
