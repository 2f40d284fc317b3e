/** Duplicates: exact and near-duplicate groups, "more like this", evaluation-set leakage. */
import { s } from '../schema';
import { command, id, query } from './request-def';
import type { ImageItem } from './images';

/**
 * The near-duplicate test's defaults (measured on planted copies of real photos, see
 * bench/README.md "Near duplicates"): layer-B cosine similarity at least MIN_SIMILARITY and
 * thumbnails' difference hashes at most MAX_HAMMING bits apart. The expert moves the
 * similarity (loop settings, `duplicateSimilarity`); the batch filter uses the same value.
 */
export const DUPLICATE_DEFAULTS = { minSimilarity: 0.8, maxHammingDistance: 16 } as const;
/**
 * The batch filter skips only near-certain copies: similarity at least the larger of the
 * project's threshold and this one, thumbnails at most this many bits apart. A slot wrongly
 * withheld silently changes what a strategy (the paper's ADMA) queries, while a copy let through
 * costs one label; at the view's looser defaults 300 MNIST digits (different drawings, no
 * copies) form 1,476 pairs, at these 4 (bench/README.md, "Near duplicates").
 */
export const BATCH_DUPLICATE_FLOOR = { minSimilarity: 0.99, maxHammingDistance: 4 } as const;
/** The range the expert can move the similarity threshold in. */
export const DUPLICATE_SIMILARITY_RANGE = { min: 0.5, max: 1 } as const;

export interface DuplicateGroup {
  /** Exact: every image has the same file content; near: joined by the near-duplicate test. */
  kind: 'exact' | 'near';
  /** The lowest feature similarity of the pairs that joined the group (1 for exact groups). */
  minSimilarity: number;
  items: ImageItem[];
  /** Ids of the group's images in the evaluation set. */
  evaluationIds: number[];
}

export interface DuplicateReport {
  minSimilarity: number;
  maxHammingDistance: number;
  groups: DuplicateGroup[];
  /** Images compared by features (those with features); exact groups cover every image. */
  compared: number;
  images: number;
  millis: number;
}

export interface SimilarItem extends ImageItem {
  similarity: number;
  /** Whether it passes the near-duplicate test with the image asked about. */
  duplicate: boolean;
}

export interface LeakagePair {
  /** The evaluation image. */
  evaluation: ImageItem;
  /** The labeled training image it duplicates. */
  training: ImageItem;
  similarity: number;
  exact: boolean;
}

export interface Leakage {
  pairs: LeakagePair[];
  /** Evaluation images with a duplicate among the training images. */
  leakedEvaluationIds: number[];
  /** False while features are not ready: only exact copies were checked. */
  nearChecked: boolean;
}

export const duplicatesRequests = {
  /** Every duplicate group of the project at a similarity threshold (the project's setting when absent). */
  'duplicates:groups': query(s.object({ minSimilarity: s.optional(s.number({ min: DUPLICATE_SIMILARITY_RANGE.min, max: DUPLICATE_SIMILARITY_RANGE.max })) })).returns<DuplicateReport>(),
  /** The images most similar to one image by features, most similar first. */
  'duplicates:similar': query(s.object({ imageId: id, count: s.int({ min: 1, max: 500 }) })).returns<SimilarItem[]>(),
  /** Evaluation images that duplicate a training image (they inflate the accuracy shown). */
  'duplicates:leakage': query(s.none()).returns<Leakage>(),
  /** Take leaked images out of the evaluation set and add as many fresh ones that duplicate no training image. */
  'duplicates:fixLeakage': command(s.none()).returns<{ removed: number; added: number; size: number }>(),
} as const;
