/**
 * The light head's L2 choice (src-main/engine/quality/l2-choice.ts) on real photos: for each
 * data set and model, stratified random label sets of n images (the rest of the set is the
 * test), the time of a first choice (the whole grid, 3 folds x 7 penalties), of a later one
 * (stepping from the first choice: the step rule's usual case), of one training at the
 * chosen penalty, and the test accuracy of the head at the default penalty (1) and at the
 * chosen one.
 *
 * Run: npx tsx bench/l2-choice.bench.ts [--models 0.25,0.75] [--sets hymenoptera,pbc-blood-cells] [--labels 100,200,550,1400] [--seeds 0,1]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { trainOnPool, type HeadInputs } from '../src-main/engine/loop/train-on-pool';
import { chooseL2 } from '../src-main/engine/quality/l2-choice';
import { DEFAULT_L2 } from '../src-main/engine/train/logistic-regression';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../src-main/engine/simulate/simulation-features';
import { stratifiedTestSplit } from '../src-main/engine/simulate/stratified-split';
import { modeRows } from '../src-main/engine/simulate/training-rows';
import { predictProbabilities } from '../src-main/engine/train/predict-probabilities';

const { values } = parseArgs({ options: { models: { type: 'string' }, sets: { type: 'string' }, labels: { type: 'string' }, seeds: { type: 'string' } } });
const shared = resolve(import.meta.dirname, '../../shared');
const models = (values.models ?? '0.25,0.75').split(',');
const sets = (values.sets ?? 'hymenoptera,pbc-blood-cells').split(',');
const labelCounts = (values.labels ?? '100,200,550,1400').split(',').map(Number);
const seeds = (values.seeds ?? '0,1').split(',').map(Number);

function accuracy(head: Awaited<ReturnType<typeof trainOnPool>>['head'], inputs: HeadInputs, rows: number[], labels: ArrayLike<number>): number {
  const d = inputs.rowShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(rows.length * d);
  rows.forEach((row, k) => x.set(inputs.data.subarray(row * d, (row + 1) * d), k * d));
  const p = predictProbabilities(head, x);
  const c = head.classes.length;
  let correct = 0;
  rows.forEach((row, k) => {
    let best = 0;
    for (let j = 1; j < c; j++) if ((p[k * c + j] as number) > (p[k * c + best] as number)) best = j;
    if (best === labels[row]) correct++;
  });
  return correct / rows.length;
}

await initBackend();
console.log('| set | model | labels | seed | first choice: s (penalty) | later choice: s (penalty, values tried) | one training at the penalty: s | test accuracy at 1 / at the choice |');
console.log('|---|---|---|---|---|---|---|---|');
for (const set of sets) {
  const folder = join(shared, 'data', set);
  if (!existsSync(folder)) continue;
  const dataset = await readImageFolderDataset(folder);
  for (const model of models) {
    const loaded = await loadModelFolder(join(shared, 'models', `mobilenet_v1_${model}_224`));
    const cacheDir = join(tmpdir(), 'adma-l2-bench', set);
    mkdirSync(cacheDir, { recursive: true });
    const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir });
    loaded.dispose();
    const inputs: HeadInputs = modeRows(features, 'light');
    const classes = features.classes;
    for (const n of labelCounts) {
      for (const seed of seeds) {
        // The labeled set: a stratified sample of n images; the test: every other image.
        const fraction = n / features.labels.length;
        if (fraction >= 0.9) continue;
        const chosen = stratifiedTestSplit(features.labels, classes.length, fraction, seed);
        const rows: number[] = [];
        const test: number[] = [];
        for (let i = 0; i < features.labels.length; i++) (chosen[i] ? rows : test).push(i);
        const labels = rows.map((r) => features.labels[r] as number);
        let t = performance.now();
        const first = await chooseL2({ inputs, rows, labels, classes, seed });
        const firstSeconds = (performance.now() - t) / 1000;
        t = performance.now();
        const later = await chooseL2({ inputs, rows, labels, classes, seed, previous: { alpha: first.alpha, chosenOn: Math.floor(rows.length / 1.3), classes } });
        const laterSeconds = (performance.now() - t) / 1000;
        const tried = later.losses?.filter((l) => l !== null).length ?? 0;
        const atDefault = await trainOnPool(inputs, { mode: 'light', classes, rows, labels, seed, l2: DEFAULT_L2 });
        t = performance.now();
        const atChoice = await trainOnPool(inputs, { mode: 'light', classes, rows, labels, seed, l2: first.alpha });
        const trainSeconds = (performance.now() - t) / 1000;
        console.log(
          `| ${set} | ${model} | ${rows.length} | ${seed} | ${firstSeconds.toFixed(1)} (${first.alpha}) | ${laterSeconds.toFixed(1)} (${later.alpha}, ${tried}) | ${trainSeconds.toFixed(2)} | ${(100 * accuracy(atDefault.head, inputs, test, features.labels)).toFixed(1)}% / ${(100 * accuracy(atChoice.head, inputs, test, features.labels)).toFixed(1)}% |`,
        );
      }
    }
  }
}
