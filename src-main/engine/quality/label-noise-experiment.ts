/**
 * The measurement behind the suspect-label queue (bench/label-quality.bench.ts and its test):
 * flip a known share of a labeled folder's labels to another class, run the app's
 * cross-validation (labelQuality) on the noisy labels, and count how many flipped images
 * rank in the top k of the queue (precision at k, k = the number flipped) and in the top 2k
 * (recall at 2k). The same run reports the calibration of the held-out predictions.
 */
import { deriveSeed, SeededRandom } from '../../core/seeded-random';
import type { HeadInputs } from '../loop/train-on-pool';
import { labelQuality, type Calibration } from './label-quality';
import { confidentLearningIssues } from './confident-learning';
import { precisionRecallAt, suspectQueue } from './suspect-labels';

const FLIP_STREAM = 0xf11b;

/**
 * A copy of `labels` with round(share * n) rows, drawn by a seeded shuffle, moved to another
 * class drawn uniformly among the other classes; returns the noisy labels and the flipped rows.
 */
export function flipLabels(labels: ArrayLike<number>, classCount: number, share: number, seed: number): { labels: number[]; flipped: Set<number> } {
  if (!(share >= 0 && share < 1)) throw new RangeError(`The share of flipped labels must be in [0, 1); got ${share}.`);
  if (classCount < 2) throw new RangeError('Flipping a label needs at least two classes.');
  const noisy = Array.from(labels);
  const random = new SeededRandom(deriveSeed(seed, FLIP_STREAM));
  const order = random.shuffled(noisy.map((_, i) => i));
  const flipped = new Set(order.slice(0, Math.round(share * noisy.length)));
  for (const row of flipped) {
    const other = random.int(classCount - 1);
    const given = noisy[row] as number;
    noisy[row] = other >= given ? other + 1 : other;
  }
  return { labels: noisy, flipped };
}

export interface NoiseExperimentResult {
  images: number;
  flipped: number;
  /** Flipped images in the top k (k = flipped) of the self-confidence ranking, over k. */
  precisionAtK: number;
  /** Flipped images in the top 2k, over k. */
  recallAt2K: number;
  /** Share of the flipped images the queue (out-of-fold argmax != given) holds, and its length. */
  queueRecall: number;
  queueLength: number;
  /** The same for confident learning's filter (confident-learning.ts), measured, not adopted. */
  confidentRecall: number;
  confidentLength: number;
  /** Precision at k with confident learning's flags listed first, then the rest of the queue (each by self-confidence). */
  confidentFirstPrecisionAtK: number;
  /** Expected precision at k of a random ranking. */
  chance: number;
  calibration: Calibration;
  millis: number;
}

/**
 * `options.rows`: the pool rows that are labeled (default every row; `trueLabels` is per pool
 * row), as an expert's few hundred labels among the pool's images.
 */
export async function runNoiseExperiment(
  inputs: HeadInputs,
  trueLabels: ArrayLike<number>,
  classCount: number,
  options: { share: number; seed: number; folds?: number; rows?: readonly number[] },
): Promise<NoiseExperimentResult> {
  const started = performance.now();
  const rows = options.rows ?? Array.from({ length: trueLabels.length }, (_, i) => i);
  const { labels, flipped: flippedAt } = flipLabels(
    rows.map((row) => trueLabels[row] as number),
    classCount,
    options.share,
    options.seed,
  );
  const flipped = new Set([...flippedAt].map((i) => rows[i] as number));
  const quality = await labelQuality({ inputs, imageIds: rows, rows, labels, classCount, seed: options.seed, ...(options.folds ? { folds: options.folds } : {}) });
  const k = flipped.size;
  // Share of the flipped images a whole list holds.
  const recall = (list: readonly { imageId: number }[]): number => precisionRecallAt(list, flipped, list.length).recall;
  const queue = suspectQueue(quality.ranked);
  const flags = confidentLearningIssues(labels, quality.probabilities, classCount, quality.judged);
  const flaggedIds = new Set([...flags].map((i) => rows[i] as number));
  const confident = quality.ranked.filter((row) => flaggedIds.has(row.imageId));
  return {
    images: labels.length,
    flipped: k,
    precisionAtK: precisionRecallAt(quality.ranked, flipped, k).precision,
    recallAt2K: precisionRecallAt(quality.ranked, flipped, 2 * k).recall,
    queueRecall: recall(queue),
    queueLength: queue.length,
    confidentRecall: recall(confident),
    confidentLength: confident.length,
    confidentFirstPrecisionAtK: precisionRecallAt([...confident, ...queue.filter((row) => !flaggedIds.has(row.imageId))], flipped, k).precision,
    chance: k / Math.max(1, labels.length),
    calibration: quality.calibration,
    millis: Math.round(performance.now() - started),
  };
}
