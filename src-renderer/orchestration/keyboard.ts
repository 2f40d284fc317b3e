/**
 * The one keydown handler: ignores keys while the user types in a field or a dialog is
 * open, resolves the key in the current view's context and runs the command.
 */
import type { ImageItem } from '../../src-shared/contract';
import type { Command, KeyContext } from '../logic/keymap';
import { isTypingTarget, resolveKey } from '../logic/keymap';
import { classes } from '../stores/classes.svelte';
import { connection } from '../stores/connection.svelte';
import { gallery } from '../stores/gallery.svelte';
import { labeling, type KeyOutcome } from '../stores/labeling.svelte';
import { announcer } from '../stores/announcer.svelte';
import { gallerySelectionReplacement, labelGallerySelection, markGallerySelectionUnsure, redo, relabelSuspect, undo } from './label-commands';
import { RELABEL_CONFIRM_AT, relabelQuestion } from '../logic/relabel-question';
import { suspects } from '../stores/suspects.svelte';
import { openInLabeling, showView, switchToBatch } from './navigation';
import { project } from '../stores/project.svelte';
import { suggestions } from '../stores/suggestions.svelte';
import { ERROR_MS, toasts } from '../stores/toasts.svelte';
import { call } from '../api/client';
import { ui } from '../stores/ui.svelte';
import { viewer } from '../stores/viewer.svelte';
import { NotSavedReporter, type LabelChange } from '../logic/not-saved';

export const LABEL_KEY_MARK = 'adma:label-key';
/** The frame after the image's rendition (or original, when smaller) is shown. */
export const IMAGE_SHOWN_MARK = 'adma:image-shown';
/** The frame after the image first shows: its thumbnail scaled up, or its rendition if that came first. */
export const IMAGE_FIRST_PAINT_MARK = 'adma:image-first-paint';

const CHANGES_LABELS = new Set<Command['kind']>(['label', 'accept', 'clear', 'unsure', 'undo', 'redo']);

function context(): KeyContext {
  return ui.view === 'label' ? 'label' : ui.view === 'gallery' ? 'gallery' : ui.view === 'suspects' ? 'suspects' : 'other';
}

const fail = (what: string) => (error: unknown) => toasts.error(error, what);

/** The view moved on at the key press; a change whose commit failed brings it back to its image, said with those failing together (NotSavedReporter). */
const notSaved = new NotSavedReporter(
  (error, words) => toasts.error(error, words),
  (words) => toasts.dismissWhere((toast) => toast.kind === 'error' && toast.message.startsWith(`${words}: `)),
  ERROR_MS,
);
const failChange = (change: LabelChange) => (error: unknown) => notSaved.failed(change, error);

/** Said on screen and to a screen reader: what a key did that the view does not show. */
function tell(words: string): void {
  toasts.info(words);
  announcer.say(words);
}

/**
 * Say what a label view key did when the view moved under it (labeling's `keyTarget`): a change
 * made to an image no longer on screen ("Labeled img-12.png as basophil (the image on screen
 * when you pressed the key).": `done` words the change for the image's name), or a key dropped
 * ("The view changed before Skip took effect; nothing was skipped.": `what` is "Skip",
 * `nothing` "nothing was skipped"). A key whose project was left before its turn (`left`) says
 * nothing: the expert left it.
 */
function sayKeyOutcome(outcome: KeyOutcome, what: string, nothing: string, done: (name: string) => string = () => ''): void {
  if (outcome.kind === 'dropped') tell(`The view changed before ${what} took effect; ${nothing}.`);
  else if (outcome.kind === 'done' && !outcome.onScreen) tell(`${done(outcome.item.relPath)} (the image on screen when you pressed the key).`);
}

const className = (classId: number | null): string => (classId === null ? 'no class' : (classes.byId.get(classId)?.name ?? 'a class'));

/**
 * Label the gallery's selection (null: clear its labels). A write that would replace many labels
 * (RELABEL_CONFIRM_AT) asks first; `confirmed` is the expert's yes.
 */
async function labelSelection(classId: number | null, confirmed = false): Promise<void> {
  if (gallery.selectedCount === 0) {
    toasts.info('Select images first (click, Shift+click, Ctrl+A).');
    return;
  }
  if (!confirmed && gallery.selectedCount >= RELABEL_CONFIRM_AT) {
    const target = classId === null ? null : (classes.byId.get(classId)?.name ?? 'class');
    const question = relabelQuestion(await gallerySelectionReplacement(classId), target, (id) => classes.byId.get(id)?.name);
    if (question) {
      gallery.askRelabel(classId, question);
      return;
    }
  }
  const n = (await labelGallerySelection(classId)).imageIds.length;
  const name = classId === null ? null : (classes.byId.get(classId)?.name ?? 'class');
  // A key on a large selection (Ctrl+A) replaces many labels at once: say how to take it back.
  const back = n > 1 ? ' Ctrl+Z undoes it.' : '';
  toasts.info(name ? `Labeled ${n} image${n === 1 ? '' : 's'} as “${name}”.${back}` : `Cleared the label of ${n} image${n === 1 ? '' : 's'}.${back}`);
}

