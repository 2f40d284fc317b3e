/**
 * The random baseline: a uniformly random batch of eligible images, drawn with a generator
 * seeded from the context's seed and round (the same seed and round give the same batch).
 */
import type { QueryStrategy, SelectedImage, Selection } from './query-strategy';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  eligibleRows,
  knownDistinctiveness,
  knownUncertainty,
  type SelectionContext,
} from './selection-context';
import { randomReason } from './selection-reason';
import { deriveSeed, mulberry32, randomIndex } from '../../core/seeded-random';
import { DEFAULT_UNCERTAINTY_MEASURE } from './uncertainty';

const RANDOM_STREAM = 1;

/** `count` distinct rows drawn uniformly from `rows` (partial Fisher-Yates), in draw order. */
export function drawRandomRows(rows: Int32Array, count: number, seed: number, round: number): Int32Array {
  const shuffled = Int32Array.from(rows);
  const random = mulberry32(deriveSeed(seed, round, RANDOM_STREAM));
  const total = Math.min(count, shuffled.length);
  for (let i = 0; i < total; i++) {
    const j = i + randomIndex(random, shuffled.length - i);
    const swap = shuffled[i] as number;
    shuffled[i] = shuffled[j] as number;
    shuffled[j] = swap;
  }
  return shuffled.subarray(0, total);
}

/** A random pick, annotated with whatever D and U the context already knows. */
export function describeRandomPick(ctx: SelectionContext, row: number, reason: string): SelectedImage {
  return {
    imageId: ctx.imageIds[row] as number,
    row,
    distinctiveness: knownDistinctiveness(ctx, row),
    uncertainty: knownUncertainty(ctx, DEFAULT_UNCERTAINTY_MEASURE, row),
    lambda: null,
    score: null,
    reason,
  };
}

export class RandomStrategy implements QueryStrategy {
  readonly name = 'random';

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const rows = drawRandomRows(eligibleRows(ctx), batchSize, ctx.seed, ctx.round);
    return {
      strategy: this.name,
      round: ctx.round,
      items: Array.from(rows, (row) => describeRandomPick(ctx, row, randomReason(ctx.seed))),
    };
  }
}
