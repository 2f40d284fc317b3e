/** The images of the open project: pages by filter, one by id. */
import { s, type Schema } from '../schema';
import { id, query } from './request-def';

/** Long edges (px) of the screen-sized renditions: a few sizes, so that the cache is shared. */
export const RENDITION_EDGES = [1280, 1920, 2560, 3840] as const;
export type RenditionEdge = (typeof RENDITION_EDGES)[number];
/**
 * Image variants served by the media route: the original, a thumbnail, a rendition of at most that
 * long edge, the thumbnail a camera embedded in the JPEG's EXIF (when it has a usable one).
 */
export type MediaVariant = 'full' | 'thumb' | `screen${RenditionEdge}` | 'embedded';
const mediaVariant: Schema<MediaVariant> = s.literal('full', 'thumb', 'embedded', ...RENDITION_EDGES.map((edge) => `screen${edge}` as const));

/** A class suggested for an image: another model's imported prediction, else the current model's. */
export interface Suggestion {
  classId: number;
  probability: number;
  /** The project's model, or another model's predictions imported from a CSV (Labels → Import → suggestions). */
  source: 'model' | 'imported';
}

export interface ImageItem {
  id: number;
  relPath: string;
  width: number;
  height: number;
  size: number;
  mtimeMs: number;
  hash: string;
  classId: number | null;
  labeledAt: string | null;
  /** Marked unsure: the expert looked and cannot decide (never together with a class). */
  unsure: boolean;
  /** In the evaluation set: its label measures the model, it is never queried or trained on. */
  evaluation: boolean;
  /**
   * The class suggested for it (project/suggestions.ts): never for an evaluation image, whose
   * labels must not be swayed by the model they measure.
   */
  suggestion: Suggestion | null;
}

/** The expert has answered for this image: a class, or unsure. Undecided images are the ones left to label. */
export const isDecided = (item: { classId: number | null; unsure: boolean }): boolean => item.classId !== null || item.unsure;

export interface ImagePage {
  total: number;
  items: ImageItem[];
}

export type ImageFilter =
  | { kind: 'all' }
  /** Neither labeled nor marked unsure. */
  | { kind: 'unlabeled' }
  | { kind: 'labeled' }
  /** Marked unsure (the expert cannot decide). */
  | { kind: 'unsure' }
  | { kind: 'class'; classId: number }
  /** The evaluation set (never queried, never trained on). */
  | { kind: 'evaluation' }
  /** Unlabeled images the current model predicts as this class. */
  | { kind: 'predicted'; classId: number }
  /** Images whose path (folder and file name) contains `text`, ignoring case. */
  | { kind: 'name'; text: string };

/** Gallery order: file name, file date, the model's predicted class or its confidence, the last query score. */
export type ImageSortKey = 'name' | 'date' | 'prediction' | 'confidence' | 'score';
export interface ImageSort {
  key: ImageSortKey;
  descending: boolean;
}
export const IMAGE_SORT_KEYS: readonly ImageSortKey[] = ['name', 'date', 'prediction', 'confidence', 'score'];

const filter: Schema<ImageFilter> = s.variant('kind', {
  all: s.object({ kind: s.literal('all') }),
  unlabeled: s.object({ kind: s.literal('unlabeled') }),
  labeled: s.object({ kind: s.literal('labeled') }),
  unsure: s.object({ kind: s.literal('unsure') }),
  class: s.object({ kind: s.literal('class'), classId: id }),
  evaluation: s.object({ kind: s.literal('evaluation') }),
  predicted: s.object({ kind: s.literal('predicted'), classId: id }),
  name: s.object({ kind: s.literal('name'), text: s.string({ min: 1, max: 200 }) }),
});

export const imageFilterSchema = filter;

const sort: Schema<ImageSort> = s.object({ key: s.literal(...IMAGE_SORT_KEYS), descending: s.boolean() });

export const imagesRequests = {
  'images:list': query(
    s.object({ filter, sort: s.optional(sort), offset: s.int({ min: 0 }), limit: s.int({ min: 1, max: 5000 }) }),
  ).returns<ImagePage>(),
  'images:get': query(s.object({ id })).returns<ImageItem>(),
  /** Every folder that holds a present image ('/' between folders; '' for the top of the project folder), each once, in no order: the gallery's captions tell folders apart by them. */
  'images:folders': query(s.none()).returns<string[]>(),
  /** These images, in this order (those no longer present are left out): a list to review, e.g. the labeled images whose file changed. */
  'images:byIds': query(s.object({ ids: s.array(id, { max: 5000 }) })).returns<ImageItem[]>(),
  /** Render these images' thumbnails or renditions in the background (a bounded queue; the oldest wishes drop first). */
  'images:prepare': query(s.object({ ids: s.array(id, { max: 500 }), variant: mediaVariant })).returns<{ queued: number; pending: number }>(),
  /**
   * The ids among these whose thumbnail is cached (served without decoding the original), and
   * among the others those whose JPEG embeds a usable EXIF thumbnail (variant 'embedded'), and
   * those whose file the host has not read yet (a question reads files for at most ~20 ms on the
   * host's main thread): ask again about `unchecked`.
   */
  'images:thumbnailsCached': query(s.object({ ids: s.array(id, { max: 500 }) })).returns<{ ids: number[]; embedded: number[]; unchecked: number[] }>(),
} as const;
