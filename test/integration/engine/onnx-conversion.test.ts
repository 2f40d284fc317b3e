/**
 * The TF.js Layers → ONNX converter against TF.js itself, on real photos: every output of
 * the feature graph (layer A, layer B, the source softmax, the cut layer) of MobileNet v1
 * 0.25 and of the starter CNN, the features the extraction caches through either runtime,
 * and the fallback to TF.js for a layer kind the converter does not know.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { extractFeatures } from '../../../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { loadModelFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { convertLayersModel } from '../../../src-main/engine/onnx/layers-to-onnx';
import { onnxGraphPath, openOnnxFeatureRunner } from '../../../src-main/engine/onnx/onnx-feature-runner';
import { loadOnnxRuntime, type OrtModule } from '../../../src-main/engine/onnx/onnx-runtime';
import { featureRuntimeFor } from '../../../src-main/engine/onnx/feature-runtime';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { saveModelFolder } from './save-model-folder';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_DATA_REASON, MISSING_MODEL_REASON, MOBILENET_025_DIR, STARTER_DIR } from './shared-material';

let work: string;
let ort: OrtModule;
beforeAll(async () => {
  await initBackend('wasm');
  const loaded = loadOnnxRuntime();
  if (!('ort' in loaded)) throw new Error(`onnxruntime-node does not load here: ${loaded.error}`);
  ort = loaded.ort;
  work = mkdtempSync(join(tmpdir(), 'adma-onnx-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** 16 photos (8 ants, 8 bees) decoded for the model. */
async function photoPixels(loaded: TfLoadedModel): Promise<{ pixels: Uint8Array; n: number; paths: string[] }> {
  const photos = hymenopteraValPhotos();
  const chosen = [...photos.slice(0, 8), ...photos.slice(-8)].map((p) => p.path);
  const target = { ...loaded.descriptor.input, resize: loaded.descriptor.resize };
  const decoded = await Promise.all(chosen.map((path) => decodeImage(path, target)));
  const size = decoded[0]?.length ?? 0;
  const pixels = new Uint8Array(size * decoded.length);
  decoded.forEach((d, i) => pixels.set(d, i * size));
  return { pixels, n: decoded.length, paths: chosen };
}

/** Every output of the TF.js feature model, in Keras layout, for the same pixels. */
function tfjsOutputs(loaded: TfLoadedModel, pixels: Uint8Array, n: number): Record<'a' | 'b' | 'softmax' | 'cut', Float32Array> {
  const { height, width, channels } = loaded.descriptor.input;
  const { scale, offset } = loaded.descriptor.normalization;
  return tf.tidy(() => {
    const x = tf.tensor4d(new Float32Array(pixels), [n, height, width, channels]).mul(scale).add(offset);
    const out = loaded.features.model.predict(x);
    const list = Array.isArray(out) ? out : [out];
    const read = (i: number): Float32Array => (list[i] as tf.Tensor).dataSync() as Float32Array;
    const index = loaded.features.outputIndex;
    return { a: read(index.a), b: read(index.b), softmax: read(index.softmax), cut: read(index.cut) };
  });
}

const models = [
  { name: 'MobileNet v1 0.25', dir: MOBILENET_025_DIR, present: hasMobileNet025 && hasHymenopteraVal, reason: hasMobileNet025 ? MISSING_DATA_REASON : MISSING_MODEL_REASON },
  { name: 'the starter CNN', dir: STARTER_DIR, present: hasHymenopteraVal, reason: MISSING_DATA_REASON },
];

describe.each(models)('ONNX conversion of $name', ({ dir, present, reason }) => {
  it.skipIf(!present)(`matches TF.js on every output for real photos within 1e-4 (${present ? 'photos present' : reason})`, async () => {
    const loaded = await loadModelFolder(dir);
    try {
      const cacheDir = join(work, loaded.descriptor.id);
      const runner = await openOnnxFeatureRunner(ort, loaded, cacheDir, 2);
      expect(readdirSync(cacheDir)).toEqual([onnxGraphPath(loaded, cacheDir).split('/').pop()]);
      const { pixels, n } = await photoPixels(loaded);
      const onnxMaps = await runner.run(pixels, n, true, true);
      const reference = tfjsOutputs(loaded, pixels, n);
      const diffs = {
        a: maxAbsDiff(onnxMaps.a, reference.a),
        b: maxAbsDiff(onnxMaps.b, reference.b),
        softmax: maxAbsDiff(onnxMaps.softmax, reference.softmax),
        cut: maxAbsDiff(onnxMaps.cut ?? new Float32Array(0), reference.cut),
      };
      console.log(`${loaded.descriptor.name}: max abs difference ONNX Runtime vs TF.js (wasm) over ${n} photos`, diffs);
      for (const value of Object.values(diffs)) expect(value).toBeLessThanOrEqual(1e-4);
      // The softmax really is a distribution, and the runtimes agree on the top class.
      for (let i = 0; i < n; i++) {
        const k = loaded.features.classCount;
        const row = onnxMaps.softmax.subarray(i * k, (i + 1) * k);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
      }
      // A second runner reads the cached graph instead of converting again; by default it
      // returns A and B pooled in the graph, as the feature cache stores them.
      const again = await openOnnxFeatureRunner(ort, loaded, cacheDir, 1);
      const pooled = await again.run(pixels, n, false);
      expect(pooled.pooled).toBe(true);
      const meanOf = (values: Float32Array, shape: number[]): Float32Array =>
        shape.length === 1 ? values : tf.tidy(() => tf.mean(tf.tensor(values, [n, ...shape]), [1, 2]).dataSync() as Float32Array);
      expect(maxAbsDiff(pooled.a, meanOf(reference.a, loaded.features.shapes.a))).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(pooled.b, meanOf(reference.b, loaded.features.shapes.b))).toBeLessThanOrEqual(1e-4);
      await runner.release();
      await again.release();
    } finally {
      loaded.dispose();
    }
  });
});

