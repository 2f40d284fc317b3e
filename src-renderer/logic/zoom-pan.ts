/**
 * Zoom and pan of one image inside a viewport. The view is a scale relative to the image's
 * natural size plus the offset of the image's top-left corner inside the viewport.
 */
export interface Size {
  width: number;
  height: number;
}

export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_ZOOM_OF_FIT = 0.25;
export const MAX_SCALE = 16;

/** Largest scale showing the whole image, never enlarging small images beyond 4×. */
export function fitScale(image: Size, box: Size): number {
  if (image.width <= 0 || image.height <= 0 || box.width <= 0 || box.height <= 0) return 1;
  return Math.min(box.width / image.width, box.height / image.height, 4);
}

export function fitView(image: Size, box: Size): View {
  const scale = fitScale(image, box);
  return { scale, x: (box.width - image.width * scale) / 2, y: (box.height - image.height * scale) / 2 };
}

/** Zoom by `factor` keeping the image point under `at` (viewport coordinates) fixed. */
export function zoomAt(view: View, factor: number, at: { x: number; y: number }, image: Size, box: Size): View {
  const min = fitScale(image, box) * MIN_ZOOM_OF_FIT;
  const scale = Math.min(MAX_SCALE, Math.max(min, view.scale * factor));
  const k = scale / view.scale;
  return { scale, x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** Wheel delta to a zoom factor: one notch (≈100 px) is about 15 %. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}
