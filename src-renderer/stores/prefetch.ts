/** The prefetchers of the labeling view's images: screen-sized renditions, and thumbnails. */
import { RENDITION_EDGES } from '../../src-shared/contract';
import { mediaUrl } from '../api/bridge';
import { call } from '../api/client';
import { askPaintableThumbnails } from '../api/thumbnail-question';
import { browserLoader, ImagePrefetcher } from '../logic/image-prefetcher';
import { renditionEdgeFor, renditionVariant } from '../logic/rendition';
import { ThumbnailsAhead } from '../logic/thumbnails-ahead';

export const PREFETCH_AHEAD = 5;
export const PREFETCH_BEHIND = 1;
export const prefetcher = new ImagePrefetcher(browserLoader, 8);

/** The rendition size of this screen (fixed for the session: a new size would miss the cache). */
export const SCREEN_EDGE = typeof window === 'undefined' ? RENDITION_EDGES[1] : renditionEdgeFor(window.screen, window.devicePixelRatio);

/** The label view's image: a cached rendition sized to the screen (the original when smaller). */
export function screenUrl(imageId: number): string {
  return mediaUrl(imageId, renditionVariant(SCREEN_EDGE));
}

/** The thumbnail the label view shows, scaled up, while an image's rendition is on its way. */
export function thumbUrl(imageId: number): string {
  return mediaUrl(imageId, 'thumb');
}

/** The thumbnail the camera embedded in the image's EXIF (only for images the back end said have one). */
export function embeddedUrl(imageId: number): string {
  return mediaUrl(imageId, 'embedded');
}

/**
 * Thumbnails decoded in the page: those of the images next to the labeler, and those of the list
 * ahead (up to THUMBNAILS_AHEAD) that the back end has cached. Small (a 256 px WebP, ~0.2 MB
 * decoded), so a key pressed faster than the renditions come still shows the next image at once.
 */
export const THUMBNAILS_AHEAD = 200;
export const thumbnailPrefetcher = new ImagePrefetcher(browserLoader, 20);
/**
 * The EXIF-embedded thumbnails of the same images that have no cached thumbnail (~160×120, a
 * read of the file's first bytes on the back end): the first paint before any thumbnail exists.
 */
export const embeddedPrefetcher = new ImagePrefetcher(browserLoader, 20);
/** Told which images have an embedded thumbnail, as the answers come (the view on one of them shows it). */
const embeddedListeners = new Set<(ids: readonly number[]) => void>();
const thumbnailsAhead = new ThumbnailsAhead(
  askPaintableThumbnails,
  (thumbnails, embedded) => {
    thumbnailPrefetcher.want(thumbnails.map(thumbUrl));
    embeddedPrefetcher.want(embedded.map(embeddedUrl));
  },
  undefined,
  undefined,
  (ids) => {
    for (const listener of embeddedListeners) listener(ids);
  },
);

/** Whether image `id` has an embedded thumbnail to show (as far as the label view has asked). */
export const hasEmbeddedThumbnail = (id: number): boolean => thumbnailsAhead.hasEmbedded(id);

/** Call `listener` with the images found to have an embedded thumbnail, from now on; returns the unsubscribe. */
export function onEmbeddedThumbnails(listener: (ids: readonly number[]) => void): () => void {
  embeddedListeners.add(listener);
  return () => embeddedListeners.delete(listener);
}

/**
 * Load the thumbnails of `near` (the images next to the labeler) and of the cached ones among
 * `ahead`; `current` (the image on screen) is asked about at once for an embedded thumbnail.
 */
export function prefetchThumbnails(near: readonly number[], ahead: readonly number[], current: number | null): void {
  thumbnailsAhead.show(near, ahead, current);
}

/** Images past the labeling position whose thumbnail and rendition the back end renders ahead. */
export const PREPARE_AHEAD = 40;
/**
 * Ask again once this many of the images ahead have not been asked for: the whole list ahead
 * is sent again, so the back end (which serves the newest wish first) renders the images next
 * to the labeler before those a fast labeler has already passed.
 */
const PREPARE_BATCH = 5;
const prepared = new Set<number>();

/**
 * Have the back end render `ahead` (the next images, in order) in its bounded background queue.
 * A lost wish costs nothing but speed: the image is rendered when shown.
 */
export function prepareAhead(ahead: readonly number[]): void {
  const fresh = ahead.filter((id) => !prepared.has(id));
  if (fresh.length < Math.min(PREPARE_BATCH, ahead.length) || fresh.length === 0) return;
  if (prepared.size > 5000) prepared.clear();
  for (const id of ahead) prepared.add(id);
  // Renditions last, so they come first: a rendition's decode also stores the image's
  // thumbnail, which then costs nothing.
  for (const variant of ['thumb', renditionVariant(SCREEN_EDGE)] as const) {
    call('images:prepare', { ids: [...ahead], variant }).catch(() => {
      for (const id of fresh) prepared.delete(id);
    });
  }
}

/** Stop every prefetch and forget what was asked (the project is closing: its images are gone). */
export function clearPrefetches(): void {
  prefetcher.clear();
  thumbnailPrefetcher.clear();
  embeddedPrefetcher.clear();
  thumbnailsAhead.clear();
  prepared.clear();
}
