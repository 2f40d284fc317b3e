import { describe, expect, it } from 'vitest';
import { computeDistinctiveness } from '../../../src-main/engine/adma/distinctiveness';
import { featureMatrixFromRows } from '../../../src-main/engine/adma/feature-matrix';
import { isStrategyName, STRATEGY_NAMES, type Selection } from '../../../src-main/engine/adma/query-strategy';
import { rowDistance } from '../../../src-main/engine/adma/row-distance';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import type { SelectionContext } from '../../../src-main/engine/adma/selection-context';
import { createStrategy } from '../../../src-main/engine/adma/strategy-registry';
import { computeUncertainty } from '../../../src-main/engine/adma/uncertainty';
import { createSyntheticPool, selectionContextFor } from './synthetic-pool';

const pool = createSyntheticPool({ images: 400, dimA: 10, dimB: 16, sourceClasses: 12, targetClasses: 4, seed: 21 });
const distinctiveness = computeDistinctiveness(pool);

/** Ids of the `count` rows with the highest D: the ones a careless strategy would return. */
function topDistinctiveIds(count: number): number[] {
  return pool.imageIds
    .map((id, row) => ({ id, d: distinctiveness[row] as number }))
    .sort((a, b) => b.d - a.d)
    .slice(0, count)
    .map((entry) => entry.id);
}

const labeled = new Set([...topDistinctiveIds(30), ...pool.imageIds.filter((id) => id % 9 === 0)]);
const excluded = new Set([...topDistinctiveIds(60).slice(30), ...pool.imageIds.filter((id) => id % 7 === 0 && !labeled.has(id))]);

const scenarios: [string, SelectionContext][] = [
  [
    'cold start (round 0, no labels, no classifier)',
    selectionContextFor(pool, { round: 0, labeledClassCount: 0, targetProbabilities: null, excludedIds: excluded }),
  ],
  ['later round with labels, test images and a classifier', selectionContextFor(pool, { round: 4, labeledIds: labeled, excludedIds: excluded })],
  [
    'later round with cached D',
    selectionContextFor(pool, { round: 4, labeledIds: labeled, excludedIds: excluded, distinctiveness }),
  ],
];

function ids(selection: Selection): number[] {
  return selection.items.map((item) => item.imageId);
}

describe('every query strategy', () => {
  for (const name of STRATEGY_NAMES) {
    for (const [scenario, ctx] of scenarios) {
      it(`${name}, ${scenario}: a full batch of distinct, eligible images, reproducibly`, () => {
        const selection = createStrategy(name).select(ctx, 25);
        expect(selection.strategy).toBe(name);
        expect(selection.round).toBe(ctx.round);
        expect(selection.items).toHaveLength(25);
        expect(new Set(ids(selection)).size).toBe(25);
        for (const item of selection.items) {
          expect(labeled.has(item.imageId) && ctx.labeledIds.size > 0, `labeled ${item.imageId}`).toBe(false);
          expect(excluded.has(item.imageId), `excluded ${item.imageId}`).toBe(false);
          expect(item.imageId).toBe(ctx.imageIds[item.row]);
          expect(item.reason.length).toBeGreaterThan(10);
          for (const value of [item.distinctiveness, item.uncertainty, item.lambda]) {
            if (value !== null) expect(value >= 0 && value <= 1).toBe(true);
          }
        }
        // A fresh instance and a reused one give the same batch for the same context.
        const strategy = createStrategy(name);
        const first = strategy.select(ctx, 25);
        expect(first).toEqual(selection);
        expect(strategy.select(ctx, 25)).toEqual(selection);
      });
    }

    it(`${name}: returns every eligible image when fewer than the batch remain, and nothing for b = 0`, () => {
      const eligible = new Set([5, 17, 230]);
      const ctx = selectionContextFor(pool, {
        labeledIds: new Set(pool.imageIds.filter((id) => !eligible.has(id) && id % 2 === 0)),
        excludedIds: new Set(pool.imageIds.filter((id) => !eligible.has(id) && id % 2 === 1)),
      });
      expect(new Set(ids(createStrategy(name).select(ctx, 10)))).toEqual(eligible);
      expect(createStrategy(name).select(ctx, 0).items).toEqual([]);
    });

    it(`${name}: never returns a labeled or excluded image, whatever the batch size`, () => {
      const ctx = selectionContextFor(pool, { labeledIds: labeled, excludedIds: excluded, round: 2 });
      const eligibleCount = pool.imageIds.filter((id) => !labeled.has(id) && !excluded.has(id)).length;
      const selection = createStrategy(name).select(ctx, 1000);
      expect(selection.items).toHaveLength(eligibleCount);
      expect(new Set(ids(selection)).size).toBe(eligibleCount);
      expect(ids(selection).some((id) => labeled.has(id) || excluded.has(id))).toBe(false);
    });
  }

  it('are all in the registry by name', () => {
    for (const name of STRATEGY_NAMES) {
      expect(createStrategy(name).name).toBe(name);
      expect(isStrategyName(name)).toBe(true);
    }
    expect(isStrategyName('bald')).toBe(false);
  });

  it('reject invalid contexts and batch sizes', () => {
    const strategy = createStrategy('adma');
    expect(() => strategy.select(selectionContextFor(pool), -1)).toThrow(/batch size/);
    expect(() => strategy.select(selectionContextFor(pool, { imageIds: pool.imageIds.map((id) => (id === 2 ? 1 : id)) }), 3)).toThrow(
      /appears twice/,
    );
    expect(() => strategy.select(selectionContextFor(pool, { imageIds: pool.imageIds.slice(1) }), 3)).toThrow(/rows/);
    expect(() => strategy.select(selectionContextFor(pool, { distinctiveness: new Float64Array(3) }), 3)).toThrow(/recompute/);
    expect(() => strategy.select(selectionContextFor(pool, { round: -1 }), 3)).toThrow(/Rounds/);
  });
});

