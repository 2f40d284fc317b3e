/** What a simulation records: one row per strategy, seed and round, and per-seed references. */
import type { StrategyName } from '../adma/query-strategy';

export interface RoundRecord {
  strategy: StrategyName;
  seed: number;
  /** t = 0, 1, ...: the batch of round t is selected, labelled, trained on, then evaluated. */
  round: number;
  /** Labels used after this round: (t + 1) * batch while the pool lasts. */
  labels: number;
  /** Accuracy on the held-out test split, in [0, 1]. */
  testAccuracy: number;
  /** Wall time of the round (selection + fine-tuning + prediction), ms. */
  millis: number;
  selectMillis: number;
  trainMillis: number;
  /** lambda_t the strategy used (null for strategies without a trade-off). */
  lambda: number | null;
  /** Image ids queried this round, in pick order. */
  queried: number[];
  /** How many queried images of each class (index into the dataset's classes). */
  batchClassCounts: number[];
  /** Mean pairwise Euclidean distance between the batch's pooled layer-B features (redundancy: small = redundant). */
  batchMeanDistanceB: number | null;
  /** Mean D of the batch. */
  batchMeanDistinctiveness: number;
  /** Target classes with at least one label after this round. */
  classesSeen: number;
  /** Epochs fine-tuning ran this round (0 while fewer than two classes have labels). */
  epochs: number;
  /** Light mode: the head's L2 penalty this round (quality/l2-choice.ts); null without a classifier or in deep mode. Absent in records written before it existed. */
  l2?: number | null;
}

/** Per seed: training on every pool label, the accuracy each strategy is measured against. */
export interface ReferenceRecord {
  seed: number;
  poolSize: number;
  testSize: number;
  testAccuracy: number;
  millis: number;
  /** Spearman correlation between D and the reference model's error 1 - p(true class) on the test images. */
  spearmanDistinctivenessVsError: number;
  /** Mean D of the test images the reference model gets wrong, and of those it gets right. */
  meanDistinctivenessOfErrors: number | null;
  meanDistinctivenessOfCorrect: number | null;
  /** Mean pairwise layer-B distance over random pool pairs (the scale for batch redundancy). */
  poolMeanDistanceB: number;
  /** Centres the distinctiveness of this seed used. */
  centres: { origin: string; count: number };
}
