/**
 * What a gallery tile shows before its gallery thumbnail exists: the back end is asked (the same
 * `images:thumbnailsCached` question as the label view's, the same rules for which EXIF
 * thumbnails are served) which of the tiles shown have a cached thumbnail and which of the others
 * carry a usable EXIF-embedded one. A tile with an embedded one shows it first (a read of the
 * file's first bytes on the host) and asks for its gallery thumbnail (a decode of the original)
 * after it; the others ask for their thumbnail at once, as before.
 *
 * Invariants:
 * - One question at a time, about the tiles shown (in the order given: those on screen first),
 *   at most ASK_MAX ids; what the host left `unchecked` (it reads files for a bounded time per
 *   question, so a page of cold files never holds its main thread long) is asked about in the
 *   next question, right after: every question reads at least one file, so this ends (one that
 *   read none ends it too).
 * - What is known about an image does not change while the project is open (an embedded
 *   thumbnail is a property of the file; a cached thumbnail stays cached), except that a tile's
 *   thumbnail that loaded is cached from then on (`thumbnailLoaded`).
 * - A failed question makes its images 'none' (their tiles load their thumbnail as before), never
 *   a question asked again and again.
 * - `clear` (the project closed) forgets everything and drops answers still out; at most
 *   KNOWN_MAX images are remembered.
 */
export type TileThumbnail = 'cached' | 'embedded' | 'none';

export interface ThumbnailAnswer {
  cached: readonly number[];
  embedded: readonly number[];
  unchecked: readonly number[];
}

/** At most this many ids per question (the request's bound). */
const ASK_MAX = 500;
const KNOWN_MAX = 20_000;

export class TileThumbnails {
  readonly #known = new Map<number, TileThumbnail>();
  #wanted: readonly number[] = [];
  #asking = false;
  #generation = 0;

  constructor(
    private readonly ask: (ids: number[]) => Promise<ThumbnailAnswer>,
    /** Something became known (the tiles re-read `get`). */
    private readonly changed: () => void,
  ) {}

  /** What is known about image `id`; undefined until the back end has answered. */
  get(id: number): TileThumbnail | undefined {
    return this.#known.get(id);
  }

  /** The tiles shown now (those on screen first): ask about the ones not known. */
  show(ids: readonly number[]): void {
    this.#wanted = ids;
    this.#askIfDue();
  }

  /** A tile's gallery thumbnail loaded: the host has it cached. */
  thumbnailLoaded(id: number): void {
    if (this.#known.get(id) === 'cached') return;
    this.#remember([[id, 'cached']]);
    this.changed();
  }

  clear(): void {
    this.#known.clear();
    this.#wanted = [];
    this.#generation++;
  }

  #remember(entries: Iterable<[number, TileThumbnail]>): void {
    if (this.#known.size > KNOWN_MAX) this.#known.clear();
    for (const [id, thumbnail] of entries) this.#known.set(id, thumbnail);
  }

  #askIfDue(): void {
    if (this.#asking) return;
    const unknown = this.#wanted.filter((id) => !this.#known.has(id)).slice(0, ASK_MAX);
    if (unknown.length === 0) return;
    this.#asking = true;
    const generation = this.#generation;
    const answered = (answer: ThumbnailAnswer): void => {
      if (generation !== this.#generation) return;
      const cached = new Set(answer.cached);
      const embedded = new Set(answer.embedded);
      // A question that read nothing is not asked again (it would be, forever): its images are 'none'.
      const unchecked = new Set(answer.unchecked.length < unknown.length ? answer.unchecked : []);
      this.#remember(
        unknown.filter((id) => !unchecked.has(id)).map((id): [number, TileThumbnail] => [id, cached.has(id) ? 'cached' : embedded.has(id) ? 'embedded' : 'none']),
      );
      this.changed();
    };
    this.ask(unknown)
      .then(answered, () => answered({ cached: [], embedded: [], unchecked: [] }))
      .finally(() => {
        this.#asking = false;
        if (generation === this.#generation) this.#askIfDue();
      });
  }
}
