/**
 * Label changes made in other windows on the same project (browser tabs on one web host; the
 * desktop app has one window, so nothing there is another's): which labels this window gave during
 * this session, and the notices about another window's changes to them or to the image shown
 * (rules in logic/other-window-labels.ts). Notices are toasts, which a screen reader reads (the
 * toast stack is a polite live region), said at most once per quiet time.
 *
 * Invariants:
 * - `#given` holds the state this window last gave each image (a class or unsure), from its own
 *   changes' events (labels, bulk labels, undo, redo, class deletes); an image this window made
 *   unlabeled, or another window changed since, is not in it.
 * - Changes without an origin (no window made them) neither fill `#given` nor are told.
 */
import type { ProjectChanged } from '../../src-shared/contract';
import { thisWindow } from '../api/window-id';
import { actionChanges, type LabelChange } from '../logic/labeling-sequence';
import { concernedImages, NoticeBurst, type OtherWindowChange } from '../logic/other-window-labels';
import { ERROR_MS, toasts } from './toasts.svelte';

type LabelsChanged = ProjectChanged & { change: 'labels' };

class OtherWindows {
  readonly #given = new Map<number, LabelChange>();
  // Shown as long as an error: the expert's eyes are on the image, and the change undid their work.
  readonly #notices = new NoticeBurst((message) => toasts.info(message, ERROR_MS));

  /** How many images hold a label this window gave (and no other window changed since). */
  get givenCount(): number {
    return this.#given.size;
  }

  /**
   * A `labels` change the back end announced, taken before the other stores apply it: `shown` is
   * the label view's image as it shows it now (null when the view is not shown), `committing` the
   * images with a label of this window still on its way. This window's own change is recorded;
   * another window's that concerns this window is returned, to be told once its names are known.
   */
  follow(event: LabelsChanged, shown: ({ id: number } & LabelChange) | null, committing: ReadonlySet<number>): OtherWindowChange | null {
    if (event.origin === null) return null;
    if (thisWindow.made(event.origin)) {
      if (event.action) {
        for (const [id, change] of actionChanges(event.action)) {
          if (change.classId !== null || change.unsure) this.#given.set(id, change);
          else this.#given.delete(id);
        }
      }
      return null;
    }
    if (!event.action) return event.imported > 0 ? { action: null, images: event.imported, concerned: [] } : null;
    const concerned = concernedImages(event.action, this.#given, shown, (id) => committing.has(id));
    // A label this window gave that another window changed is that window's now.
    for (const image of concerned) this.#given.delete(image.imageId);
    return concerned.length > 0 ? { action: event.action, images: event.action.imageIds.length, concerned } : null;
  }

  /** Tell the expert `message` about `images` images that concern this window (bursts are said as one). */
  tell(message: string, images: number): void {
    this.#notices.add(message, images);
  }

  /** Another project (or none) is shown: nothing given here any more, nothing left to tell. */
  clear(): void {
    this.#given.clear();
    this.#notices.clear();
  }
}

export const otherWindows = new OtherWindows();
