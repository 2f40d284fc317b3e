import { describe, expect, it } from 'vitest';
import { bindings, classKeyRefusal, classRowKeys, helpSections, isTypingTarget, resolveKey, type KeyInput } from '../../../src-renderer/logic/keymap';

const key = (k: string, extra: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  code: extra.code ?? '',
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...extra,
});
const hotkeys = new Map([
  ['1', 10],
  ['2', 20],
  ['a', 30],
]);

describe('resolveKey', () => {
  it('maps class hotkeys to labels in the label, gallery and suspect-label views only', () => {
    expect(resolveKey(key('1'), 'label', hotkeys)).toEqual({ kind: 'label', classId: 10 });
    expect(resolveKey(key('2'), 'suspects', hotkeys)).toEqual({ kind: 'label', classId: 20 });
    expect(resolveKey(key('A', { shiftKey: true }), 'gallery', hotkeys)).toEqual({ kind: 'label', classId: 30 });
    expect(resolveKey(key('1'), 'other', hotkeys)).toBeNull();
  });

  it('in the suspect-label view, Enter accepts the suggestion and the arrows move through the queue', () => {
    expect(resolveKey(key('Enter'), 'suspects', hotkeys)).toEqual({ kind: 'accept' });
    expect(resolveKey(key('ArrowDown'), 'suspects', hotkeys)).toEqual({ kind: 'forward' });
    expect(resolveKey(key('ArrowUp'), 'suspects', hotkeys)).toEqual({ kind: 'back' });
    expect(resolveKey(key('Enter'), 'other', hotkeys)).toBeNull();
  });

  it('gives unassigned class keys no meaning rather than a command', () => {
    expect(resolveKey(key('9'), 'label', hotkeys)).toBeNull();
    expect(resolveKey(key('z'), 'label', hotkeys)).toBeNull();
  });

  it('resolves undo and both redo chords, with Ctrl or Cmd', () => {
    expect(resolveKey(key('z', { ctrlKey: true }), 'label', hotkeys)).toEqual({ kind: 'undo' });
    expect(resolveKey(key('Z', { ctrlKey: true, shiftKey: true }), 'label', hotkeys)).toEqual({ kind: 'redo' });
    expect(resolveKey(key('y', { metaKey: true }), 'gallery', hotkeys)).toEqual({ kind: 'redo' });
  });

  it('resolves navigation, clear, zoom and help in the label view', () => {
    expect(resolveKey(key(' '), 'label', hotkeys)).toEqual({ kind: 'skip' });
    expect(resolveKey(key('ArrowLeft'), 'label', hotkeys)).toEqual({ kind: 'back' });
    expect(resolveKey(key('ArrowRight'), 'label', hotkeys)).toEqual({ kind: 'forward' });
    expect(resolveKey(key('Backspace'), 'label', hotkeys)).toEqual({ kind: 'clear' });
    expect(resolveKey(key('Delete'), 'gallery', hotkeys)).toEqual({ kind: 'clear' });
    expect(resolveKey(key('+', { shiftKey: true }), 'label', hotkeys)).toEqual({ kind: 'zoom-in' });
    expect(resolveKey(key('0', { ctrlKey: true, code: 'Digit0' }), 'label', hotkeys)).toEqual({ kind: 'zoom-fit' });
    expect(resolveKey(key('0', { metaKey: true, code: 'Digit0' }), 'label', hotkeys)).toEqual({ kind: 'zoom-fit' });
    expect(resolveKey(key('0'), 'label', hotkeys)).toBeNull();
    expect(resolveKey(key('?', { shiftKey: true }), 'other', hotkeys)).toEqual({ kind: 'help' });
    expect(resolveKey(key(' '), 'gallery', hotkeys)).toBeNull();
  });

  it('moves the gallery selection with the arrows, Shift extending it', () => {
    expect(resolveKey(key('ArrowDown'), 'gallery', hotkeys)).toEqual({ kind: 'move', step: { dx: 0, dy: 1 }, extend: false });
    expect(resolveKey(key('ArrowLeft', { shiftKey: true }), 'gallery', hotkeys)).toEqual({ kind: 'move', step: { dx: -1, dy: 0 }, extend: true });
    expect(resolveKey(key('Home'), 'gallery', hotkeys)).toEqual({ kind: 'move', step: { to: 'row-start' }, extend: false });
    expect(resolveKey(key('End', { shiftKey: true }), 'gallery', hotkeys)).toEqual({ kind: 'move', step: { to: 'row-end' }, extend: true });
    expect(resolveKey(key('End', { ctrlKey: true }), 'gallery', hotkeys)).toEqual({ kind: 'move', step: { to: 'last' }, extend: false });
    expect(resolveKey(key('Home', { metaKey: true, shiftKey: true }), 'gallery', hotkeys)).toEqual({ kind: 'move', step: { to: 'first' }, extend: true });
    expect(resolveKey(key('Home'), 'label', hotkeys)).toBeNull();
    expect(resolveKey(key('ArrowLeft'), 'label', hotkeys)).toEqual({ kind: 'back' });
  });

  it('switches views with Alt+digit by physical key', () => {
    expect(resolveKey(key('¡', { altKey: true, code: 'Digit1' }), 'gallery', hotkeys)).toEqual({ kind: 'view', view: 'label' });
    expect(resolveKey(key('4', { altKey: true, code: 'Digit4' }), 'label', hotkeys)).toEqual({ kind: 'view', view: 'history' });
    expect(resolveKey(key('5', { altKey: true, code: 'Digit5' }), 'other', hotkeys)).toEqual({ kind: 'view', view: 'adapt' });
    expect(resolveKey(key('6', { altKey: true, code: 'Digit6' }), 'gallery', hotkeys)).toEqual({ kind: 'view', view: 'dashboard' });
  });

  it('lets 0 be a class hotkey like the other digits', () => {
    const withZero = new Map([['0', 40]]);
    expect(resolveKey(key('0'), 'label', withZero)).toEqual({ kind: 'label', classId: 40 });
    expect(resolveKey(key('0'), 'gallery', withZero)).toEqual({ kind: 'label', classId: 40 });
  });

  it('accepts the suggestion with Enter in the label view and opens the selection with it in the gallery', () => {
    expect(resolveKey(key('Enter'), 'label', hotkeys)).toEqual({ kind: 'accept' });
    expect(resolveKey(key('Enter'), 'gallery', hotkeys)).toEqual({ kind: 'open' });
    expect(resolveKey(key('Enter'), 'other', hotkeys)).toBeNull();
  });

  it('never binds a bare digit 0–9 or letter to a command', () => {
    for (const k of [...'0123456789abcdefghijklmnopqrstuvwxyz']) {
      expect(resolveKey(key(k), 'label', new Map())).toBeNull();
      expect(resolveKey(key(k), 'gallery', new Map())).toBeNull();
    }
  });

  it('documents every binding for the help overlay', () => {
    for (const b of bindings) {
      expect(b.keys.length).toBeGreaterThan(0);
      expect(b.description.length).toBeGreaterThan(3);
    }
  });
});

