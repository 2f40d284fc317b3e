/** The one prefetcher of the labeling view's images (screen-sized renditions). */
import { RENDITION_EDGES } from '../../src-shared/contract';
import { mediaUrl } from '../api/bridge';
import { browserLoader, ImagePrefetcher } from '../logic/image-prefetcher';
import { renditionEdgeFor, renditionVariant } from '../logic/rendition';

export const PREFETCH_AHEAD = 5;
export const PREFETCH_BEHIND = 1;
export const prefetcher = new ImagePrefetcher(browserLoader, 8);

/** The rendition size of this screen (fixed for the session: a new size would miss the cache). */
export const SCREEN_EDGE = typeof window === 'undefined' ? RENDITION_EDGES[1] : renditionEdgeFor(window.screen, window.devicePixelRatio);

/** The label view's image: a cached rendition sized to the screen (the original when smaller). */
export function screenUrl(imageId: number): string {
  return mediaUrl(imageId, renditionVariant(SCREEN_EDGE));
}
