/**
 * What the label view shows of one image while its pieces arrive, each better than the one
 * before: the thumbnail the camera embedded in the JPEG's EXIF (read from the file's first
 * bytes, when it has one), the gallery thumbnail, the screen-sized rendition.
 * - The best piece loaded is shown; a worse one arriving later changes nothing (no flash back).
 * - A piece stays in the page while nothing better is loaded, and leaves once something is.
 * - A load of another image's piece (a previous image's element, its load overtaken by fast
 *   keys) is ignored: the view never shows a wrong image.
 * - A piece that fails to load is not shown, even when it was decoded ahead (a failed element
 *   would draw the browser's broken-image icon and its alt text over the view's message); the
 *   lesser pieces come back in its place.
 * - The first piece on screen is the image's first paint (the benchmark reads it); `prefetched`:
 *   it was decoded ahead, so on screen in the first frame after the move.
 */
export const LAYERS = ['embedded', 'thumbnail', 'rendition'] as const;
export type Layer = (typeof LAYERS)[number];

export interface ImageLayers {
  readonly imageId: number;
  /** The back end said this image has an embedded thumbnail to show. */
  readonly embedded: boolean;
  /** The best piece loaded so far. */
  readonly shown: Layer | null;
  readonly firstPaint: { readonly kind: Layer; readonly prefetched: boolean } | null;
}

const rank = (layer: Layer | null): number => (layer === null ? -1 : LAYERS.indexOf(layer));

/**
 * The layers of an image coming on screen: `decoded` are the pieces decoded ahead (shown in the
 * first frame), `embedded` whether it has an embedded thumbnail.
 */
export function startLayers(imageId: number, embedded: boolean, decoded: readonly Layer[]): ImageLayers {
  const best = [...LAYERS].reverse().find((layer) => decoded.includes(layer) && (layer !== 'embedded' || embedded)) ?? null;
  return { imageId, embedded, shown: best, firstPaint: best ? { kind: best, prefetched: true } : null };
}

/**
 * The back end said image `imageId` has an embedded thumbnail after it came on screen (the first
 * image of a session is asked about as it shows): its embedded piece may now be mounted.
 */
export function embeddedFound(state: ImageLayers, imageId: number): ImageLayers {
  return imageId !== state.imageId || state.embedded ? state : { ...state, embedded: true };
}

/** After `layer` of image `imageId` loaded: the same state when it changes nothing. */
export function layerLoaded(state: ImageLayers, imageId: number, layer: Layer): ImageLayers {
  if (imageId !== state.imageId || rank(layer) <= rank(state.shown) || (layer === 'embedded' && !state.embedded)) return state;
  return { ...state, shown: layer, firstPaint: state.firstPaint ?? { kind: layer, prefetched: false } };
}

/** After `layer` of image `imageId` failed to load: not shown any more (the same state when it was not shown). */
export function layerFailed(state: ImageLayers, imageId: number, layer: Layer): ImageLayers {
  if (imageId !== state.imageId || state.shown !== layer) return state;
  return { ...state, shown: null };
}

/** Whether `layer`'s element is in the page: the rendition always, a lesser piece while nothing better is loaded. */
export function layerMounted(state: ImageLayers, layer: Layer): boolean {
  if (layer === 'embedded' && !state.embedded) return false;
  return layer === 'rendition' || rank(state.shown) <= rank(layer);
}

/** Whether `layer` is on screen (loaded, and nothing better is). */
export const layerShown = (state: ImageLayers, layer: Layer): boolean => state.shown === layer;
