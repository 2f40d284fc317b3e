/**
 * ADMA with a diversity-aware batch (method page, choice 4, an improvement over the paper):
 * rank by the ADMA score, keep the top `candidateFactor` x b candidates, and spread the batch
 * over them by k-means++ seeding in layer-B space. The first pick is the top score; the
 * draws use a generator seeded from the context's seed and round.
 */
import { AdmaStrategy, DEFAULT_ADMA_OPTIONS, type AdmaOptions } from './adma-strategy';
import { kmeansPlusPlusPick } from './kmeans-plus-plus';
import type { QueryStrategy, Selection } from './query-strategy';
import { assertValidBatchSize, assertValidSelectionContext, eligibleRows, type SelectionContext } from './selection-context';
import { diversityNote } from './selection-reason';
import { deriveSeed, mulberry32 } from '../../core/seeded-random';
import { topRowsByScore } from './top-score-ranking';

export interface DiverseAdmaOptions extends AdmaOptions {
  /** Candidates considered per batch slot (default 5). */
  candidateFactor: number;
}

export const DEFAULT_DIVERSE_ADMA_OPTIONS: DiverseAdmaOptions = { ...DEFAULT_ADMA_OPTIONS, candidateFactor: 5 };

const DIVERSITY_STREAM = 3;

export class DiverseAdmaStrategy implements QueryStrategy {
  readonly name = 'adma-diverse';
  private readonly scoring: AdmaStrategy;

  constructor(private readonly options: DiverseAdmaOptions = DEFAULT_DIVERSE_ADMA_OPTIONS) {
    if (!Number.isInteger(options.candidateFactor) || options.candidateFactor < 1) {
      throw new RangeError(`candidateFactor must be a whole number of at least 1; got ${options.candidateFactor}.`);
    }
    this.scoring = new AdmaStrategy(options);
  }

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const pool = this.scoring.score(ctx);
    const candidates = topRowsByScore(eligibleRows(ctx), pool.scores, ctx.imageIds, batchSize * this.options.candidateFactor);
    const random = mulberry32(deriveSeed(ctx.seed, ctx.round, DIVERSITY_STREAM));
    const picks = kmeansPlusPlusPick(candidates, ctx.featuresB, batchSize, random);
    const items = picks.map(({ row, distanceToNearestPick }) => {
      const item = this.scoring.describe(ctx, pool, row);
      if (distanceToNearestPick !== null) item.reason = `${item.reason}; ${diversityNote(distanceToNearestPick)}`;
      return item;
    });
    return { strategy: this.name, round: ctx.round, items };
  }
}
