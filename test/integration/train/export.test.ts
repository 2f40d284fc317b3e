import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { exportClassifier } from '../../../src-main/engine/export/export-classifier';
import type { ModelDescriptor } from '../../../src-main/engine/model/descriptor';
import { loadModelFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { fineTune } from '../../../src-main/engine/train/fine-tune';
import type { TrainingMode } from '../../../src-main/engine/train/head-weights';
import { predictProbabilities } from '../../../src-main/engine/train/predict-probabilities';
import { readTopBlock } from '../../../src-main/engine/train/top-block';
import { calibratedHead, decideTemperature, temperedProbabilities } from '../../../src-main/engine/quality/calibration';
import { calibrationOf } from '../../../src-main/engine/quality/label-quality';
import { calibrationVersionMetrics } from '../../../src-main/adaptation/calibration-record';
import { calibrationMetrics } from '../../../src-main/adaptation/transfer';

const run = promisify(execFile);
const LOADER = join(import.meta.dirname, 'load-export.mjs');
const ONNX_LOADER = join(import.meta.dirname, '../engine/load-onnx-export.mjs');
const SHARED = join(import.meta.dirname, '../../../../shared');
const MOBILENET = join(SHARED, 'models/mobilenet_v1_0.25_224');
const HYMENOPTERA = join(SHARED, 'data/hymenoptera/val');
const haveMobileNet = existsSync(join(MOBILENET, 'model.json')) && existsSync(HYMENOPTERA);

let work: string;
let backendLabel: string;
beforeAll(async () => {
  backendLabel = (await initBackend('wasm')).label;
  work = mkdtempSync(join(tmpdir(), 'adma-export-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface FreshPrediction {
  backend: string;
  labels: string[];
  outputShape: number[];
  probabilities: number[];
  layerClasses: string[];
}

/** Runs the export with stock @tensorflow/tfjs in a new Node process. */
async function predictInFreshProcess(dir: string, inputs: Float32Array, count: number): Promise<FreshPrediction> {
  const inputPath = join(work, `inputs-${Date.now()}.f32`);
  writeFileSync(inputPath, new Uint8Array(inputs.buffer, inputs.byteOffset, inputs.byteLength));
  const { stdout } = await run(process.execPath, [LOADER, dir, inputPath, String(count)], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as FreshPrediction;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Cut activations and pooled layer B of the source model for normalised inputs. */
function cachedFeatures(model: tf.LayersModel, descriptor: ModelDescriptor, inputs: Float32Array, count: number): { cut: Float32Array; b: Float32Array } {
  const probe = tf.model({ inputs: model.inputs, outputs: [model.getLayer(descriptor.cutLayer).output as tf.SymbolicTensor, model.getLayer(descriptor.layerB).output as tf.SymbolicTensor] });
  const { height, width, channels } = descriptor.input;
  return tf.tidy(() => {
    const [cut, b] = probe.predict(tf.tensor4d(inputs, [count, height, width, channels])) as tf.Tensor[];
    return { cut: cut!.dataSync() as Float32Array, b: b!.dataSync() as Float32Array };
  });
}

/** A small Keras-style source classifier: stem → cut → 1x1 conv + BN + relu6 → GAP (B) → softmax. */
function tinySource(): { model: tf.LayersModel; descriptor: ModelDescriptor } {
  const input = tf.input({ shape: [8, 8, 3], name: 'image' });
  let x = tf.layers.conv2d({ name: 'stem', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ name: 'cut', kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'top_conv', filters: 10, kernelSize: 1, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'top_bn' });
  x = bn.apply(x) as tf.SymbolicTensor;
  tf.tidy(() => bn.setWeights([tf.fill([10], 1.3), tf.fill([10], 0.1), tf.fill([10], 0.05), tf.fill([10], 0.4)]));
  x = tf.layers.reLU({ name: 'top_relu', maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(x) as tf.SymbolicTensor;
  const softmax = tf.layers.dense({ name: 'source_softmax', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: softmax });
  const descriptor: ModelDescriptor = {
    formatVersion: 1,
    id: 'tiny-source',
    name: 'Tiny source model',
    input: { height: 8, width: 8, channels: 3 },
    normalization: { scale: 1 / 255, offset: 0 },
    resize: 'squash',
    layerA: 'stem',
    layerB: 'pooled',
    softmaxLayer: 'source_softmax',
    sourceLabels: ['s0', 's1', 's2'],
    cutLayer: 'cut',
  };
  return { model, descriptor };
}

async function roundTrip(model: tf.LayersModel, descriptor: ModelDescriptor, mode: TrainingMode, inputs: Float32Array, labels: number[], classes: string[]): Promise<{ dir: string; engine: Float32Array; fresh: FreshPrediction }> {
  const count = labels.length;
  const features = cachedFeatures(model, descriptor, inputs, count);
  const rowShape = mode === 'deep' ? ((model.getLayer(descriptor.cutLayer).outputShape as number[]).slice(1)) : [features.b.length / count];
  const trained = await fineTune(
    { features: mode === 'deep' ? features.cut : features.b, rowShape, labels },
    { mode, classes, seed: 3, maxEpochs: 15, ...(mode === 'deep' ? { topBlock: readTopBlock(model, descriptor.cutLayer, descriptor.layerB) } : {}) },
  );
  const engine = predictProbabilities(trained.head, mode === 'deep' ? features.cut : features.b);
  const dir = join(work, `${descriptor.id}-${mode}`);
  const counts = classes.map((_, c) => labels.filter((l) => l === c).length);
  const before = tf.memory().numTensors;
  const result = await exportClassifier({ source: model, descriptor, head: trained.head, outDir: dir, labelCounts: counts, backend: backendLabel, metrics: { 'training accuracy': trained.trainAccuracy } });
  expect(tf.memory().numTensors).toBe(before);
  expect(result.files).toEqual(expect.arrayContaining(['model.json', 'labels.json', 'preprocessing.json', 'MODEL_CARD.md']));
  for (const file of result.files) expect(existsSync(join(dir, file))).toBe(true);
  const fresh = await predictInFreshProcess(dir, inputs, count);
  return { dir, engine, fresh };
}

describe('export: one self-contained TF.js Layers model, loaded in a fresh process with stock tfjs', () => {
  const classes = ['left', 'right'];
  let source: { model: tf.LayersModel; descriptor: ModelDescriptor };
  let inputs: Float32Array;
  const labels = Array.from({ length: 12 }, (_, i) => i % 2);
  beforeAll(() => {
    source = tinySource();
    // Class 0 images are reddish, class 1 bluish, with a varying texture.
    inputs = new Float32Array(12 * 8 * 8 * 3);
    for (let i = 0; i < 12; i++) {
      for (let p = 0; p < 8 * 8; p++) {
        const texture = 0.2 * Math.sin(p * 0.7 + i);
        inputs[i * 192 + p * 3] = (labels[i] === 0 ? 0.8 : 0.2) + texture;
        inputs[i * 192 + p * 3 + 1] = 0.5 + texture;
        inputs[i * 192 + p * 3 + 2] = (labels[i] === 1 ? 0.8 : 0.2) - texture;
      }
    }
  });

  for (const mode of ['light', 'deep'] as const) {
    it(`${mode} mode: same predictions as the engine (max abs diff < 1e-4)`, async () => {
      const { dir, engine, fresh } = await roundTrip(source.model, source.descriptor, mode, inputs, labels, classes);
      expect(fresh.outputShape).toEqual([12, 2]);
      expect(fresh.labels).toEqual(classes);
      expect(maxAbsDiff(fresh.probabilities, engine)).toBeLessThan(1e-4);
      // The trunk stops where the mode says; the trained top is made of stock layers.
      const expectedTop = mode === 'deep' ? ['Conv2D', 'ReLU', 'GlobalAveragePooling2D', 'Dense'] : ['Dense'];
      expect(fresh.layerClasses.slice(-expectedTop.length)).toEqual(expectedTop);
      const names = (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: { name: string }[] } } }).modelTopology.config.layers.map((l) => l.name);
      expect(names).not.toContain('source_softmax');
      expect(names.includes('top_conv')).toBe(mode === 'light');

      const preprocessing = JSON.parse(readFileSync(join(dir, 'preprocessing.json'), 'utf8')) as Record<string, unknown>;
      expect(preprocessing).toMatchObject({ input: { name: 'image', shape: [null, 8, 8, 3], layout: 'NHWC' }, normalization: { scale: 1 / 255, offset: 0, inGraph: false }, resize: { mode: 'squash' } });
      expect(String(preprocessing.exif)).toMatch(/EXIF orientation/);
      expect(String(preprocessing.highBitDepth)).toMatch(/16-bit .* the 1st to the 99\.8th percentile .* 0\.\.255/);
      const card = readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8');
      expect(card).toContain(`- 16-bit images: ${String(preprocessing.highBitDepth)}`);
      expect(card).toContain('Tiny source model');
      expect(card).toContain(`**${mode}**`);
      expect(card).toContain('| left | 6 |');
      expect(card).toContain(backendLabel);
      expect(card).toMatch(/\| training accuracy \| 1 \|/);
    });
  }

  // A deep head gets a temperature from the evaluation set (label-quality.ts evaluationSetCalibration): folded into the same final dense layer.
  it.each(['light', 'deep'] as const)('%s mode with a temperature: TF.js and ONNX exports give the calibrated probabilities softmax(logits / T)', async (mode) => {
    const count = labels.length;
    const features = cachedFeatures(source.model, source.descriptor, inputs, count);
    const deep = mode === 'deep';
    const rows = deep ? features.cut : features.b;
    const rowShape = deep ? (source.model.getLayer(source.descriptor.cutLayer).outputShape as number[]).slice(1) : [features.b.length / count];
    const trained = await fineTune(
      { features: rows, rowShape, labels },
      { mode, classes, seed: 3, ...(deep ? { maxEpochs: 15, topBlock: readTopBlock(source.model, source.descriptor.cutLayer, source.descriptor.layerB) } : {}) },
    );
    const temperature = 2.5;
    const raw = predictProbabilities(trained.head, rows);
    const calibrated = temperedProbabilities(raw, 2, temperature);
    const dir = join(work, `tiny-calibrated-${mode}`);
    const result = await exportClassifier({
      source: source.model,
      descriptor: source.descriptor,
      head: calibratedHead({ head: trained.head, facts: { temperature } }),
      outDir: dir,
      labelCounts: [6, 6],
      backend: backendLabel,
    });
    const fresh = await predictInFreshProcess(dir, inputs, count);
    expect(maxAbsDiff(fresh.probabilities, calibrated)).toBeLessThan(1e-4);
    // Softer than the raw head, same top class.
    expect(maxAbsDiff(fresh.probabilities, raw)).toBeGreaterThan(1e-3);
    if (result.onnx.file) {
      const pixels = inputs.map((v) => v * 255);
      const pixelsPath = join(work, `tiny-calibrated-${mode}.f32`);
      writeFileSync(pixelsPath, new Uint8Array(pixels.buffer));
      const { stdout } = await run(process.execPath, [ONNX_LOADER, dir, pixelsPath, String(count)], { maxBuffer: 16 * 1024 * 1024 });
      const onnx = JSON.parse(stdout) as { probabilities: number[] };
      expect(maxAbsDiff(onnx.probabilities, calibrated)).toBeLessThan(1e-4);
    } else throw new Error(`the tiny model was expected to export to ONNX: ${result.onnx.reason}`);
  });

  it('light mode with a fitted temperature that did not help: the export is the raw softmax and its card says why', async () => {
    // Out-of-fold logits where the log-loss-fitted T worsens the ECE (see temperature-decision.test.ts).
    const oof: number[] = [];
    const oofLabels: number[] = [];
    const fold: number[] = [];
    for (const { p, right } of [{ p: 0.99, right: 50 }, { p: 0.6, right: 30 }]) {
      for (let j = 0; j < 50; j++) {
        oof.push(Math.log(p / (1 - p)), 0);
        oofLabels.push(j < right ? 0 : 1);
        fold.push(j % 5);
      }
    }
    const calibration = calibrationOf(decideTemperature(Float64Array.from(oof), 2, oofLabels, fold), oofLabels.length, 5);
    expect(calibration.applied).toBe(false);
    expect(calibration.fittedTemperature).not.toBeCloseTo(1, 2);
    // The version's metrics as the loop records them, and the card rows as the export builds them.
    const metrics = calibrationVersionMetrics(calibration);
    const count = labels.length;
    const features = cachedFeatures(source.model, source.descriptor, inputs, count);
    const trained = await fineTune({ features: features.b, rowShape: [features.b.length / count], labels }, { mode: 'light', classes, seed: 3 });
    const raw = predictProbabilities(trained.head, features.b);
    const dir = join(work, 'tiny-not-calibrated');
    await exportClassifier({
      source: source.model,
      descriptor: source.descriptor,
      head: calibratedHead({ head: trained.head, facts: { temperature: calibration.temperature } }),
      outDir: dir,
      labelCounts: [6, 6],
      backend: backendLabel,
      metrics: calibrationMetrics(metrics, null),
      training: metrics,
    });
    const fresh = await predictInFreshProcess(dir, inputs, count);
    expect(maxAbsDiff(fresh.probabilities, raw)).toBeLessThan(1e-4);
    const card = readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8');
    const t = calibration.fittedTemperature.toFixed(2);
    expect(card).toContain(`| temperature scaling | Temperature scaling not applied (T = 1, the raw softmax): the fitted T = ${t} did not improve the calibration of 100 out-of-fold predictions`);
    expect(card).toContain('| temperature T (not applied: the final layer gives softmax(logits)) | 1 |');
    expect(card).not.toContain('folded into the final layer');
    expect(card).toContain('- temperature applied: no');
  });

  it('light mode on a spatial layer B adds the global average pooling the feature cache applies', async () => {
    const spatial: ModelDescriptor = { ...source.descriptor, id: 'tiny-spatial-b', layerB: 'top_relu' };
    const pooled = cachedFeatures(source.model, source.descriptor, inputs, labels.length).b;
    const trained = await fineTune({ features: pooled, rowShape: [10], labels }, { mode: 'light', classes, seed: 2 });
    const dir = join(work, 'spatial-b');
    await exportClassifier({ source: source.model, descriptor: spatial, head: trained.head, outDir: dir, labelCounts: [6, 6], backend: backendLabel });
    const fresh = await predictInFreshProcess(dir, inputs, labels.length);
    expect(fresh.layerClasses.slice(-3)).toEqual(['ReLU', 'GlobalAveragePooling2D', 'Dense']);
    expect(maxAbsDiff(fresh.probabilities, predictProbabilities(trained.head, pooled))).toBeLessThan(1e-4);
  });

  it('refuses a head trained on another model’s features', async () => {
    const trained = await fineTune({ features: new Float32Array(4 * 7).map((_, i) => i % 3), rowShape: [7], labels: [0, 1, 0, 1] }, { mode: 'light', classes, maxEpochs: 1 });
    await expect(exportClassifier({ source: source.model, descriptor: source.descriptor, head: trained.head, outDir: join(work, 'wrong'), labelCounts: [2, 2], backend: backendLabel })).rejects.toThrow(/trained on another model/);
  });
});

describe.skipIf(!haveMobileNet)(`export of MobileNet v1 0.25 adapted to ants vs bees${haveMobileNet ? '' : ' — SKIPPED: ../shared/models/mobilenet_v1_0.25_224 or ../shared/data/hymenoptera is absent'}`, () => {
  let loaded: TfLoadedModel;
  beforeAll(async () => {
    loaded = await loadModelFolder(MOBILENET);
  });
  afterAll(() => loaded?.dispose());

  it('deep and light exports predict like the engine on real photos in a fresh process', async () => {
    const d = loaded.descriptor;
    const files = ['ants', 'bees'].flatMap((c) => readdirSync(join(HYMENOPTERA, c)).sort().slice(0, 3).map((f) => join(HYMENOPTERA, c, f)));
    const labels = [0, 0, 0, 1, 1, 1];
    const inputs = new Float32Array(files.length * 224 * 224 * 3);
    for (const [i, file] of files.entries()) {
      const pixels = await decodeImage(file, { ...d.input, resize: d.resize });
      for (let j = 0; j < pixels.length; j++) inputs[i * pixels.length + j] = pixels[j]! * d.normalization.scale + d.normalization.offset;
    }
    for (const mode of ['deep', 'light'] as const) {
      const { engine, fresh } = await roundTrip(loaded.model, d, mode, inputs, labels, ['ants', 'bees']);
      expect(maxAbsDiff(fresh.probabilities, engine)).toBeLessThan(1e-4);
      expect(fresh.layerClasses).not.toContain('Reshape');
    }
    // The source model is still intact after exporting (its trunk was shared, not disposed).
    expect(() => tf.tidy(() => loaded.model.predict(tf.zeros([1, 224, 224, 3])))).not.toThrow();
  });
});