describe('ADMA', () => {
  it('uses D alone while fewer than two target classes have labels, even late and with a classifier', () => {
    const ctx = selectionContextFor(pool, { round: 8, labeledClassCount: 1 });
    const selection = createStrategy('adma').select(ctx, 10);
    expect(ids(selection)).toEqual(ids(createStrategy('distinctiveness').select(ctx, 10)));
    for (const item of selection.items) {
      expect(item.lambda).toBe(0);
      expect(item.score).toBe(distinctiveness[item.row]);
      expect(item.reason).toMatch(/^distinctive: .*two classes have labels/);
    }
  });

  it('has lambda_0 = 0: round 0 ranks by D even when a classifier exists', () => {
    const ctx = selectionContextFor(pool, { round: 0 });
    for (const schedule of [
      { kind: 'linear', step: 1 },
      { kind: 'exponential', gamma: 0 },
    ] as const) {
      const selection = createStrategy('adma', { schedule }).select(ctx, 10);
      expect(selection.items.every((item) => item.lambda === 0 && item.score === distinctiveness[item.row])).toBe(true);
    }
  });

  it('ranks by (1 - lambda_t) D + lambda_t U, best first, once two classes have labels', () => {
    const ctx = selectionContextFor(pool, { round: 2, labeledIds: labeled });
    const u = computeUncertainty('margin', pool.targetProbabilities);
    const selection = createStrategy('adma', { schedule: { kind: 'linear', step: 0.3 }, uncertainty: 'margin' }).select(ctx, 40);
    let previous = Infinity;
    for (const item of selection.items) {
      expect(item.lambda).toBeCloseTo(0.6, 15);
      expect(item.uncertainty).toBe(u[item.row]);
      expect(item.score).toBeCloseTo(0.4 * (distinctiveness[item.row] as number) + 0.6 * (u[item.row] as number), 15);
      expect(item.score as number).toBeLessThanOrEqual(previous);
      previous = item.score as number;
    }
    // Every eligible image left out scores no higher than the last one picked.
    const picked = new Set(ids(selection));
    pool.imageIds.forEach((id, row) => {
      if (picked.has(id) || labeled.has(id)) return;
      expect(0.4 * (distinctiveness[row] as number) + 0.6 * (u[row] as number)).toBeLessThanOrEqual(previous + 1e-15);
    });
  });

  it('takes a precomputed D from the context instead of computing one', () => {
    const crafted = Float64Array.from(pool.imageIds, (_, row) => row / pool.imageIds.length);
    const ctx = selectionContextFor(pool, { round: 0, distinctiveness: crafted });
    expect(ids(createStrategy('adma').select(ctx, 3))).toEqual([400, 399, 398]);
    expect(ids(createStrategy('distinctiveness').select(ctx, 3))).toEqual([400, 399, 398]);
  });

  it('breaks equal scores by the smaller image id', () => {
    const flat = new Float64Array(pool.imageIds.length).fill(0.5);
    const ctx = selectionContextFor(pool, { round: 0, distinctiveness: flat, labeledIds: new Set([1, 2]) });
    expect(ids(createStrategy('adma').select(ctx, 4))).toEqual([3, 4, 5, 6]);
  });

  it('computes D with the paper-faithful distances when asked', () => {
    const ctx = selectionContextFor(pool, { round: 0 });
    const raw = computeDistinctiveness(pool, { normalize: false });
    const selection = createStrategy('adma', { normalize: false }).select(ctx, 5);
    expect(selection.items.every((item) => item.distinctiveness === raw[item.row])).toBe(true);
  });
});

