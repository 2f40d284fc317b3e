/**
 * The current model's suggestion per image, fetched when an image is shown and forgotten
 * when a new model version is trained. Queue items bring theirs along.
 */
import type { Suggestion } from '../../src-shared/contract';
import { call } from '../api/client';

class Suggestions {
  #byImage = $state.raw<ReadonlyMap<number, Suggestion | null>>(new Map());
  #pending = new Set<number>();
  #generation = 0;

  /** imageId → suggestion (null: the model has none for it). Absent: not asked yet. */
  get byImage(): ReadonlyMap<number, Suggestion | null> {
    return this.#byImage;
  }

  get(imageId: number): Suggestion | null | undefined {
    return this.#byImage.get(imageId);
  }

  seed(entries: readonly { imageId: number; suggestion: Suggestion | null }[]): void {
    const known = entries.filter((e) => e.suggestion !== null).map((e): [number, Suggestion | null] => [e.imageId, e.suggestion]);
    if (known.length > 0) this.#byImage = new Map([...this.#byImage, ...known]);
  }

  /** Ask for one image's suggestion unless it is known or on its way. */
  want(imageId: number): void {
    if (this.#byImage.has(imageId) || this.#pending.has(imageId)) return;
    this.#pending.add(imageId);
    const generation = this.#generation;
    call('loop:suggestion', { imageId })
      .then((suggestion) => {
        if (generation !== this.#generation) return;
        this.#byImage = new Map([...this.#byImage, [imageId, suggestion]]);
      })
      .catch(() => {
        // No suggestion (no model, no features yet): the view simply shows none.
      })
      .finally(() => this.#pending.delete(imageId));
  }

  /** A new model: every suggestion may have changed. */
  clear(): void {
    this.#generation++;
    this.#pending.clear();
    this.#byImage = new Map();
  }
}

export const suggestions = new Suggestions();
