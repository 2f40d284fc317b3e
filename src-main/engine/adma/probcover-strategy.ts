/**
 * ProbCover (Yehuda et al., NeurIPS 2022, "Active learning through a covering lens"): pick
 * the images whose delta-balls cover the most pool images that no labeled image covers yet.
 *
 * delta follows the paper's class-purity rule on k-means pseudo-labels, with K the number of
 * classes (the paper's choice): the classes labeled so far once there are two, 10 before: the largest delta for which at least 95% of images have only their own
 * pseudo-class within delta, i.e. the 5% quantile of each image's distance to the nearest
 * image of another pseudo-class. Distances are measured in the pool embedding
 * (pool-embedding.ts); the graph is built on a seeded sample of at most 2,000 unlabeled
 * images (plus coverage by every labeled image), so a round stays well under a second on a
 * 10,000-image pool and memory stays bounded on a 100,000-image one. Once everything in
 * the sample is covered, the remaining picks are the most typical uncovered-by-count images
 * (seeded random among equals, as the paper falls back to random).
 */
import { kmeans, poolEmbedding, sampleRows, squaredDistanceTo } from './pool-embedding';
import type { QueryStrategy, SelectedImage, Selection } from './query-strategy';
import { drawRandomRows } from './random-strategy';
import { deriveSeed, mulberry32 } from '../../core/seeded-random';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  eligibleRows,
  knownDistinctiveness,
  knownUncertainty,
  type SelectionContext,
} from './selection-context';
import { coverageReason, randomReason } from './selection-reason';

export const PROBCOVER_PURITY = 0.95;
const MAX_GRAPH_SAMPLE = 2000;
const DEFAULT_PSEUDO_CLASSES = 10;

export class ProbCoverStrategy implements QueryStrategy {
  readonly name = 'probcover';

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const eligible = eligibleRows(ctx);
    const total = Math.min(batchSize, eligible.length);
    if (total === 0) return { strategy: this.name, round: ctx.round, items: [] };
    const embedding = poolEmbedding(ctx.featuresB);
    const sample = sampleRows(eligible, MAX_GRAPH_SAMPLE, mulberry32(deriveSeed(ctx.seed, ctx.round, 0x9c)));
    const m = sample.length;
    const labeledRows: number[] = [];
    for (let row = 0; row < ctx.imageIds.length; row++) {
      const id = ctx.imageIds[row] as number;
      if (ctx.labeledIds.has(id) && !ctx.excludedIds.has(id)) labeledRows.push(row);
    }
    // delta by the purity rule on pseudo-labels of the sample and the labeled rows.
    const all = Int32Array.from([...sample, ...labeledRows]);
    const pseudoClasses = ctx.labeledClassCount >= 2 ? ctx.labeledClassCount : DEFAULT_PSEUDO_CLASSES;
    const pseudo = kmeans(embedding, all, pseudoClasses, deriveSeed(ctx.seed, 0x9d));
    const n = all.length;
    const distances = new Float64Array((n * (n - 1)) / 2);
    const pairIndex = (i: number, j: number): number => (i < j ? (j * (j - 1)) / 2 + i : (i * (i - 1)) / 2 + j);
    const nearestOther = new Float64Array(n).fill(Infinity);
    for (let j = 1; j < n; j++) {
      for (let i = 0; i < j; i++) {
        const dist = Math.sqrt(squaredDistanceTo(embedding, all[i] as number, embedding.data, all[j] as number));
        distances[pairIndex(i, j)] = dist;
        if (pseudo.assignment[i] !== pseudo.assignment[j]) {
          if (dist < (nearestOther[i] as number)) nearestOther[i] = dist;
          if (dist < (nearestOther[j] as number)) nearestOther[j] = dist;
        }
      }
    }
    const sorted = Float64Array.from(nearestOther).sort();
    const quantile = sorted[Math.min(n - 1, Math.floor((1 - PROBCOVER_PURITY) * n))] as number;
    const delta = Number.isFinite(quantile) ? quantile : Infinity;
    // Coverage graph on the sample: sample row i covers sample row j when d(i, j) <= delta.
    const covered = new Uint8Array(m);
    for (let j = 0; j < m; j++) {
      for (let l = m; l < n; l++) {
        if ((distances[pairIndex(j, l)] as number) <= delta) {
          covered[j] = 1;
          break;
        }
      }
    }
    const neighbours: number[][] = Array.from({ length: m }, (_, i) => [i]);
    for (let j = 1; j < m; j++) {
      for (let i = 0; i < j; i++) {
        if ((distances[pairIndex(i, j)] as number) <= delta) {
          neighbours[i]?.push(j);
          neighbours[j]?.push(i);
        }
      }
    }
    const gain = new Int32Array(m);
    for (let i = 0; i < m; i++) for (const j of neighbours[i] as number[]) if (!covered[j]) gain[i] = (gain[i] as number) + 1;
    const picked = new Uint8Array(m);
    const items: SelectedImage[] = [];
    while (items.length < total) {
      let best = -1;
      for (let i = 0; i < m; i++) if (!picked[i] && (best < 0 || (gain[i] as number) > (gain[best] as number))) best = i;
      if (best < 0 || (gain[best] as number) === 0) break;
      const row = sample[best] as number;
      items.push(this.describe(ctx, row, gain[best] as number, coverageReason(gain[best] as number)));
      picked[best] = 1;
      for (const j of neighbours[best] as number[]) {
        if (covered[j]) continue;
        covered[j] = 1;
        for (const i of neighbours[j] as number[]) gain[i] = (gain[i] as number) - 1;
      }
    }
    if (items.length < total) {
      const chosen = new Set(items.map((item) => item.row));
      const rest = eligible.filter((row) => !chosen.has(row));
      for (const row of drawRandomRows(rest, total - items.length, ctx.seed, ctx.round)) {
        items.push(this.describe(ctx, row, null, `${randomReason(ctx.seed)}: every sampled image is already close to a labeled one`));
      }
    }
    return { strategy: this.name, round: ctx.round, items };
  }

  private describe(ctx: SelectionContext, row: number, score: number | null, reason: string): SelectedImage {
    return {
      imageId: ctx.imageIds[row] as number,
      row,
      distinctiveness: knownDistinctiveness(ctx, row),
      uncertainty: knownUncertainty(ctx, 'margin', row),
      lambda: null,
      score,
      reason,
    };
  }
}