/** The expert's answer to the relabel question: write the waiting label change, or drop it. */
export function answerRelabel(yes: boolean): void {
  const pending = gallery.takeRelabel();
  if (!pending || !yes) return;
  const refused = noConnection();
  if (refused) toasts.info(refused);
  else labelSelection(pending.classId, true).catch(fail(pending.classId === null ? 'The labels were not cleared' : 'The labels were not saved'));
}

/** The gallery's `.`: mark the selection unsure; in the Unsure filter (all of it is), take the mark away. */
async function markSelectionUnsure(): Promise<void> {
  if (gallery.selectedCount === 0) {
    toasts.info('Select images first (click, Shift+click, Ctrl+A).');
    return;
  }
  const unsure = gallery.filter.kind !== 'unsure';
  const n = (await markGallerySelectionUnsure(unsure)).imageIds.length;
  toasts.info(unsure ? `Marked ${n} image${n === 1 ? '' : 's'} unsure.` : `Took the unsure mark from ${n} image${n === 1 ? '' : 's'}.`);
}

/**
 * Why a label change is refused now, or null when the link is open: with it down a change could
 * only be shown, not saved, so it changes nothing (the view stays on its image).
 */
function noConnection(): string | null {
  const { state } = connection.status;
  if (state === 'open') return null;
  return state === 'refused'
    ? 'Not saved: this page is no longer connected to ADMA Studio (see the banner). Nothing changed.'
    : 'Not saved: ADMA Studio is not connected (see the banner). Nothing changed; press the key again once the connection is back.';
}

