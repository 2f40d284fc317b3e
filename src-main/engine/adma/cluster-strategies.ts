/**
 * Cluster-based strategies for small budgets, one core with three within-cluster rules.
 *
 * Each round the pool (labeled and unlabeled, never excluded images) is clustered by seeded
 * k-means into K = labeled + b clusters (at most 200, which bounds a round's cost; beyond
 * that many labels every large group is covered) on the pool embedding
 * (pool-embedding.ts). Picks go one at a time to the cluster with the fewest labels so far
 * (labels plus this batch's picks), the largest first among equals, skipping clusters of
 * fewer than 5 images while larger ones remain (TypiClust, Hacohen et al., ICML 2022).
 * Within the chosen cluster:
 *   typiclust       the most typical image: highest inverse mean distance to its 20 nearest
 *                   fellow members;
 *   typical-margin  the most typical image (as typiclust) until a classifier over two classes
 *                   exists; then the picks leave the least-labeled-first order: the images the
 *                   classifier is least sure about (margin) over the whole pool, at most one
 *                   per cluster in a batch (Cluster-Margin, Citovsky et al., NeurIPS 2021),
 *                   so a batch never piles into one ambiguous region. The study
 *                   (bench/STUDY.md, "Where margin caught up") measured this against keeping
 *                   the least-labeled order after the cold start: that order keeps spending
 *                   labels on uncovered groups the classifier is already sure about, and
 *                   margin overtook it from about 60 labels;
 *   adma-typical    the most typical image at the cold start, then ADMA's score
 *                   s = (1 - lambda) D + lambda U (the paper's D, U and schedule) within the
 *                   least-labeled clusters: ADMA's criterion, spread over uncovered groups.
 */
import { DistinctivenessCache } from './distinctiveness-cache';
import type { DistinctivenessOptions } from './distinctiveness';
import { scoreAdmaPool } from './adma-score';
import { clusterTypicality, kmeans, poolEmbedding, sampleRows, type PoolEmbedding } from './pool-embedding';
import type { QueryStrategy, SelectedImage, Selection } from './query-strategy';
import { deriveSeed, mulberry32 } from '../../core/seeded-random';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  competingClasses,
  hasTargetClassifier,
  knownDistinctiveness,
  knownUncertainty,
  type SelectionContext,
} from './selection-context';
import { admaReason, inGroupReason, tornReason, typicalReason } from './selection-reason';
import type { TradeoffSchedule } from './tradeoff-schedule';
import { computeUncertainty, type UncertaintyMeasure } from './uncertainty';

export const MAX_CLUSTERS = 200;
const MIN_CLUSTER_SIZE = 5;

export type ClusterRule = 'typiclust' | 'typical-margin' | 'adma-typical';

export interface ClusterStrategyOptions {
  /** adma-typical: the ADMA schedule, uncertainty measure and D options. */
  schedule: TradeoffSchedule;
  uncertainty: UncertaintyMeasure;
  distinctiveness: DistinctivenessOptions;
}

interface Group {
  members: Int32Array;
  /** Labeled members. */
  labels: number;
  /** Members this batch has picked so far (the order counts them with the labels; the reasons apart). */
  picked: number;
  eligible: number;
  /** Typicality of up to MAX_TYPICALITY_CANDIDATES sampled members, by row; computed when first needed. */
  typicality: Map<number, number> | null;
}

/** Members whose typicality is computed in one cluster: a seeded sample in a large cluster. */
const MAX_TYPICALITY_CANDIDATES = 400;

function typicalityOf(embedding: PoolEmbedding, members: Int32Array, seed: number): Map<number, number> {
  const candidates = sampleRows(members, MAX_TYPICALITY_CANDIDATES, mulberry32(deriveSeed(seed, members.length)));
  const values = clusterTypicality(embedding, members, candidates, seed);
  return new Map(Array.from(candidates, (row, i) => [row, values[i] as number]));
}

/** Pool rows a cluster may contain: every row that is not excluded. */
function poolRows(ctx: SelectionContext): Int32Array {
  const rows: number[] = [];
  for (let row = 0; row < ctx.imageIds.length; row++) if (!ctx.excludedIds.has(ctx.imageIds[row] as number)) rows.push(row);
  return Int32Array.from(rows);
}

export class ClusterStrategy implements QueryStrategy {
  private readonly cache: DistinctivenessCache;

  constructor(
    readonly name: ClusterRule,
    private readonly options: ClusterStrategyOptions,
  ) {
    this.cache = new DistinctivenessCache(options.distinctiveness);
  }

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const rows = poolRows(ctx);
    const isLabeled = (row: number): boolean => ctx.labeledIds.has(ctx.imageIds[row] as number);
    let labeledCount = 0;
    for (const row of rows) if (isLabeled(row)) labeledCount++;
    const eligibleCount = rows.length - labeledCount;
    const total = Math.min(batchSize, eligibleCount);
    if (total === 0) return { strategy: this.name, round: ctx.round, items: [] };

    const seed = deriveSeed(ctx.seed, ctx.round, 0x7c);
    const embedding = poolEmbedding(ctx.featuresB);
    const clustering = kmeans(embedding, rows, Math.min(MAX_CLUSTERS, labeledCount + batchSize), seed);
    const byCluster: number[][] = Array.from({ length: clustering.k }, () => []);
    rows.forEach((row, i) => byCluster[clustering.assignment[i] as number]?.push(row));
    const groups: Group[] = byCluster.map((members) => {
      let labels = 0;
      for (const row of members) if (isLabeled(row)) labels++;
      return { members: Int32Array.from(members), labels, picked: 0, eligible: members.length - labels, typicality: null };
    });

