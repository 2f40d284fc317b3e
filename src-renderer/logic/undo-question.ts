/**
 * The question asked before Ctrl+Z undoes, or Ctrl+Shift+Z redoes, a change the expert may not
 * have in mind: an import of labels, a large change made before this window was opened (an
 * earlier session's), or any change made in another window while this one was open (another
 * browser tab on the same project: its user's labels must not vanish from this window's Ctrl+Z
 * unasked). The history keeps every action across sessions and windows, so one Ctrl+Z too many
 * could otherwise take back another's work with only a notice; and a label given after it drops
 * the redo for good. Changes made here, and small ones, are undone and redone at once as before.
 */
import type { UndoPreview } from '../../src-shared/contract';
import { RELABEL_CONFIRM_AT, type RelabelQuestion } from './relabel-question';

export interface UndoQuestion extends RelabelQuestion {
  /** The notice once it is done. */
  done: string;
}

/** The window that would undo or redo: its own id (api/window-id.ts) and when it opened (ms since the epoch). */
export interface AskingWindow {
  id: string;
  since: number;
}

/** An undo of this many images or more asks first when the change is an import or older than the window. */
export const UNDO_CONFIRM_AT = RELABEL_CONFIRM_AT;

const imagesText = (n: number): string => `${n.toLocaleString('en-US')} image${n === 1 ? '' : 's'}`;

/** "a", "a and b", "a, b and c". */
const joined = (words: string[]): string => (words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`);

/**
 * Whether the change was made in another window while this one was open: by a window with
 * another id (not by none: the command line), after this window opened (a reload keeps a tab's id
 * and start: api/window-id.ts). Whose a change made before this window opened was is not known
 * here: it may be this same desktop window's before the app restarted (a new window, with a new
 * id), so the rule for earlier changes holds for it.
 */
export function madeInAnotherWindow(preview: UndoPreview, window: AskingWindow): boolean {
  return preview.window !== null && preview.window !== window.id && Date.parse(preview.at) >= window.since;
}

/** The change's images by name: "a.png", "a.png and b.png", or "12 images (a.png, b.png, c.png and 9 more)". */
function imagesNamed(preview: UndoPreview): string {
  const { images, paths } = preview;
  if (images <= paths.length) return joined(paths);
  return `${imagesText(images)} (${paths.join(', ')} and ${(images - paths.length).toLocaleString('en-US')} more)`;
}

/** What a change of labels gave which images, in words: "the label “ant” given to a.png". */
function labelChange(preview: UndoPreview): string {
  const { classes, unsure, unlabeled } = preview.gave;
  const on = imagesNamed(preview);
  const plural = preview.images === 1 ? '' : 's';
  if (classes.length === 1 && unsure === 0 && unlabeled === 0) return `the label “${classes[0]!}” given to ${on}`;
  if (classes.length === 0 && unlabeled === 0) return `the unsure mark${plural} given to ${on}`;
  if (classes.length === 0 && unsure === 0) return `clearing the label${plural} of ${on}`;
  const given = [...classes.map((name) => `“${name}”`), ...(unsure > 0 ? ['unsure'] : []), ...(unlabeled > 0 ? ['none'] : [])];
  return `the labels ${joined(given)} given to ${on}`;
}

/** The change in words: an import by its file, a class deletion by its class, a change of labels by what it gave which images. */
function changeText(preview: UndoPreview): { what: string; namesImages: boolean } {
  if (preview.importedFrom !== null) return { what: `the import of “${preview.importedFrom}”`, namesImages: false };
  if (preview.deletedClass !== null) return { what: `the deletion of class “${preview.deletedClass}”`, namesImages: false };
  return { what: labelChange(preview), namesImages: true };
}

/**
 * The question for undoing `preview`, or null to undo at once. `window`: the window that would
 * undo; `when` formats the change's time for the message.
 */
export function undoQuestion(preview: UndoPreview, window: AskingWindow, when: (iso: string) => string): UndoQuestion | null {
  const elsewhere = madeInAnotherWindow(preview, window);
  const earlier = Date.parse(preview.at) < window.since;
  if (!elsewhere && (preview.images < UNDO_CONFIRM_AT || (preview.importedFrom === null && !earlier))) return null;
  const images = imagesText(preview.images);
  const { what, namesImages } = changeText(preview);
  const undone =
    preview.deletedClass !== null
      ? preview.images === 0
        ? 'Undo brings the class back (it had no labels).'
        : `Undo brings the class back with the labels of ${images}.`
      : `Undo gives ${images} back the label or mark ${preview.images === 1 ? 'it' : 'they'} had before.`;
  const made = elsewhere ? `made in another window ${when(preview.at)}` : `made ${when(preview.at)}${earlier ? ', before this window was opened' : ''}`;
  return {
    title: `Undo ${what}${elsewhere ? ', made in another window' : ''}?`,
    message: `The last change is ${what}, ${made}. ${undone} Ctrl+Shift+Z redoes it, until you label something else.`,
    confirmLabel: 'Undo',
    done: `Undid ${what}${namesImages ? '' : `: ${images}`}. Ctrl+Shift+Z redoes it.`,
  };
}

/**
 * The question for redoing `preview` (the latest change undone), or null to redo at once: a redo
 * brings back what this window just took back, so only another window's change asks.
 */
export function redoQuestion(preview: UndoPreview, window: AskingWindow, when: (iso: string) => string): UndoQuestion | null {
  if (!madeInAnotherWindow(preview, window)) return null;
  const images = imagesText(preview.images);
  const { what, namesImages } = changeText(preview);
  const redone =
    preview.deletedClass !== null
      ? preview.images === 0
        ? 'Redo deletes the class again (it has no labels).'
        : `Redo deletes the class again: ${images} become${preview.images === 1 ? 's' : ''} unlabeled.`
      : `Redo gives ${images} again the label or mark this change gave ${preview.images === 1 ? 'it' : 'them'}.`;
  return {
    title: `Redo ${what}, made in another window?`,
    message: `The last change undone is ${what}, made in another window ${when(preview.at)}. ${redone} Ctrl+Z undoes it again.`,
    confirmLabel: 'Redo',
    done: `Redid ${what}${namesImages ? '' : `: ${images}`}. Ctrl+Z undoes it again.`,
  };
}
