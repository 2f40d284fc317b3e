import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { initBackend } from '../../../src-main/engine/backend';
import { extractFeatures, type ExtractionProgress } from '../../../src-main/engine/features/extract-features';
import { FeatureStore, featureCacheDir, featureLayoutOf, featureStorePath, legacyFeatureStorePath, MAX_LAYOUTS_PER_MODEL, type FeatureLayout, type FeatureReading } from '../../../src-main/engine/features/feature-store';
import { decodeFloat16, encodeFloat16 } from '../../../src-main/engine/features/float16';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { ProgressMeter } from '../../../src-main/core/progress-meter';
import { loadModelFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { countForwardPasses } from './count-forward-passes';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_DATA_REASON, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

describe('float16 encoding', () => {
  it('round-trips exactly representable values and rounds others to nearest even', () => {
    const values = new Float32Array([0, -0, 1, -2, 0.5, 6, 65504, 2 ** -24, 2 ** -14, 1 / 3, 70000, -Infinity, NaN, 1 + 2 ** -11, 1 + 3 * 2 ** -11]);
    const decoded = decodeFloat16(encodeFloat16(values));
    expect(Array.from(decoded.subarray(0, 9))).toEqual([0, -0, 1, -2, 0.5, 6, 65504, 2 ** -24, 2 ** -14]);
    expect(decoded[9]).toBeCloseTo(1 / 3, 3);
    expect(decoded[10]).toBe(Infinity);
    expect(decoded[11]).toBe(-Infinity);
    expect(decoded[12]).toBeNaN();
    expect(decoded[13]).toBe(1); // halfway, rounds to even
    expect(decoded[14]).toBe(1 + 2 * 2 ** -10);
    const relu6 = Float32Array.from({ length: 1000 }, (_, i) => (i / 1000) * 6);
    const back = decodeFloat16(encodeFloat16(relu6));
    relu6.forEach((v, i) => expect(Math.abs((back[i] as number) - v)).toBeLessThanOrEqual(Math.max(v, 2 ** -14) * 2 ** -11));
  });
});

describe('progress meter', () => {
  it('measures the rate and the time left', () => {
    let now = 0;
    const meter = new ProgressMeter(100, 10_000, () => now);
    expect(meter.update(0).etaSeconds).toBeNull();
    now = 2000;
    const half = meter.update(50);
    expect(half.rate).toBeCloseTo(25, 6);
    expect(half.etaSeconds).toBeCloseTo(2, 6);
    now = 4000;
    expect(meter.update(100)).toMatchObject({ done: 100, total: 100, etaSeconds: 0 });
  });
});

/** How a test model is read: its four layers (A and B named), 8x8 RGB pixels scaled to 0..1, squashed. */
function reading(layerA = 'a', layerB = 'b'): FeatureReading {
  return { layers: { layerA, layerB, softmaxLayer: 'softmax', cutLayer: 'cut' }, input: { height: 8, width: 8, channels: 3 }, normalization: { scale: 1 / 255, offset: 0 }, resize: 'squash' };
}

describe('feature store file', () => {
  it('rebuilds a cache written for another layout, prunes rows, and opens existing caches read-side', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adma-store-'));
    try {
      const layout: FeatureLayout = { modelId: 'some/model:v1', weights: 'aaaa', aShape: [2, 2, 3], bShape: [4], classCount: 2, cutShape: [2], reading: reading() };
      const path = featureStorePath(dir, layout);
      expect(path).toMatch(/[/\\]\.adma[/\\]features[/\\]some_model_v1@[0-9a-f]{16}\.db$/);
      expect(path.startsWith(dir)).toBe(true);
      const row = (hash: string) => ({
        hash,
        a: Float32Array.of(1, 2, 3),
        b: Float32Array.of(1, 2, 3, 4),
        aGrid: Float32Array.from({ length: 12 }, (_, i) => i),
        bGrid: null,
        softmax: Float32Array.of(0.25, 0.75),
        cut: encodeFloat16(Float32Array.of(0.5, 6)),
      });
      let store = FeatureStore.open(path, layout);
      store.putBatch([row('x'), row('y'), row('z')]);
      expect(store.missing(['x', 'w', 'x', 'y'], { grid: true, cut: true })).toEqual(['w']);
      expect(store.prune(['x', 'y'])).toBe(1);
      store.close();

      store = FeatureStore.openExisting(path);
      expect(store.layout).toEqual(layout);
      const m = store.load(['y', 'x'], 'grid2x2');
      expect([m.n, m.dA, m.dB, m.classCount]).toEqual([2, 12, 4, 2]);
      expect(Array.from(m.softmax)).toEqual([0.25, 0.75, 0.25, 0.75]);
      expect(Array.from(store.loadCut(['x']).data)).toEqual([0.5, 6]);
      store.close();

      // Same id and shapes, other weights (the model rebuilt or replaced): derived data, rebuilt.
      store = FeatureStore.open(path, layout);
      expect(store.count()).toBe(2);
      store.close();
      store = FeatureStore.open(path, { ...layout, weights: 'bbbb' });
      expect(store.count()).toBe(0);
      store.putBatch([row('x')]);
      store.close();
      // Same id, different shapes (another model saved under that id): derived data, rebuilt.
      store = FeatureStore.open(path, { ...layout, weights: 'bbbb', classCount: 3 });
      expect(store.count()).toBe(0);
      store.close();
      expect(() => FeatureStore.openExisting(join(dir, 'nope.db'))).toThrow(/No feature cache/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('feature store: the layouts of a folder kept side by side', () => {
  const base: FeatureLayout = { modelId: 'model', weights: 'aaaa', aShape: [2, 2, 3], bShape: [4], classCount: 2, cutShape: [2], reading: reading() };
  /** Another way of reading the same model: same id, weights and shapes, other layer A. */
  const other = (name: string): FeatureLayout => ({ ...base, reading: reading(name) });
  const row = (hash: string, value = 1) => ({ hash, a: Float32Array.of(value, 2, 3), b: Float32Array.of(value, 2, 3, 4), aGrid: null, bGrid: null, softmax: Float32Array.of(0.5, 0.5), cut: null });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adma-layouts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(folder: string, layout: FeatureLayout, hashes: string[], value = 1): string {
    const store = FeatureStore.openFor(folder, layout);
    store.putBatch(hashes.map((hash) => row(hash, value)));
    store.close();
    return store.path;
  }
  function count(folder: string, layout: FeatureLayout): number {
    const store = FeatureStore.openExistingFor(folder, layout);
    try {
      return store.count();
    } finally {
      store.close();
    }
  }
  /** As versions before layouts were kept apart wrote it: `<model>.db`, its layout recorded without the reading. */
  function writeOldCache(folder: string, layout: FeatureLayout, hashes: string[]): string {
    const path = legacyFeatureStorePath(folder, layout.modelId);
    const store = FeatureStore.open(path, layout);
    store.putBatch(hashes.map((hash) => row(hash)));
    store.close();
    const db = new Database(path);
    const { modelId, weights, aShape, bShape, classCount, cutShape } = layout;
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'layout'`).run(JSON.stringify({ modelId, weights, aShape, bShape, classCount, cutShape }));
    db.close();
    return path;
  }

  it('opens another layer choice with the same shapes as a cache of its own, and each keeps its rows', () => {
    const folder = join(dir, 'side-by-side');
    const first = write(folder, base, ['x', 'y']);
    const second = write(folder, other('a2'), ['x'], 7);
    expect(second).not.toBe(first);
    expect(count(folder, base)).toBe(2);
    expect(count(folder, other('a2'))).toBe(1);
    const store = FeatureStore.openExistingFor(folder, base);
    expect(Array.from(store.load(['x']).a)).toEqual([1, 2, 3]); // never the other layer's 7
    store.close();
    expect(() => FeatureStore.openExistingFor(folder, other('a3'))).toThrow(/No feature cache for model read at layers a3, b/);
    // A layout survives a JSON round trip (a command-line workspace keeps it) with the same file.
    expect(FeatureStore.openExistingFor(folder, JSON.parse(JSON.stringify(other('a2'))) as FeatureLayout).path).toBe(second);
  });

  it('keeps the one cache file of a project from before: the first layout it matches adopts it in place, another gets its own file', () => {
    const folder = join(dir, 'older-project');
    const old = writeOldCache(folder, base, ['x', 'y', 'z']);
    expect(count(folder, base)).toBe(3);
    expect(FeatureStore.openExistingFor(folder, base).path).toBe(old);
    // Same id, weights and shapes as it recorded, but it is base's now: the other reading starts empty beside it.
    expect(write(folder, other('a2'), ['x'])).not.toBe(old);
    expect(count(folder, base)).toBe(3);
    // A file of other weights (the model replaced) is not adopted, and not emptied either.
    const replaced = join(dir, 'replaced');
    writeOldCache(replaced, { ...base, weights: 'old' }, ['x']);
    expect(() => FeatureStore.openExistingFor(replaced, base)).toThrow(/No feature cache/);
    write(replaced, base, []);
    const kept = new Database(legacyFeatureStorePath(replaced, 'model'));
    expect(kept.prepare('SELECT COUNT(*) FROM features').pluck().get()).toBe(1);
    kept.close();
  });

  it(`keeps at most ${MAX_LAYOUTS_PER_MODEL} layouts of a model, removing the least recently used, never one held open, nor another model's files`, () => {
    const folder = join(dir, 'bounded');
    const features = featureCacheDir(folder);
    const used = (path: string, secondsAgo: number): void => {
      const when = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(path, when, when);
    };
    const oldest = write(folder, base, ['x']);
    used(oldest, 400);
    const a2 = write(folder, other('a2'), ['x']);
    used(a2, 300);
    const a3 = write(folder, other('a3'), ['x']);
    used(a3, 200);
    const otherModel = write(folder, { ...base, modelId: 'model.v2' }, ['x']);
    used(otherModel, 1000);
    writeFileSync(join(features, 'model.0123456789abcdef.onnx'), 'a converted graph');
    expect(readdirSync(features).filter((name) => name.startsWith('model@') && name.endsWith('.db'))).toHaveLength(3);

    // Reading a layout counts as using it: a2 becomes the most recently used.
    FeatureStore.openExistingFor(folder, other('a2')).close();
    const a4 = write(folder, other('a4'), ['x']);
    expect(existsSync(oldest)).toBe(false);
    expect(existsSync(`${oldest}-wal`) || existsSync(`${oldest}-shm`)).toBe(false);
    for (const path of [a2, a3, a4, otherModel, join(features, 'model.0123456789abcdef.onnx')]) expect(existsSync(path), path).toBe(true);

    // A cache held open (the app extracting into it) is kept, even when least recently used.
    used(a3, 500);
    const held = FeatureStore.openExistingFor(folder, other('a3'));
    used(a3, 500);
    const a5 = write(folder, other('a5'), ['x']);
    expect(existsSync(a3)).toBe(true);
    held.close();
    used(a3, 500);
    used(a2, 450);
    const a6 = write(folder, other('a6'), ['x']);
    expect([a2, a3, a4, a5, a6].map((path) => existsSync(path))).toEqual([false, false, true, true, true]);
    expect(existsSync(otherModel)).toBe(true);
  });

  it('never removes the cache the app opened, however long unused, when commands make other layouts', () => {
    const folder = join(dir, 'apps-cache');
    const used = (path: string, secondsAgo: number): void => {
      const when = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(path, when, when);
    };
    const apps = FeatureStore.openFor(folder, base, { theApps: true });
    apps.putBatch([row('x')]);
    apps.close();
    used(apps.path, 1000);
    const made = [other('a2'), other('a3'), other('a4'), other('a5')].map((layout, k) => {
      const path = write(folder, layout, ['x']);
      used(path, 500 - k * 100);
      return path;
    });
    expect(existsSync(apps.path)).toBe(true);
    expect(count(folder, base)).toBe(1);
    // The commands' own files are still bounded: the oldest of them went.
    expect(made.map((path) => existsSync(path))).toEqual([false, false, true, true]);
  });
});

describe('feature store: the views of images with no up or down', () => {
  it('stores, finds missing, loads image by image, prunes with the images, and is emptied with the cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adma-store-'));
    try {
      const layout: FeatureLayout = { modelId: 'm', weights: 'aaaa', aShape: [3], bShape: [2], classCount: 2, cutShape: [2], reading: reading() };
      const path = featureStorePath(dir, layout);
      let store = FeatureStore.open(path, layout);
      const b = (hash: string, view: number): Float32Array => Float32Array.of(hash.charCodeAt(0), view);
      store.putViews([1, 2, 3].flatMap((view) => [{ hash: 'x', view, b: b('x', view) }]).concat([{ hash: 'y', view: 1, b: b('y', 1) }]));
      expect(store.missingViews(['x', 'y', 'z', 'x'], [1, 2, 3])).toEqual(['y', 'z']);
      expect(store.missingViews(['x', 'y'], [1])).toEqual([]);
      expect(Array.from(store.loadViews(['x'], [3, 1]))).toEqual([120, 3, 120, 1]);
      expect(() => store.loadViews(['y'], [1, 2])).toThrow(/no features of view 2/);
      store.putBatch([{ hash: 'x', a: Float32Array.of(1, 2, 3), b: Float32Array.of(1, 2), aGrid: null, bGrid: null, softmax: Float32Array.of(0.5, 0.5), cut: null }]);
      store.close();

      // Opened for reading (as scoring and training do), the views are there; pruning an image drops its views.
      store = FeatureStore.openExisting(path);
      expect(store.missingViews(['x'], [1, 2, 3])).toEqual([]);
      store.prune(['x']);
      expect(store.missingViews(['x', 'y'], [1])).toEqual(['y']);
      store.close();
      // Other weights: the cache is rebuilt, views too.
      store = FeatureStore.open(path, { ...layout, weights: 'bbbb' });
      expect(store.missingViews(['x'], [1])).toEqual(['x']);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const available = hasMobileNet025 && hasHymenopteraVal;
const reason = !hasMobileNet025 ? MISSING_MODEL_REASON : !hasHymenopteraVal ? MISSING_DATA_REASON : 'shared model and photos present';

describe.skipIf(!available)(`feature extraction and cache (${reason})`, () => {
  let loaded: TfLoadedModel;
  let work: string;
  let items: { hash: string; path: string }[];
  let layout: FeatureLayout;

  const openStore = (name: string): FeatureStore => FeatureStore.openFor(join(work, name), layout);

  beforeAll(async () => {
    await initBackend();
    loaded = await loadModelFolder(MOBILENET_025_DIR);
    layout = featureLayoutOf(loaded);
    work = mkdtempSync(join(tmpdir(), 'adma-features-'));
    // Every third photo: 51 images from both classes.
    const photos = hymenopteraValPhotos().filter((_, i) => i % 3 === 0);
    items = await Promise.all(photos.map(async ({ path }) => ({ path, hash: await hashImageFile(path) })));
  });
  afterAll(() => {
    loaded?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('cancelled half-way, then resumed: finished images are not recomputed and results equal an uninterrupted run', async () => {
    const passes = countForwardPasses(loaded);
    const distinct = new Set(items.map((i) => i.hash)).size;

    const reference = openStore('uninterrupted');
    const full = await extractFeatures(loaded, reference, items, { batchSize: 8 });
    expect(full.computed).toBe(distinct);
    expect(passes.images).toBe(distinct);

    passes.calls = 0;
    passes.images = 0;
    const controller = new AbortController();
    const progress: ExtractionProgress[] = [];
    let store = openStore('interrupted');
    const first = await extractFeatures(loaded, store, items, {
      batchSize: 8,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.done >= distinct / 2) controller.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    expect(first.computed).toBeGreaterThanOrEqual(distinct / 2);
    expect(first.computed).toBeLessThan(distinct);
    expect(passes.images).toBe(first.computed);
    expect(store.count()).toBe(first.computed);
    expect(progress.every((p) => p.total === distinct)).toBe(true);
    store.close(); // as if the app had quit

    store = openStore('interrupted');
    const resumed = await extractFeatures(loaded, store, items, { batchSize: 8 });
    expect(resumed.cancelled).toBe(false);
    expect(resumed.reused).toBe(first.computed);
    expect(resumed.computed).toBe(distinct - first.computed);
    expect(resumed.imagesForwarded).toBe(distinct - first.computed);
    expect(passes.images).toBe(distinct); // across both runs, each image went through the model once

    const hashes = items.map((i) => i.hash);
    const expected = reference.load(hashes);
    const actual = store.load(hashes);
    for (const key of ['a', 'b', 'softmax'] as const) {
      expect(actual[key].length).toBe(expected[key].length);
      let maxDiff = 0;
      for (let i = 0; i < expected[key].length; i++) maxDiff = Math.max(maxDiff, Math.abs((actual[key][i] as number) - (expected[key][i] as number)));
      expect(maxDiff, key).toBeLessThan(1e-5);
    }

    const again = await extractFeatures(loaded, store, items);
    expect(again).toMatchObject({ computed: 0, reused: distinct, forwardPasses: 0 });
    reference.close();
    store.close();
  });

  it('bad images (zero bytes, text named .jpg, truncated JPEG) are reported and do not stop the run', async () => {
    const bad = join(work, 'bad');
    rmSync(bad, { recursive: true, force: true });
    mkdirSync(bad);
    const files = { empty: join(bad, 'empty.jpg'), text: join(bad, 'notes.jpg'), truncated: join(bad, 'truncated.jpg') };
    writeFileSync(files.empty, '');
    writeFileSync(files.text, 'not an image at all\n');
    const jpeg = readFileSync((items[0] as { path: string }).path);
    writeFileSync(files.truncated, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    const badItems = await Promise.all(Object.values(files).map(async (path) => ({ path, hash: await hashImageFile(path) })));
    const good = items.slice(1, 11);
    const mixed = [...good.slice(0, 3), badItems[0], ...good.slice(3, 6), badItems[1], badItems[2], ...good.slice(6)] as { hash: string; path: string }[];
    const store = openStore('bad-images');
    try {
      const result = await extractFeatures(loaded, store, mixed, { batchSize: 4 });
      expect(result.computed).toBe(10);
      expect(result.failures.map((f) => f.path).sort()).toEqual(Object.values(files).sort());
      expect(result.failures.every((f) => f.error.code === 'IMAGE_INVALID')).toBe(true);
      expect(store.count()).toBe(10);
      expect(store.load(good.map((g) => g.hash)).n).toBe(10);
      const missing = (() => {
        try {
          store.load([(badItems[1] as { hash: string }).hash]);
          return null;
        } catch (error) {
          return error;
        }
      })();
      expect(missing).toBeInstanceOf(AppError);
      expect((missing as AppError).code).toBe('NOT_FOUND');
    } finally {
      store.close();
    }
  });

  it('grid pooling and deep mode are added incrementally and match a direct computation', async () => {
    const few = items.slice(0, 5);
    const store = openStore('deep');
    try {
      await extractFeatures(loaded, store, few);
      const passes = countForwardPasses(loaded);
      const deep = await extractFeatures(loaded, store, few, { pooling: 'grid2x2', deep: true });
      expect(deep.computed).toBe(5); // rows lacked grid pooling and cut activations
      expect(passes.images).toBe(5);
      const hashes = few.map((i) => i.hash);
      const grid = store.load(hashes, 'grid2x2');
      const global = store.load(hashes, 'global');
      expect([grid.dA, grid.dB]).toEqual([4 * 128, 256]); // B is already a vector
      // 14x14 splits evenly: the mean of the four cells is the global average.
      for (let c = 0; c < 128; c++) {
        const mean = ((grid.a[c] as number) + (grid.a[128 + c] as number) + (grid.a[256 + c] as number) + (grid.a[384 + c] as number)) / 4;
        expect(mean).toBeCloseTo(global.a[c] as number, 5);
      }
      const cut = store.loadCut(hashes);
      expect(cut.shape).toEqual([7, 7, 256]);
      expect(cut.data.length).toBe(5 * 7 * 7 * 256);

      const pixels = await decodeImage((few[2] as { path: string }).path, { ...loaded.descriptor.input, resize: 'center-crop' });
      const direct = tf.tidy(() => {
        const { scale, offset } = loaded.descriptor.normalization;
        const x = tf.tensor4d(new Float32Array(pixels), [1, 224, 224, 3]).mul(scale).add(offset);
        const out = loaded.features.model.predict(x) as tf.Tensor[];
        return out[loaded.features.outputIndex.cut]?.dataSync() as Float32Array;
      });
      const stored = cut.data.subarray(2 * 12544, 3 * 12544);
      let worst = 0;
      direct.forEach((v, i) => (worst = Math.max(worst, Math.abs((stored[i] as number) - v) / Math.max(Math.abs(v), 1e-3))));
      expect(worst).toBeLessThan(2 ** -10);
    } finally {
      store.close();
    }
  });

  it('long run: the number of live tensors stays flat across batches and runs', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const bytes: number[] = [];
    const subset = items.slice(0, 30);
    for (let round = 0; round < 5; round++) {
      const store = openStore(`long-${round}`);
      try {
        // Fresh hashes each round so every image is really computed again.
        const fresh = subset.map((item) => ({ ...item, hash: `${item.hash}-r${round}` }));
        await extractFeatures(loaded, store, fresh, {
          batchSize: 6,
          deep: true,
          pooling: 'grid2x2',
          onProgress: () => {
            counts.push(tf.memory().numTensors);
            bytes.push(tf.memory().numBytes);
          },
        });
      } finally {
        store.close();
      }
    }
    expect(counts.length).toBe(5 * 6); // one report before the first batch and one per batch
    expect(new Set(counts)).toEqual(new Set([before]));
    expect(new Set(bytes).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000); // CPU-bound: about 60 s on two busy cores
});
