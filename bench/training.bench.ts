/**
 * Fine-tuning and prediction cost on WebAssembly at MobileNet v1 0.25 shapes (pooled
 * layer B = 256, cut layer = 7x7x256), with synthetic features (timing does not depend on
 * the values; the classes are made separable so early stopping behaves as on real data):
 * - fine-tuning time for 100, 1,000 and 5,000 labels in light and deep mode, 5 classes:
 *   per epoch (fixed epochs), for a round with the default recipe (early stopping: on these
 *   easy synthetic classes it stops early, so the table also gives the bound at the
 *   recipe's maximum epochs);
 * - predict-all time for a 10,000-image pool in each mode.
 *
 * Run: npx tsx bench/training.bench.ts [--labels 100,1000,5000] [--pool 10000] [--backend wasm]
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, mulberry32 } from '../src-main/core/seeded-random';
import { initBackend, type BackendName } from '../src-main/engine/backend';
import { fineTune } from '../src-main/engine/train/fine-tune';
import type { TopBlockWeights, TrainingMode } from '../src-main/engine/train/head-weights';
import { initialHead } from '../src-main/engine/train/initial-head';
import { predictProbabilities } from '../src-main/engine/train/predict-probabilities';

const B = 256;
const CUT = [7, 7, 256];
const CLASSES = ['c0', 'c1', 'c2', 'c3', 'c4'];
const TIMED_EPOCHS = 3;

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** n rows of shape `rowShape`: class-dependent channel means plus noise, clipped at 0. */
function features(n: number, rowShape: number[], seed: number): { data: Float32Array; labels: Int32Array } {
  const channels = rowShape[rowShape.length - 1] as number;
  const positions = rowShape.length === 3 ? (rowShape[0] as number) * (rowShape[1] as number) : 1;
  const means = mulberry32(deriveSeed(7, 1));
  const centres = CLASSES.map(() => Float32Array.from({ length: channels }, () => means() * 2));
  const random = mulberry32(deriveSeed(seed, 2));
  const labels = Int32Array.from({ length: n }, (_, i) => i % CLASSES.length);
  const data = new Float32Array(n * positions * channels);
  for (let r = 0; r < n; r++) {
    const centre = centres[labels[r] as number] as Float32Array;
    for (let p = 0; p < positions; p++) {
      const base = (r * positions + p) * channels;
      for (let k = 0; k < channels; k++) data[base + k] = Math.max(0, (centre[k] as number) + (random() - 0.5) * 8);
    }
  }
  return { data, labels };
}

function topBlock(): TopBlockWeights {
  const random = mulberry32(3);
  const limit = Math.sqrt(6 / (2 * 256));
  return { kernel: Float32Array.from({ length: 256 * 256 }, () => (random() * 2 - 1) * limit), bias: new Float32Array(256), inChannels: 256, outChannels: 256, activation: 'relu6' };
}

interface Row {
  mode: TrainingMode;
  labels: number;
  secondsPerEpoch: number;
  /** The default recipe's epoch bound: max(60 light | 30 deep, ceil(200 steps / steps per epoch)). */
  maxEpochs: number;
  roundSeconds: number;
  roundEpochs: number;
  trainAccuracy: number;
}

const backend = (await initBackend(argument('--backend', 'wasm') as BackendName)).label;
const labelCounts = argument('--labels', '100,1000,5000').split(',').map(Number);
const poolSize = Number(argument('--pool', '10000'));
const block = topBlock();
const rows: Row[] = [];
for (const mode of ['light', 'deep'] as const) {
  const rowShape = mode === 'deep' ? CUT : [B];
  for (const n of labelCounts) {
    const set = features(n, rowShape, n);
    const training = { features: set.data, rowShape, labels: set.labels };
    const common = { mode, classes: CLASSES, seed: 1, ...(mode === 'deep' ? { topBlock: block } : {}) };
    const fixed = await fineTune(training, { ...common, maxEpochs: TIMED_EPOCHS, minSteps: 0, targetLoss: 0 });
    const round = await fineTune(training, common);
    const maxEpochs = Math.max(mode === 'deep' ? 30 : 60, Math.ceil(200 / Math.ceil(n / 32)));
    rows.push({ mode, labels: n, secondsPerEpoch: fixed.millis / 1000 / TIMED_EPOCHS, maxEpochs, roundSeconds: round.millis / 1000, roundEpochs: round.epochs, trainAccuracy: round.trainAccuracy });
    process.stderr.write(`${mode} ${n} labels: ${(fixed.millis / 1000 / TIMED_EPOCHS).toFixed(2)} s/epoch, round ${(round.millis / 1000).toFixed(1)} s (${round.epochs} epochs)\n`);
  }
}

// Predict-all: the pool is streamed in chunks of 1,000 images, as `adma predict` reads the cache.
const predictRows: { mode: TrainingMode; seconds: number; perImageMs: number }[] = [];
for (const mode of ['light', 'deep'] as const) {
  const rowShape = mode === 'deep' ? CUT : [B];
  const head = initialHead({ mode, classes: CLASSES, inputShape: rowShape, seed: 1, ...(mode === 'deep' ? { topBlock: block } : {}) });
  const chunk = features(1000, rowShape, 99).data;
  predictProbabilities(head, chunk.subarray(0, chunk.length / 10));
  const started = performance.now();
  for (let done = 0; done < poolSize; done += 1000) predictProbabilities(head, done + 1000 <= poolSize ? chunk : chunk.subarray(0, (poolSize - done) * (chunk.length / 1000)));
  const seconds = (performance.now() - started) / 1000;
  predictRows.push({ mode, seconds, perImageMs: (seconds * 1000) / poolSize });
}

console.log(`\nFine-tuning on ${backend}, MobileNet v1 0.25 shapes (B = ${B}, cut = ${CUT.join('x')}), ${CLASSES.length} classes, batch 32`);
console.log('| mode  | labels | s / epoch | default round: s (epochs) | train acc | bound: s (max epochs) |');
console.log('|-------|-------:|----------:|--------------------------:|----------:|----------------------:|');
for (const r of rows) {
  const bound = `${(r.secondsPerEpoch * r.maxEpochs).toFixed(1)} (${r.maxEpochs})`;
  console.log(`| ${r.mode.padEnd(5)} | ${String(r.labels).padStart(6)} | ${r.secondsPerEpoch.toFixed(3).padStart(9)} | ${`${r.roundSeconds.toFixed(2)} (${r.roundEpochs})`.padStart(25)} | ${r.trainAccuracy.toFixed(3).padStart(9)} | ${bound.padStart(21)} |`);
}
console.log(`\nPredict-all for a ${poolSize.toLocaleString('en')}-image pool from cached features`);
console.log('| mode  | seconds | ms / image |');
console.log('|-------|--------:|-----------:|');
for (const r of predictRows) console.log(`| ${r.mode.padEnd(5)} | ${r.seconds.toFixed(2).padStart(7)} | ${r.perImageMs.toFixed(3).padStart(10)} |`);
console.log(`\nlive tensors at the end: ${tf.memory().numTensors}`);
