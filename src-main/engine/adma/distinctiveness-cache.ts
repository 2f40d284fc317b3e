/**
 * D depends only on the pre-trained network, so a strategy computes it once and reuses it
 * for later rounds: the context's precomputed `distinctiveness` wins; otherwise the value is
 * memoised for as long as the same feature and softmax arrays and centre set come back.
 */
import { computeDistinctiveness, type DistinctivenessOptions } from './distinctiveness';
import type { SelectionContext } from './selection-context';

export class DistinctivenessCache {
  private key: readonly unknown[] | null = null;
  private value: Float64Array | null = null;

  constructor(private readonly options: DistinctivenessOptions) {}

  get(ctx: SelectionContext): Float64Array {
    if (ctx.distinctiveness) return ctx.distinctiveness;
    const key = [ctx.featuresA.data, ctx.featuresB.data, ctx.sourceProbabilities.data, ctx.centres];
    if (this.value && this.key && key.every((part, i) => part === this.key?.[i])) return this.value;
    this.value = computeDistinctiveness(ctx, this.options);
    this.key = key;
    return this.value;
  }
}
