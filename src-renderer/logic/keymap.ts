/**
 * The keyboard map. Digits 0–9 and letters belong to classes (their hotkeys); commands use
 * other keys or modifiers, so a class key can never collide with a command. One table
 * drives both key resolution and the help overlay.
 */
import type { GridStep } from './range-selection';

export type ViewName = 'label' | 'gallery' | 'classes' | 'history' | 'adapt' | 'dashboard' | 'suspects' | 'duplicates';
export type KeyContext = 'label' | 'gallery' | 'suspects' | 'other';

export type Command =
  | { kind: 'label'; classId: number }
  | { kind: 'clear' }
  | { kind: 'unsure' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'skip' }
  | { kind: 'accept' }
  | { kind: 'batch' }
  | { kind: 'back' }
  | { kind: 'forward' }
  | { kind: 'zoom-in' }
  | { kind: 'zoom-out' }
  | { kind: 'zoom-fit' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'select-all' }
  | { kind: 'open' }
  | { kind: 'move'; step: GridStep; extend: boolean }
  | { kind: 'view'; view: ViewName };

export interface KeyInput {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface Binding {
  /** How the keys are written in the help overlay. */
  keys: string[];
  description: string;
  contexts: readonly KeyContext[];
  matches(input: KeyInput): boolean;
  command: Command;
}

const ALL: readonly KeyContext[] = ['label', 'gallery', 'suspects', 'other'];
const primary = (i: KeyInput): boolean => i.ctrlKey || i.metaKey;
const plain = (i: KeyInput): boolean => !i.ctrlKey && !i.metaKey && !i.altKey;

const ARROWS: Record<string, GridStep> = {
  ArrowLeft: { dx: -1, dy: 0 },
  ArrowRight: { dx: 1, dy: 0 },
  ArrowUp: { dx: 0, dy: -1 },
  ArrowDown: { dx: 0, dy: 1 },
};

/** The gallery's Home and End (the ends of the row), with Ctrl the first and the last image. */
const gridEnd = (i: KeyInput): GridStep | null =>
  i.altKey ? null : i.key === 'Home' ? { to: primary(i) ? 'first' : 'row-start' } : i.key === 'End' ? { to: primary(i) ? 'last' : 'row-end' } : null;

const VIEW_KEYS: { code: string; view: ViewName; name: string }[] = [
  { code: 'Digit1', view: 'label', name: 'Label' },
  { code: 'Digit2', view: 'gallery', name: 'Gallery' },
  { code: 'Digit3', view: 'classes', name: 'Classes' },
  { code: 'Digit4', view: 'history', name: 'History' },
  { code: 'Digit5', view: 'adapt', name: 'Adapt (model, queue, rounds)' },
  { code: 'Digit6', view: 'dashboard', name: 'Dashboard (accuracy, export)' },
  { code: 'Digit7', view: 'suspects', name: 'Suspect labels (labels the model disagrees with)' },
  { code: 'Digit8', view: 'duplicates', name: 'Duplicates (near and exact copies)' },
];

export const bindings: readonly Binding[] = [
  {
    keys: ['Ctrl+Z'],
    description: 'Undo the last label change (and show that image) or class delete',
    contexts: ALL,
    matches: (i) => primary(i) && !i.shiftKey && !i.altKey && i.key.toLowerCase() === 'z',
    command: { kind: 'undo' },
  },
  {
    keys: ['Ctrl+Shift+Z', 'Ctrl+Y'],
    description: 'Redo',
    contexts: ALL,
    matches: (i) =>
      primary(i) && !i.altKey && ((i.shiftKey && i.key.toLowerCase() === 'z') || (!i.shiftKey && i.key.toLowerCase() === 'y')),
    command: { kind: 'redo' },
  },
  {
    keys: ['Space'],
    description: 'Skip: leave unlabeled, go to the next unlabeled image',
    contexts: ['label'],
    matches: (i) => plain(i) && i.key === ' ',
    command: { kind: 'skip' },
  },
  {
    keys: ['Enter'],
    description: "Accept the model's suggestion (label the image with the suggested class)",
    contexts: ['label'],
    matches: (i) => plain(i) && i.key === 'Enter',
    command: { kind: 'accept' },
  },
  {
    keys: ['Ctrl+B'],
    description: "Label the active loop's batch instead of what the label view shows (the folder order offers it when one is ready); the image on screen stays until the batch is read",
    contexts: ['label'],
    matches: (i) => primary(i) && !i.shiftKey && !i.altKey && i.key.toLowerCase() === 'b',
    command: { kind: 'batch' },
  },
  {
    keys: ['←'],
    description: 'Previous image',
    contexts: ['label'],
    matches: (i) => plain(i) && i.key === 'ArrowLeft',
    command: { kind: 'back' },
  },
  {
    keys: ['→'],
    description: 'Next image (labeled or not)',
    contexts: ['label'],
    matches: (i) => plain(i) && i.key === 'ArrowRight',
    command: { kind: 'forward' },
  },
  {
    keys: ['Enter'],
    description: 'Suspect labels: relabel the selected image with the suggested class (a class key picks another)',
    contexts: ['suspects'],
    matches: (i) => plain(i) && i.key === 'Enter',
    command: { kind: 'accept' },
  },
  {
    keys: ['↑', '←'],
    description: 'Suspect labels: previous image',
    contexts: ['suspects'],
    matches: (i) => plain(i) && (i.key === 'ArrowUp' || i.key === 'ArrowLeft'),
    command: { kind: 'back' },
  },
  {
    keys: ['↓', '→'],
    description: 'Suspect labels: next image',
    contexts: ['suspects'],
    matches: (i) => plain(i) && (i.key === 'ArrowDown' || i.key === 'ArrowRight'),
    command: { kind: 'forward' },
  },
  {
    keys: ['.'],
    description:
      'Unsure: you cannot decide; kept out of training, in its own gallery filter (press again to take the mark away; in the gallery: marks the selection, or in the Unsure filter takes the mark away)',
    contexts: ['label', 'gallery'],
    matches: (i) => plain(i) && (i.key === '.' || i.code === 'NumpadDecimal'),
    command: { kind: 'unsure' },
  },
  {
    keys: ['Backspace', 'Delete'],
    description: 'Clear the label (of the image, or of the selected images in the gallery)',
    contexts: ['label', 'gallery'],
    matches: (i) => plain(i) && (i.key === 'Backspace' || i.key === 'Delete'),
    command: { kind: 'clear' },
  },
  {
    keys: ['+', '='],
    description: 'Zoom in (the mouse wheel zooms too; drag to pan)',
    contexts: ['label'],
    matches: (i) => !primary(i) && !i.altKey && (i.key === '+' || i.key === '='),
    command: { kind: 'zoom-in' },
  },
  {
    keys: ['-'],
    description: 'Zoom out',
    contexts: ['label'],
    matches: (i) => plain(i) && (i.key === '-' || i.key === '_'),
    command: { kind: 'zoom-out' },
  },
  {
    keys: ['Ctrl+0'],
    description: 'Fit the image to the window (or double-click it)',
    contexts: ['label'],
    matches: (i) => primary(i) && !i.altKey && !i.shiftKey && (i.key === '0' || i.code === 'Digit0' || i.code === 'Numpad0'),
    command: { kind: 'zoom-fit' },
  },
  {
    keys: ['Ctrl+A'],
    description: 'Select every image in the gallery',
    contexts: ['gallery'],
    matches: (i) => primary(i) && !i.shiftKey && !i.altKey && i.key.toLowerCase() === 'a',
    command: { kind: 'select-all' },
  },
  {
    keys: ['←', '→', '↑', '↓'],
    description: 'Move the selection through the grid; with Shift, extend it',
    contexts: ['gallery'],
    matches: (i) => !primary(i) && !i.altKey && Object.hasOwn(ARROWS, i.key),
    command: { kind: 'move', step: { dx: 0, dy: 0 }, extend: false },
  },
  {
    keys: ['Home', 'End', 'Ctrl+Home', 'Ctrl+End'],
    description: 'Move the selection to the start or end of the row; with Ctrl, to the first or last image; with Shift, extend it',
    contexts: ['gallery'],
    matches: (i) => gridEnd(i) !== null,
    command: { kind: 'move', step: { to: 'first' }, extend: false },
  },
  {
    keys: ['Enter'],
    description: 'Open the selected image in the labeling view',
    contexts: ['gallery'],
    matches: (i) => plain(i) && i.key === 'Enter',
    command: { kind: 'open' },
  },
  ...VIEW_KEYS.map(
    ({ code, view, name }, n): Binding => ({
      keys: [`Alt+${n + 1}`],
      description: `Go to ${name}`,
      contexts: ALL,
      matches: (i) => i.altKey && !primary(i) && i.code === code,
      command: { kind: 'view', view },
    }),
  ),
  {
    keys: ['?'],
    description: 'Show or hide this list of keys',
    contexts: ALL,
    matches: (i) => !primary(i) && !i.altKey && i.key === '?',
    command: { kind: 'help' },
  },
  {
    keys: ['Esc'],
    description: 'Close the open overlay or dialog; in the gallery, clear the selection',
    contexts: ALL,
    matches: (i) => i.key === 'Escape',
    command: { kind: 'escape' },
  },
];

/**
 * Keys of the Classes view's rows (handled by the row with focus, not by the keyboard map):
 * Alt+↑ / Alt+↓ move the class up or down the list, which is the class bar's order too.
 */
export const classRowKeys = {
  keys: ['Alt+↑', 'Alt+↓'],
  description: 'In Classes (the row with focus): move the class up or down the list, and the class bar with it',
  /** The move a key press means on a class row: −1 up, +1 down, or null. */
  move: (i: KeyInput): -1 | 1 | null => (i.altKey && !primary(i) && !i.shiftKey ? (i.key === 'ArrowUp' ? -1 : i.key === 'ArrowDown' ? 1 : null) : null),
} as const;

/** Keys that may be class hotkeys: 0–9 and a–z. */
export const isClassKey = (key: string): boolean => /^[0-9a-z]$/.test(key);

/**
 * Why a typed character cannot be a class's key, for the Classes view: a key bound to a command
 * says which (`?` is the help), any other just what a class key may be.
 */
export function classKeyRefusal(key: string): string {
  const bound = bindings.find((b) => b.keys.includes(key));
  const rule = 'A class key is a digit (0–9) or a letter (a–z).';
  if (!bound) return `“${key}” cannot be a class key. ${rule}`;
  // The command as the help names it, up to its first explanation.
  const job = bound.description.split(/[:;(]/)[0]!.trim();
  return `“${key}” cannot be a class key: it is the key for “${job}”. ${rule}`;
}

/**
 * The keyboard help's sections (`?`): the bindings of every context first, then those of each
 * view with keys of its own. Every binding is in at least one section.
 */
export function helpSections(): { title: string; context: KeyContext | null; bindings: Binding[] }[] {
  const everywhere = (b: Binding): boolean => ALL.every((context) => b.contexts.includes(context));
  const views: { title: string; context: KeyContext }[] = [
    { title: 'Labeling', context: 'label' },
    { title: 'Gallery', context: 'gallery' },
    { title: 'Suspect labels', context: 'suspects' },
  ];
  return [
    { title: 'Everywhere', context: null, bindings: bindings.filter(everywhere) },
    ...views.map((v) => ({ ...v, bindings: bindings.filter((b) => !everywhere(b) && b.contexts.includes(v.context)) })),
  ];
}

/** The command a key press means in `context`, or null when it means nothing there. */
export function resolveKey(input: KeyInput, context: KeyContext, hotkeys: ReadonlyMap<string, number>): Command | null {
  if (plain(input) && (context === 'label' || context === 'gallery' || context === 'suspects')) {
    const key = input.key.toLowerCase();
    if (isClassKey(key)) {
      const classId = hotkeys.get(key);
      return classId === undefined ? null : { kind: 'label', classId };
    }
  }
  for (const binding of bindings) {
    if (!binding.contexts.includes(context) || !binding.matches(input)) continue;
    const command = binding.command;
    if (command.kind === 'move') return { kind: 'move', step: ARROWS[input.key] ?? gridEnd(input)!, extend: input.shiftKey };
    return command;
  }
  return null;
}

export interface TargetInfo {
  tagName: string;
  type?: string | undefined;
  isContentEditable?: boolean | undefined;
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** True while the user types in a field: shortcuts must leave those keys alone. */
export function isTypingTarget(target: TargetInfo | null): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
  return false;
}
