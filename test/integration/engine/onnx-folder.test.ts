/**
 * ONNX model folders (issue 10.2): tiny classifiers built here with onnx-proto are inspected
 * (node outputs with shapes, preprocessing defaults from the input shape), their features
 * are extracted through the engine worker and checked against a hand computation, and
 * damaged files or graphs without an image input fail with clear errors.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerNames, OnnxPreprocessing } from '../../../src-shared/contract';
import { AppError } from '../../../src-shared/app-error';
import { EngineClient } from '../../../src-main/engine/engine-client';
import { FeatureStore } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { inspectModelFolder } from '../../../src-main/engine/model/inspect-model';
import { layersModelOf, loadAnyModelFolder } from '../../../src-main/engine/model/load-model';
import { preprocessPixels } from '../../../src-main/engine/onnx/onnx-folder';
import { batchedValue, encodeModel, floatTensor, node } from '../../../src-main/engine/onnx/onnx-proto';
import { CLASSES, FILTERS, SIZE, tinyClassifier, tinyForward } from '../../support/tiny-onnx';

const LAYERS: LayerNames = { layerA: 'relu', layerB: 'flat', softmaxLayer: 'probs', cutLayer: 'gap' };

let root: string;

function folderWith(name: string, file: string, bytes: Uint8Array): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), bytes);
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** An 8x8 RGB image with distinct known pixels. */
function pixelsOf(seed: number): Uint8Array {
  return Uint8Array.from({ length: SIZE * SIZE * 3 }, (_, i) => (i * 37 + seed * 101) % 256);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'adma-onnx-folder-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('ONNX model folder inspection', () => {
  it.each(['NCHW', 'NHWC'] as const)('lists the node outputs of a %s graph with their shapes and reads defaults from its input', async (layout) => {
    const dir = folderWith(`inspect-${layout}`, 'tiny.onnx', tinyClassifier(layout));
    const inspection = await inspectModelFolder(dir);
    expect(inspection.onnx).toEqual({
      file: 'tiny.onnx',
      inputName: 'image',
      inputShape: layout === 'NCHW' ? ['batch', 3, SIZE, SIZE] : ['batch', SIZE, SIZE, 3],
      defaults: { height: SIZE, width: SIZE, scaling: 'imagenet', channelOrder: 'RGB', layout },
    });
    // Proposed: the last softmax, the input of the dense layer feeding it, the middle map; the user checks them.
    expect(inspection.detected).toEqual({ layerA: 'relu', layerB: 'flat', softmaxLayer: 'probs', cutLayer: 'flat' });
    const byName = Object.fromEntries(inspection.layers.map((l) => [l.name, l]));
    expect(byName.conv).toEqual({ name: 'conv', className: 'Conv', outputShape: [null, FILTERS, SIZE, SIZE] });
    expect(byName.gap?.outputShape).toEqual([null, FILTERS, 1, 1]);
    expect(byName.flat?.outputShape).toEqual([null, FILTERS]);
    expect(byName.probs).toEqual({ name: 'probs', className: 'Softmax', outputShape: [null, CLASSES] });
    expect(inspection.layers.map((l) => l.name).slice(-2)).toEqual(['logits', 'probs']);
  });

  it('refuses a damaged file, a graph without an image input, a wrong layer name and TF.js-only steps, saying why', async () => {
    const good = tinyClassifier('NCHW');
    const truncated = folderWith('truncated', 'model.onnx', good.slice(0, Math.floor(good.length / 2)));
    const damaged = await rejection(inspectModelFolder(truncated));
    expect(damaged.code).toBe('MODEL_INVALID');
    expect(damaged.message).toMatch(/model\.onnx is not a valid ONNX model .*damaged or truncated/);

    const vector = encodeModel({
      name: 'vector',
      nodes: [node('Gemm', ['x', 'w'], ['y'], 'dense'), node('Softmax', ['y'], ['p'], 'softmax', { axis: 1 })],
      initializers: [floatTensor('w', [5, 2], new Float32Array(10))],
      inputs: [batchedValue('x', [5])],
      outputs: [batchedValue('p', [2])],
    });
    const notImage = await rejection(inspectModelFolder(folderWith('vector', 'vector.onnx', vector)));
    expect(notImage.code).toBe('MODEL_INVALID');
    expect(notImage.message).toMatch(/input "x" \["batch",5\]; an image model needs a float input \[batch, 3, height, width\] \(NCHW\) or \[batch, height, width, 3\] \(NHWC\)/);

    const dir = folderWith('layers', 'tiny.onnx', good);
    const unnamed = await rejection(loadAnyModelFolder(dir));
    expect(unnamed.message).toMatch(/is an ONNX model: name its node outputs/);
    const wrong = await rejection(loadAnyModelFolder(dir, { layers: { ...LAYERS, layerB: 'fla' } }));
    expect(wrong.message).toMatch(/no float node output named "fla" \(layer B\)\. Similar names: flat/);
    const aMap = await rejection(loadAnyModelFolder(dir, { layers: { ...LAYERS, softmaxLayer: 'relu' } }));
    expect(aMap.message).toMatch(/"relu" \(softmax\) has shape \[1,4,8,8\]; the source output \(softmax or logits\) must be \[batch, K\] with K >= 2 classes/);

    const loaded = await loadAnyModelFolder(dir, { layers: LAYERS });
    expect(loaded.features.shapes).toEqual({ a: [SIZE, SIZE, FILTERS], b: [FILTERS], cut: [1, 1, FILTERS] });
    expect(loaded.descriptor.sourceLabels).toEqual(['class 0', 'class 1', 'class 2']);
    expect(() => layersModelOf(loaded, 'Deep fine-tuning')).toThrow(/Deep fine-tuning needs the model as a TF\.js Layers graph.*ONNX model.*light mode/);
    writeFileSync(join(dir, 'second.onnx'), good);
    expect((await rejection(inspectModelFolder(dir))).message).toMatch(/holds 2 ONNX files \(second\.onnx, tiny\.onnx\)/);
  });

  it('preprocesses pixels into the layout, channel order and scaling asked for', () => {
    const px = Uint8Array.from([0, 51, 255, 255, 102, 0]); // two pixels of one 1x2 image, RGB
    const nhwc = preprocessPixels(px, 1, { height: 1, width: 2, scaling: 'unit', channelOrder: 'RGB', layout: 'NHWC' });
    expect(Array.from(nhwc)).toEqual([0, 0.2, 1, 1, 0.4, 0].map((v) => Math.fround(v)));
    const nchwBgr = preprocessPixels(px, 1, { height: 1, width: 2, scaling: 'raw', channelOrder: 'BGR', layout: 'NCHW' });
    expect(Array.from(nchwBgr)).toEqual([255, 0, 51, 102, 0, 255]);
    const imagenet = preprocessPixels(px, 1, { height: 1, width: 2, scaling: 'imagenet', channelOrder: 'RGB', layout: 'NHWC' });
    expect(imagenet[0]).toBeCloseTo(-0.485 / 0.229, 5);
    expect(imagenet[2]).toBeCloseTo((1 - 0.406) / 0.225, 5);
  });
});

