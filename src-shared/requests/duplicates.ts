/** Duplicates: exact and near-duplicate groups, "more like this", evaluation-set leakage. */
import { s } from '../schema';
import { command, id, query } from './request-def';
import type { ImageItem } from './images';

/**
 * The near-duplicate test's defaults (measured on planted copies of real photos and on sets
 * without copies, see bench/README.md "Near duplicates"): layer-B cosine similarity at least
 * `minSimilarity`, thumbnails' difference hashes at most `maxHammingDistance` bits apart and
 * their gradient codes correlated at least `minThumbnailCorrelation`. The expert moves the
 * similarity (loop settings, `duplicateSimilarity`); the Duplicates view, the leakage check
 * and the batch filter of every strategy use the same test at that value.
 */
export const DUPLICATE_DEFAULTS = { minSimilarity: 0.7, maxHammingDistance: 20, minThumbnailCorrelation: 0.95 } as const;
/** The near-duplicate test at a similarity threshold (the project's `duplicateSimilarity`). */
export function duplicateCriteria(minSimilarity: number): { minSimilarity: number; maxHammingDistance: number; minThumbnailCorrelation: number } {
  return { ...DUPLICATE_DEFAULTS, minSimilarity };
}
/** The range the expert can move the similarity threshold in. */
export const DUPLICATE_SIMILARITY_RANGE = { min: 0.5, max: 1 } as const;

export interface DuplicateGroup {
  /** Exact: every image has the same file content; near: joined by the near-duplicate test. */
  kind: 'exact' | 'near';
  /**
   * The lowest and highest feature similarity of the pairs that joined the group (1 for exact
   * groups and for exact copies). Every pair that joined it passed the near-duplicate test at the
   * report's threshold, so both are at least the threshold; two images joined only through
   * others were not compared, and may be less alike than the lowest.
   */
  minSimilarity: number;
  maxSimilarity: number;
  items: ImageItem[];
  /** Ids of the group's images in the evaluation set. */
  evaluationIds: number[];
}

export interface DuplicateReport {
  minSimilarity: number;
  maxHammingDistance: number;
  minThumbnailCorrelation: number;
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
  /**
   * Every duplicate group of the project at a similarity threshold (the project's setting when
   * absent). The all-pairs search is a `duplicates` job (progress events); a newer request, or
   * `duplicates:cancel`, cancels a running one (from its arrival on: while the image features are
   * still loaded for it too), which then fails with CANCELLED saying which (any window may have asked). CANCELLED also comes without either: nothing was done, try again
   * (features unloaded or replaced meanwhile, the engine stopped).
   */
  'duplicates:groups': query(s.object({ minSimilarity: s.optional(s.number({ min: DUPLICATE_SIMILARITY_RANGE.min, max: DUPLICATE_SIMILARITY_RANGE.max })) })).returns<DuplicateReport>(),
  /** The images most similar to one image by features, most similar first. */
  'duplicates:similar': query(s.object({ imageId: id, count: s.int({ min: 1, max: 500 }) })).returns<SimilarItem[]>(),
  /** Evaluation images that duplicate a training image (they inflate the accuracy shown). */
  'duplicates:leakage': query(s.none()).returns<Leakage>(),
  /** Take leaked images out of the evaluation set and add as many fresh ones that duplicate no training image. */
  'duplicates:fixLeakage': command(s.none()).returns<{ removed: number; added: number; size: number }>(),
  /** Cancel the running search for groups; false when none was running. */
  'duplicates:cancel': command(s.none()).returns<{ cancelled: boolean }>(),
} as const;
