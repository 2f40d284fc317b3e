/**
 * The uncertainty baselines: query the b images the current target classifier is least
 * sure about under one measure (entropy, margin, least confidence or Gini), ties broken by
 * smaller image id. Before a classifier over at least two labeled classes exists,
 * uncertainty is undefined and the batch is the random baseline's (same seed, same draw),
 * which is the usual cold start of uncertainty sampling.
 */
import type { QueryStrategy, Selection, StrategyName } from './query-strategy';
import { describeRandomPick, drawRandomRows } from './random-strategy';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  competingClasses,
  eligibleRows,
  hasTargetClassifier,
  knownDistinctiveness,
  type SelectionContext,
} from './selection-context';
import { uncertainReason, uncertaintyFallbackReason } from './selection-reason';
import { topRowsByScore } from './top-score-ranking';
import { computeUncertainty, type UncertaintyMeasure } from './uncertainty';

/**
 * Before a classifier of at least two classes exists, uncertainty is undefined: a strategy
 * that needs it picks by a seeded random draw instead, and says so in each reason.
 */
export function picksWithoutClassifier(strategy: StrategyName, ctx: SelectionContext, eligible: Int32Array, batchSize: number): Selection {
  const rows = drawRandomRows(eligible, batchSize, ctx.seed, ctx.round);
  return { strategy, round: ctx.round, items: Array.from(rows, (row) => describeRandomPick(ctx, row, uncertaintyFallbackReason(ctx.seed))) };
}

export class UncertaintyStrategy implements QueryStrategy {
  constructor(readonly name: UncertaintyMeasure) {}

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const eligible = eligibleRows(ctx);
    const classifier = ctx.targetProbabilities;
    if (!classifier || !hasTargetClassifier(ctx) || ctx.labeledClassCount < 2) return picksWithoutClassifier(this.name, ctx, eligible, batchSize);
    const uncertainty = computeUncertainty(this.name, classifier);
    const rows = topRowsByScore(eligible, uncertainty, ctx.imageIds, batchSize);
    return {
      strategy: this.name,
      round: ctx.round,
      items: Array.from(rows, (row) => {
        const u = uncertainty[row] as number;
        return {
          imageId: ctx.imageIds[row] as number,
          row,
          distinctiveness: knownDistinctiveness(ctx, row),
          uncertainty: u,
          lambda: 1,
          score: u,
          reason: uncertainReason(this.name, u, competingClasses(ctx, row)),
        };
      }),
    };
  }
}