describe('ONNX model folders whose source output is logits (issue 10: a ResNet exported from PyTorch has no Softmax node)', () => {
  it('proposes the logits, reads them as logits (and a Softmax output as probabilities), and refuses only outputs that cannot score classes', async () => {
    const dir = folderWith('logits-only', 'resnet-like.onnx', tinyClassifier('NCHW', { softmax: false }));
    const inspection = await inspectModelFolder(dir);
    expect(inspection.detected).toEqual({ layerA: 'relu', layerB: 'flat', softmaxLayer: 'logits', cutLayer: 'flat' });
    const loaded = await loadAnyModelFolder(dir, { layers: { ...LAYERS, softmaxLayer: 'logits' } });
    expect(loaded.onnx?.sourceOutput).toBe('logits');
    expect(loaded.features.classCount).toBe(CLASSES);

    // The logits of a graph that also has the Softmax are logits too; its Softmax stays probabilities.
    const both = folderWith('logits-and-softmax', 'tiny.onnx', tinyClassifier('NCHW'));
    expect((await loadAnyModelFolder(both, { layers: { ...LAYERS, softmaxLayer: 'logits' } })).onnx?.sourceOutput).toBe('logits');
    expect((await loadAnyModelFolder(both, { layers: LAYERS })).onnx?.sourceOutput).toBe('probabilities');

    // Values that are NaN cannot score anything: refused, naming the output.
    const nan = encodeModel({
      name: 'nan',
      nodes: [
        node('GlobalAveragePool', ['image'], ['gap'], 'gap'),
        node('Conv', ['image', 'w'], ['conv'], 'conv', { kernel_shape: [1, 1] }),
        node('Flatten', ['gap'], ['flat'], 'flat', { axis: 1 }),
        node('Sub', ['flat', 'flat'], ['zero'], 'zero'),
        node('Div', ['zero', 'zero'], ['nan'], 'nan'),
      ],
      initializers: [floatTensor('w', [2, 3, 1, 1], new Float32Array(6).fill(0.5))],
      inputs: [batchedValue('image', [3, SIZE, SIZE])],
      outputs: [batchedValue('nan', [3])],
    });
    const refused = await rejection(loadAnyModelFolder(folderWith('nan', 'nan.onnx', nan), { layers: { layerA: 'conv', layerB: 'flat', softmaxLayer: 'nan', cutLayer: 'flat' } }));
    expect(refused.code).toBe('MODEL_INVALID');
    expect(refused.message).toMatch(/"nan" \(source output\) gives non-finite values \(NaN or infinity\)/);
  });

  it('proposes the logits of a MatMul + Add head (a graph exported without Gemm) and reads them as logits', async () => {
    const graph = encodeModel({
      name: 'matmul-add',
      nodes: [
        node('GlobalAveragePool', ['image'], ['gap'], 'gap'),
        node('Flatten', ['gap'], ['flat'], 'flat', { axis: 1 }),
        node('MatMul', ['flat', 'w'], ['product'], 'product'),
        node('Add', ['product', 'bias'], ['scores'], 'scores'),
      ],
      initializers: [floatTensor('w', [3, 4], Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2)), floatTensor('bias', [4], Float32Array.from([0.5, -0.5, 1, 0]))],
      inputs: [batchedValue('image', [3, SIZE, SIZE])],
      outputs: [batchedValue('scores', [4])],
    });
    const dir = folderWith('matmul-add', 'scores.onnx', graph);
    const inspection = await inspectModelFolder(dir);
    expect(inspection.detected).toEqual({ layerA: 'gap', layerB: 'flat', softmaxLayer: 'scores', cutLayer: 'flat' });
    const loaded = await loadAnyModelFolder(dir, { layers: inspection.detected ?? undefined });
    expect(loaded.onnx?.sourceOutput).toBe('logits');
    expect(loaded.features.classCount).toBe(4);
  });

  it('extracts the softmax of the logits as the source probabilities, matching a hand computation', async () => {
    const client = new EngineClient();
    try {
      const dir = folderWith('logits-extract', 'resnet-like.onnx', tinyClassifier('NCHW', { softmax: false }));
      const project = join(root, 'project-logits');
      mkdirSync(project, { recursive: true });
      const items = await Promise.all(
        [7, 8].map(async (seed) => {
          const path = join(project, `logits-${seed}.png`); // inside the project folder, as the worker reads only there
          await sharp(Buffer.from(pixelsOf(seed)), { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toFile(path);
          return { path, hash: await hashImageFile(path) };
        }),
      );
      const onnx: OnnxPreprocessing = { height: SIZE, width: SIZE, scaling: 'unit', channelOrder: 'RGB', layout: 'NCHW' };
      const model = { kind: 'folder' as const, path: dir, layers: { ...LAYERS, softmaxLayer: 'logits' }, onnx };
      const result = await client.request('extractFeatures', { model, projectDir: project, items });
      expect(result).toMatchObject({ computed: 2, runtimeFallback: null });
      const store = FeatureStore.openExisting(result.storePath);
      try {
        const features = store.load(items.map((i) => i.hash));
        let maxDiff = 0;
        [7, 8].forEach((seed, i) => {
          const rgb = pixelsOf(seed);
          const x = new Float32Array(3 * SIZE * SIZE);
          for (let p = 0; p < SIZE * SIZE; p++) for (let c = 0; c < 3; c++) x[c * SIZE * SIZE + p] = (rgb[p * 3 + c] as number) / 255;
          const expected = tinyForward(x);
          const row = Array.from(features.softmax.slice(i * CLASSES, (i + 1) * CLASSES));
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - (expected.probs[k] as number)))));
          Array.from(features.b.slice(i * FILTERS, (i + 1) * FILTERS)).forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - (expected.pooled[k] as number)))));
        });
        expect(maxDiff).toBeLessThan(1e-5);
      } finally {
        store.close();
      }
    } finally {
      await client.terminate();
    }
  });
});