describe('diversity-aware ADMA', () => {
  // 20 near-identical images with the highest D in one tight cluster; the rest spread out.
  // With b = 6 the top 5b = 30 candidates hold the 20 clustered ones and 10 others.
  const n = 120;
  const random = mulberry32(5);
  const rows = Array.from({ length: n }, (_, i) =>
    i < 20 ? [random() * 0.01, random() * 0.01] : [20 * random() - 10, 20 * random() - 10],
  );
  const clustered = { ...pool, imageIds: Array.from({ length: n }, (_, i) => i + 1), featuresB: featureMatrixFromRows(rows) };
  const d = Float64Array.from({ length: n }, (_, i) => (i < 20 ? 0.9 + i / 1000 : 0.5 + random() * 0.3));
  const ctx: SelectionContext = {
    ...selectionContextFor(pool, { round: 0 }),
    imageIds: clustered.imageIds,
    featuresA: featureMatrixFromRows(rows),
    featuresB: clustered.featuresB,
    sourceProbabilities: featureMatrixFromRows(rows.map(() => [1])),
    targetProbabilities: null,
    labeledClassCount: 0,
    distinctiveness: d,
  };

  function meanPairwiseDistance(selection: Selection): number {
    let total = 0;
    let pairs = 0;
    for (const a of selection.items) {
      for (const b of selection.items) {
        if (a.row < b.row) {
          total += rowDistance(clustered.featuresB, a.row, clustered.featuresB, b.row);
          pairs++;
        }
      }
    }
    return total / pairs;
  }

  it('spreads the batch where plain top-b piles into one cluster', () => {
    const plain = createStrategy('adma').select(ctx, 6);
    const diverse = createStrategy('adma-diverse').select(ctx, 6);
    expect(plain.items.every((item) => item.row < 20)).toBe(true);
    expect(diverse.items.filter((item) => item.row >= 20).length).toBeGreaterThanOrEqual(3);
    expect(meanPairwiseDistance(diverse)).toBeGreaterThan(50 * meanPairwiseDistance(plain));
  });

  it('starts from the top score and only picks among the top 5b candidates', () => {
    const diverse = createStrategy('adma-diverse').select(ctx, 6);
    expect(diverse.items[0]?.imageId).toBe(20);
    expect(diverse.items[0]?.reason).not.toMatch(/diversity/);
    expect(diverse.items.slice(1).every((item) => /kept for diversity/.test(item.reason))).toBe(true);
    const candidates = new Set(ids(createStrategy('adma').select(ctx, 30)));
    expect(ids(diverse).every((id) => candidates.has(id))).toBe(true);
    // With a candidate factor of 1 it is plain top-b (in a spread order).
    const narrow = createStrategy('adma-diverse', { candidateFactor: 1 }).select(ctx, 6);
    expect(new Set(ids(narrow))).toEqual(new Set(ids(createStrategy('adma').select(ctx, 6))));
  });

  it('depends on the seed only through the draws after the first', () => {
    const a = createStrategy('adma-diverse').select({ ...ctx, seed: 1 }, 6);
    const b = createStrategy('adma-diverse').select({ ...ctx, seed: 2 }, 6);
    expect(a.items[0]?.imageId).toBe(b.items[0]?.imageId);
    expect(createStrategy('adma-diverse').select({ ...ctx, seed: 1 }, 6)).toEqual(a);
  });
});

