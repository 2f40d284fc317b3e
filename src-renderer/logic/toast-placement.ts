/**
 * Where the stack of toasts goes so that it covers none of the controls the expert needs on the
 * view shown (elements marked `data-toast-avoid`, e.g. the suspects view's class buttons).
 *
 * Rules:
 * - Its usual place is the bottom right corner, `bottomGap` above the window's bottom (clear of
 *   the label view's class bar); it stays there whenever that covers nothing marked.
 * - Otherwise it moves, on the right side first, then on the left, to the nearest place (from
 *   the usual one) that covers nothing marked: just above or below a marked element, or at the
 *   top or bottom of the window.
 * - Where every place covers something (a window too small), the place covering the least area
 *   is taken; the stack never leaves the window.
 */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The stack's side (anchored `margin` from that edge of the window) and its top. */
export interface Placement {
  side: 'right' | 'left';
  top: number;
}

export const TOAST_MARGIN = 16;
export const TOAST_BOTTOM_GAP = 96;

const overlap = (a: Rect, b: Rect): number =>
  Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top));

/** Where a stack of `size` goes in a `viewport` (the window) of that size, covering none of `avoid` where it can. */
export function placeToasts(viewport: { width: number; height: number }, size: { width: number; height: number }, avoid: readonly Rect[], margin = TOAST_MARGIN, bottomGap = TOAST_BOTTOM_GAP): Placement {
  const clampTop = (top: number): number => Math.max(margin, Math.min(top, viewport.height - margin - size.height));
  const usualTop = clampTop(viewport.height - bottomGap - size.height);
  const sides = [Math.max(margin, viewport.width - margin - size.width), margin];
  const tops = [usualTop, margin, viewport.height - margin - size.height, ...avoid.flatMap((r) => [r.top - margin / 2 - size.height, r.top + r.height + margin / 2])];
  let best: { placement: Placement; covered: number; rank: number } | null = null;
  for (const [side, left] of sides.entries()) {
    for (const top of tops) {
      if (top < margin || top + size.height > viewport.height - margin) continue;
      const stack = { left, top, width: size.width, height: size.height };
      const covered = avoid.reduce((sum, r) => sum + overlap(stack, r), 0);
      // Less covered first; then the right side, then the nearest to the usual place.
      const rank = side * viewport.height * 2 + Math.abs(top - usualTop);
      if (!best || covered < best.covered || (covered === best.covered && rank < best.rank)) best = { placement: { side: side === 0 ? 'right' : 'left', top }, covered, rank };
    }
  }
  return best?.placement ?? { side: 'right', top: usualTop };
}
