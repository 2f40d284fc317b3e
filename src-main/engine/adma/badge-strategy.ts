/**
 * BADGE (Ash et al., ICLR 2020, "Deep batch active learning by diverse, uncertain gradient
 * lower bounds"): k-means++ seeding over the gradient embeddings of the last layer,
 * g(x) = (p(x) - e_yhat) ⊗ h(x), with p the light head's probabilities, yhat its prediction
 * and h the image's features. h is the pool embedding (standardised layer B, projected to
 * 64 dimensions; pool-embedding.ts), and distances use the outer product's identity
 *   ||g_i - g_j||^2 = |a_i|^2 |h_i|^2 + |a_j|^2 |h_j|^2 - 2 (a_i . a_j)(h_i . h_j),
 * so no C x d embedding is ever stored. The first pick has the largest gradient norm, each
 * next one is drawn with probability proportional to its squared distance to the nearest
 * pick (seeded). Before a classifier over two classes exists the batch is the random
 * baseline's.
 */
import { poolEmbedding } from './pool-embedding';
import type { QueryStrategy, SelectedImage, Selection } from './query-strategy';
import { deriveSeed, mulberry32 } from '../../core/seeded-random';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  competingClasses,
  eligibleRows,
  hasTargetClassifier,
  knownDistinctiveness,
  knownUncertainty,
  type SelectionContext,
} from './selection-context';
import { badgeReason } from './selection-reason';
import { picksWithoutClassifier } from './uncertainty-strategy';

export class BadgeStrategy implements QueryStrategy {
  readonly name = 'badge';

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const eligible = eligibleRows(ctx);
    const probabilities = ctx.targetProbabilities;
    if (!probabilities || !hasTargetClassifier(ctx) || ctx.labeledClassCount < 2) return picksWithoutClassifier(this.name, ctx, eligible, batchSize);
    const m = eligible.length;
    const total = Math.min(batchSize, m);
    const c = probabilities.cols;
    const embedding = poolEmbedding(ctx.featuresB);
    const dim = embedding.dim;
    // a_i = p_i - e_yhat, per eligible row; squared norms of a and h.
    const a = new Float64Array(m * c);
    const aNorm = new Float64Array(m);
    const hNorm = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const row = eligible[i] as number;
      let best = 0;
      for (let k = 1; k < c; k++) if ((probabilities.data[row * c + k] as number) > (probabilities.data[row * c + best] as number)) best = k;
      let s = 0;
      for (let k = 0; k < c; k++) {
        const v = (probabilities.data[row * c + k] as number) - (k === best ? 1 : 0);
        a[i * c + k] = v;
        s += v * v;
      }
      aNorm[i] = s;
      let h = 0;
      for (let t = 0; t < dim; t++) h += (embedding.data[row * dim + t] as number) ** 2;
      hNorm[i] = h;
    }
    const distanceToPick = (i: number, p: number): number => {
      let ah = 0;
      for (let k = 0; k < c; k++) ah += (a[i * c + k] as number) * (a[p * c + k] as number);
      let hh = 0;
      const ri = (eligible[i] as number) * dim;
      const rp = (eligible[p] as number) * dim;
      for (let t = 0; t < dim; t++) hh += (embedding.data[ri + t] as number) * (embedding.data[rp + t] as number);
      return Math.max(0, (aNorm[i] as number) * (hNorm[i] as number) + (aNorm[p] as number) * (hNorm[p] as number) - 2 * ah * hh);
    };
    const random = mulberry32(deriveSeed(ctx.seed, ctx.round, 0xbad));
    const nearest = new Float64Array(m).fill(Infinity);
    const taken = new Uint8Array(m);
    const items: SelectedImage[] = [];
    let next = 0;
    for (let i = 1; i < m; i++) if ((aNorm[i] as number) * (hNorm[i] as number) > (aNorm[next] as number) * (hNorm[next] as number)) next = i;
    while (items.length < total) {
      const row = eligible[next] as number;
      taken[next] = 1;
      items.push({
        imageId: ctx.imageIds[row] as number,
        row,
        distinctiveness: knownDistinctiveness(ctx, row),
        uncertainty: knownUncertainty(ctx, 'margin', row),
        lambda: null,
        score: items.length === 0 ? Math.sqrt((aNorm[next] as number) * (hNorm[next] as number)) : Math.sqrt(nearest[next] as number),
        reason: badgeReason(competingClasses(ctx, row), items.length === 0),
      });
      if (items.length === total) break;
      let weight = 0;
      for (let i = 0; i < m; i++) {
        if (taken[i]) continue;
        const dist = distanceToPick(i, next);
        if (dist < (nearest[i] as number)) nearest[i] = dist;
        weight += nearest[i] as number;
      }
      let chosen = -1;
      if (weight > 0) {
        let target = random() * weight;
        for (let i = 0; i < m; i++) {
          if (taken[i] || (nearest[i] as number) === 0) continue;
          chosen = i;
          target -= nearest[i] as number;
          if (target < 0) break;
        }
      }
      if (chosen < 0) for (let i = 0; i < m && chosen < 0; i++) if (!taken[i]) chosen = i;
      next = chosen;
    }
    return { strategy: this.name, round: ctx.round, items };
  }
}
