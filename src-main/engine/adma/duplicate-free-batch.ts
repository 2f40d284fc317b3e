/**
 * The one near-duplicate filter between a strategy's ranking and the batch, for every
 * strategy (strategy-registry.ts wraps each one): no batch slot goes to a near duplicate
 * (near-duplicates.ts) of an image already labeled, of an evaluation image, or of an image
 * already in the batch. Labeling a copy teaches the model nothing new, and labeling a copy of
 * an evaluation image leaks it into training.
 *
 * The strategy first picks as usual, on the whole pool. When that batch has no duplicate in it
 * (of a labeled or evaluation image, or of an earlier pick), or the context carries no
 * duplicate index, it is returned unchanged: on data without copies every strategy stays
 * exactly itself (ADMA the paper's), even where the test pairs two images that no batch
 * takes (excluding them up front would move a clustering strategy's clusters; measured in
 * bench/README.md, "Near duplicates", second pass). Otherwise every eligible image that
 * duplicates a labeled or evaluation image is excluded, the picks that duplicate an earlier
 * kept pick are dropped and excluded with every other duplicate of the kept picks, and the
 * strategy picks again, until a batch passes. So a ranking strategy (ADMA) returns its top b
 * after skipping duplicates, and a greedy or clustering one builds its batch from the pool
 * without them.
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
    const eligible: number[] = [];
    for (let row = 0; row < ctx.imageIds.length; row++) {
      const id = ctx.imageIds[row] as number;
      if (ctx.labeledIds.has(id) || ctx.excludedIds.has(id)) anchors.push(row);
      else eligible.push(row);
    }
    // Once a batch holds a copy, duplicates of labeled and evaluation images no longer compete
    // (each anchor's duplicates are found once, over every row, and kept by the index for the next rounds).
    let excluded: Set<number> | null = null;
    const exclude = (row: number): void => {
      excluded ??= new Set(ctx.excludedIds);
      excluded.add(ctx.imageIds[row] as number);
    };
    const isAnchor = (row: number): boolean => ctx.labeledIds.has(ctx.imageIds[row] as number) || ctx.excludedIds.has(ctx.imageIds[row] as number);
    const excludeAnchorDuplicates = (): void => {
      for (const anchor of anchors) for (const row of index.duplicatesOf(anchor)) if (!isAnchor(row)) exclude(row);
    };
    for (let attempt = 0; ; attempt++) {
      const selection = this.inner.select(excluded ? { ...ctx, excludedIds: excluded } : ctx, batchSize);
      if (attempt === 0) {
        // The strategy's own batch: returned as it is unless it holds a copy.
        const rows = selection.items.map((item) => item.row);
        const copy = rows.some((row, k) => index.firstDuplicateIn(row, anchors) >= 0 || index.firstDuplicateIn(row, rows.slice(0, k)) >= 0);
        if (!copy) return selection;
        excludeAnchorDuplicates();
        continue;
      }
      const keptRows: number[] = [];
      const kept: Selection['items'] = [];
      let dropped = false;
      for (const item of selection.items) {
        if (index.firstDuplicateIn(item.row, keptRows) >= 0) {
          exclude(item.row);
          dropped = true;
        } else {
          keptRows.push(item.row);
          kept.push(item);
        }
      }
      if (!dropped || attempt + 1 >= MAX_ATTEMPTS) return { ...selection, items: kept };
      // The kept picks stay (a re-pick of a ranking or greedy strategy keeps its earlier picks): their duplicates go too.
      const excludedNow = excluded as Set<number> | null;
      for (const row of eligible) {
        if (!excludedNow?.has(ctx.imageIds[row] as number) && index.firstDuplicateIn(row, keptRows) >= 0) exclude(row);
      }
    }
  }
}