describe('ONNX model folder on a TF.js backend', () => {
  it('still extracts on ONNX Runtime when TF.js runs the other models (ADMA_BACKEND=wasm)', async () => {
    const client = new EngineClient();
    try {
      const info = await client.request('init', { prefer: 'wasm' });
      expect(info.inference.name).toBe('wasm');
      const dir = folderWith('on-wasm', 'tiny.onnx', tinyClassifier('NCHW'));
      const project = join(root, 'project-wasm');
      mkdirSync(project, { recursive: true });
      const path = join(project, 'on-wasm.png');
      await sharp(Buffer.from(pixelsOf(5)), { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toFile(path);
      const model = { kind: 'folder' as const, path: dir, layers: LAYERS };
      const result = await client.request('extractFeatures', { model, projectDir: project, items: [{ path, hash: await hashImageFile(path) }] });
      expect(result).toMatchObject({ computed: 1, runtimeFallback: null });
      expect(result.runtime).toMatch(/^ONNX Runtime [\d.]+ \(\d+ threads?\)$/);
    } finally {
      await client.terminate();
    }
  });
});

describe('ONNX model folder extraction through the engine worker', () => {
  let client: EngineClient;
  beforeAll(() => {
    client = new EngineClient();
  });
  afterAll(async () => {
    await client?.terminate();
  });

  it.each(['NCHW', 'NHWC'] as const)('extracts pooled features and probabilities of a %s graph that match a hand computation', async (layout) => {
    const dir = folderWith(`extract-${layout}`, 'tiny.onnx', tinyClassifier(layout));
    const project = join(root, `project-${layout}`);
    const images = join(project, 'images'); // inside the project folder, as the worker reads only there
    mkdirSync(images, { recursive: true });
    const items = await Promise.all(
      [1, 2, 3].map(async (seed) => {
        const path = join(images, `${seed}.png`);
        await sharp(Buffer.from(pixelsOf(seed)), { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toFile(path);
        return { path, hash: await hashImageFile(path) };
      }),
    );
    const onnx: OnnxPreprocessing = { height: SIZE, width: SIZE, scaling: 'symmetric', channelOrder: 'BGR', layout };
    const model = { kind: 'folder' as const, path: dir, layers: LAYERS, onnx };
    const summary = await client.request('loadModel', { source: model });
    expect(summary.shapes).toEqual({ a: [SIZE, SIZE, FILTERS], b: [FILTERS], cut: [1, 1, FILTERS] });
    expect(summary.classCount).toBe(CLASSES);
    const result = await client.request('extractFeatures', { model, projectDir: project, items, batchSize: 2 });
    expect(result).toMatchObject({ computed: 3, runtimeFallback: null });
    expect(result.runtime).toMatch(/^ONNX Runtime/);

    const store = FeatureStore.openExisting(result.storePath);
    try {
      const features = store.load(items.map((i) => i.hash));
      expect([features.n, features.dA, features.dB, features.classCount]).toEqual([3, FILTERS, FILTERS, CLASSES]);
      let maxDiff = 0;
      [1, 2, 3].forEach((seed, i) => {
        // By hand: BGR planes of x/127.5 - 1, then the graph.
        const rgb = pixelsOf(seed);
        const x = new Float32Array(3 * SIZE * SIZE);
        for (let p = 0; p < SIZE * SIZE; p++) for (let c = 0; c < 3; c++) x[c * SIZE * SIZE + p] = (rgb[p * 3 + (2 - c)] as number) / 127.5 - 1;
        const expected = tinyForward(x);
        const row = (m: Float32Array, width: number): number[] => Array.from(m.slice(i * width, (i + 1) * width));
        const pairs: [number[], Float32Array][] = [
          [row(features.a, FILTERS), expected.pooled], // relu map, globally pooled
          [row(features.b, FILTERS), expected.pooled], // flatten of the graph's pooling
          [row(features.softmax, CLASSES), expected.probs],
        ];
        for (const [got, want] of pairs) got.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - (want[k] as number)))));
      });
      expect(maxDiff).toBeLessThan(1e-5);
    } finally {
      store.close();
    }

    // Light mode trains and predicts the pool from the cached features; deep mode and the TF.js export refuse, saying why.
    const pool = items.map((item, i) => ({ imageId: i + 1, hash: item.hash }));
    const prepared = await client.request('loopPrepare', { projectDir: project, model, items: pool, deep: false, excludedIds: [], centres: null, headDir: null });
    if (prepared.outcome !== 'loaded') throw new Error('the only load asked for was superseded');
    expect(prepared).toMatchObject({ rows: 3, missing: [], notices: [] });
    const labels = [{ imageId: 1, classIndex: 0 }, { imageId: 2, classIndex: 1 }];
    const trained = await client.request('loopTrain', { modelId: summary.descriptor.id, classes: ['ant', 'bee'], labels, mode: 'light', seed: 1, outDir: join(project, 'head-1'), previousDir: null });
    expect(Array.from(trained.predictions.imageIds)).toEqual([1, 2, 3]);
    await client.request('extractFeatures', { model, projectDir: project, items, deep: true });
    await client.request('loopPrepare', { projectDir: project, model, items: pool, deep: true, excludedIds: [], centres: prepared.centres, headDir: null });
    const deep = await rejection(client.request('loopTrain', { modelId: summary.descriptor.id, classes: ['ant', 'bee'], labels, mode: 'deep', seed: 1, outDir: join(project, 'head-deep'), previousDir: null }));
    expect(deep.code).toBe('UNSUPPORTED');
    expect(deep.message).toMatch(/Deep fine-tuning needs the model as a TF\.js Layers graph/);

    // Export: model.onnx composed from the user's graph up to layer B and the light head, pixels 0..255 NHWC in.
    const outDir = join(project, 'export');
    await client.request('loopPrepare', { projectDir: project, model, items: pool, deep: false, excludedIds: [], centres: prepared.centres, headDir: join(project, 'head-1') });
    const exportArgs = { modelId: summary.descriptor.id, headDir: join(project, 'head-1'), outDir, classNames: ['ant', 'bee'], labelCounts: [1, 1], metrics: {}, training: {} };
    // Per-class facts in another class order than the model's are refused before anything is written.
    const misordered = await rejection(client.request('loopExport', { ...exportArgs, evaluation: { classes: ['bee', 'ant'], modelClasses: 2, counts: [[1, 0], [1, 1]], leftOut: 0 } }));
    expect(misordered).toMatchObject({ code: 'BAD_ARGUMENT', message: "The per-class evaluation's classes (bee, ant) are not the model's (ant, bee)." });
    expect(existsSync(outDir)).toBe(false);
    const exported = await client.request('loopExport', { ...exportArgs, evaluation: { classes: ['ant', 'bee'], modelClasses: 2, counts: [[1, 0], [1, 1]], leftOut: 0 } });
    expect(exported.files).toEqual(['model.onnx', 'labels.json', 'preprocessing.json', 'MODEL_CARD.md']);
    // The card states each class's recall and precision with their counts, and the confusion matrix.
    const card = readFileSync(join(outDir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('| ant | 1 | 100% (1 of 1) | 21–100% | 50% (1 of 2) | 9–91% |');
    expect(card).toContain('| bee | 2 | 50% (1 of 2) | 9–91% | 100% (1 of 1) | 21–100% |');
    expect(card).toContain('| true \\ predicted | ant | bee |\n| --- | ---: | ---: |\n| ant | 1 | 0 |\n| bee | 1 | 1 |\n');
    expect(card).toContain('## Intended use');
    // 16-bit images: the rule in preprocessing.json, and the card's Python applies it (tested in high-bit-depth-python.test.ts).
    expect(String((JSON.parse(readFileSync(join(outDir, 'preprocessing.json'), 'utf8')) as { highBitDepth?: string }).highBitDepth)).toMatch(/99\.8th percentile/);
    expect(readFileSync(join(outDir, 'MODEL_CARD.md'), 'utf8')).toContain('image = resize_like_sharp(image, ');
    const ort = (await import('onnxruntime-node')).default;
    const session = await ort.InferenceSession.create(join(outDir, 'model.onnx'));
    const pixels = Float32Array.from([1, 2, 3].flatMap((seed) => Array.from(pixelsOf(seed))));
    const out = await session.run({ pixels: new ort.Tensor('float32', pixels, [3, SIZE, SIZE, 3]) });
    const probabilities = out.probabilities?.data as Float32Array;
    const { loadHead } = await import('../../../src-main/engine/train/head-file');
    const { predictProbabilities } = await import('../../../src-main/engine/train/predict-probabilities');
    const { head } = await loadHead(join(project, 'head-1'));
    const reread = FeatureStore.openExisting(result.storePath);
    const expected = await predictProbabilities(head, reread.load(items.map((i) => i.hash)).b);
    reread.close();
    const exportDiff = Math.max(...Array.from(probabilities, (v, k) => Math.abs(v - (expected[k] as number))));
    expect(exportDiff).toBeLessThan(1e-5);
    await session.release();

  });
});
