/**
 * What the labels' check for "No up or down" costs (src-main/adaptation/symmetry-check.ts, the
 * engine's loopSymmetryCheck): `npx tsx bench/symmetry-check.bench.ts [--labels 50,80] [--runs 3]`.
 * On the blood cells (../shared/data/pbc-blood-cells) with MobileNet v1 0.25, the first n labels
 * of the benches' fixed random order (bench/support/label-order.ts), as the app does it at each
 * check point:
 *   - the views of the labeled images not yet in the cache (7 forward passes each, decode once)
 *     on the engine's runtime: all n at the first check, the labels added since at the next;
 *   - the two cross-validations (quality/symmetry-evidence.ts symmetryCheck: 5 plain and 5 views
 *     light heads, from scratch), median of `--runs`, with the rule's numbers.
 * The pool's features are extracted first into a fresh cache (not timed). Measures and prints;
 * asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { extractViewFeatures } from '../src-main/engine/features/extract-features';
import { FeatureStore, featureCacheDir, featureLayoutOf } from '../src-main/engine/features/feature-store';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { featureRuntimeFor } from '../src-main/engine/onnx/feature-runtime';
import { symmetryCheck } from '../src-main/engine/quality/symmetry-evidence';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../src-main/engine/simulate/simulation-features';
import { studySetting } from './study/study-settings';
import { benchLabelOrder } from './support/label-order';

const { values } = parseArgs({ options: { labels: { type: 'string', default: '50,80' }, runs: { type: 'string', default: '3' } } });
const labelCounts = values.labels.split(',').map(Number);
const runs = Number(values.runs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const backend = await initBackend();
console.log(`training backend: ${backend.label}`);
const setting = studySetting('pbc-mobilenet025-light');
const dataset = await readImageFolderDataset(setting.folder);
const loaded = await loadModelFolder(setting.model);
const work = mkdtempSync(join(tmpdir(), 'adma-symmetry-check-bench-'));
try {
  const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: work });
  const d = features.featuresB.cols;
  const order = benchLabelOrder(features.labels.length);
  const runtime = await featureRuntimeFor(loaded, featureCacheDir(work));
  const store = FeatureStore.openFor(work, featureLayoutOf(loaded));
  const views = new Map<number, Float32Array>();
  let perRow = 0;
  try {
    for (const n of labelCounts) {
      const picked = order.slice(0, n);
      const fresh = picked.filter((row) => !views.has(row));
      const items = fresh.map((row) => ({ hash: `bench-${row}`, path: dataset.images[row]?.absPath as string }));
      const started = performance.now();
      const extracted = await extractViewFeatures(loaded, store, items, runtime.runner ? { runner: runtime.runner } : {});
      const extractMs = performance.now() - started;
      perRow = extracted.views.length;
      const stored = store.loadViews(items.map((item) => item.hash), extracted.views);
      fresh.forEach((row, k) => views.set(row, stored.slice(k * perRow * d, (k + 1) * perRow * d)));
      // Class indices of the classes present among the labels, as the host sends them.
      const present = [...new Set(picked.map((row) => features.labels[row] as number))].sort((a, b) => a - b);
      const labels = picked.map((row) => present.indexOf(features.labels[row] as number));
      const inputs = { data: features.featuresB.data as Float32Array, rowShape: [d], views: { perRow, of: (row: number) => views.get(row) } };
      const times: number[] = [];
      let evidence;
      for (let k = 0; k < runs; k++) {
        const t0 = performance.now();
        evidence = await symmetryCheck({ inputs, rows: picked, labels, classCount: present.length, seed: 1 });
        times.push(performance.now() - t0);
      }
      const e = evidence as NonNullable<typeof evidence>;
      console.log(
        `${n} labels: views of ${fresh.length} new labeled images (${perRow} views each) on ${runtime.label}: ${extractMs.toFixed(0)} ms; ` +
          `two cross-validations (10 light heads): median ${median(times).toFixed(0)} ms (runs ${times.map((t) => t.toFixed(0)).join(', ')}); ` +
          `out-of-fold accuracy ${(e.plainAccuracy * 100).toFixed(1)}% -> ${(e.viewsAccuracy * 100).toFixed(1)}%, mean d ${e.meanDifference.toFixed(3)}, SE ${e.standardError.toFixed(3)}, suggest ${e.suggest}`,
      );
    }
  } finally {
    store.close();
  }
} finally {
  loaded.dispose();
  rmSync(work, { recursive: true, force: true });
}
