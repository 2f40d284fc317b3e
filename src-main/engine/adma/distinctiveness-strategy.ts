/**
 * The distinctiveness baseline: query the b images with the highest D (ADMA with lambda
 * fixed at 0), ties broken by smaller image id.
 */
import { DistinctivenessCache } from './distinctiveness-cache';
import { DEFAULT_DISTINCTIVENESS_OPTIONS, type DistinctivenessOptions } from './distinctiveness';
import type { QueryStrategy, Selection } from './query-strategy';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  eligibleRows,
  knownUncertainty,
  type SelectionContext,
} from './selection-context';
import { distinctiveReason } from './selection-reason';
import { topRowsByScore } from './top-score-ranking';
import { DEFAULT_UNCERTAINTY_MEASURE } from './uncertainty';

export class DistinctivenessStrategy implements QueryStrategy {
  readonly name = 'distinctiveness';
  private readonly cache: DistinctivenessCache;

  constructor(options: DistinctivenessOptions = DEFAULT_DISTINCTIVENESS_OPTIONS) {
    this.cache = new DistinctivenessCache(options);
  }

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const distinctiveness = this.cache.get(ctx);
    const rows = topRowsByScore(eligibleRows(ctx), distinctiveness, ctx.imageIds, batchSize);
    return {
      strategy: this.name,
      round: ctx.round,
      items: Array.from(rows, (row) => {
        const d = distinctiveness[row] as number;
        return {
          imageId: ctx.imageIds[row] as number,
          row,
          distinctiveness: d,
          uncertainty: knownUncertainty(ctx, DEFAULT_UNCERTAINTY_MEASURE, row),
          lambda: 0,
          score: d,
          reason: distinctiveReason(d),
        };
      }),
    };
  }
}
