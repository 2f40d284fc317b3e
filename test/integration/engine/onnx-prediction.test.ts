/**
 * Pool prediction: the adapted head on ONNX Runtime gives the probabilities TF.js gives, for
 * light and deep heads on MobileNet v1 0.25 features of real photos, and `predictPool` uses
 * the runtime the active backend names.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOnnxRuntime, initBackend } from '../../../src-main/engine/backend';
import { loadModelFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { headGraph, predictOnOnnx, predictPool } from '../../../src-main/engine/onnx/head-graph';
import { loadOnnxRuntime, type OrtModule } from '../../../src-main/engine/onnx/onnx-runtime';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import type { HeadWeights } from '../../../src-main/engine/train/head-weights';
import { predictProbabilities } from '../../../src-main/engine/train/predict-probabilities';
import { readTopBlock } from '../../../src-main/engine/train/top-block';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

const present = hasMobileNet025 && hasHymenopteraVal;
let ort: OrtModule;
let loaded: TfLoadedModel;
let cut: Float32Array;
let pooled: Float32Array;
const n = 12;

beforeAll(async () => {
  await initBackend('wasm');
  const runtime = loadOnnxRuntime();
  if (!('ort' in runtime)) throw new Error(runtime.error);
  ort = runtime.ort;
  if (!present) return;
  loaded = await loadModelFolder(MOBILENET_025_DIR);
  const d = loaded.descriptor;
  const photos = hymenopteraValPhotos();
  const chosen = [...photos.slice(0, n / 2), ...photos.slice(-n / 2)];
  const decoded = await Promise.all(chosen.map((p) => decodeImage(p.path, { ...d.input, resize: d.resize })));
  const pixels = new Float32Array(n * 224 * 224 * 3);
  decoded.forEach((x, i) => pixels.set(x, i * x.length));
  [cut, pooled] = tf.tidy(() => {
    const out = loaded.features.model.predict(tf.tensor4d(pixels, [n, 224, 224, 3]).mul(d.normalization.scale).add(d.normalization.offset)) as tf.Tensor[];
    return [out[loaded.features.outputIndex.cut]!.dataSync() as Float32Array, out[loaded.features.outputIndex.b]!.dataSync() as Float32Array];
  });
});
afterAll(() => loaded?.dispose());

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function heads(): { light: HeadWeights; deep: HeadWeights } {
  const random = (count: number, seed: number): Float32Array => tf.tidy(() => tf.randomNormal([count], 0, 0.2, 'float32', seed).dataSync() as Float32Array);
  const d = loaded.descriptor;
  const classes = ['ants', 'bees', 'other'];
  const block = readTopBlock(loaded.model, d.cutLayer, d.layerB);
  return {
    light: { mode: 'light', classes, inputShape: [256], block: null, dense: { kernel: random(256 * 3, 5), bias: random(3, 6) } },
    deep: { mode: 'deep', classes, inputShape: [7, 7, 256], block, dense: { kernel: random(block.outChannels * 3, 7), bias: random(3, 8) } },
  };
}

describe.skipIf(!present)(`pool prediction on ONNX Runtime${present ? '' : ` (${MISSING_MODEL_REASON})`}`, () => {
  it('agrees with TF.js for light and deep heads on real-photo features', async () => {
    const { light, deep } = heads();
    const lightDiff = maxAbsDiff(await predictOnOnnx(ort, light, pooled, 2), predictProbabilities(light, pooled));
    const deepDiff = maxAbsDiff(await predictOnOnnx(ort, deep, cut, 2), predictProbabilities(deep, cut));
    console.log(`pool prediction ONNX Runtime vs TF.js (wasm), ${n} photos: light ${lightDiff}, deep ${deepDiff}`);
    expect(lightDiff).toBeLessThanOrEqual(1e-5);
    expect(deepDiff).toBeLessThanOrEqual(1e-5);
    // Rows past a chunk boundary and an empty pool.
    const many = new Float32Array(5000 * 256).map((_, i) => pooled[i % pooled.length] as number);
    expect(maxAbsDiff(await predictOnOnnx(ort, light, many, 1), predictProbabilities(light, many))).toBeLessThanOrEqual(1e-5);
    expect(await predictOnOnnx(ort, light, new Float32Array(0), 1)).toHaveLength(0);
    expect(headGraph(deep).length).toBeGreaterThan(deep.dense.kernel.byteLength);
  });

  it('predictPool runs on ONNX Runtime only when the backend says so', async () => {
    const { light } = heads();
    await initBackend('onnxruntime');
    expect(activeOnnxRuntime()).not.toBeNull();
    const viaOnnx = await predictPool(light, pooled);
    await initBackend('wasm');
    expect(activeOnnxRuntime()).toBeNull();
    const viaTfjs = await predictPool(light, pooled);
    expect(maxAbsDiff(viaOnnx, viaTfjs)).toBeLessThanOrEqual(1e-5);
  });
});