describe('core-set', () => {
  // Points on a line at layer B.
  const positions = [0, 1, 2, 10, 4, 7, 3];
  const line: SelectionContext = {
    ...selectionContextFor(pool, { round: 1 }),
    imageIds: positions.map((_, i) => i + 1),
    featuresA: featureMatrixFromRows(positions.map((x) => [x])),
    featuresB: featureMatrixFromRows(positions.map((x) => [x])),
    sourceProbabilities: featureMatrixFromRows(positions.map(() => [1])),
    targetProbabilities: null,
    labeledIds: new Set([1]),
  };

  it('picks the point farthest from the labeled set, then from the labeled set and earlier picks', () => {
    const selection = createStrategy('coreset').select(line, 3);
    // From 0: farthest is 10 (id 4). Then from {0, 10}: 4 and 7 are at 4 and 3 -> 4 (id 5) at 4.
    // Then from {0, 10, 4}: 7 is 3 from 10 and 4; 2 is 2 from 0 and 4... -> 7 (id 6) at 3.
    expect(ids(selection)).toEqual([4, 5, 6]);
    expect(selection.items.map((item) => item.score)).toEqual([10, 4, 3]);
    expect(selection.items[0]?.reason).toMatch(/10\.00 from the nearest labeled/);
  });

  it('ignores test images as centres and never picks them', () => {
    const selection = createStrategy('coreset').select({ ...line, excludedIds: new Set([4]) }, 1);
    // 10 (id 4) is excluded, so from 0 the farthest eligible is 7 (id 6).
    expect(ids(selection)).toEqual([6]);
  });

  it('with nothing labeled starts from a seeded image and then goes farthest', () => {
    const cold = { ...line, labeledIds: new Set<number>() };
    const a = createStrategy('coreset').select(cold, 2);
    expect(a.items[0]?.score).toBeNull();
    expect(a.items[0]?.reason).toMatch(/seeded random start/);
    const start = positions[a.items[0]?.row ?? -1] as number;
    const farthest = Math.max(...positions.map((x) => Math.abs(x - start)));
    expect(a.items[1]?.score).toBe(farthest);
    expect(createStrategy('coreset').select(cold, 2)).toEqual(a);
    const starts = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => createStrategy('coreset').select({ ...cold, seed }, 1).items[0]?.imageId));
    expect(starts.size).toBeGreaterThan(1);
  });

  /** Greedy k-centre the plain way: every row against every label, then against each pick. */
  function bruteForceCoreset(ctx: SelectionContext, batchSize: number): { ids: number[]; scores: number[] } {
    const { data, cols, rows } = ctx.featuresB;
    const distance = (a: number, b: number): number => {
      let s = 0;
      for (let k = 0; k < cols; k++) {
        const t = (data[a * cols + k] as number) - (data[b * cols + k] as number);
        s += t * t;
      }
      return s;
    };
    const all = Array.from({ length: rows }, (_, row) => row);
    const centres = all.filter((row) => ctx.labeledIds.has(ctx.imageIds[row] as number) && !ctx.excludedIds.has(ctx.imageIds[row] as number));
    const open = all.filter((row) => !ctx.labeledIds.has(ctx.imageIds[row] as number) && !ctx.excludedIds.has(ctx.imageIds[row] as number));
    const nearest = open.map((row) => Math.min(...centres.map((c) => distance(row, c))));
    const result = { ids: [] as number[], scores: [] as number[] };
    for (let pick = 0; pick < Math.min(batchSize, open.length); pick++) {
      let best = 0;
      for (let i = 1; i < open.length; i++) {
        const better = (nearest[i] as number) > (nearest[best] as number);
        const tie = nearest[i] === nearest[best] && (ctx.imageIds[open[i] as number] as number) < (ctx.imageIds[open[best] as number] as number);
        if (better || tie) best = i;
      }
      const row = open[best] as number;
      result.ids.push(ctx.imageIds[row] as number);
      result.scores.push(Math.sqrt(nearest[best] as number));
      nearest[best] = -1;
      open.forEach((other, i) => {
        if ((nearest[i] as number) >= 0) nearest[i] = Math.min(nearest[i] as number, distance(other, row));
      });
    }
    return result;
  }

  it('picks exactly what the full computation picks, sketched bounds and all, duplicates included', () => {
    // 400 images, ~90 labels (more than the sketch), with exact duplicates to exercise the tie rule.
    const rows = Array.from({ length: pool.featuresB.rows }, (_, row) => Array.from(pool.featuresB.data.subarray(row * 16, row * 16 + 16)));
    for (let row = 300; row < 320; row++) rows[row] = [...(rows[row - 100] as number[])];
    const ctx = { ...selectionContextFor(pool, { round: 2, labeledIds: labeled, excludedIds: excluded }), featuresB: featureMatrixFromRows(rows) };
    for (const batchSize of [1, 7, 40, 400]) {
      const selection = createStrategy('coreset').select(ctx, batchSize);
      const expected = bruteForceCoreset(ctx, batchSize);
      expect(ids(selection)).toEqual(expected.ids);
      expect(selection.items.map((item) => item.score)).toEqual(expected.scores);
    }
    // A later round on the same instance: 60 more labels arrive at once (sketched again).
    const strategy = createStrategy('coreset');
    strategy.select(ctx, 5);
    const more = new Set([...labeled, ...pool.imageIds.filter((id) => id % 5 === 1 && !excluded.has(id)).slice(0, 60)]);
    const later = { ...ctx, round: 3, labeledIds: more };
    expect(ids(strategy.select(later, 12))).toEqual(bruteForceCoreset(later, 12).ids);
  });

  it('matches the full computation on scattered points where every label counts', () => {
    const random = mulberry32(5);
    const points = Array.from({ length: 500 }, () => [random(), random()]);
    const scattered: SelectionContext = {
      ...line,
      imageIds: points.map((_, i) => i + 1),
      featuresA: featureMatrixFromRows(points),
      featuresB: featureMatrixFromRows(points),
      sourceProbabilities: featureMatrixFromRows(points.map(() => [1])),
      labeledIds: new Set(points.map((_, i) => i + 1).filter((id) => id % 3 === 0)),
    };
    const selection = createStrategy('coreset').select(scattered, 500);
    const expected = bruteForceCoreset(scattered, 500);
    expect(ids(selection)).toEqual(expected.ids);
    expect(selection.items.map((item) => item.score)).toEqual(expected.scores);
  });

  it('keeps its distances right across rounds as labels are added and removed', () => {
    const strategy = createStrategy('coreset');
    let labeledIds = new Set<number>();
    const base = selectionContextFor(pool, { excludedIds: excluded });
    for (let round = 0; round < 4; round++) {
      const ctx = { ...base, round, labeledIds, imageIds: [...pool.imageIds] };
      const incremental = strategy.select(ctx, 8);
      expect(incremental).toEqual(createStrategy('coreset').select(ctx, 8));
      labeledIds = new Set([...labeledIds, ...ids(incremental)]);
    }
    // Undo: a label disappears; the cached distances must not be reused.
    const fewer = new Set([...labeledIds].slice(1));
    const ctx = { ...base, round: 4, labeledIds: fewer };
    expect(strategy.select(ctx, 8)).toEqual(createStrategy('coreset').select(ctx, 8));
  });
});

