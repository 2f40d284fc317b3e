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
 * Which ones are cached (and which have an embedded one) is asked in batches (one question at a
 * time); an image whose thumbnail was not cached is asked about again after RECHECK_MS (the back
 * end renders ahead meanwhile), also when the labeler has not moved since.
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
  /** Images whose JPEG embeds a usable EXIF thumbnail (a property of the file: never asked again). */
  readonly #embedded = new Set<number>();
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
    /** The ids among `ids` whose thumbnail the back end has cached, and among the others those with an embedded thumbnail. */
    private readonly ask: (ids: number[]) => Promise<{ cached: number[]; embedded: number[] }>,
    /** Load and decode the thumbnails of `thumbnails` and the embedded thumbnails of `embedded` (in priority order), and no others. */
    private readonly load: (thumbnails: number[], embedded: number[]) => void,
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

  /** Whether the back end said image `id` has an embedded thumbnail (and its thumbnail was not cached then). */
  hasEmbedded(id: number): boolean {
    return this.#embedded.has(id);
  }

  /** Forget everything (the project closed: its ids mean nothing in the next one). */
  clear(): void {
    this.#cached.clear();
    this.#embedded.clear();
    this.#missing.clear();
    this.#near = [];
    this.#ahead = [];
    this.#lastAsk = -Infinity;
    this.#generation++;
  }

  #load(): void {
    const near = new Set(this.#near);
    const all = [...this.#near, ...this.#ahead.filter((id) => !near.has(id))];
    this.load(
      all.filter((id) => near.has(id) || this.#cached.has(id)),
      all.filter((id) => this.#embedded.has(id) && !this.#cached.has(id)),
    );
  }

  #askIfDue(): void {
    if (this.#asking) return;
    const now = this.now();
    const unknown = this.#ahead.filter((id) => !this.#cached.has(id) && now - (this.#missing.get(id) ?? -Infinity) >= RECHECK_MS).slice(0, ASK_MAX);
    if (unknown.length === 0 || (unknown.length < ASK_BATCH && now - this.#lastAsk < RECHECK_MS)) return;
    this.#asking = true;
    this.#lastAsk = now;
    const generation = this.#generation;
    const asked = ({ cached, embedded }: { cached: readonly number[]; embedded: readonly number[] }): void => {
      if (generation !== this.#generation) return;
      if (this.#cached.size + this.#missing.size > KNOWN_MAX) {
        this.#cached.clear();
        this.#missing.clear();
        this.#embedded.clear();
      }
      for (const id of embedded) this.#embedded.add(id);
      const found = new Set(cached);
      for (const id of unknown) {
        if (found.has(id)) {
          this.#cached.add(id);
          this.#missing.delete(id);
        } else this.#missing.set(id, now);
      }
    };
    this.ask(unknown)
      .then(asked, () => asked({ cached: [], embedded: [] }))
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
