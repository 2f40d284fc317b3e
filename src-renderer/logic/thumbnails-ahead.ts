/**
 * Which thumbnails the label view loads and decodes ahead of the labeler:
 * - those of the images next to it (`near`) always: the back end makes each with its image's
 *   rendition, from one decode;
 * - those of the rest of the list ahead once the back end has them cached (the perceptual pass
 *   after feature extraction stores every image's; the gallery and the renditions some): each is
 *   then a small file read, never a decode of the original, so asking for a whole list is cheap,
 *   and a key pressed past the renditions shows the next image's thumbnail in the first frame.
 * Which ones are cached is asked in batches (one question at a time); an image whose thumbnail
 * was not cached is asked about again after RECHECK_MS (the back end renders ahead meanwhile),
 * also when the labeler has not moved since.
 */
export const RECHECK_MS = 1000;
/** Ask sooner than RECHECK_MS once this many images ahead are not known to be cached. */
export const ASK_BATCH = 10;
/** At most this many ids per question (the request's bound). */
const ASK_MAX = 500;
/** Forget what is known past this many images (a long session keeps the memory bounded). */
const KNOWN_MAX = 20_000;

export class ThumbnailsAhead {
  readonly #cached = new Set<number>();
  /** Images found not cached, and when. */
  readonly #missing = new Map<number, number>();
  #asking = false;
  /** Bumped by clear(): an answer about another project's images is dropped. */
  #generation = 0;
  #lastAsk = -Infinity;
  #near: readonly number[] = [];
  #ahead: readonly number[] = [];
  /** A recheck of missing thumbnails is scheduled (`later`). */
  #recheckPending = false;

  constructor(
    /** The ids among `ids` whose thumbnail the back end has cached. */
    private readonly ask: (ids: number[]) => Promise<number[]>,
    /** Load and decode the thumbnails of these images (in priority order), and no others. */
    private readonly load: (ids: number[]) => void,
    private readonly now: () => number = () => performance.now(),
    /** Run `recheck` after `ms` (the recheck of thumbnails found missing, while the labeler stays put). */
    private readonly later: (recheck: () => void, ms: number) => void = (recheck, ms) => void setTimeout(recheck, ms),
  ) {}

  /** The labeler moved: `near` are the images next to it, `ahead` the list after it (in order). */
  show(near: readonly number[], ahead: readonly number[]): void {
    this.#near = near;
    this.#ahead = ahead;
    this.#load();
    this.#askIfDue();
  }

  /** Forget everything (the project closed: its ids mean nothing in the next one). */
  clear(): void {
    this.#cached.clear();
    this.#missing.clear();
    this.#near = [];
    this.#ahead = [];
    this.#lastAsk = -Infinity;
    this.#generation++;
  }

  #load(): void {
    const near = new Set(this.#near);
    this.load([...this.#near, ...this.#ahead.filter((id) => !near.has(id) && this.#cached.has(id))]);
  }

  #askIfDue(): void {
    if (this.#asking) return;
    const now = this.now();
    const unknown = this.#ahead.filter((id) => !this.#cached.has(id) && now - (this.#missing.get(id) ?? -Infinity) >= RECHECK_MS).slice(0, ASK_MAX);
    if (unknown.length === 0 || (unknown.length < ASK_BATCH && now - this.#lastAsk < RECHECK_MS)) return;
    this.#asking = true;
    this.#lastAsk = now;
    const generation = this.#generation;
    const asked = (cached: readonly number[]): void => {
      if (generation !== this.#generation) return;
      if (this.#cached.size + this.#missing.size > KNOWN_MAX) {
        this.#cached.clear();
        this.#missing.clear();
      }
      const found = new Set(cached);
      for (const id of unknown) {
        if (found.has(id)) {
          this.#cached.add(id);
          this.#missing.delete(id);
        } else this.#missing.set(id, now);
      }
    };
    this.ask(unknown)
      .then(asked, () => asked([]))
      .finally(() => {
        this.#asking = false;
        this.#load();
        // Missing ones are asked about again after RECHECK_MS even if the labeler does not move
        // (extraction may finish in the meantime and make every thumbnail).
        if (generation === this.#generation && !this.#recheckPending && this.#ahead.some((id) => !this.#cached.has(id))) {
          this.#recheckPending = true;
          this.later(() => {
            this.#recheckPending = false;
            if (generation === this.#generation) this.#askIfDue();
          }, RECHECK_MS);
        }
      });
  }
}
