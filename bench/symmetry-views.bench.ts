/**
 * What "No up or down" costs a round (images with no up or down: every label also learned in its
 * turns and mirrors): `npx tsx bench/symmetry-views.bench.ts [--labels 100,200,500] [--images 40]`.
 * On the blood cells (../shared/data/pbc-blood-cells) with MobileNet v1 0.25 and 0.75, in one
 * process, one after the other:
 *   - extracting the 7 other views of `--images` images (decode once, turn in memory, one
 *     forward pass) on the engine's runtime (ONNX Runtime where it loads), into a fresh cache:
 *     ms per image, i.e. per new label;
 *   - training the light head (trainOnPool, pool-standardised L-BFGS) on the first n labels of
 *     a fixed random order of the pool, with and without their views: from scratch (the first
 *     training, or `adma train --fresh`), and as a round does it, warm from the head of the
 *     first n - 10 labels; median of 3 runs each.
 * Measures and prints; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { extractViewFeatures } from '../src-main/engine/features/extract-features';
import { FeatureStore, featureCacheDir, featureLayoutOf } from '../src-main/engine/features/feature-store';
import { trainOnPool } from '../src-main/engine/loop/train-on-pool';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { featureRuntimeFor } from '../src-main/engine/onnx/feature-runtime';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../src-main/engine/simulate/simulation-features';
import { viewRowsOf } from '../src-main/engine/simulate/training-rows';
import { studySetting } from './study/study-settings';
import { benchLabelOrder } from './support/label-order';

const { values } = parseArgs({ options: { labels: { type: 'string', default: '100,200,500' }, images: { type: 'string', default: '40' } } });
const labelCounts = values.labels.split(',').map(Number);
const images = Number(values.images);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const backend = await initBackend();
console.log(`training backend: ${backend.label}`);
for (const id of ['pbc-mobilenet025-light', 'pbc-mobilenet075-light']) {
  const setting = studySetting(id);
  const dataset = await readImageFolderDataset(setting.folder);
  const loaded = await loadModelFolder(setting.model);
  try {
    // Extraction of the views into a fresh cache (the study's cache already holds them).
    const work = mkdtempSync(join(tmpdir(), 'adma-views-bench-'));
    try {
      const runtime = await featureRuntimeFor(loaded, featureCacheDir(work));
      const store = FeatureStore.openFor(work, featureLayoutOf(loaded));
      try {
        const items = dataset.images.slice(0, images).map((image, i) => ({ hash: `bench-${i}`, path: image.absPath }));
        const started = performance.now();
        const result = await extractViewFeatures(loaded, store, items, runtime.runner ? { runner: runtime.runner } : {});
        const ms = (performance.now() - started) / result.computed;
        console.log(`${id}: views of ${result.computed} images on ${runtime.label}: ${ms.toFixed(1)} ms per image (${result.views.length} views)`);
      } finally {
        store.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }

    // Training with and without the views, on the study's cached features and views.
    const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: setting.cacheDir, symmetryViews: true });
    const d = features.featuresB.cols;
    const order = benchLabelOrder(features.labels.length);
    const rows = viewRowsOf(features);
    const inputs = { data: features.featuresB.data as Float32Array, rowShape: [d] };
    for (const n of labelCounts) {
      const picked = order.slice(0, n);
      const request = { mode: 'light' as const, classes: features.classes, rows: picked, labels: picked.map((row) => features.labels[row] as number), seed: 1 };
      const before = { ...request, rows: picked.slice(0, n - 10), labels: request.labels.slice(0, n - 10) };
      const time = async (withViews: boolean, warm: boolean): Promise<number> => {
        const on = withViews ? { ...inputs, views: rows } : inputs;
        const previous = warm ? (await trainOnPool(on, before)).head : undefined;
        const runs: number[] = [];
        for (let k = 0; k < 3; k++) runs.push((await trainOnPool(on, previous ? { ...request, previous } : request)).millis);
        return median(runs);
      };
      for (const warm of [false, true]) {
        const plain = await time(false, warm);
        const turned = await time(true, warm);
        console.log(`${id}: light head on ${n} labels, ${warm ? 'warm from the head of 10 fewer (a round)' : 'from scratch'}: ${plain.toFixed(0)} ms without the views, ${turned.toFixed(0)} ms with them (${(turned / plain).toFixed(1)}x)`);
      }
    }
  } finally {
    loaded.dispose();
  }
}
