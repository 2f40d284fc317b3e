/**
 * Suspect labels and calibration on real photos: for each data set, flip 5% and 10% of the
 * labels (seeded), run the app's cross-validation (5 folds of the light head on pooled
 * layer-B features, src-main/engine/quality/label-quality.ts) and report precision at k
 * (k = flipped), recall at 2k, the queue's length and recall, and the expected calibration
 * error of the held-out predictions before and after temperature scaling. Beside the queue,
 * confident learning's own filter (confident-learning.ts, measured and not adopted): its length,
 * the flipped labels it holds, and precision at k with its flags listed first. --labeled N:
 * also with only N of the images labeled (drawn by the seed), as an expert checks after a few rounds. Then, on clean
 * labels, calibration as the app does it: a stratified 30% test split stands in for the
 * evaluation set; the light head is trained on the other 70%, T is fitted on their
 * out-of-fold logits, and the ECE of the test predictions is measured at T = 1 and at T.
 *
 * The fitted T is applied only when, cross-fitted over the folds, it lowers the out-of-fold
 * log-loss and ECE (calibration.ts decideTemperature); the test-split table gives both the
 * test ECE at the fitted T and as shipped (at the applied T).
 *
 * Run: npx tsx bench/label-quality.bench.ts [--model 0.25|0.75] [--seeds 1,2,3] [--sets hymenoptera,pbc-blood-cells] [--calibration-only] [--train-size N]
 *      [--labeled 130,300] [--shares 0,0.05,0.1]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend } from '../src-main/engine/backend';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { runNoiseExperiment } from '../src-main/engine/quality/label-noise-experiment';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../src-main/engine/simulate/simulation-features';
import { stratifiedTestSplit } from '../src-main/engine/simulate/stratified-split';
import { trainOnPool, type HeadInputs } from '../src-main/engine/loop/train-on-pool';
import { labelQuality } from '../src-main/engine/quality/label-quality';
import { reliability, softmaxRows, topConfidence } from '../src-main/engine/quality/calibration';
import { SeededRandom } from '../src-main/core/seeded-random';
import { lightHeadLogits } from './support/light-head-logits';

/** ECE on a 30% test split of a head trained on the other 70%, at T = 1 and at the out-of-fold T. */
async function testSplitCalibration(
  inputs: HeadInputs,
  labels: ArrayLike<number>,
  classCount: number,
  seed: number,
  trainSize: number | null,
): Promise<{ trainCount: number; t: number; fitted: number; applied: boolean; oof: string; before: number | null; atFitted: number | null; after: number | null; accuracy: number; test: number; trainMillis: number; calibrateMillis: number }> {
  const test = stratifiedTestSplit(labels, classCount, 0.3, seed);
  const train: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < labels.length; i++) (test[i] ? held : train).push(i);
  // --train-size: the first N of a seeded shuffle of the 70%, as a small labeled set would be.
  if (trainSize !== null) train.splice(0, train.length, ...new SeededRandom(seed).shuffled(train).slice(0, trainSize));
  const trainLabels = train.map((i) => labels[i] as number);
  const started = performance.now();
  const head = (await trainOnPool(inputs, { mode: 'light', classes: Array.from({ length: classCount }, (_, k) => `class-${k}`), rows: train, labels: trainLabels, seed })).head;
  const trained = performance.now();
  const fit = (await labelQuality({ inputs, imageIds: train, rows: train, labels: trainLabels, classCount, seed, warmStart: head })).calibration;
  const { temperature } = fit;
  const calibrated = performance.now();
  const logits = lightHeadLogits(inputs, head, held, classCount);
  const truth = held.map((i) => labels[i] as number);
  const ece = (t: number): { ece: number | null; accuracy: number } => {
    const top = topConfidence(softmaxRows(logits, classCount, t), classCount, truth);
    return { ece: reliability(top.confidence, top.correct).ece, accuracy: top.correct.reduce((a, b) => a + b, 0) / truth.length };
  };
  const before = ece(1);
  return {
    trainCount: train.length,
    t: temperature,
    fitted: fit.fittedTemperature,
    applied: fit.applied,
    oof: `${fit.eceBefore?.toFixed(3)} → ${fit.eceAfter?.toFixed(3)} / ${fit.logLossBefore?.toFixed(3)} → ${fit.logLossAfter?.toFixed(3)}`,
    before: before.ece,
    atFitted: ece(fit.fittedTemperature).ece,
    after: ece(temperature).ece,
    accuracy: before.accuracy,
    test: held.length,
    trainMillis: Math.round(trained - started),
    calibrateMillis: Math.round(calibrated - trained),
  };
}

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const shared = process.env.ADMA_SHARED_DIR ?? resolve(import.meta.dirname, '../../shared');
const alpha = argument('--model', '0.25');
const modelDir = join(shared, 'models', `mobilenet_v1_${alpha}_224`);
const seeds = argument('--seeds', '1,2,3').split(',').map(Number);
const sets = argument('--sets', 'hymenoptera,pbc-blood-cells').split(',');
const trainSize = process.argv.includes('--train-size') ? Number(argument('--train-size', '')) : null;
const cacheDir = join(tmpdir(), `adma-label-quality-bench-${alpha}`);

