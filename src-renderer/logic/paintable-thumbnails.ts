/**
 * What the back end said about which images can paint at once (`images:thumbnailsCached`): a
 * cached gallery thumbnail, else a usable EXIF-embedded one, else none. The label view's
 * thumbnails ahead (`ThumbnailsAhead`) and the gallery's tiles (`TileThumbnails`) ask through one
 * of these each; they differ only in what they ask about and when (the label view asks again about
 * an image found without a cached thumbnail, the gallery never does).
 *
 * Invariants:
 * - One question at a time, at most ASK_MAX ids (the request's bound).
 * - What the host left `unchecked` (it reads files for a bounded time per question) stays unknown,
 *   to be asked about again; a question that read none of its files records them all (found
 *   without a cached thumbnail), so asking again and again ends.
 * - A failed question is an answer with nothing cached and nothing embedded.
 * - An embedded thumbnail is a property of the file: once said, it is remembered.
 * - `clear` (the project closed) forgets everything and drops answers still out; at most
 *   KNOWN_MAX images are remembered.
 */
export interface ThumbnailAnswer {
  cached: readonly number[];
  embedded: readonly number[];
  unchecked: readonly number[];
}

export type Paintable = 'cached' | 'embedded' | 'none';

/** At most this many ids per question (the request's bound). */
export const ASK_MAX = 500;
/** Forget what is known past this many images (a long session keeps the memory bounded). */
const KNOWN_MAX = 20_000;

/** How a question ended, for its asker: `fresh` unless `clear` came meanwhile; `left`: the host left some unread. */
export interface QuestionEnd {
  fresh: boolean;
  left: boolean;
  /** The images the answer said have an embedded thumbnail. */
  embedded: readonly number[];
}

export class PaintableThumbnails {
  readonly #cached = new Set<number>();
  readonly #embedded = new Set<number>();
  /** Images found without a cached thumbnail, and when (the `at` of the question). */
  readonly #missing = new Map<number, number>();
  #asking = false;
  /** Bumped by clear(): an answer about another project's images is dropped. */
  #generation = 0;

  constructor(private readonly ask: (ids: number[]) => Promise<ThumbnailAnswer>) {}

  /** A question is out. */
  get asking(): boolean {
    return this.#asking;
  }

  /** What is known about image `id`; undefined until the back end has answered. */
  get(id: number): Paintable | undefined {
    if (this.#cached.has(id)) return 'cached';
    if (!this.#missing.has(id)) return undefined;
    return this.#embedded.has(id) ? 'embedded' : 'none';
  }

  isCached(id: number): boolean {
    return this.#cached.has(id);
  }

  /** Whether the back end said image `id` has an embedded thumbnail (its thumbnail was not cached then). */
  hasEmbedded(id: number): boolean {
    return this.#embedded.has(id);
  }

  /** When image `id` was found without a cached thumbnail; undefined when cached or not asked about. */
  missingSince(id: number): number | undefined {
    return this.#missing.get(id);
  }

  /** Image `id`'s thumbnail is cached now (e.g. it loaded). */
  markCached(id: number): void {
    this.#bound();
    this.#cached.add(id);
    this.#missing.delete(id);
  }

  clear(): void {
    this.#cached.clear();
    this.#embedded.clear();
    this.#missing.clear();
    this.#generation++;
  }

  /**
   * Ask about `ids` (the first ASK_MAX; nothing is asked while a question is out, or of no ids).
   * Its answer is recorded as of `at` (unless `clear` came meanwhile), then `ended` is told how it went.
   */
  question(ids: readonly number[], at: number, ended: (end: QuestionEnd) => void): void {
    if (this.#asking || ids.length === 0) return;
    const asked = ids.slice(0, ASK_MAX);
    this.#asking = true;
    const generation = this.#generation;
    let end: QuestionEnd = { fresh: false, left: false, embedded: [] };
    const answered = ({ cached, embedded, unchecked }: ThumbnailAnswer): void => {
      if (generation !== this.#generation) return;
      this.#bound();
      for (const id of embedded) this.#embedded.add(id);
      const found = new Set(cached);
      // Files the host had no time to read this time stay unknown; a question that read none
      // records them all (asked again, it would be forever).
      const later = new Set(unchecked.length < asked.length ? unchecked : []);
      for (const id of asked) {
        if (later.has(id)) continue;
        if (found.has(id)) {
          this.#cached.add(id);
          this.#missing.delete(id);
        } else this.#missing.set(id, at);
      }
      end = { fresh: true, left: later.size > 0, embedded };
    };
    this.ask(asked)
      .then(answered, () => answered({ cached: [], embedded: [], unchecked: [] }))
      .finally(() => {
        this.#asking = false;
        ended({ ...end, fresh: generation === this.#generation });
      });
  }

  #bound(): void {
    if (this.#cached.size + this.#missing.size <= KNOWN_MAX) return;
    this.#cached.clear();
    this.#missing.clear();
    this.#embedded.clear();
  }
}
