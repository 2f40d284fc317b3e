/**
 * The one near-duplicate filter between a strategy's ranking and the batch, for every
 * strategy (strategy-registry.ts wraps each one): no batch slot goes to a near duplicate
 * (near-duplicates.ts) of an image already labeled, of an evaluation image, or of an image
 * already in the batch. Labeling a copy teaches the model nothing new, and labeling a copy of
 * an evaluation image leaks it into training.
 *
 * The strategy picks as usual; picks that duplicate a labeled or evaluation image or an
 * earlier kept pick are dropped, added to the excluded images, and the strategy picks again,
 * until a batch passes. So a ranking strategy (ADMA) returns its top b after skipping
 * duplicates, and a greedy or clustering one builds its batch from the pool without them.
 * When the context carries no duplicate index, or the first batch has no duplicate in it,
 * the strategy's own batch is returned unchanged (ADMA stays exactly the paper's).
 */
import type { QueryStrategy, Selection, StrategyName } from './query-strategy';
import type { SelectionContext } from './selection-context';

/** Re-picks before giving up on filling the batch (each one drops at least one image). */
const MAX_ATTEMPTS = 64;

export class DuplicateFreeBatch implements QueryStrategy {
  constructor(private readonly inner: QueryStrategy) {}

  get name(): StrategyName {
    return this.inner.name;
  }

  select(ctx: SelectionContext, batchSize: number): Selection {
    const index = ctx.nearDuplicates;
    if (!index) return this.inner.select(ctx, batchSize);
    // Rows the batch must not duplicate: labeled and evaluation images.
    const anchors: number[] = [];
    for (let row = 0; row < ctx.imageIds.length; row++) {
      const id = ctx.imageIds[row] as number;
      if (ctx.labeledIds.has(id) || ctx.excludedIds.has(id)) anchors.push(row);
    }
    let excluded: Set<number> | null = null;
    for (let attempt = 0; ; attempt++) {
      const selection = this.inner.select(excluded ? { ...ctx, excludedIds: excluded } : ctx, batchSize);
      const keptRows: number[] = [];
      const kept: Selection['items'] = [];
      const dropped: number[] = [];
      for (const item of selection.items) {
        if (index.firstDuplicateIn(item.row, anchors) >= 0 || index.firstDuplicateIn(item.row, keptRows) >= 0) {
          dropped.push(item.imageId);
        } else {
          keptRows.push(item.row);
          kept.push(item);
        }
      }
      if (dropped.length === 0 || attempt + 1 >= MAX_ATTEMPTS) return { ...selection, items: kept };
      excluded ??= new Set(ctx.excludedIds);
      for (const id of dropped) excluded.add(id);
    }
  }
}
