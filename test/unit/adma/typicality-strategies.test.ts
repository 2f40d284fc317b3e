/**
 * The typicality- and coverage-based strategies on a pool with three well-separated groups
 * of unequal size (240, 120, 40 images): cold-start picks stand for the groups, largest and
 * unlabeled first; reasons say so in words; the small-centre fallback of the D strategies.
 */
import { describe, expect, it } from 'vitest';
import { createFeatureMatrix, type FeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { centreDistances, kmeans, nearestCentres, poolEmbedding } from '../../../src-main/engine/adma/pool-embedding';
import type { Selection } from '../../../src-main/engine/adma/query-strategy';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { competingClasses } from '../../../src-main/engine/adma/selection-context';
import { inGroupReason, tornReason, typicalReason } from '../../../src-main/engine/adma/selection-reason';
import { createSourceCentres } from '../../../src-main/engine/adma/source-centres';
import { createStrategy } from '../../../src-main/engine/adma/strategy-registry';
import { computeUncertainty } from '../../../src-main/engine/adma/uncertainty';
import { createSyntheticPool, selectionContextFor } from './synthetic-pool';

const SIZES = [240, 120, 40];
const N = 400;
const DIM = 16;
const base = createSyntheticPool({ images: N, dimA: 10, dimB: DIM, sourceClasses: 12, targetClasses: 4, seed: 5 });

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Row i's group; group g's mean is 12 units along axis g. */
const groupOf = Int32Array.from({ length: N }, (_, i) => (i < SIZES[0]! ? 0 : i < SIZES[0]! + SIZES[1]! ? 1 : 2));
const random = mulberry32(77);
const blobs = new Float32Array(N * DIM);
for (let i = 0; i < N; i++) for (let d = 0; d < DIM; d++) blobs[i * DIM + d] = (d === groupOf[i] ? 12 : 0) + gaussian(random);
const featuresB: FeatureMatrix = createFeatureMatrix(blobs, N, DIM);
const pool = { ...base, featuresB };

function distanceToGroupMean(row: number): number {
  let s = 0;
  for (let d = 0; d < DIM; d++) {
    const v = (blobs[row * DIM + d] as number) - (d === groupOf[row] ? 12 : 0);
    s += v * v;
  }
  return Math.sqrt(s);
}

function groupsOf(selection: Selection): number[] {
  return selection.items.map((item) => groupOf[item.row] as number);
}

const cold = selectionContextFor(pool, { round: 0, labeledClassCount: 0, targetProbabilities: null });

describe('typiclust', () => {
  it('cold start: one pick per group, largest group first, each near its group centre', () => {
    const selection = createStrategy('typiclust').select(cold, 3);
    expect(groupsOf(selection)).toEqual([0, 1, 2]);
    for (const item of selection.items) {
      const row = item.row;
      const sameGroup = Array.from({ length: N }, (_, r) => r).filter((r) => groupOf[r] === groupOf[row]);
      const closer = sameGroup.filter((r) => distanceToGroupMean(r) < distanceToGroupMean(row)).length;
      // Typical = dense neighbourhood: among the quarter of its group closest to the centre.
      expect(closer / sameGroup.length).toBeLessThan(0.25);
    }
    expect(selection.items[0]?.reason).toBe('typical of a group of 240 similar images with no label yet');
  });

  it('goes to the groups without labels first', () => {
    const labeledIds = new Set([pool.imageIds[0] as number]);
    const selection = createStrategy('typiclust').select({ ...cold, labeledIds }, 2);
    expect(groupsOf(selection).sort()).toEqual([1, 2]);
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = createStrategy('typiclust').select(cold, 10);
    expect(createStrategy('typiclust').select(cold, 10)).toEqual(a);
    const other = createStrategy('typiclust').select({ ...cold, seed: 12 }, 10);
    expect(other.items.map((i) => i.imageId)).not.toEqual(a.items.map((i) => i.imageId));
  });
});

describe('typical-margin and adma-typical', () => {
  it('typical-margin: typical picks at the cold start, then the least sure images, at most one per group', () => {
    expect(createStrategy('typical-margin').select(cold, 3).items.map((i) => i.imageId)).toEqual(
      createStrategy('typiclust').select(cold, 3).items.map((i) => i.imageId),
    );
    // One label (in the largest group) + a batch of 2 = 3 clusters: the three groups.
    const labeledIds = new Set([1]);
    const ctx = selectionContextFor(pool, { labeledIds, targetClassNames: ['rose', 'tulip', 'daisy', 'iris'] });
    const selection = createStrategy('typical-margin').select(ctx, 2);
    const margin = computeUncertainty('margin', pool.targetProbabilities);
    expect(new Set(groupsOf(selection)).size).toBe(2);
    selection.items.forEach((item, i) => {
      // No eligible image of a group not yet picked from is less sure than this pick.
      const earlierGroups = new Set(groupsOf(selection).slice(0, i));
      for (let r = 0; r < N; r++) {
        if (earlierGroups.has(groupOf[r] as number) || labeledIds.has(pool.imageIds[r] as number)) continue;
        expect(margin[r] as number).toBeLessThanOrEqual(item.uncertainty as number);
      }
      expect(item.reason).toMatch(/^the model is torn between (rose|tulip|daisy|iris) \d+% and (rose|tulip|daisy|iris) \d+%; from a group of \d+ similar images/);
    });
  });

  it('typical-margin: once a classifier exists, torn images win over sure ones in groups without labels', () => {
    // Every image sure (97%) but rows 5-6 (group 0, torn 40/38) and row 300 (group 1, 60/30).
    const probabilities = new Float32Array(N * 4);
    for (let r = 0; r < N; r++) probabilities.set(r === 5 || r === 6 ? [0.4, 0.38, 0.12, 0.1] : r === 300 ? [0.6, 0.3, 0.05, 0.05] : [0.97, 0.01, 0.01, 0.01], r * 4);
    const targetProbabilities = createFeatureMatrix(probabilities, N, 4);
    // Group 0 holds a label, groups 1 and 2 none; 1 label + a batch of 2 = the three groups.
    const labeledIds = new Set([pool.imageIds[0] as number]);
    const selection = createStrategy('typical-margin').select(selectionContextFor(pool, { labeledIds, targetProbabilities }), 2);
    // The most torn image (ties by smaller id: row 5), then the most torn of another group
    // (not row 6: one per group), not a sure image of group 2 that has no label.
    expect(selection.items.map((item) => item.row)).toEqual([5, 300]);
    expect(selection.items[0]?.reason).toMatch(/; from a group of 240 similar images with 1 label$/);
  });

  it('adma-typical: ADMA’s score decides inside the group (λ and D reported)', () => {
    const ctx = selectionContextFor(pool, { labeledIds: new Set([1]), round: 2 });
    const selection = createStrategy('adma-typical').select(ctx, 3);
    expect(selection.items.every((item) => item.lambda !== null && item.distinctiveness !== null)).toBe(true);
    expect(groupsOf(selection)[0]).not.toBe(0);
  });
});

describe('probcover', () => {
  // delta's purity rule clusters into as many pseudo-classes as classes are known (three here).
  const threeClasses = { ...cold, labeledClassCount: 3 };
  it('covers every group before taking a second image from one', () => {
    const selection = createStrategy('probcover').select(threeClasses, 3);
    expect(new Set(groupsOf(selection)).size).toBe(3);
    expect(groupsOf(selection)[0]).toBe(0);
    expect(selection.items[0]?.reason).toMatch(/^close to \d+ images that no labeled image is close to yet$/);
  });

  it('skips groups that a labeled image already covers', () => {
    const labeledIds = new Set(pool.imageIds.filter((_, row) => groupOf[row] === 0 && row % 20 === 0));
    const selection = createStrategy('probcover').select({ ...threeClasses, labeledIds }, 2);
    expect(groupsOf(selection).sort()).toEqual([1, 2]);
  });
});

describe('badge', () => {
  it('starts from the largest gradient embedding and spreads the batch', () => {
    const ctx = selectionContextFor(pool, { targetClassNames: ['a', 'b', 'c', 'd'] });
    const selection = createStrategy('badge').select(ctx, 6);
    expect(new Set(selection.items.map((i) => i.imageId)).size).toBe(6);
    expect(selection.items[0]?.reason).toMatch(/^the model is torn between [abcd] \d+% and [abcd] \d+%; the largest expected change/);
    expect(selection.items.slice(1).every((i) => /unlike the batch's earlier picks/.test(i.reason))).toBe(true);
  });

  it('is the random batch before a classifier exists', () => {
    expect(createStrategy('badge').select(cold, 5).items.map((i) => i.imageId)).toEqual(createStrategy('random').select(cold, 5).items.map((i) => i.imageId));
  });
});

describe('reasons in words', () => {
  it('name the two competing classes and their probabilities', () => {
    expect(tornReason({ first: 'rose', firstProbability: 0.414, second: 'tulip', secondProbability: 0.38 })).toBe('the model is torn between rose 41% and tulip 38%');
    const ctx = selectionContextFor(pool, { targetClassNames: ['rose', 'tulip', 'daisy', 'iris'] });
    const c = competingClasses(ctx, 0);
    const row = Array.from(pool.targetProbabilities.data.subarray(0, 4));
    const sorted = [...row].sort((a, b) => b - a);
    expect(c?.firstProbability).toBe(sorted[0]);
    expect(c?.secondProbability).toBe(sorted[1]);
    expect(['rose', 'tulip', 'daisy', 'iris'][row.indexOf(sorted[0] as number)]).toBe(c?.first);
    const margin = createStrategy('margin').select(ctx, 1);
    expect(margin.items[0]?.reason).toMatch(/^the model is torn between/);
  });

  it('quote the probabilities at the temperature the product shows them, without changing any pick', () => {
    const names = ['rose', 'tulip', 'daisy', 'iris'];
    const raw = selectionContextFor(pool, { targetClassNames: names });
    const shown = selectionContextFor(pool, { targetClassNames: names, shownTemperature: 2 });
    const row = Array.from(pool.targetProbabilities.data.subarray(0, 4));
    const tempered = row.map((p) => Math.sqrt(p));
    const total = tempered.reduce((a, b) => a + b, 0);
    const [first, second] = [...tempered].sort((a, b) => b - a) as [number, number];
    const c = competingClasses(shown, 0);
    expect(c?.first).toBe(competingClasses(raw, 0)?.first);
    expect(c?.second).toBe(competingClasses(raw, 0)?.second);
    expect(c?.firstProbability).toBeCloseTo(first / total, 12);
    expect(c?.secondProbability).toBeCloseTo(second / total, 12);
    for (const strategy of ['margin', 'typical-margin', 'adma'] as const) {
      const a = createStrategy(strategy).select(raw, 5).items.map((item) => [item.imageId, item.score]);
      expect(createStrategy(strategy).select(shown, 5).items.map((item) => [item.imageId, item.score])).toEqual(a);
    }
  });
});

describe('small-centre fallback (strategy layer)', () => {
  const twoCentres = createSourceCentres({
    featuresA: createFeatureMatrix(base.featuresA.data.slice(0, 20), 2, 10),
    featuresB: createFeatureMatrix(blobs.slice(0, 2 * DIM), 2, DIM),
    sourceClasses: [0, 1],
  });
  it('D strategies pick at random before a classifier and by uncertainty after, and say why', () => {
    for (const name of ['adma', 'adma-diverse', 'distinctiveness'] as const) {
      const before = createStrategy(name).select({ ...cold, centres: twoCentres }, 5);
      expect(before.items.map((i) => i.imageId)).toEqual(createStrategy('random').select(cold, 5).items.map((i) => i.imageId));
      expect(before.items[0]?.reason).toMatch(/needs at least 3 source-class centres and this pool yields 2; picked by seeded random draw/);
      const ctx = selectionContextFor(pool, { centres: twoCentres });
      const after = createStrategy(name, { uncertainty: 'margin' }).select(ctx, 5);
      expect(after.items.map((i) => i.imageId)).toEqual(createStrategy('margin').select(ctx, 5).items.map((i) => i.imageId));
      expect(after.strategy).toBe(name);
    }
  });
});

describe('pool embedding and k-means', () => {
  it('k-means separates the three groups', () => {
    const rows = Int32Array.from({ length: N }, (_, i) => i);
    const clustering = kmeans(poolEmbedding(featuresB), rows, 3, 1);
    for (let g = 0; g < 3; g++) {
      const labels = new Set(Array.from(rows).filter((r) => groupOf[r] === g).map((r) => clustering.assignment[r]));
      expect(labels.size).toBe(1);
    }
  });
});

describe('nearest centres with triangle-inequality pruning', () => {
  /** The plain scan the pruned one must reproduce: every centre in order, the first minimum wins. */
  function plainNearest(data: Float32Array, dim: number, row: number, centres: Float64Array, k: number): number {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      let dist = 0;
      for (let t = 0; t < dim; t++) {
        const v = (data[row * dim + t] as number) - (centres[c * dim + t] as number);
        dist += v * v;
      }
      if (dist < bestD) {
        bestD = dist;
        best = c;
      }
    }
    return best;
  }

  it('finds the same centre as a scan over every centre, ties to the smaller index, whatever the guess', () => {
    const rand = mulberry32(11);
    const dim = 6;
    const n = 3000;
    const k = 40;
    // Coarse values so exact ties happen; rows 0..k-1 coincide with a centre; centres 5 and 17 coincide.
    const data = Float32Array.from({ length: n * dim }, () => Math.round(gaussian(rand) * 4) / 2);
    const embedding = { rows: n, dim, data };
    const centres = new Float64Array(k * dim);
    for (let c = 0; c < k; c++) for (let t = 0; t < dim; t++) centres[c * dim + t] = data[(c * 7) * dim + t] as number;
    for (let t = 0; t < dim; t++) centres[17 * dim + t] = centres[5 * dim + t] as number;
    const between = new Float64Array(k * k);
    centreDistances(centres, k, dim, between);
    const list = Int32Array.from({ length: n }, (_, i) => i);
    const expected = Array.from(list, (row) => plainNearest(data, dim, row, centres, k));
    let ties = 0;
    for (const row of list) {
      let count = 0;
      const best = expected[row] as number;
      const d = (c: number): number => {
        let s = 0;
        for (let t = 0; t < dim; t++) s += ((data[row * dim + t] as number) - (centres[c * dim + t] as number)) ** 2;
        return s;
      };
      for (let c = 0; c < k; c++) if (d(c) === d(best)) count++;
      if (count > 1) ties++;
    }
    expect(ties).toBeGreaterThan(50);
    for (const guesses of [null, Int32Array.from(list, (i) => i % k), Int32Array.from(list, () => k - 1)]) {
      const out = new Int32Array(n);
      nearestCentres(embedding, list, centres, k, between, guesses, out);
      expect(Array.from(out)).toEqual(expected);
    }
  });
});

describe('the reason words of a pick for its group', () => {
  it('says how large the group is and how many labels it has; a group of one is an image unlike any other, not "a group of 1 similar images"', () => {
    const group = (size: number, labels: number, picked = 0): { members: { length: number }; labels: number; picked: number } => ({ members: { length: size }, labels, picked });
    expect(typicalReason(group(240, 0))).toBe('typical of a group of 240 similar images with no label yet');
    expect(typicalReason(group(12, 2))).toBe('typical of a group of 12 similar images with only 2 labels');
    expect(inGroupReason('torn', group(5, 1))).toBe('torn; from a group of 5 similar images with 1 label');
    expect(typicalReason(group(1, 0))).toBe('unlike any other image (a group of its own)');
    expect(inGroupReason('torn', group(1, 0))).toBe('torn; unlike any other image (a group of its own)');
    // This batch's earlier picks from the group are not labels.
    expect(typicalReason(group(68, 0, 1))).toBe('typical of a group of 68 similar images with no label yet (1 other image of this batch is from it)');
    expect(inGroupReason('torn', group(30, 2, 3))).toBe('torn; from a group of 30 similar images with 2 labels (3 other images of this batch are from it)');
  });

  it("a second pick from a group says the group's labels, not the batch's earlier picks, as its labels", () => {
    // Ten images in one tight group and two far outliers: three clusters, the outliers' too small
    // to be picked from while the group has images left, so every pick comes from the group.
    const n = 12;
    const small = createSyntheticPool({ images: n, dimA: 4, dimB: 4, sourceClasses: 3, targetClasses: 2, seed: 9 });
    const points = new Float32Array(n * 4);
    const jitter = mulberry32(3);
    for (let i = 0; i < 10; i++) for (let d = 0; d < 4; d++) points[i * 4 + d] = jitter() * 0.1;
    points[10 * 4] = 50;
    points[11 * 4 + 1] = -50;
    const context = selectionContextFor({ ...small, featuresB: createFeatureMatrix(points, n, 4) }, { round: 0, labeledClassCount: 0, targetProbabilities: null });
    const reasons = createStrategy('typiclust').select(context, 3).items.map((item) => item.reason);
    expect(reasons[0]).toBe('typical of a group of 10 similar images with no label yet');
    expect(reasons[1]).toBe('typical of a group of 10 similar images with no label yet (1 other image of this batch is from it)');
    expect(reasons[2]).toBe('typical of a group of 10 similar images with no label yet (2 other images of this batch are from it)');
  });
});
