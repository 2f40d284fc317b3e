/**
 * Label changes that touch several stores: bulk labels from the gallery, class deletes, undo
 * and redo. After undo or redo the labeling view shows the image whose label changed, and the
 * Suspect labels view selects it (when it is listed); a class deleted or brought back is told in
 * a notice instead. Each waits for the
 * label view's labels still being committed, so the server sees every change in the order given
 * (undo undoes the last label given, not an earlier one).
 */
import type { GallerySelection, ImageFilter, LabelAction, LabelReplacement } from '../../src-shared/contract';
import { call } from '../api/client';
import { thisWindow } from '../api/window-id';
import { classes } from '../stores/classes.svelte';
import { duplicates } from '../stores/duplicates.svelte';
import { gallery } from '../stores/gallery.svelte';
import { labeling } from '../stores/labeling.svelte';
import { suspects } from '../stores/suspects.svelte';
import { toasts } from '../stores/toasts.svelte';
import { ui } from '../stores/ui.svelte';
import { pendingUndo, type PendingReplay } from '../stores/undo-question.svelte';
import { redoQuestion, undoQuestion, type AskingWindow } from '../logic/undo-question';

async function applyEverywhere(action: LabelAction): Promise<void> {
  labeling.apply(action);
  suspects.apply(action);
  duplicates.apply(action);
  await gallery.apply(action);
}

export async function setLabels(imageIds: number[], classId: number | null): Promise<LabelAction> {
  await labeling.committed();
  const action = await call('labels:set', { imageIds, classId });
  await applyEverywhere(action);
  return action;
}

/** The gallery's selection as requests name it: a Ctrl+A selection is resolved by the back end from the filter, whatever its size. */
function gallerySelection(): GallerySelection {
  const { all, ids } = gallery.selection;
  return all ? { kind: 'matching', filter: gallery.filter, exceptIds: [...ids] } : { kind: 'ids', imageIds: [...ids] };
}

/** Write a change of the gallery's selection. */
async function writeGallerySelection(
  matching: (filter: ImageFilter, exceptIds: number[]) => Promise<LabelAction>,
  listed: (imageIds: number[]) => Promise<LabelAction>,
): Promise<LabelAction> {
  const selection = gallerySelection();
  await labeling.committed();
  const action = selection.kind === 'matching' ? await matching(selection.filter, selection.exceptIds) : await listed(selection.imageIds);
  await applyEverywhere(action);
  return action;
}

/** What labeling the gallery's selection as `classId` (null: clearing it) would replace. */
export const gallerySelectionReplacement = (classId: number | null): Promise<LabelReplacement> =>
  call('labels:replaced', { selection: gallerySelection(), classId });

/** Label the gallery's selection (or clear its labels). */
export const labelGallerySelection = (classId: number | null): Promise<LabelAction> =>
  writeGallerySelection(
    (filter, exceptIds) => call('labels:setMatching', { filter, exceptIds, classId }),
    (imageIds) => call('labels:set', { imageIds, classId }),
  );

/** Mark the gallery's selection unsure, or take the mark away. */
export const markGallerySelectionUnsure = (unsure: boolean): Promise<LabelAction> =>
  writeGallerySelection(
    (filter, exceptIds) => call('labels:setUnsureMatching', { filter, exceptIds, unsure }),
    (imageIds) => call('labels:setUnsure', { imageIds, unsure }),
  );

const images = (n: number): string => `${n} image${n === 1 ? '' : 's'}`;

/** The notice for an action that deleted a class or brought one back; null for a label action. */
function classDeletionNotice(action: LabelAction, kind: 'delete' | 'undo' | 'redo'): string | null {
  const deletion = action.classDeletion;
  if (!deletion) return null;
  const n = action.imageIds.length;
  if (deletion.restored) {
    const back = `Class “${deletion.name}” is back${n > 0 ? ` with its ${n} label${n === 1 ? '' : 's'}` : ''}.`;
    return [back, ...deletion.notes].join(' ');
  }
  const unlabeled = n > 0 ? `; ${images(n)} became unlabeled` : ' (it had no labels)';
  return kind === 'delete' ? `Class “${deletion.name}” deleted${unlabeled}. Ctrl+Z brings it back.` : `Class “${deletion.name}” deleted again${unlabeled}.`;
}

/** A class's images' new states everywhere shown, and the class list, after an action deleted or restored a class. */
async function showClassDeletion(action: LabelAction): Promise<void> {
  await classes.load();
  await applyEverywhere(action);
  if (gallery.loaded) await gallery.reload();
}

