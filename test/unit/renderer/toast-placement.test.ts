/**
 * Where the toasts go: their usual corner when it covers nothing marked, else the nearest place
 * that covers no control the expert needs (the suspects view's class buttons), never outside the window.
 */
import { describe, expect, it } from 'vitest';
import { placeToasts, TOAST_BOTTOM_GAP, TOAST_MARGIN, type Rect } from '../../../src-renderer/logic/toast-placement';

const window = { width: 1280, height: 720 };
const stack = { width: 400, height: 90 };
const usualTop = window.height - TOAST_BOTTOM_GAP - stack.height;
const rectOf = (side: 'right' | 'left', top: number): Rect => ({ left: side === 'right' ? window.width - TOAST_MARGIN - stack.width : TOAST_MARGIN, top, ...stack });
const intersects = (a: Rect, b: Rect): boolean => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

describe('toast placement', () => {
  it('stays in its usual corner when nothing marked is under it', () => {
    expect(placeToasts(window, stack, [])).toEqual({ side: 'right', top: usualTop });
    // A control elsewhere (the left column) changes nothing.
    expect(placeToasts(window, stack, [{ left: 20, top: 500, width: 300, height: 40 }])).toEqual({ side: 'right', top: usualTop });
  });

  it("moves off the suspects view's class buttons: to the nearest free place on the right", () => {
    // Two rows of class buttons in the right column, where the stack would be.
    const buttons: Rect = { left: 660, top: 520, width: 600, height: 70 };
    const placed = placeToasts(window, stack, [buttons]);
    expect(placed.side).toBe('right');
    expect(intersects(rectOf('right', placed.top), buttons)).toBe(false);
    // The nearest such place: just below the buttons (there is room there); without that room, just above them.
    expect(placed.top).toBe(buttons.top + buttons.height + TOAST_MARGIN / 2);
    const lower = { ...buttons, top: 560 };
    expect(placeToasts(window, stack, [lower])).toEqual({ side: 'right', top: lower.top - TOAST_MARGIN / 2 - stack.height });
  });

  it('takes the left side when the whole right side is taken, and the least covered place when everything is', () => {
    const rightColumn: Rect = { left: 640, top: 0, width: 640, height: 720 };
    expect(placeToasts(window, stack, [rightColumn]).side).toBe('left');
    const everything: Rect = { left: 0, top: 0, width: 1280, height: 700 };
    const placed = placeToasts(window, stack, [everything]);
    // Only the bottom strip is partly free: the stack sits as low as the window allows.
    expect(placed.top).toBe(window.height - TOAST_MARGIN - stack.height);
  });

  it('never leaves the window', () => {
    for (const top of [0, 100, 300, 600, 700]) {
      const placed = placeToasts(window, stack, [{ left: 0, top, width: 1280, height: 30 }]);
      expect(placed.top).toBeGreaterThanOrEqual(TOAST_MARGIN);
      expect(placed.top + stack.height).toBeLessThanOrEqual(window.height - TOAST_MARGIN);
    }
    // A stack taller than the window: its usual place, clamped to the top margin.
    expect(placeToasts({ width: 500, height: 80 }, stack, []).top).toBe(TOAST_MARGIN);
  });
});
