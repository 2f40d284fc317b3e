/**
 * What fitting a temperature costs a light training, by source: the training labels' out-of-fold
 * fit (labelQuality: 5 warm-started trainings of the head) against the evaluation set's
 * (evaluationSetCalibration: the head's predictions of the set, no training). PBC blood cells,
 * MobileNet v1 0.25 features from the study's cache, random label sets of 100 / 500 / 1,400 and
 * evaluation sets of 40 / 100 / 200, wasm. Measures and prints; asserts nothing.
 *
 * Run: npx tsx bench/calibration-cost.bench.ts
 */
import { initBackend } from '../src-main/engine/backend';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../src-main/engine/simulate/simulation-features';
import { trainOnPool } from '../src-main/engine/loop/train-on-pool';
import { evaluationSetCalibration, labelQuality } from '../src-main/engine/quality/label-quality';
import { softmaxRows } from '../src-main/engine/quality/calibration';
import { SeededRandom } from '../src-main/core/seeded-random';
import { studySetting } from './study/study-settings';
import { lightHeadLogits } from './support/light-head-logits';
await initBackend('wasm');
const setting = studySetting('pbc-mobilenet025-light');
const loaded = await loadModelFolder(setting.model);
const f = await prepareSimulationFeatures(loaded, await readImageFolderDataset(setting.folder), { deep: false, cacheDir: setting.cacheDir });
const inputs = { data: f.featuresB.data as Float32Array, rowShape: [f.featuresB.cols] };
const c = f.classes.length;
const order = new SeededRandom(1).shuffled(Array.from({ length: f.labels.length }, (_, i) => i));
console.log('| training labels | evaluation images | training ms | out-of-fold fit ms | evaluation-set fit ms |');
console.log('|---|---|---|---|---|');
for (const [n, e] of [[100, 40], [500, 100], [1400, 200]] as const) {
  const rows = order.slice(0, n); const labels = rows.map((i) => f.labels[i] as number);
  const ev = order.slice(n, n + e); const evLabels = ev.map((i) => f.labels[i] as number);
  let t = performance.now();
  const head = (await trainOnPool(inputs, { mode: 'light', classes: f.classes, rows, labels, seed: 1 })).head;
  const train = performance.now() - t; t = performance.now();
  await labelQuality({ inputs, imageIds: rows, rows, labels, classCount: c, seed: 1, warmStart: head });
  const oof = performance.now() - t;
  const p = Float32Array.from(softmaxRows(lightHeadLogits(inputs, head, ev, c), c));
  t = performance.now();
  evaluationSetCalibration(p, c, evLabels, 1);
  const evalMs = performance.now() - t;
  console.log(`| ${n} | ${e} | ${train.toFixed(0)} | ${oof.toFixed(0)} | ${evalMs.toFixed(1)} |`);
}
loaded.dispose();