describe('random and uncertainty baselines', () => {
  it('random depends on the seed and the round', () => {
    const ctx = selectionContextFor(pool, { labeledIds: labeled });
    const base = ids(createStrategy('random').select(ctx, 10));
    expect(ids(createStrategy('random').select({ ...ctx, seed: 12 }, 10))).not.toEqual(base);
    expect(ids(createStrategy('random').select({ ...ctx, round: 4 }, 10))).not.toEqual(base);
  });

  it('uncertainty ranks by its measure once a classifier exists', () => {
    const ctx = selectionContextFor(pool, { labeledIds: labeled });
    for (const measure of ['entropy', 'margin', 'least-confidence', 'gini'] as const) {
      const u = computeUncertainty(measure, pool.targetProbabilities);
      const selection = createStrategy(measure).select(ctx, 10);
      const threshold = Math.min(...selection.items.map((item) => item.score as number));
      const picked = new Set(ids(selection));
      pool.imageIds.forEach((id, row) => {
        if (!picked.has(id) && !labeled.has(id)) expect(u[row] as number).toBeLessThanOrEqual(threshold);
      });
      expect(selection.items.every((item) => item.lambda === 1 && item.uncertainty === u[item.row])).toBe(true);
    }
  });

  it('uncertainty falls back to the random batch until a classifier over two labeled classes exists', () => {
    for (const overrides of [{ targetProbabilities: null }, { labeledClassCount: 1 }]) {
      const ctx = selectionContextFor(pool, { labeledIds: labeled, ...overrides });
      const fallback = createStrategy('entropy').select(ctx, 10);
      expect(ids(fallback)).toEqual(ids(createStrategy('random').select(ctx, 10)));
      expect(fallback.items[0]?.reason).toMatch(/needs a classifier/);
    }
  });
});