export function run(command: Command): void {
  // With the link down a label change could only be shown, not saved: refuse it on the spot
  // rather than move on as if it had been made (the view stays on the image).
  const refused = CHANGES_LABELS.has(command.kind) ? noConnection() : null;
  if (refused) {
    toasts.info(refused);
    return;
  }
  const inLabel = ui.view === 'label';
  switch (command.kind) {
    case 'label':
      if (ui.view === 'suspects') relabelSuspect(command.classId).catch(fail('The label was not saved'));
      else if (inLabel) {
        performance.mark(LABEL_KEY_MARK);
        labeling
          .label(command.classId)
          .then((outcome) => sayKeyOutcome(outcome, 'the label key', 'nothing was labeled', (name) => `Labeled ${name} as ${className(command.classId)}`))
          .catch(failChange('The label'));
      } else labelSelection(command.classId).catch(fail('The labels were not saved'));
      return;
    case 'accept': {
      if (ui.view === 'suspects') {
        relabelSuspect(null).catch(fail('The label was not saved'));
        return;
      }
      const item = labeling.current;
      if (!item) return;
      if (labeling.source.kind === 'evaluation') {
        toasts.info('The evaluation set is labeled without suggestions, so that its accuracy stays an honest estimate.');
        return;
      }
      performance.mark(LABEL_KEY_MARK);
      // The shown suggestion may have been dropped by a newer model a moment ago: ask again.
      const known = suggestions.get(item.id);
      const suggestion = known !== undefined ? Promise.resolve(known) : call('loop:suggestion', { imageId: item.id });
      // The image the key goes to (it may not be `item` when the view moved under the key).
      let target: ImageItem | null = null;
      let accepted: number | null = null;
      // The key is the image's on screen now, also when the view moves before the suggestion is known.
      labeling
        .labelOnceKnown(suggestion, (labeled, s) => {
          target = labeled;
          accepted = labeled.id === item.id ? (s?.classId ?? null) : (suggestions.get(labeled.id)?.classId ?? null);
          return accepted;
        })
        .then((outcome) => {
          sayKeyOutcome(outcome, 'Enter', 'nothing was labeled', (name) => `Labeled ${name} as ${className(accepted)}`);
          if (outcome.kind !== 'unchanged' || target === null) return;
          if (target.id === item.id) toasts.info('No suggestion for this image yet: the model suggests a class once it has been trained on a labeled batch.');
          else tell(`The view changed before Enter took effect; ${target.relPath} has no suggestion shown yet, so nothing was labeled.`);
        })
        .catch(failChange('The label'));
      return;
    }
    case 'batch':
      switchToBatch().catch(fail('The batch could not be opened'));
      return;
    case 'clear':
      if (inLabel)
        labeling
          .clearLabel()
          .then((outcome) => sayKeyOutcome(outcome, 'the clear key', 'no label was cleared', (name) => `Cleared the label of ${name}`))
          .catch(fail('The label was not cleared, back on its image'));
      else labelSelection(null).catch(fail('The labels were not cleared'));
      return;
    case 'unsure':
      if (ui.view === 'gallery') markSelectionUnsure().catch(fail('The unsure marks were not saved'));
      if (!inLabel) return;
      performance.mark(LABEL_KEY_MARK);
      labeling
        .toggleUnsure()
        .then((outcome) => sayKeyOutcome(outcome, 'the unsure key', 'no image was marked', (name) => `Changed the unsure mark of ${name}`))
        .catch(failChange('The unsure mark'));
      return;
    case 'undo':
      undo().catch(fail('Undo failed'));
      return;
    case 'redo':
      redo().catch(fail('Redo failed'));
      return;
    case 'skip':
      performance.mark(LABEL_KEY_MARK);
      labeling
        .skip()
        .then((outcome) => sayKeyOutcome(outcome, 'Skip', 'nothing was skipped'))
        .catch(fail('Could not move on'));
      return;
    case 'back':
      if (ui.view === 'suspects') return suspects.move(-1);
      labeling
        .back()
        .then((outcome) => sayKeyOutcome(outcome, 'Back', 'the view stays'))
        .catch(fail('Could not go back'));
      return;
    case 'forward':
      if (ui.view === 'suspects') return suspects.move(1);
      labeling
        .forward()
        .then((outcome) => sayKeyOutcome(outcome, 'Next', 'the view stays'))
        .catch(fail('Could not move on'));
      return;
    case 'zoom-in':
      viewer.zoom(1.25);
      return;
    case 'zoom-out':
      viewer.zoom(0.8);
      return;
    case 'zoom-fit':
      viewer.fit();
      return;
    case 'help':
      ui.setHelpOpen(!ui.helpOpen);
      return;
    case 'escape':
      if (ui.helpOpen) ui.setHelpOpen(false);
      else if (ui.view === 'gallery') gallery.clearSelection();
      return;
    case 'select-all':
      gallery.selectAll();
      return;
    case 'open': {
      const first = gallery.openTarget();
      if (first !== null) openInLabeling(first).catch(fail('Could not open the image'));
      return;
    }
    case 'move':
      // The gallery view scrolls the cursor into view and focuses it.
      gallery.move(command.step, command.extend).catch(fail('Could not move'));
      return;
    case 'view':
      showView(command.view);
      return;
  }
}

export function onKeydown(event: KeyboardEvent): void {
  if (!project.summary || ui.dialogOpen || event.isComposing || event.defaultPrevented) return;
  const target = event.target instanceof HTMLElement ? event.target : null;
  if (target && isTypingTarget({ tagName: target.tagName, type: target.getAttribute('type') ?? undefined, isContentEditable: target.isContentEditable })) {
    // While typing, only the view switches (Alt+digit) act; every other key belongs to the field.
    const command = resolveKey(event, 'other', classes.hotkeys);
    if (command?.kind === 'view') {
      event.preventDefault();
      run(command);
    }
    return;
  }
  // A focused button or link keeps Space and Enter for itself.
  if (target && (event.key === ' ' || event.key === 'Enter') && (target.tagName === 'BUTTON' || target.tagName === 'A')) return;
  if (ui.helpOpen) {
    if (event.key === 'Escape' || event.key === '?') {
      event.preventDefault();
      ui.setHelpOpen(false);
    }
    return;
  }
  const command = resolveKey(event, context(), classes.hotkeys);
  if (!command) return;
  event.preventDefault();
  // A held key repeats navigation, never a label change: one press, one label.
  if (event.repeat && CHANGES_LABELS.has(command.kind)) return;
  run(command);
}

/**
 * After a mouse click, a button gives focus back to the page, so Space and Enter keep their
 * labeling meaning instead of pressing that button again. Keyboard activation (detail 0)
 * keeps focus where it is.
 */
export function onClickCapture(event: MouseEvent): void {
  if (event.detail === 0 || !(event.target instanceof Element)) return;
  const button = event.target.closest('button');
  if (button && !button.closest('dialog, form, [role="dialog"]')) queueMicrotask(() => button.blur());
}
