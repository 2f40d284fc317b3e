/**
 * Which modal dialogs are open decides whether the view's shortcut keys act (keyboard.ts): a
 * dialog can open over another one, and the keys stay with the dialogs until the last closes.
 */
import { describe, expect, it } from 'vitest';
import { UiStore } from '../../../src-renderer/stores/ui.svelte';

describe('open dialogs', () => {
  it('owns the keyboard until the last of two stacked dialogs closes, in either order', () => {
    for (const firstToClose of [0, 1]) {
      const ui = new UiStore();
      expect(ui.dialogOpen).toBe(false);
      const closers = [ui.openDialog(), ui.openDialog()];
      closers[firstToClose]!();
      expect(ui.dialogOpen).toBe(true);
      closers[1 - firstToClose]!();
      expect(ui.dialogOpen).toBe(false);
    }
  });

  it('counts a dialog closed once however often its close is said', () => {
    const ui = new UiStore();
    const outer = ui.openDialog();
    const inner = ui.openDialog();
    inner();
    inner();
    expect(ui.dialogOpen).toBe(true);
    outer();
    expect(ui.dialogOpen).toBe(false);
  });
});
