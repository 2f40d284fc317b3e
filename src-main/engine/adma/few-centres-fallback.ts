/**
 * Distinctiveness compares orderings over the source-class centres; with fewer than three
 * there is no ordering to compare and every image gets D = 0.5. A D-based strategy (ADMA,
 * its diverse variant, distinctiveness alone) then falls back to what the method uses
 * without a usable criterion: uncertainty once a classifier exists, seeded random picks
 * before (ties by image id would take the folder order: one class at a time). Part of the
 * strategy layer, so the app and the simulator fall back alike.
 */
import type { QueryStrategy, Selection, StrategyName } from './query-strategy';
import { RandomStrategy } from './random-strategy';
import { hasTargetClassifier, type SelectionContext } from './selection-context';
import { UncertaintyStrategy } from './uncertainty-strategy';
import type { UncertaintyMeasure } from './uncertainty';

export const MIN_INFORMATIVE_CENTRES = 3;

export class FewCentresFallback implements QueryStrategy {
  constructor(
    private readonly inner: QueryStrategy,
    private readonly uncertainty: UncertaintyMeasure,
  ) {}

  get name(): StrategyName {
    return this.inner.name;
  }

  select(ctx: SelectionContext, batchSize: number): Selection {
    const centres = ctx.centres.sourceClasses.length;
    if (centres >= MIN_INFORMATIVE_CENTRES) return this.inner.select(ctx, batchSize);
    const useUncertainty = hasTargetClassifier(ctx) && ctx.labeledClassCount >= 2;
    const fallback = useUncertainty ? new UncertaintyStrategy(this.uncertainty) : new RandomStrategy();
    const note = `distinctiveness needs at least ${MIN_INFORMATIVE_CENTRES} source-class centres and this pool yields ${centres}; picked by ${useUncertainty ? `${this.uncertainty} uncertainty` : 'seeded random draw'} instead`;
    const selection = fallback.select(ctx, batchSize);
    return { strategy: this.inner.name, round: selection.round, items: selection.items.map((item) => ({ ...item, reason: `${item.reason} (${note})` })) };
  }
}
