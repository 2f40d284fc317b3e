/**
 * The core-set baseline (Sener & Savarese, ICLR 2018): greedy k-centre in layer-B space.
 * Each pick is the eligible image farthest from its nearest labeled (training) image or
 * earlier pick, ties broken by smaller image id. With nothing labeled, the first pick is a
 * seeded random eligible image (the same seed and round give the same start).
 *
 * The distance from every pool row to its nearest labeled image is kept between rounds:
 * when the features and the pool order are unchanged and the labeled set only grew, only the new labels
 * are folded in, so a round costs O(n * (new labels + b) * dB) instead of O(n * labels * dB).
 */
import type { FeatureMatrix } from './feature-matrix';
import { foldNearestSquaredDistances } from './nearest-squared-distances';
import type { QueryStrategy, SelectedImage, Selection } from './query-strategy';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  eligibleRows,
  knownDistinctiveness,
  knownUncertainty,
  trainingRows,
  type SelectionContext,
} from './selection-context';
import { coresetReason, coresetStartReason } from './selection-reason';
import { deriveSeed, mulberry32, randomIndex } from './seeded-random';
import { DEFAULT_UNCERTAINTY_MEASURE } from './uncertainty';

const CORESET_START_STREAM = 2;

interface NearestLabeledDistances {
  features: FeatureMatrix;
  imageIds: readonly number[];
  /** Image ids folded into `squared`. */
  labeled: Set<number>;
  /** Per pool row, squared distance to the nearest image in `labeled` (Infinity if none). */
  squared: Float64Array;
}

export class CoresetStrategy implements QueryStrategy {
  readonly name = 'coreset';
  private nearest: NearestLabeledDistances | null = null;

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const features = ctx.featuresB;
    const eligible = eligibleRows(ctx);
    const squared = Float64Array.from(this.nearestLabeledDistances(ctx));
    const items: SelectedImage[] = [];
    const total = Math.min(batchSize, eligible.length);
    const picked = new Uint8Array(eligible.length);

    for (let pick = 0; pick < total; pick++) {
      let best = farthestUnpicked(eligible, picked, squared, ctx.imageIds);
      const bestDistance = squared[eligible[best] as number] as number;
      let reason: string;
      let score: number | null;
      if (bestDistance === Infinity) {
        // Nothing labeled and nothing picked yet: seeded start.
        best = randomIndex(mulberry32(deriveSeed(ctx.seed, ctx.round, CORESET_START_STREAM)), eligible.length);
        reason = coresetStartReason(ctx.seed);
        score = null;
      } else {
        score = Math.sqrt(bestDistance);
        reason = coresetReason(score);
      }
      picked[best] = 1;
      const chosen = eligible[best] as number;
      items.push({
        imageId: ctx.imageIds[chosen] as number,
        row: chosen,
        distinctiveness: knownDistinctiveness(ctx, chosen),
        uncertainty: knownUncertainty(ctx, DEFAULT_UNCERTAINTY_MEASURE, chosen),
        lambda: null,
        score,
        reason,
      });
      if (pick + 1 < total) foldNearestSquaredDistances(features, eligible, [chosen], squared);
    }
    return { strategy: this.name, round: ctx.round, items };
  }

  /** Squared distance from every pool row to its nearest training image, kept up to date. */
  private nearestLabeledDistances(ctx: SelectionContext): Float64Array {
    const labeledRows = trainingRows(ctx);
    const cached = this.nearest;
    const reusable =
      cached !== null &&
      cached.features.data === ctx.featuresB.data &&
      sameIds(cached.imageIds, ctx.imageIds) &&
      cached.labeled.size <= labeledRows.length &&
      [...cached.labeled].every((id) => ctx.labeledIds.has(id) && !ctx.excludedIds.has(id));
    const state: NearestLabeledDistances = reusable
      ? cached
      : {
          features: ctx.featuresB,
          imageIds: Array.from(ctx.imageIds),
          labeled: new Set<number>(),
          squared: new Float64Array(ctx.featuresB.rows).fill(Infinity),
        };
    const added: number[] = [];
    for (const row of labeledRows) {
      const id = ctx.imageIds[row] as number;
      if (state.labeled.has(id)) continue;
      added.push(row);
      state.labeled.add(id);
    }
    foldNearestSquaredDistances(state.features, null, added, state.squared);
    this.nearest = state;
    return state.squared;
  }
}

/** Index into `eligible` of the unpicked row with the largest distance, ties to the smaller image id. */
function farthestUnpicked(eligible: Int32Array, picked: Uint8Array, squared: Float64Array, imageIds: ArrayLike<number>): number {
  let best = -1;
  let bestDistance = -Infinity;
  let bestId = Infinity;
  for (let i = 0; i < eligible.length; i++) {
    if (picked[i]) continue;
    const row = eligible[i] as number;
    const d = squared[row] as number;
    const id = imageIds[row] as number;
    if (best < 0 || d > bestDistance || (d === bestDistance && id < bestId)) {
      best = i;
      bestDistance = d;
      bestId = id;
    }
  }
  return best;
}

function sameIds(a: readonly number[], b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
