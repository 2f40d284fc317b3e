/**
 * Labels shown before the back end committed them. The label view advances at the key press
 * and commits in the background, in order; until a commit answers, the image shows the label
 * the expert gave it, whatever the server says about it meanwhile. Invariants:
 * - an image with pending labels shows the latest of them;
 * - for each such image, `confirmed` is the server's state as last heard (before the first
 *   pending label, then updated by every answer or event about it);
 * - a failed commit is removed, and its image shows its next pending label if any, else the
 *   confirmed state: nothing the server did not commit stays shown, nothing it did is hidden.
 */
import type { LabelChange } from './labeling-sequence';

interface Pending {
  token: number;
  imageId: number;
  change: LabelChange;
}

export class PendingLabels {
  #entries: Pending[] = [];
  readonly #confirmed = new Map<number, LabelChange>();
  #nextToken = 1;

  /** Record a label of `imageId` not yet committed; `current` is what the image showed before it. */
  add(imageId: number, change: LabelChange, current: LabelChange): number {
    if (!this.#confirmed.has(imageId)) this.#confirmed.set(imageId, current);
    const token = this.#nextToken++;
    this.#entries.push({ token, imageId, change });
    return token;
  }

  /**
   * The commit of `token` answered (committed or failed): forget it. Returns what its image
   * shows now: its latest label still pending, else the confirmed state.
   */
  settle(token: number): { imageId: number; shown: LabelChange } | null {
    const at = this.#entries.findIndex((e) => e.token === token);
    if (at < 0) return null;
    const [entry] = this.#entries.splice(at, 1);
    const { imageId } = entry!;
    const shown = this.latest(imageId) ?? this.#confirmed.get(imageId)!;
    if (!this.latest(imageId)) this.#confirmed.delete(imageId);
    return { imageId, shown };
  }

  /**
   * States the server announced (an answer or an event): recorded as confirmed for images with
   * pending labels, which keep showing their latest pending label. Returns the states to show.
   */
  overlay(changes: ReadonlyMap<number, LabelChange>): Map<number, LabelChange> {
    const shown = new Map(changes);
    for (const [id, change] of changes) {
      const pending = this.latest(id);
      if (!pending) continue;
      this.#confirmed.set(id, change);
      shown.set(id, pending);
    }
    return shown;
  }

  /**
   * How many more images a listing holds as shown here than on the server: Σ over images with
   * pending labels of (matches as shown) − (matches as confirmed).
   */
  listingOffset(matches: (state: LabelChange) => boolean): number {
    let offset = 0;
    for (const [id, confirmed] of this.#confirmed) offset += Number(matches(this.latest(id)!)) - Number(matches(confirmed));
    return offset;
  }

  /** What each image with pending labels shows: its latest pending label. */
  states(): Map<number, LabelChange> {
    return new Map(this.#entries.map((e) => [e.imageId, e.change]));
  }

  /** Labels sent or waiting to be sent. */
  get size(): number {
    return this.#entries.length;
  }

  clear(): void {
    this.#entries = [];
    this.#confirmed.clear();
  }

  private latest(imageId: number): LabelChange | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) if (this.#entries[i]!.imageId === imageId) return this.#entries[i]!.change;
    return undefined;
  }
}
