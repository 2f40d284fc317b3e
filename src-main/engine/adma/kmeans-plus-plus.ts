/**
 * k-means++ seeding (Arthur & Vassilvitskii, 2007) used to spread a batch: the first pick is
 * the best-ranked candidate; each next pick is drawn with probability proportional to its
 * squared distance to the nearest pick so far. If every remaining candidate coincides with a
 * pick (all distances 0), the best-ranked remaining candidate is taken.
 */
import type { FeatureMatrix } from './feature-matrix';
import { squaredRowDistance } from './row-distance';
import type { RandomSource } from '../../core/seeded-random';

export interface SpreadPick {
  row: number;
  /** Distance to the nearest earlier pick when this one was drawn; null for the first. */
  distanceToNearestPick: number | null;
}

/** Pick up to `count` of the ranked candidate rows (best first), spread out in `features`. */
export function kmeansPlusPlusPick(
  candidates: Int32Array,
  features: FeatureMatrix,
  count: number,
  random: RandomSource,
): SpreadPick[] {
  const m = candidates.length;
  const total = Math.min(count, m);
  const picks: SpreadPick[] = [];
  if (total === 0) return picks;
  const nearest = new Float64Array(m).fill(Infinity);
  const taken = new Uint8Array(m);

  const take = (index: number, distance: number | null): void => {
    taken[index] = 1;
    const row = candidates[index] as number;
    picks.push({ row, distanceToNearestPick: distance });
    for (let i = 0; i < m; i++) {
      if (taken[i]) continue;
      const d = squaredRowDistance(features, candidates[i] as number, features, row);
      if (d < (nearest[i] as number)) nearest[i] = d;
    }
  };

  take(0, null);
  while (picks.length < total) {
    let weight = 0;
    for (let i = 0; i < m; i++) if (!taken[i]) weight += nearest[i] as number;
    let chosen = -1;
    if (weight > 0) {
      const target = random() * weight;
      let cumulative = 0;
      for (let i = 0; i < m; i++) {
        if (taken[i] || (nearest[i] as number) === 0) continue;
        cumulative += nearest[i] as number;
        chosen = i;
        if (cumulative > target) break;
      }
    } else {
      for (let i = 0; i < m && chosen < 0; i++) if (!taken[i]) chosen = i;
    }
    take(chosen, Math.sqrt(nearest[chosen] as number));
  }
  return picks;
}
