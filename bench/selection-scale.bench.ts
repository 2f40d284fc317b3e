/**
 * Selection time of the cluster-, coverage- and gradient-based strategies (typiclust,
 * typical-margin, adma-typical, probcover, badge) at 10,000 and 100,000 images (dB = 256,
 * C = 10, D precomputed), and the memory a 100,000-image selection needs. Prints numbers;
 * asserts nothing. Run: npx tsx --expose-gc bench/selection-scale.bench.ts
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createStrategy } from '../src-main/engine/adma/strategy-registry';
import { createSyntheticPool, selectionContextFor } from '../test/unit/adma/synthetic-pool';

const NAMES = ['typiclust', 'typical-margin', 'adma-typical', 'probcover', 'badge'] as const;
const gc = (globalThis as { gc?: () => void }).gc;
console.log(`selection scale benchmark: node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}`);
for (const images of [10_000, 100_000]) {
  const pool = createSyntheticPool({ images, dimA: 16, dimB: 256, sourceClasses: 12, targetClasses: 10, seed: 1 });
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  for (const labeled of [0, 100, 500]) {
    const labeledIds = new Set(pool.imageIds.filter((_, row) => row % Math.floor(images / Math.max(1, labeled)) === 0).slice(0, labeled));
    const ctx = selectionContextFor(pool, {
      labeledIds,
      labeledClassCount: labeled ? 10 : 0,
      targetProbabilities: labeled ? pool.targetProbabilities : null,
      distinctiveness: new Float64Array(images).fill(0.5),
    });
    const cells = NAMES.map((name) => {
      const started = performance.now();
      createStrategy(name).select(ctx, 10);
      return `${name} ${(performance.now() - started).toFixed(0)} ms`;
    });
    console.log(`${images} images, ${labeled} labeled, b = 10: ${cells.join(', ')}`);
  }
  const usage = process.memoryUsage();
  console.log(`  memory: heap +${((usage.heapUsed - heapBefore) / 1e6).toFixed(0)} MB, RSS ${(rssBefore / 1e6).toFixed(0)} → ${(usage.rss / 1e6).toFixed(0)} MB (the pool's own matrices included in both)`);
}
