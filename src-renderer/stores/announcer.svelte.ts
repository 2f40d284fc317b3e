/**
 * What a screen reader says after an action that changes no focus and shows no toast: a label
 * given and the image that follows, an undo, a class moved, a queue ready, a job started or
 * done. Two polite live regions (LiveAnnouncer.svelte) in the page read them: `position` for the
 * label view's image and answer, `message` for everything else, so that neither replaces the
 * other (a job ending while the expert labels is still heard).
 *
 * Invariants:
 * - In each region only the newest message is read: a burst of keys (labeling at speed) says
 *   the last one, not a backlog the reader works through long after.
 * - The same words said twice are read twice (the region is emptied, then filled a moment
 *   later: a live region whose text does not change is not read again).
 * - Nothing here is shown on screen: what is announced is also visible somewhere else.
 */
class Region {
  #text = $state('');
  #pending: ReturnType<typeof setTimeout> | null = null;

  get text(): string {
    return this.#text;
  }

  say(text: string): void {
    if (this.#pending !== null) clearTimeout(this.#pending);
    this.#text = '';
    this.#pending = setTimeout(() => {
      this.#pending = null;
      this.#text = text;
    }, 50);
  }
}

class Announcer {
  readonly #message = new Region();
  readonly #position = new Region();

  /** The words the general live region holds now. */
  get message(): string {
    return this.#message.text;
  }

  /** The words the label view's live region holds now. */
  get position(): string {
    return this.#position.text;
  }

  /** Say `text` (replacing what was not read yet). */
  say(text: string): void {
    this.#message.say(text);
  }

  /** Say the label view's answer and image (replacing the previous one only). */
  sayPosition(text: string): void {
    this.#position.say(text);
  }
}

export const announcer = new Announcer();
