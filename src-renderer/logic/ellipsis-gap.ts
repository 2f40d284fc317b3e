/**
 * A name cut in its middle ("neutro…042.png": the head cut with `text-overflow: ellipsis`, the
 * tail whole beside it) showed a gap after the "…" of up to a character's width. The head's box
 * is as wide as the flex layout gives it, at no character boundary; the browser draws the
 * characters that fit with the ellipsis, and what is left of the box (less than a character)
 * stays empty between the "…" and the tail. No CSS places that room elsewhere (`text-align`
 * does not apply to a line cut with an ellipsis, in Chromium). So it is measured, and what comes
 * before the tail is moved right by it (a transform: no layout changes, nothing measured again
 * in a loop); the room then lies where the caption has room anyway, before the name.
 */

/** The width of the room left after the "…" of a head cut with an ellipsis; 0 when it is not cut. */
export function ellipsisGap(head: HTMLElement): number {
  const text = head.firstChild;
  if (!(text instanceof Text) || head.scrollWidth <= head.clientWidth) return 0;
  const box = head.getBoundingClientRect();
  const end = box.right - ellipsisWidth(head);
  // The characters drawn: the longest start of the text that ends at or before `end`.
  const range = document.createRange();
  range.setStart(text, 0);
  let fit = 0;
  for (let lo = 0, hi = text.length; lo <= hi; ) {
    const mid = Math.floor((lo + hi) / 2);
    range.setEnd(text, mid);
    if (mid === 0 || range.getBoundingClientRect().right <= end + 0.5) {
      fit = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  range.setEnd(text, fit);
  const drawn = fit === 0 ? box.left : range.getBoundingClientRect().right;
  return Math.max(0, Math.floor(end - drawn));
}

const widths = new Map<string, number>();
let context: CanvasRenderingContext2D | null = null;

/** The ellipsis's width in the element's font (measured once per font). */
function ellipsisWidth(element: HTMLElement): number {
  const font = getComputedStyle(element).font;
  let width = widths.get(font);
  if (width === undefined) {
    context ??= document.createElement('canvas').getContext('2d');
    if (!context) return 0;
    context.font = font;
    width = context.measureText('…').width;
    widths.set(font, width);
  }
  return width;
}

/** Each observed head's measure, run again when its box changes (one observer for every tile). */
const measures = new Map<Element, () => void>();
let observer: ResizeObserver | null = null;

/**
 * Keep `--ellipsis-gap` on `target` the room after `head`'s "…", measured when `head` is first
 * observed and whenever its box changes; returns the function that stops.
 */
export function followEllipsisGap(head: HTMLElement, target: HTMLElement): () => void {
  const measure = (): void => {
    const gap = ellipsisGap(head);
    if (gap > 0) target.style.setProperty('--ellipsis-gap', `${gap}px`);
    else target.style.removeProperty('--ellipsis-gap');
  };
  observer ??= new ResizeObserver((entries) => {
    for (const entry of entries) measures.get(entry.target)?.();
  });
  measures.set(head, measure);
  observer.observe(head);
  return () => {
    measures.delete(head);
    observer?.unobserve(head);
  };
}
