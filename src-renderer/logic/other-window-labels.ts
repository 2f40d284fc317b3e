/**
 * Telling the expert when another window (another browser tab on the same project) changes a
 * label that matters here: one this window gave during this session, or the image the label
 * view shows. Without it, a label given in tab A is silently replaced from tab B, and A's view
 * follows without a word.
 *
 * Rules:
 * - Only changes with another window's origin are told: this window's own are not, nor those no
 *   window made (origin null: the command line, a test), since they cannot be said to be another's.
 * - An image concerns this window when its new state differs from the label this window gave it
 *   (and still holds), or when it is the image shown and its state changes. A label this window
 *   is still committing is left out: that commit comes after the other window's change and wins.
 * - One notice per action: an action on one image names it with its label before and after
 *   ("Another window changed cell_0413.jpg from neutrophil to monocyte."); a bulk action says what
 *   it did to how many images and how many of them concern this window, naming the image when only
 *   one does. An import (no action) is told by its count. An action that concerns nothing here is
 *   not told.
 * - No floods (NoticeBurst): the first notice is said at once; the ones that follow within the
 *   quiet time are held and said as one when it ends.
 */
import type { LabelAction } from '../../src-shared/contract';
import type { LabelChange } from './labeling-sequence';

/** An image of another window's action that concerns this window, with its state before (as known here) and after. */
export interface ConcernedImage {
  imageId: number;
  before: LabelChange;
  after: LabelChange;
  /** It is the image the label view shows. */
  shown: boolean;
  /** Its label before was given in this window. */
  mine: boolean;
}

/** What another window's label change means here (see `concernedImages`). */
export interface OtherWindowChange {
  /** The action, or null for an import. */
  action: LabelAction | null;
  /** How many images the change touched (the action's images, or the import's). */
  images: number;
  concerned: ConcernedImage[];
}

const same = (a: LabelChange, b: LabelChange): boolean => a.classId === b.classId && a.unsure === b.unsure;

/**
 * The images of `action` that concern this window: those whose label this window gave (`given`)
 * and that now have another state, and the image shown (`shown`, as shown before the action) when
 * its state changes. `committing` says which images have a label of this window on its way.
 */
export function concernedImages(
  action: LabelAction,
  given: ReadonlyMap<number, LabelChange>,
  shown: ({ id: number } & LabelChange) | null,
  committing: (imageId: number) => boolean = () => false,
): ConcernedImage[] {
  const concerned: ConcernedImage[] = [];
  action.imageIds.forEach((imageId, i) => {
    if (committing(imageId)) return;
    const after = { classId: action.classIds[i] ?? null, unsure: action.unsure[i] ?? false };
    const isShown = shown !== null && shown.id === imageId;
    const mine = given.get(imageId);
    const before = isShown ? { classId: shown.classId, unsure: shown.unsure } : mine;
    if (before && !same(before, after)) concerned.push({ imageId, before, after, shown: isShown, mine: mine !== undefined && same(mine, before) });
  });
  return concerned;
}

const images = (n: number): string => `${n} image${n === 1 ? '' : 's'}`;

/** Names for the notice: a class by id (a deleted one's too), an image's file name by id (null when not known). */
export interface NoticeNames {
  className(classId: number): string;
  imageName(imageId: number): string | null;
}

function stateName(state: LabelChange, names: NoticeNames): string {
  if (state.classId !== null) return names.className(state.classId);
  return state.unsure ? 'unsure' : 'unlabeled';
}

/** What happened to one image, as a clause after "Another window ". */
function imageChange(image: ConcernedImage, names: NoticeNames): string {
  const name = names.imageName(image.imageId) ?? `image ${image.imageId}`;
  const undecided = image.before.classId === null && !image.before.unsure;
  if (undecided && image.after.classId !== null) return `labeled ${name} as ${names.className(image.after.classId)}`;
  if (undecided && image.after.unsure) return `marked ${name} unsure`;
  return `changed ${name} from ${stateName(image.before, names)} to ${stateName(image.after, names)}`;
}