await initBackend('wasm');
const calibrationRows: string[] = [];
mkdirSync(cacheDir, { recursive: true });
const loaded = await loadModelFolder(modelDir);
const labeledCounts = argument('--labeled', '').split(',').filter(Boolean).map(Number);
const shares = argument('--shares', '0.05,0.1').split(',').map(Number);
console.log(`| data set | labeled | classes | flipped | seed | P@k | R@2k | queue (recall) | confident learning (recall) | its flags first: P@k | T | ECE before → after | ms |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
for (const set of sets) {
  const folder = join(shared, 'data', set);
  if (!existsSync(folder)) {
    console.log(`| ${set} | skipped: ${folder} is absent |`);
    continue;
  }
  const features = await prepareSimulationFeatures(loaded, await readImageFolderDataset(folder), { deep: false, cacheDir });
  const inputs = { data: features.featuresB.data as Float32Array, rowShape: [features.featuresB.cols] };
  for (const seed of seeds) {
    const c = await testSplitCalibration(inputs, features.labels, features.classes.length, seed, trainSize);
    calibrationRows.push(
      `| ${set} | ${seed} | ${c.trainCount} / ${c.test} | ${(c.accuracy * 100).toFixed(1)}% | ${c.fitted.toFixed(2)} | ${c.oof} | ${c.applied ? 'yes' : 'no'} | ${c.before?.toFixed(3)} → ${c.atFitted?.toFixed(3)} | ${c.after?.toFixed(3)} | ${c.trainMillis} | ${c.calibrateMillis} |`,
    );
  }
  // --labeled N,M: besides every image, only N (then M) of them labeled, drawn by the seed.
  for (const labeled of process.argv.includes('--calibration-only') ? [] : [null, ...labeledCounts]) {
    for (const share of shares) {
      for (const seed of seeds) {
        const rows = labeled === null ? undefined : new SeededRandom(seed).shuffled(Array.from({ length: features.labels.length }, (_, i) => i)).slice(0, labeled);
        const r = await runNoiseExperiment(inputs, features.labels, features.classes.length, { share, seed, ...(rows ? { rows } : {}) });
        const c = r.calibration;
        const p = (x: number): string => (r.flipped > 0 ? x.toFixed(3) : '–');
        console.log(
          `| ${set} | ${r.images} | ${features.classes.length} | ${(share * 100).toFixed(0)}% (${r.flipped}) | ${seed} | ${p(r.precisionAtK)} | ${p(r.recallAt2K)} | ${r.queueLength} (${p(r.queueRecall)}) | ${r.confidentLength} (${p(r.confidentRecall)}) | ${p(r.confidentFirstPrecisionAtK)} | ${c.fittedTemperature.toFixed(2)} | ${c.eceBefore?.toFixed(3)} → ${c.eceAfter?.toFixed(3)} | ${r.millis} |`,
        );
      }
    }
  }
}
console.log('');
console.log(
  '| data set | seed | train / test | test accuracy | fitted T | out-of-fold ECE / log-loss T = 1 → T (cross-fitted) | T applied | test ECE T = 1 → fitted T | test ECE as shipped | train ms | calibration ms (5 warm folds) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of calibrationRows) console.log(row);
loaded.dispose();
