/**
 * What a gallery tile shows before its gallery thumbnail exists: the back end is asked (the same
 * `images:thumbnailsCached` question as the label view's, the same rules for which EXIF
 * thumbnails are served) which of the tiles shown have a cached thumbnail and which of the others
 * carry a usable EXIF-embedded one. A tile with an embedded one shows it first (a read of the
 * file's first bytes on the host) and asks for its gallery thumbnail (a decode of the original)
 * after it; the others ask for their thumbnail at once, as before.
 *
 * Invariants (the questions' own in `PaintableThumbnails`):
 * - One question at a time, about the tiles shown (in the order given: those on screen first);
 *   what the host left `unchecked` (it reads files for a bounded time per question, so a page of
 *   cold files never holds its main thread long) is asked about in the next question, right
 *   after: every question reads at least one file, so this ends (one that read none ends it too).
 * - What is known about an image does not change while the project is open (an embedded
 *   thumbnail is a property of the file; a cached thumbnail stays cached), except that a tile's
 *   thumbnail that loaded is cached from then on (`thumbnailLoaded`).
 * - A failed question makes its images 'none' (their tiles load their thumbnail as before), never
 *   a question asked again and again.
 * - `clear` (the project closed) forgets everything and drops answers still out.
 */
import { PaintableThumbnails, type Paintable, type ThumbnailAnswer } from './paintable-thumbnails';

export type TileThumbnail = Paintable;

export class TileThumbnails {
  readonly #known: PaintableThumbnails;
  #wanted: readonly number[] = [];

  constructor(
    ask: (ids: number[]) => Promise<ThumbnailAnswer>,
    /** Something became known (the tiles re-read `get`). */
    private readonly changed: () => void,
  ) {
    this.#known = new PaintableThumbnails(ask);
  }

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
    if (this.#known.isCached(id)) return;
    this.#known.markCached(id);
    this.changed();
  }

  clear(): void {
    this.#known.clear();
    this.#wanted = [];
  }

  #askIfDue(): void {
    // What is known is never asked again (the label view's thumbnails ahead ask again; tiles load theirs).
    const unknown = this.#wanted.filter((id) => this.#known.get(id) === undefined);
    this.#known.question(unknown, 0, ({ fresh }) => {
      if (!fresh) return;
      this.changed();
      this.#askIfDue();
    });
  }
}