describe('extraction through ONNX Runtime', () => {
  it.skipIf(!hasMobileNet025 || !hasHymenopteraVal)('caches the same features as TF.js extraction, and a damaged cached graph is rebuilt', async () => {
    const loaded = await loadModelFolder(MOBILENET_025_DIR);
    try {
      const photos = hymenopteraValPhotos().slice(0, 20);
      const items = await Promise.all(photos.map(async (p) => ({ hash: await hashImageFile(p.path), path: p.path })));
      const hashes = items.map((i) => i.hash);
      const cacheDir = join(work, 'extract');
      // A damaged graph where the cache would be: replaced, not trusted.
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(onnxGraphPath(loaded, cacheDir), 'not a graph');
      const runner = await openOnnxFeatureRunner(ort, loaded, cacheDir, 2);
      const viaOnnx = FeatureStore.open(join(cacheDir, 'onnx.db'), featureLayoutOf(loaded));
      const viaTfjs = FeatureStore.open(join(cacheDir, 'tfjs.db'), featureLayoutOf(loaded));
      try {
        const withOnnx = await extractFeatures(loaded, viaOnnx, items, { runner, deep: true, pooling: 'grid2x2', batchSize: 8 });
        const withTfjs = await extractFeatures(loaded, viaTfjs, items, { deep: true, pooling: 'grid2x2', batchSize: 8 });
        expect(withOnnx.computed).toBe(20);
        expect(withTfjs.computed).toBe(20);
        const one = viaOnnx.load(hashes, 'grid2x2');
        const two = viaTfjs.load(hashes, 'grid2x2');
        expect(maxAbsDiff(one.a, two.a)).toBeLessThanOrEqual(1e-4);
        expect(maxAbsDiff(one.b, two.b)).toBeLessThanOrEqual(1e-4);
        expect(maxAbsDiff(one.softmax, two.softmax)).toBeLessThanOrEqual(1e-4);
        // float16 storage: compare at float16 resolution (relu6 values up to 6: 2^-8 steps).
        expect(maxAbsDiff(viaOnnx.loadCut(hashes).data, viaTfjs.loadCut(hashes).data)).toBeLessThanOrEqual(6 * 2 ** -10);
      } finally {
        viaOnnx.close();
        viaTfjs.close();
        await runner.release();
      }
    } finally {
      loaded.dispose();
    }
  });
});

describe('a layer the converter does not know', () => {
  function modelWithUpsampling(): tf.LayersModel {
    const input = tf.input({ shape: [16, 16, 3], name: 'image' });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'block_a' }).apply(input) as tf.SymbolicTensor;
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'grow' }).apply(a) as tf.SymbolicTensor;
    const cut = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, activation: 'relu', name: 'block_cut' }).apply(up) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(cut) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'scores' }).apply(pooled) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  }

  it('is named in an UNSUPPORTED error, and extraction falls back to TF.js saying why', async () => {
    const model = modelWithUpsampling();
    expect(() => convertLayersModel(model, { outputs: ['scores'] })).toThrow(/Layer "grow" is a UpSampling2D, a layer kind the ONNX converter does not support/);
    // Layers the outputs do not depend on are not converted: block_a alone converts.
    expect(convertLayersModel(model, { outputs: ['block_a'] }).bytes.length).toBeGreaterThan(0);
    const dir = join(work, 'upsampling-model');
    await saveModelFolder(model, dir);
    model.dispose();
    await initBackend('onnxruntime');
    try {
      const loaded = await loadModelFolder(dir, { layers: { layerA: 'block_a', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' } });
      try {
        const runtime = await featureRuntimeFor(loaded, join(work, 'upsampling-cache'));
        expect(runtime.runner).toBeUndefined();
        expect(runtime.fallback).toMatch(/"grow" is a UpSampling2D.*runs on TF\.js/);
        expect(runtime.label).toMatch(/^TF\.js/);
      } finally {
        loaded.dispose();
      }
    } finally {
      await initBackend('wasm');
    }
  });
});
