/**
 * The one interface every query strategy implements: ADMA, its diversity-aware variant and
 * the baselines (method page, "Baselines"). A strategy picks the next batch of unlabeled
 * pool images and says, for each, why.
 */
import { STRATEGY_NAMES, type StrategyName } from '../../../src-shared/contract';
import type { SelectionContext } from './selection-context';

// The names are part of the UI contract; the engine uses the same list.
export { STRATEGY_NAMES, type StrategyName };

export interface SelectedImage {
  imageId: number;
  /** Pool row of the image in the context's matrices. */
  row: number;
  /** D(x), when known (precomputed in the context or used by the strategy); null otherwise. */
  distinctiveness: number | null;
  /** U(x) with the strategy's measure (entropy when it has none), null while no classifier exists. */
  uncertainty: number | null;
  /** The trade-off weight behind `score`; null for strategies without one (random, core-set). */
  lambda: number | null;
  /**
   * What the strategy ranked by: s = (1 - lambda) D + lambda U for ADMA, D or U alone for those
   * baselines, the layer-B distance to the nearest labeled or already picked image for core-set,
   * null for random picks.
   */
  score: number | null;
  /** One sentence for the UI. */
  reason: string;
}

export interface Selection {
  strategy: StrategyName;
  round: number;
  /** In pick order; never a labeled or excluded image, never the same image twice. */
  items: SelectedImage[];
}

export interface QueryStrategy {
  readonly name: StrategyName;
  /** Pick up to `batchSize` images (fewer only when fewer are eligible). */
  select(ctx: SelectionContext, batchSize: number): Selection;
}

/** Whether a string (e.g. from a settings file or the command line) names a strategy. */
export function isStrategyName(value: string): value is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(value);
}
