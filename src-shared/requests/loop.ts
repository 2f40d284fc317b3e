/** The active loop: settings, rounds (query a batch), training, suggestions. */
import { s, type Schema } from '../schema';
import { command, id, query } from './request-def';
import type { EngineStatus } from './engine';
import type { ImageItem, Suggestion } from './images';
import { DUPLICATE_SIMILARITY_RANGE } from './duplicates';
import type { ScoreKind } from '../typical-pick';

/** Query strategies: ADMA, its variants, the baselines and the typicality/coverage strategies. */
export const STRATEGY_NAMES = [
  'adma',
  'adma-diverse',
  'random',
  'entropy',
  'margin',
  'least-confidence',
  'gini',
  'distinctiveness',
  'coreset',
  'typiclust',
  'typical-margin',
  'adma-typical',
  'probcover',
  'badge',
] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];
/**
 * The product default, shown as "Recommended": the strategy the simulation study shows best
 * overall (bench/STUDY.md, "The product default"). ADMA and every baseline stay selectable.
 */
export const RECOMMENDED_STRATEGY: StrategyName = 'typical-margin';

/** Uncertainty measures, each scaled to [0, 1]. */
export const UNCERTAINTY_NAMES = ['entropy', 'margin', 'least-confidence', 'gini'] as const;

export type UncertaintyName = (typeof UNCERTAINTY_NAMES)[number];

export type ScheduleSetting = { kind: 'linear'; step: number } | { kind: 'exponential'; gamma: number };

export interface LoopSettings {
  strategy: StrategyName;
  batchSize: number;
  schedule: ScheduleSetting;
  uncertainty: UncertaintyName;
  mode: 'light' | 'deep';
  /** Train in the background whenever labels change and re-rank the queue. */
  continuous: boolean;
  /**
   * The images have no up or down (cells, tissue, aerial photos): the light head learns every
   * label in the 8 turns and mirrors of the image too. Off by default: wrong for digits,
   * letters and most photos.
   */
  symmetries: boolean;
  /**
   * The expert answered "Not now" to the suggestion to turn `symmetries` on (EngineStatus.symmetryCheck):
   * the training labels of the check it was shown for (SymmetryCheckOutcome.at). That check's
   * suggestion is not shown again, nor an earlier one's; a later check (more labels) that
   * suggests it asks again. Absent: not answered. Rows from before kept `true` here; the
   * project reads it as the checks kept so far (AdaptationStore.settings).
   */
  symmetriesSuggestionDismissed?: number;
  /** Near-duplicate similarity threshold (Duplicates view, batch filter, leakage check). */
  duplicateSimilarity: number;
}

/** One image of a round's batch: the image itself (as the label view shows it) and why it was queried. */
export interface QueueItem extends Omit<ImageItem, 'id'> {
  imageId: number;
  distinctiveness: number | null;
  uncertainty: number | null;
  score: number | null;
  /** What `score` is (src-shared/typical-pick.ts): a typical-first pick's typicality (no upper limit), or what the strategy ranked by. */
  scoreKind: ScoreKind;
  reason: string;
}

export interface RoundInfo {
  id: number;
  index: number;
  strategy: StrategyName;
  lambda: number | null;
  schedule: ScheduleSetting;
  batchSize: number;
  /** The version the round was opened with (the model at the end of the round before; 0: none trained). */
  modelVersion: number;
  /**
   * The version whose ranking chose the batch's undecided images again when the open batch was
   * re-ranked (continuous mode's retrains, the retrain after a switch of the pre-trained model):
   * the latest such; null when never re-ranked (`modelVersion` chose them all). Its decided
   * images stay where they were, chosen by the versions before.
   */
  rerankedWith: number | null;
  createdAt: string;
  items: QueueItem[];
  /**
   * How many of the batch are decided (labeled or marked unsure): for a closed round, those
   * decided before the next round opened (an image marked unsure counts whenever it was marked).
   * Images whose files went missing since count too (the round's record does not change).
   */
  labeled: number;
  /**
   * The batch as it was asked for: every image, also those whose files went missing since
   * (`items` holds the present ones, to label), with its mean scores (null where unscored).
   */
  asked: { count: number; distinctiveness: number | null; uncertainty: number | null; score: number | null };
  /**
   * The model in use learned every label given in this batch so far: trained after the batch
   * was asked for, from labels read after its latest label. Not merely "a newer model": one
   * trained while the batch was half labeled (Train now) has not seen the labels given since.
   */
  trained: boolean;
  /**
   * Classes with at least one training label (outside the evaluation set) after this round:
   * labels made before the next round opened, also on files missing since (the newest round:
   * every label of a present image so far).
   */
  classesLabeled: number;
}

const strategyName = s.literal(...STRATEGY_NAMES);
const schedule: Schema<ScheduleSetting> = s.variant('kind', {
  linear: s.object({ kind: s.literal('linear'), step: s.number({ min: 0.001, max: 1 }) }),
  exponential: s.object({ kind: s.literal('exponential'), gamma: s.number({ min: 0, max: 0.999 }) }),
});

export const loopRequests = {
  'loop:settings': query(s.none()).returns<LoopSettings>(),
  'loop:updateSettings': command(
    s.object({
      strategy: s.optional(strategyName),
      batchSize: s.optional(s.int({ min: 1, max: 500 })),
      schedule: s.optional(schedule),
      uncertainty: s.optional(s.literal(...UNCERTAINTY_NAMES)),
      mode: s.optional(s.literal('light', 'deep')),
      continuous: s.optional(s.boolean()),
      symmetries: s.optional(s.boolean()),
      symmetriesSuggestionDismissed: s.optional(s.int({ min: 0 })),
      duplicateSimilarity: s.optional(s.number({ min: DUPLICATE_SIMILARITY_RANGE.min, max: DUPLICATE_SIMILARITY_RANGE.max })),
    }),
  ).returns<LoopSettings>(),
  /** The open round (its batch), or null before the first. */
  'loop:currentRound': query(s.none()).returns<RoundInfo | null>(),
  /** Query a new batch (the previous one may be partly labeled). */
  'loop:nextRound': command(s.none()).returns<RoundInfo>(),
  /** Fine-tune on every training label now. */
  'loop:train': command(s.none()).returns<EngineStatus>(),
  'loop:rounds': query(s.object({ limit: s.int({ min: 1, max: 1000 }) })).returns<RoundInfo[]>(),
  /** The current model's suggestion for one image (null before a model exists). */
  'loop:suggestion': query(s.object({ imageId: id })).returns<Suggestion | null>(),
} as const;
