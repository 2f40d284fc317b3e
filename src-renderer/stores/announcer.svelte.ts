/**
 * What a screen reader says after an action that changes no focus and shows no toast: a label
 * given and the image that follows, an undo, a class moved, a queue ready. One polite live
 * region (LiveAnnouncer.svelte) in the page reads `message`.
 *
 * Invariants:
 * - Only the newest message is read: a burst of keys (labeling at speed) says the last one, not
 *   a backlog the reader works through long after.
 * - The same words said twice are read twice (the region is emptied, then filled on the next
 *   frame: a live region whose text does not change is not read again).
 * - Nothing here is shown on screen: what is announced is also visible somewhere else.
 */
class Announcer {
  #message = $state('');
  #pending: ReturnType<typeof setTimeout> | null = null;

  /** The words the live region holds now. */
  get message(): string {
    return this.#message;
  }

  /** Say `text` (replacing what was not read yet). */
  say(text: string): void {
    if (this.#pending !== null) clearTimeout(this.#pending);
    this.#message = '';
    this.#pending = setTimeout(() => {
      this.#pending = null;
      this.#message = text;
    }, 50);
  }
}

export const announcer = new Announcer();