/** What a bulk action did, as a clause after "Another window ". */
function bulkChange(action: LabelAction | null, count: number, names: NoticeNames): string {
  if (!action) return `imported labels for ${images(count)}`;
  const deletion = action.classDeletion;
  if (deletion) return deletion.restored ? `brought back the class “${deletion.name}” with ${images(count)}` : `deleted the class “${deletion.name}”: ${images(count)} became unlabeled`;
  const classes = new Set(action.classIds);
  const [only] = classes;
  if (classes.size === 1 && only !== null && only !== undefined) return `labeled ${images(count)} as ${names.className(only)}`;
  if (classes.size === 1 && action.unsure.every((u) => u)) return `marked ${images(count)} unsure`;
  if (classes.size === 1 && action.unsure.every((u) => !u)) return `cleared the labels of ${images(count)}`;
  return `relabeled ${images(count)}`;
}

/** The image names a notice about `change` needs (at most one), so the caller can look them up first. */
export function namesNeeded(change: OtherWindowChange): number[] {
  return change.concerned.length === 1 ? [change.concerned[0]!.imageId] : [];
}

/** The notice for another window's change, or null when it concerns nothing here. */
export function otherWindowNotice(change: OtherWindowChange, names: NoticeNames): string | null {
  const { action, images: count, concerned } = change;
  if (!action) return count > 0 ? `Another window ${bulkChange(null, count, names)}; labels given or shown here may have changed.` : null;
  if (concerned.length === 0) return null;
  if (count === 1 && concerned.length === 1) return `Another window ${imageChange(concerned[0]!, names)}.`;
  const what = `Another window ${bulkChange(action, count, names)}`;
  if (concerned.length === 1) {
    const [image] = concerned as [ConcernedImage];
    return `${what}, among them ${names.imageName(image.imageId) ?? `image ${image.imageId}`}, from ${stateName(image.before, names)} to ${stateName(image.after, names)}.`;
  }
  // Two or more: at least one is a label given here (only one image is shown).
  const mine = concerned.filter((c) => c.mine).length;
  const shown = concerned.find((c) => c.shown);
  const andShown = !shown ? '' : shown.mine ? ', the image shown here one of them' : ' and the image shown here';
  return `${what}, among them ${mine} you labeled in this window${andShown}.`;
}

export interface NoticeTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: NoticeTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How long after a notice the next ones are held, to be said as one. */
export const QUIET_MS = 4000;

/**
 * Notices that come in bursts (another window labeling at speed over the images labeled here)
 * said at most once per quiet time: the first at once, the rest held and said together when the
 * quiet time ends (one held notice as it is; more as a count of the images they concern).
 */
export class NoticeBurst {
  readonly #say: (message: string) => void;
  readonly #timers: NoticeTimers;
  readonly #quietMs: number;
  #timer: unknown = null;
  #held: { message: string; images: number }[] = [];

  constructor(say: (message: string) => void, timers: NoticeTimers = realTimers, quietMs = QUIET_MS) {
    this.#say = say;
    this.#timers = timers;
    this.#quietMs = quietMs;
  }

  /** Say `message` (about `images` images of this window) now, or with the others of its burst. */
  add(message: string, images: number): void {
    if (this.#timer === null) {
      this.#say(message);
      this.#quiet();
    } else this.#held.push({ message, images });
  }

  /** Forget held notices (the project closed). */
  clear(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#held = [];
  }

  #quiet(): void {
    this.#timer = this.#timers.setTimeout(() => this.#end(), this.#quietMs);
  }

  #end(): void {
    this.#timer = null;
    const held = this.#held;
    this.#held = [];
    if (held.length === 0) return;
    if (held.length === 1) this.#say(held[0]!.message);
    else {
      const count = held.reduce((n, h) => n + h.images, 0);
      this.#say(`Another window made ${held.length} more changes to ${images(count)} labeled or shown here.`);
    }
    this.#quiet();
  }
}
