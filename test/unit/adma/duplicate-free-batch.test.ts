/**
 * The near-duplicate filter between ranking and batch, across every strategy: no batch item
 * duplicates a labeled image, an evaluation image or another batch item; batches stay full;
 * and on a pool without near duplicates the batch is exactly the strategy's own.
 */
import { describe, expect, it } from 'vitest';
import { computeDistinctiveness } from '../../../src-main/engine/adma/distinctiveness';
import { STRATEGY_NAMES, type Selection } from '../../../src-main/engine/adma/query-strategy';
import type { SelectionContext } from '../../../src-main/engine/adma/selection-context';
import { createStrategy } from '../../../src-main/engine/adma/strategy-registry';
import { plantedPool } from './near-duplicate-pool';
import { selectionContextFor } from './synthetic-pool';

const planted = plantedPool({ images: 400, plant: 120, seed: 17 });
const clean = plantedPool({ images: 400, plant: 0, seed: 17 });

function ids(selection: Selection): number[] {
  return selection.items.map((item) => item.imageId);
}

/** Contexts over a pool: originals of planted copies labeled, a few evaluation images, several rounds. */
function scenarios(p: typeof planted): [string, SelectionContext][] {
  const originals = [...new Set(p.copyOf.values())];
  const labeled = new Set(originals.slice(0, 25).map((row) => p.pool.imageIds[row] as number));
  const excluded = new Set(originals.slice(25, 35).map((row) => p.pool.imageIds[row] as number));
  const distinctiveness = computeDistinctiveness(p.pool);
  return [
    ['cold start', selectionContextFor(p.pool, { round: 0, labeledClassCount: 0, targetProbabilities: null, excludedIds: excluded, nearDuplicates: p.index })],
    ['later round', selectionContextFor(p.pool, { round: 4, labeledIds: labeled, excludedIds: excluded, distinctiveness, nearDuplicates: p.index })],
    ['round 9', selectionContextFor(p.pool, { round: 9, seed: 3, labeledIds: labeled, excludedIds: excluded, distinctiveness, nearDuplicates: p.index })],
  ];
}

describe('duplicate-free batches, every strategy', () => {
  it('the planted pool has duplicates the strategies would otherwise pick', () => {
    const [, ctx] = scenarios(planted)[1] as [string, SelectionContext];
    const { nearDuplicates: _, ...unfiltered } = ctx;
    const offenders = STRATEGY_NAMES.filter((name) => {
      const rows = createStrategy(name).select(unfiltered, 40).items.map((i) => i.row);
      const anchors = ctx.imageIds.length ? [...Array(ctx.imageIds.length).keys()].filter((r) => ctx.labeledIds.has(ctx.imageIds[r] as number) || ctx.excludedIds.has(ctx.imageIds[r] as number)) : [];
      return rows.some((row, k) => planted.index.firstDuplicateIn(row, [...anchors, ...rows.slice(0, k)]) >= 0);
    });
    expect(offenders.length).toBeGreaterThan(STRATEGY_NAMES.length / 2);
  });

  for (const name of STRATEGY_NAMES) {
    for (const [scenario, ctx] of scenarios(planted)) {
      it(`${name}, ${scenario}: a full batch with no near duplicate of a labeled, evaluation or batch image`, () => {
        const selection = createStrategy(name).select(ctx, 40);
        expect(selection.items).toHaveLength(40);
        const anchors: number[] = [];
        for (let row = 0; row < ctx.imageIds.length; row++) {
          const id = ctx.imageIds[row] as number;
          if (ctx.labeledIds.has(id) || ctx.excludedIds.has(id)) anchors.push(row);
        }
        const rows = selection.items.map((i) => i.row);
        expect(new Set(rows).size).toBe(rows.length);
        rows.forEach((row, k) => {
          expect(ctx.labeledIds.has(ctx.imageIds[row] as number) || ctx.excludedIds.has(ctx.imageIds[row] as number)).toBe(false);
          expect(planted.index.firstDuplicateIn(row, anchors), `${name}: row ${row} duplicates a labeled or evaluation image`).toBe(-1);
          expect(planted.index.firstDuplicateIn(row, rows.slice(0, k)), `${name}: row ${row} duplicates an earlier pick`).toBe(-1);
        });
        expect(createStrategy(name).select(ctx, 40)).toEqual(selection);
      });
    }

    for (const [scenario, ctx] of scenarios(clean)) {
      it(`${name}, ${scenario}: without near duplicates in the pool the batch is exactly the strategy's own`, () => {
        const { nearDuplicates: _, ...unfiltered } = ctx;
        expect(clean.index.pairs()).toEqual([]);
        expect(clean.index.withCriteria({ minSimilarity: 0.9, maxHammingDistance: 6, minThumbnailCorrelation: 0.9 }).pairs().length).toBeGreaterThan(50);
        expect(createStrategy(name).select(ctx, 40)).toEqual(createStrategy(name).select(unfiltered, 40));
      });
    }
  }

  it('leaves a batch without a copy exactly the strategy\'s own, even where the test pairs unpicked images with labeled ones', () => {
    // A loose test pairs many images of the clean pool (rows drawn around one source class): none is a copy.
    const loose = clean.index.withCriteria({ minSimilarity: 0.9, maxHammingDistance: 6, minThumbnailCorrelation: 0.9 });
    const labeledRows = Array.from({ length: 6 }, (_, k) => k * 61);
    const labeled = new Set(labeledRows.map((row) => clean.pool.imageIds[row] as number));
    const ctx = selectionContextFor(clean.pool, { round: 4, labeledIds: labeled, distinctiveness: computeDistinctiveness(clean.pool), nearDuplicates: loose });
    const { nearDuplicates: _, ...unfiltered } = ctx;
    const paired = Array.from({ length: clean.index.rows }, (_, row) => row).filter((row) => !labeledRows.includes(row) && loose.firstDuplicateIn(row, labeledRows) >= 0);
    expect(paired.length).toBeGreaterThan(0);
    let untouched = 0;
    for (const name of STRATEGY_NAMES) {
      const own = createStrategy(name).select(unfiltered, 8);
      const rows = own.items.map((i) => i.row);
      const holdsPair = rows.some((row, k) => loose.firstDuplicateIn(row, labeledRows) >= 0 || loose.firstDuplicateIn(row, rows.slice(0, k)) >= 0);
      if (holdsPair) continue;
      untouched++;
      expect(createStrategy(name).select(ctx, 8), name).toEqual(own);
    }
    // Among them the clustering strategies, whose clusters would move if paired images were taken out up front.
    expect(untouched).toBeGreaterThan(3);
  });

  it('ADMA keeps the paper ranking: its batch is the top of the full ranking with duplicates skipped', () => {
    const [, ctx] = scenarios(planted)[1] as [string, SelectionContext];
    const { nearDuplicates: _, ...unfiltered } = ctx;
    const ranking = createStrategy('adma').select(unfiltered, ctx.imageIds.length).items.map((i) => i.row);
    const anchors = [...Array(ctx.imageIds.length).keys()].filter((r) => ctx.labeledIds.has(ctx.imageIds[r] as number) || ctx.excludedIds.has(ctx.imageIds[r] as number));
    const expected: number[] = [];
    for (const row of ranking) {
      if (expected.length === 40) break;
      if (planted.index.firstDuplicateIn(row, [...anchors, ...expected]) < 0) expected.push(row);
    }
    const batch = createStrategy('adma').select(ctx, 40);
    expect(batch.items.map((i) => i.row)).toEqual(expected);
    expect(ids(batch)).not.toEqual(ids(createStrategy('adma').select(unfiltered, 40)));
  });
});
