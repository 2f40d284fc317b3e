/** The one prefetcher of full-size images for the labeling view. */
import { browserLoader, ImagePrefetcher } from '../logic/image-prefetcher';

export const PREFETCH_AHEAD = 5;
export const PREFETCH_BEHIND = 1;
export const prefetcher = new ImagePrefetcher(browserLoader, 8);