    const classifier = hasTargetClassifier(ctx) && ctx.labeledClassCount >= 2;
    const uncertainty = this.name === 'typical-margin' && classifier && ctx.targetProbabilities ? computeUncertainty('margin', ctx.targetProbabilities) : null;
    const adma = this.name === 'adma-typical' && classifier ? scoreAdmaPool(ctx, this.cache.get(ctx), this.options.schedule, this.options.uncertainty) : null;
    if (uncertainty) return { strategy: this.name, round: ctx.round, items: this.leastSurePerGroup(ctx, groups, uncertainty, total, isLabeled) };
    const taken = new Set<number>();
    const items: SelectedImage[] = [];
    while (items.length < total) {
      const open = groups.filter((g) => g.eligible > 0);
      const bigEnough = open.some((g) => g.members.length >= MIN_CLUSTER_SIZE) ? open.filter((g) => g.members.length >= MIN_CLUSTER_SIZE) : open;
      let group = bigEnough[0] as Group;
      const load = (g: Group): number => g.labels + g.picked;
      for (const g of bigEnough) {
        if (load(g) < load(group) || (load(g) === load(group) && g.members.length > group.members.length)) group = g;
      }
      let row = -1;
      let bestScore = -Infinity;
      if (adma) {
        // The best ADMA-scored eligible member; ties by smaller image id.
        for (const member of group.members) {
          if (isLabeled(member) || taken.has(member)) continue;
          const score = adma.scores[member] as number;
          if (score > bestScore || (score === bestScore && (ctx.imageIds[member] as number) < (ctx.imageIds[row] as number))) {
            bestScore = score;
            row = member;
          }
        }
      } else {
        group.typicality ??= typicalityOf(embedding, group.members, seed);
        for (const [member, value] of group.typicality) {
          if (isLabeled(member) || taken.has(member)) continue;
          if (value > bestScore) {
            bestScore = value;
            row = member;
          }
        }
        if (row < 0) {
          // Every sampled candidate is taken: draw typicality for the rest of the cluster.
          const rest = group.members.filter((member) => !isLabeled(member) && !taken.has(member));
          group.typicality = typicalityOf(embedding, rest, seed);
          continue;
        }
      }
      items.push(this.describe(ctx, row, group, bestScore, null, adma));
      taken.add(row);
      group.picked++;
      group.eligible--;
    }
    return { strategy: this.name, round: ctx.round, items };
  }

  /**
   * typical-margin once a classifier exists: eligible rows by uncertainty, least sure first
   * (ties by smaller image id), at most one per cluster; when every cluster with eligible
   * rows has given one, the next least sure rows fill the batch.
   */
  private leastSurePerGroup(ctx: SelectionContext, groups: Group[], uncertainty: Float64Array, total: number, isLabeled: (row: number) => boolean): SelectedImage[] {
    const groupOfRow = new Map<number, Group>();
    for (const group of groups) for (const member of group.members) if (!isLabeled(member)) groupOfRow.set(member, group);
    const order = [...groupOfRow.keys()].sort((a, b) => (uncertainty[b] as number) - (uncertainty[a] as number) || (ctx.imageIds[a] as number) - (ctx.imageIds[b] as number));
    const used = new Set<Group>();
    const taken = new Set<number>();
    const items: SelectedImage[] = [];
    for (const onePerGroup of [true, false]) {
      for (const row of order) {
        if (items.length === total) return items;
        const group = groupOfRow.get(row) as Group;
        if (taken.has(row) || (onePerGroup && used.has(group))) continue;
        items.push(this.describe(ctx, row, group, uncertainty[row] as number, uncertainty, null));
        used.add(group);
        taken.add(row);
        group.picked++;
        group.eligible--;
      }
    }
    return items;
  }

  private describe(
    ctx: SelectionContext,
    row: number,
    group: Group,
    score: number,
    uncertainty: Float64Array | null,
    adma: ReturnType<typeof scoreAdmaPool> | null,
  ): SelectedImage {
    const base = {
      imageId: ctx.imageIds[row] as number,
      row,
      distinctiveness: adma ? (adma.distinctiveness[row] as number) : knownDistinctiveness(ctx, row),
    };
    if (uncertainty) {
      const competing = competingClasses(ctx, row);
      const why = competing ? tornReason(competing) : `the model is unsure about it`;
      return { ...base, uncertainty: uncertainty[row] as number, lambda: 1, score, reason: inGroupReason(why, group) };
    }
    if (adma) {
      const u = adma.uncertainty ? (adma.uncertainty[row] as number) : null;
      const why = admaReason(adma.distinctiveness[row] as number, u, adma.lambda, this.options.uncertainty, ctx.labeledClassCount, competingClasses(ctx, row));
      return { ...base, uncertainty: u, lambda: adma.lambda, score, reason: inGroupReason(why, group) };
    }
    return {
      ...base,
      uncertainty: knownUncertainty(ctx, 'margin', row),
      lambda: null,
      score,
      reason: typicalReason(group),
    };
  }
}
