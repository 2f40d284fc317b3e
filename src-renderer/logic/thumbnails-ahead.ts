/**
 * Which thumbnails the label view loads and decodes ahead of the labeler:
 * - those of the images next to it (`near`) always: the back end makes each with its image's
 *   rendition, from one decode;
 * - those of the rest of the list ahead once the back end has them cached (the perceptual pass
 *   after feature extraction stores every image's; the gallery and the renditions some): each is
 *   then a small file read, never a decode of the original, so asking for a whole list is cheap,
 *   and a key pressed past the renditions shows the next image's thumbnail in the first frame.
 * - for the images (near or ahead) without a cached thumbnail, the thumbnail their camera
 *   embedded in the JPEG's EXIF, where the back end says they have one: read from the file's
 *   first bytes, no decode, so a key pressed before any thumbnail or rendition is made (no
 *   feature extraction yet) still shows the next image at once; its thumbnail or rendition
 *   replaces it when ready.
 * - the image on screen (`current`) too: the first image of a session (the view opening, an image
 *   opened from the gallery) is asked about at once, first in the question, and the view is told
 *   (`found`) when it has an embedded thumbnail, so it does not stay blank while its rendition
 *   decodes.
 * Which ones are cached (and which have an embedded one) is asked in batches (one question at a
 * time; an unknown current image is asked about without waiting for a batch, and right after a
 * question already out; the files the host left unread, within its time budget, right after the
 * answer); an image whose thumbnail was not cached is asked about again after
 * RECHECK_MS (the back end renders ahead meanwhile), also when the labeler has not moved since.
 */
import { ASK_MAX, PaintableThumbnails, type ThumbnailAnswer } from './paintable-thumbnails';

export const RECHECK_MS = 1000;
/** Ask sooner than RECHECK_MS once this many images ahead are not known to be cached. */
export const ASK_BATCH = 10;

export class ThumbnailsAhead {
  /** What the back end said; an image found without a cached thumbnail is asked about again after RECHECK_MS. */
  readonly #known: PaintableThumbnails;
  /** Bumped by clear(): a recheck scheduled for another project's images is dropped. */
  #generation = 0;
  #lastAsk = -Infinity;
  #near: readonly number[] = [];
  #ahead: readonly number[] = [];
  /** The image on screen. */
  #current: number | null = null;
  /** A recheck of missing thumbnails is scheduled (`later`). */
  #recheckPending = false;

  constructor(
    /** The ids among `ids` whose thumbnail the back end has cached, and among the others those with an embedded thumbnail. */
    ask: (ids: number[]) => Promise<ThumbnailAnswer>,
    /** Load and decode the thumbnails of `thumbnails` and the embedded thumbnails of `embedded` (in priority order), and no others. */
    private readonly load: (thumbnails: number[], embedded: number[]) => void,
    private readonly now: () => number = () => performance.now(),
    /** Run `recheck` after `ms` (the recheck of thumbnails found missing, while the labeler stays put). */
    private readonly later: (recheck: () => void, ms: number) => void = (recheck, ms) => void setTimeout(recheck, ms),
    /** The back end said these images have an embedded thumbnail (the view on one of them shows it). */
    private readonly found: (embedded: readonly number[]) => void = () => undefined,
  ) {
    this.#known = new PaintableThumbnails(ask);
  }

  /**
   * The labeler moved: `current` is the image on screen, `near` the images next to it, `ahead`
   * the list after it (in order).
   */
  show(near: readonly number[], ahead: readonly number[], current: number | null = null): void {
    this.#near = near;
    this.#ahead = ahead;
    this.#current = current;
    this.#load();
    this.#askIfDue();
  }

  /** Whether the back end said image `id` has an embedded thumbnail (and its thumbnail was not cached then). */
  hasEmbedded(id: number): boolean {
    return this.#known.hasEmbedded(id);
  }

  /** Forget everything (the project closed: its ids mean nothing in the next one). */
  clear(): void {
    this.#known.clear();
    this.#near = [];
    this.#ahead = [];
    this.#lastAsk = -Infinity;
    this.#generation++;
  }

  /** The images asked about: the current one first, then the list ahead. */
  #asked(): number[] {
    const current = this.#current;
    return current === null ? [...this.#ahead] : [current, ...this.#ahead.filter((id) => id !== current)];
  }

  #load(): void {
    const near = new Set(this.#near);
    const current = this.#current === null ? [] : [this.#current];
    const all = [...current, ...this.#near.filter((id) => id !== this.#current), ...this.#ahead.filter((id) => !near.has(id) && id !== this.#current)];
    // The current image's thumbnail is the view's to load (it mounts it); its embedded one is loaded here.
    this.load(
      all.filter((id) => id !== this.#current && (near.has(id) || this.#known.isCached(id))),
      all.filter((id) => this.#known.hasEmbedded(id) && !this.#known.isCached(id)),
    );
  }

  /** Whether the image on screen has not been asked about yet (asked at once, whatever the batch). */
  #currentUnknown(): boolean {
    const current = this.#current;
    return current !== null && this.#known.get(current) === undefined && !this.#known.hasEmbedded(current);
  }

  /** `force`: ask about the unknown ones now, however few (the host left some unread). */
  #askIfDue(force = false): void {
    if (this.#known.asking) return;
    const now = this.now();
    const unknown = this.#asked()
      .filter((id) => !this.#known.isCached(id) && now - (this.#known.missingSince(id) ?? -Infinity) >= RECHECK_MS)
      .slice(0, ASK_MAX);
    const due = unknown.length >= ASK_BATCH || now - this.#lastAsk >= RECHECK_MS;
    if (unknown.length === 0 || (!due && !force && !this.#currentUnknown())) return;
    // A question asked for the image on screen alone does not hold back the next batch (the list
    // ahead may fill right after: the view opening while its list loads).
    if (due) this.#lastAsk = now;
    const generation = this.#generation;
    this.#known.question(unknown, now, ({ fresh, left, embedded }) => {
      if (fresh && embedded.length > 0) this.found(embedded);
      this.#load();
      if (!fresh) return;
      // The labeler moved on to an image not asked about while this question was out, or the
      // host left files unread: ask again now.
      if (this.#currentUnknown() || left) {
        this.#askIfDue(left);
        return;
      }
      // Missing ones are asked about again after RECHECK_MS even if the labeler does not move
      // (extraction may finish in the meantime and make every thumbnail).
      if (!this.#recheckPending && this.#ahead.some((id) => !this.#known.isCached(id))) {
        this.#recheckPending = true;
        this.later(() => {
          this.#recheckPending = false;
          if (generation === this.#generation) this.#askIfDue();
        }, RECHECK_MS);
      }
    });
  }
}
