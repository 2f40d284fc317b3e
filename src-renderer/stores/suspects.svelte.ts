/**
 * The suspect-label queue (labels the cross-validated model disagrees with): the last check's
 * report, the cursor, and each listed image's current label (kept up to date from label
 * actions, so a relabel, an undo or a redo shows at once). State changes through the methods only.
 */
import type { LabelAction, SuspectItem, SuspectReport } from '../../src-shared/contract';
import { call } from '../api/client';
import { LatestLoad } from './latest-load.svelte';

class SuspectsState {
  #report = $state<SuspectReport | null>(null);
  /** Only the latest check's answer (or failure) is applied; `clear` (another project) makes a running one stale. */
  readonly #load = new LatestLoad();
  #cursor = $state(0);
  /** Current class of each listed image (null: unlabeled), from the report and later actions. */
  #current = $state<Map<number, number | null>>(new Map());

  get report(): SuspectReport | null {
    return this.#report;
  }
  get checking(): boolean {
    return this.#load.loading;
  }
  get error(): string | null {
    return this.#load.error;
  }
  get cursor(): number {
    return this.#cursor;
  }
  get selected(): SuspectItem | null {
    return this.#report?.items[this.#cursor] ?? null;
  }
  /** The class an image has now (its given class until relabeled). */
  currentClass(imageId: number): number | null {
    return this.#current.get(imageId) ?? null;
  }
  /** True once the image's label differs from the one that was checked. */
  resolved(item: SuspectItem): boolean {
    return this.currentClass(item.image.id) !== item.givenClassId;
  }
  get open(): number {
    return this.#report ? this.#report.items.filter((i) => !this.resolved(i)).length : 0;
  }

  /** Cross-validate the labels in the engine (a job with progress) and show the queue. */
  async check(): Promise<void> {
    this.#restore.reset(); // a check run now wins over the last one still being read
    await this.#load.run(
      () => call('quality:suspects'),
      (report) => this.#show(report),
    );
  }

  /** Reading the last check back (a reload, a restart); apart from `#load` so it never reads as "Checking…". */
  readonly #restore = new LatestLoad();
  #restored = false;

  /**
   * Show the project's last check again, once per project, unless a report is shown already:
   * each image as it is now (relabeled ones read as resolved). Nothing to show before the first
   * check; a failure leaves the view as before a check ("Check labels" works).
   */
  async restore(): Promise<void> {
    if (this.#restored || this.#report) return;
    this.#restored = true;
    await this.#restore.run(
      () => call('quality:lastSuspects'),
      (last) => {
        if (last && !this.#report) this.#show(last);
      },
      () => true,
    );
  }

  #show(report: SuspectReport): void {
    this.#report = report;
    this.#current = new Map(report.items.map((i) => [i.image.id, i.image.classId]));
    this.#cursor = 0;
  }

  /** A label action (from this view, the label view, undo or redo) changed some images. */
  apply(action: LabelAction): void {
    if (!this.#report) return;
    const changes = new Map(action.imageIds.map((id, k) => [id, action.classIds[k] ?? null] as const));
    if (![...changes.keys()].some((id) => this.#current.has(id))) return;
    this.#current = new Map([...this.#current].map(([id, cls]) => [id, changes.has(id) ? (changes.get(id) ?? null) : cls] as const));
  }

  select(index: number): void {
    const n = this.#report?.items.length ?? 0;
    if (n > 0) this.#cursor = Math.max(0, Math.min(n - 1, index));
  }

  move(step: number): void {
    this.select(this.#cursor + step);
  }

  /**
   * Put the cursor on the first listed image of `imageIds` (an undone or redone label action:
   * the image whose label changed, as the label view shows it); false when none is listed.
   */
  show(imageIds: readonly number[]): boolean {
    const items = this.#report?.items ?? [];
    const wanted = new Set(imageIds);
    const index = items.findIndex((item) => wanted.has(item.image.id));
    if (index < 0) return false;
    this.#cursor = index;
    return true;
  }

  /** After a relabel: the next image still open after the cursor (or stay at the end). */
  advance(): void {
    const items = this.#report?.items ?? [];
    for (let i = this.#cursor + 1; i < items.length; i++) {
      if (!this.resolved(items[i] as SuspectItem)) {
        this.#cursor = i;
        return;
      }
    }
    this.select(this.#cursor + 1);
  }

  clear(): void {
    this.#load.reset();
    this.#restore.reset();
    this.#restored = false;
    this.#report = null;
    this.#current = new Map();
    this.#cursor = 0;
  }
}

export const suspects = new SuspectsState();
