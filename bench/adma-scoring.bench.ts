/**
 * Timing of ADMA scoring and selection on a pool the size the product targets:
 * 10,000 images, pooled features dA = 128 and dB = 256, a 1000-class source softmax with
 * K = 100 centres estimated from the pool, a C = 10 target classifier, 500 labeled images,
 * 300 excluded (test) images and batches of b = 20 (and 100).
 *
 * Prints numbers; asserts nothing. Run: npx tsx bench/adma-scoring.bench.ts
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { computeDistinctiveness } from '../src-main/engine/adma/distinctiveness';
import { estimatePoolCentres } from '../src-main/engine/adma/pool-centres';
import { STRATEGY_NAMES } from '../src-main/engine/adma/query-strategy';
import type { SelectionContext } from '../src-main/engine/adma/selection-context';
import { createStrategy } from '../src-main/engine/adma/strategy-registry';
import { createSyntheticPool, selectionContextFor } from '../test/unit/adma/synthetic-pool';

const SHAPE = { images: 10_000, dimA: 128, dimB: 256, sourceClasses: 1000, targetClasses: 10, seed: 1 };
const REPEATS = 5;

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function ms(value: number): string {
  return `${value.toFixed(1).padStart(8)} ms`;
}

console.log(`ADMA scoring benchmark: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`);
console.log(
  `pool ${SHAPE.images} images, dA ${SHAPE.dimA}, dB ${SHAPE.dimB}, source softmax ${SHAPE.sourceClasses} classes, C ${SHAPE.targetClasses}`,
);

const generated = time(() => createSyntheticPool(SHAPE));
const pool = generated.value;
console.log(`synthetic pool generated in ${ms(generated.ms)}`);

const centres = time(() => estimatePoolCentres(pool, { maxCentres: 100 }));
console.log(`estimatePoolCentres (K_max 100)      ${ms(centres.ms)}  -> K = ${centres.value.sourceClasses.length} centres`);

const input = { ...pool, centres: centres.value };
const normalized = time(() => computeDistinctiveness(input, { normalize: true }));
const raw = time(() => computeDistinctiveness(input, { normalize: false }));
console.log(`computeDistinctiveness (normalised)  ${ms(normalized.ms)}  (once per pool, then cached)`);
console.log(`computeDistinctiveness (raw)         ${ms(raw.ms)}`);
const d = normalized.value;
console.log(`D range [${Math.min(...d).toFixed(3)}, ${Math.max(...d).toFixed(3)}]`);

const labeledIds = new Set(pool.imageIds.filter((id) => id % 20 === 0)); // 500 labeled
const excludedIds = new Set(pool.imageIds.filter((id) => id % 20 === 7).slice(0, 300)); // 300 test images
const ctx: SelectionContext = selectionContextFor(pool, {
  centres: centres.value,
  labeledIds,
  excludedIds,
  round: 3,
  labeledClassCount: SHAPE.targetClasses,
  distinctiveness: d,
});

for (const batchSize of [20, 100]) {
  console.log(`\nselect, b = ${batchSize}, 500 labeled, 300 excluded, D precomputed (median of ${REPEATS} fresh instances; first call)`);
  for (const name of STRATEGY_NAMES) {
    const runs: number[] = [];
    for (let i = 0; i < REPEATS; i++) runs.push(time(() => createStrategy(name).select(ctx, batchSize)).ms);
    console.log(`  ${name.padEnd(18)} ${ms(median(runs))}   (max ${ms(Math.max(...runs)).trim()})`);
  }
}

// Core-set keeps nearest-labeled distances between rounds: the next round only folds in the new labels.
const coreset = createStrategy('coreset');
const first = time(() => coreset.select(ctx, 20));
const grown = new Set([...labeledIds, ...first.value.items.map((item) => item.imageId)]);
const next = time(() => coreset.select({ ...ctx, round: 4, labeledIds: grown }, 20));
console.log(`\ncoreset across rounds, b = 20: first round (500 labels) ${ms(first.ms)}, next round (+20 labels) ${ms(next.ms)}`);

// Without a precomputed D, the first ADMA select computes it (then keeps it).
const adma = createStrategy('adma');
const cold = time(() => adma.select({ ...ctx, distinctiveness: undefined }, 20));
const warm = time(() => adma.select({ ...ctx, distinctiveness: undefined, round: 4 }, 20));
console.log(`adma without cached D, b = 20: first select ${ms(cold.ms)} (computes D), next select ${ms(warm.ms)}`);

