/**
 * The back end's answer to which images can paint at once (`images:thumbnailsCached`: a cached
 * gallery thumbnail, else a usable EXIF-embedded one, and the files it left unread this time),
 * in the shape the label view's and the gallery's thumbnail logic read.
 */
import type { ThumbnailAnswer } from '../logic/paintable-thumbnails';
import { call } from './client';

export function askPaintableThumbnails(ids: number[]): Promise<ThumbnailAnswer> {
  return call('images:thumbnailsCached', { ids }).then((answer) => ({ cached: answer.ids, embedded: answer.embedded, unchecked: answer.unchecked }));
}