/**
 * Delete a class: one undoable action (its images become unlabeled; Ctrl+Z brings it back with
 * them), after the labels still being committed. Resolves to the notice to show.
 */
export function deleteClass(classId: number): Promise<string> {
  return labeling.enqueue(async () => {
    await labeling.committed();
    const action = await call('classes:delete', { id: classId });
    await showClassDeletion(action);
    return classDeletionNotice(action, 'delete') ?? '';
  });
}

/** This window as the undo questions see it: its id, and when it started (a large change made before it asks before Ctrl+Z undoes it). */
const askingWindow = (): AskingWindow => ({ id: thisWindow.id, since: thisWindow.since });
const madeAt = (iso: string): string => `on ${new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;

/** Undo or redo exactly `actionId` (the back end refuses it, nothing changed, when another change came since). */
const replay = (kind: 'undo' | 'redo', actionId: number): Promise<LabelAction | null> =>
  kind === 'undo' ? call('labels:undo', { actionId }) : call('labels:redo', { actionId });

/**
 * Undo or redo the latest change, after the labels still being committed. It reads what it would
 * undo or redo first and does only that (another window's change meanwhile refuses it); an
 * import, a large change older than this window, or another window's change waits for the
 * expert's answer (`pendingUndo`, logic/undo-question.ts), and `confirmed` is that answer's change.
 */
async function undoOrRedo(kind: 'undo' | 'redo', confirmed?: PendingReplay): Promise<void> {
  await labeling.enqueue(async () => {
    await labeling.committed();
    let actionId = confirmed?.actionId;
    if (actionId === undefined) {
      const preview = await call(kind === 'undo' ? 'labels:nextUndo' : 'labels:nextRedo');
      const question = preview && (kind === 'undo' ? undoQuestion : redoQuestion)(preview, askingWindow(), madeAt);
      if (preview && question) {
        pendingUndo.ask({ kind, actionId: preview.actionId, question });
        return;
      }
      actionId = preview?.actionId;
    }
    const action = actionId === undefined ? null : await replay(kind, actionId);
    if (!action) {
      toasts.info(kind === 'undo' ? 'Nothing to undo.' : 'Nothing to redo.');
      return;
    }
    const notice = classDeletionNotice(action, kind);
    if (notice !== null) {
      await showClassDeletion(action);
      // The notice of the delete (or of the undo) this reverses no longer holds.
      const name = action.classDeletion?.name ?? '';
      toasts.dismissWhere((t) => t.message.startsWith(`Class “${name}” deleted`) || t.message.startsWith(`Class “${name}” is back`));
      toasts.info(notice);
      return;
    }
    await applyEverywhere(action);
    // Images whose label came back may belong in the gallery's filter again.
    if (gallery.loaded) await gallery.reload();
    const n = action.imageIds.length;
    if (confirmed) {
      // The expert was asked about this change: say it is done, and how to take it back.
      toasts.info(confirmed.question.done);
    } else if (ui.view === 'label' && n > 0) {
      // Ctrl+Z and Ctrl+Y are the expert's keys: a key typed after them is for this image (not a move under it).
      await labeling.showImage(action.imageIds[0]!, { byKey: true });
    } else if (ui.view === 'suspects' && suspects.show(action.imageIds)) {
      // The suspect whose label came back is selected: the next Enter answers for it.
    } else {
      // Neutral words: the change may have been a label or an unsure mark.
      toasts.info(`${kind === 'undo' ? 'Undid' : 'Redid'} the last change: ${images(n)}.`);
    }
  });
}

export const undo = (): Promise<void> => undoOrRedo('undo');
export const redo = (): Promise<void> => undoOrRedo('redo');

/** The expert's answer to the undo or redo question: undo or redo that change (only it), or nothing (Cancel keeps it). */
export function answerUndo(yes: boolean): Promise<void> {
  const pending = pendingUndo.take();
  return pending && yes ? undoOrRedo(pending.kind, pending) : Promise.resolve();
}

/**
 * Relabel the selected suspect: with `classId`, or with the suggested class when null; through
 * labels:set like every label, so the history records it and undo restores it.
 */
export async function relabelSuspect(classId: number | null): Promise<void> {
  const item = suspects.selected;
  if (!item) return;
  const target = classId ?? item.suggestedClassId;
  await labeling.enqueue(async () => {
    await setLabels([item.image.id], target);
  });
  if (suspects.selected?.image.id === item.image.id) suspects.advance();
}