describe('isTypingTarget', () => {
  it('treats text fields as typing and other controls as not', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTypingTarget({ tagName: 'input' })).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'color' })).toBe(false);
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('the keyboard help', () => {
  it('lists every binding, the ones that work everywhere (undo, views, help) under "Everywhere"', () => {
    const sections = helpSections();
    const listed = new Set(sections.flatMap((section) => section.bindings));
    for (const b of bindings) expect(listed.has(b), b.description).toBe(true);
    const everywhere = sections.find((section) => section.title === 'Everywhere')!;
    expect(everywhere.bindings.length).toBeGreaterThan(0);
    for (const keys of [['Ctrl+Z'], ['?']]) {
      expect(everywhere.bindings.some((b) => keys.every((k) => b.keys.some((key) => key.includes(k)))), keys.join()).toBe(true);
    }
    expect(sections.find((section) => section.title === 'Suspect labels')?.bindings.length).toBeGreaterThan(0);
  });
});

describe('the class rows\' keys', () => {
  const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ key: k, code: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
  it('Alt+↑ moves up and Alt+↓ down; plain, Ctrl or Shift arrows do not move a class', () => {
    expect(classRowKeys.move(key('ArrowUp', { altKey: true }))).toBe(-1);
    expect(classRowKeys.move(key('ArrowDown', { altKey: true }))).toBe(1);
    expect(classRowKeys.move(key('ArrowDown'))).toBeNull();
    expect(classRowKeys.move(key('ArrowUp', { altKey: true, ctrlKey: true }))).toBeNull();
    expect(classRowKeys.move(key('ArrowUp', { altKey: true, shiftKey: true }))).toBeNull();
    expect(classRowKeys.move(key('ArrowLeft', { altKey: true }))).toBeNull();
  });
});

describe('classKeyRefusal', () => {
  it('says why a character cannot be a class key: the command of a bound key, else what a class key may be', () => {
    expect(classKeyRefusal('?')).toBe('“?” cannot be a class key: it is the key for “Show or hide this list of keys”. A class key is a digit (0–9) or a letter (a–z).');
    expect(classKeyRefusal('.')).toBe('“.” cannot be a class key: it is the key for “Unsure”. A class key is a digit (0–9) or a letter (a–z).');
    expect(classKeyRefusal('é')).toBe('“é” cannot be a class key. A class key is a digit (0–9) or a letter (a–z).');
  });
});
