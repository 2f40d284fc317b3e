/**
 * The question asked before Ctrl+Z undoes a change the expert may not have in mind: an import of
 * labels, or a large change made before this window was opened (an earlier session's, another
 * window's). The history keeps every action across sessions, so one Ctrl+Z too many could
 * otherwise take back a whole import with only a notice; and a label given after it drops the
 * redo for good. Changes made here, and small ones, are undone at once as before.
 */
import type { UndoPreview } from '../../src-shared/contract';
import { RELABEL_CONFIRM_AT, type RelabelQuestion } from './relabel-question';

export interface UndoQuestion extends RelabelQuestion {
  /** The notice once it is undone. */
  done: string;
}

/** An undo of this many images or more asks first when the change is an import or older than the window. */
export const UNDO_CONFIRM_AT = RELABEL_CONFIRM_AT;

const imagesText = (n: number): string => `${n.toLocaleString('en-US')} image${n === 1 ? '' : 's'}`;

/**
 * The question for undoing `preview`, or null to undo at once. `windowSince`: when this window
 * started (ms since the epoch); `when` formats the change's time for the message.
 */
export function undoQuestion(preview: UndoPreview, windowSince: number, when: (iso: string) => string): UndoQuestion | null {
  const earlier = Date.parse(preview.at) < windowSince;
  if (preview.images < UNDO_CONFIRM_AT || (preview.importedFrom === null && !earlier)) return null;
  const images = imagesText(preview.images);
  const what =
    preview.importedFrom !== null
      ? `the import of “${preview.importedFrom}”`
      : preview.deletedClass !== null
        ? `the deletion of class “${preview.deletedClass}”`
        : 'a change of labels';
  const undone =
    preview.deletedClass !== null
      ? `Undo brings the class back with the labels of ${images}.`
      : `Undo gives ${images} back the label or mark ${preview.images === 1 ? 'it' : 'they'} had before.`;
  return {
    title: `Undo ${what}?`,
    message: `The last change is ${what}, made ${when(preview.at)}${earlier ? ', before this window was opened' : ''}. ${undone} Ctrl+Shift+Z redoes it, until you label something else.`,
    confirmLabel: 'Undo',
    done: `Undid ${what}: ${images}. Ctrl+Shift+Z redoes it.`,
  };
}
