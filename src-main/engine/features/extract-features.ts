/**
 * Feature extraction: every image that the cache does not have yet goes once through the
 * multi-output model; pooled A and B, the softmax and optionally grid pooling and the
 * float16 cut-layer activations are committed to the feature store one batch per
 * transaction. Decoding runs ahead on sharp's threads (bounded prefetch), undecodable
 * images are reported per image, cancel (AbortSignal) stops after the batch in flight and
 * keeps everything finished, and a later run resumes without recomputing anything.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError, type ErrorData } from '../../../src-shared/app-error';
import { decodedOtherwiseAmong, DEEP_DECODE } from '../../media/high-bit-depth';
import type { LoadedModel } from '../model/load-model';
import type { ResizeMode } from '../preprocess/decode-image';
import { prefetchDecodedBatches, type DecodeItem } from '../preprocess/prefetch-decoded-batches';
import type { FeatureRow, FeatureStore, Pooling } from './feature-store';
import { encodeFloat16 } from './float16';
import { checkFirstBatchFeatures } from './feature-sanity';
import { globalAveragePool, gridPool2x2 } from './pool-features';
import { otherViewsOfBatch, symmetryViews } from './symmetry-views';
import { ProgressMeter, type ProgressSnapshot } from '../../core/progress-meter';
import type { OnnxFeatureRunner } from '../onnx/onnx-feature-runner';

export interface ExtractionOptions {
  /** Images per forward pass (default 16). */
  batchSize?: number;
  /** Decoded batches kept ready ahead of inference (default 2). */
  prefetchDepth?: number;
  /** Also store 2x2 grid pooling of spatial A/B layers (global pooling is always stored). */
  pooling?: Pooling;
  /** Also store the cut-layer activations (float16) for deep fine-tuning. */
  deep?: boolean;
  /** Overrides the descriptor's resize mode. */
  resize?: ResizeMode;
  signal?: AbortSignal;
  onProgress?: (progress: ExtractionProgress) => void;
  /** Runs the model on ONNX Runtime instead of TF.js (pooling stays on TF.js). */
  runner?: OnnxFeatureRunner;
  /**
   * The folder the images lie in (the project's, or the folder a command reads): each file is
   * read only once checked inside it (decodeImage's `root`); one whose path now leads outside
   * (a folder or file replaced by a symbolic link since the scan) is an unreadable image.
   */
  root?: string;
}

export interface ExtractionProgress extends ProgressSnapshot {
  /** Images already in the cache before this run (not part of done/total). */
  reused: number;
  failed: number;
}

export interface ExtractionFailure {
  hash: string;
  path: string;
  error: ErrorData;
  /** The error in a few words, for a tool that names the file itself (`adma extract`, `adma simulate`). */
  why: string;
}

export interface ExtractionResult {
  /** Distinct images asked for. */
  requested: number;
  /** Found complete in the cache, not recomputed. */
  reused: number;
  /**
   * Images whose cached rows were made under an older decode of deep images and forgotten by this
   * run (FeatureStore.forgetDecodedOtherwise), computed again with the others it computed: a
   * classifier trained on the old rows is out of date (FeatureStore.redecodes).
   */
  redecoded: number;
  /** Computed and committed in this run. */
  computed: number;
  failures: ExtractionFailure[];
  /** Forward passes (batches) run and images they covered: zero when everything was cached. */
  forwardPasses: number;
  imagesForwarded: number;
  /** True when stopped by the signal; everything computed so far is committed. */
  cancelled: boolean;
  seconds: number;
  /** Computed images per second over the run. */
  rate: number;
  /**
   * Time spent waiting for decoded images after the first batch: near zero when decoding
   * keeps ahead of inference (the first batch cannot overlap anything).
   */
  decodeWaitSeconds: number;
}

interface BatchOutputs {
  a: Float32Array;
  b: Float32Array;
  aGrid: Float32Array | null;
  bGrid: Float32Array | null;
  softmax: Float32Array;
  cut: Float32Array | null;
}

/** The model's outputs for one batch as tensors [A, B, softmax, cut]: TF.js forward pass or ONNX Runtime's maps. */
async function modelOutputs(loaded: LoadedModel, pixels: Uint8Array, n: number, grid: boolean, deep: boolean, runner: OnnxFeatureRunner | undefined): Promise<() => tf.Tensor[]> {
  const { descriptor, features } = loaded;
  if (runner) {
    // Without grid pooling, A and B come back pooled from the graph: no feature maps to copy.
    const maps = await runner.run(pixels, n, deep, grid);
    const { shapes, classCount } = features;
    const shapeOf = (shape: number[]): number[] => (maps.pooled ? [n, shape[shape.length - 1] as number] : [n, ...shape]);
    return () => [tf.tensor(maps.a, shapeOf(shapes.a)), tf.tensor(maps.b, shapeOf(shapes.b)), tf.tensor(maps.softmax, [n, classCount]), ...(maps.cut ? [tf.tensor(maps.cut, [n, ...shapes.cut])] : [])];
  }
  const { height, width, channels } = descriptor.input;
  const { scale, offset } = descriptor.normalization;
  // Native uint8 -> float32 conversion, then normalisation on the backend (SIMD on wasm).
  const model = features.model;
  if (!model) throw new AppError('UNSUPPORTED', `${descriptor.name} is an ONNX model and runs on ONNX Runtime only, which is not the active backend.`);
  const input = new Float32Array(pixels);
  return () => {
    const x = tf.tensor4d(input, [n, height, width, channels]).mul(scale).add(offset);
    const out = model.predict(x);
    const list = Array.isArray(out) ? out : [out];
    const { a, b, softmax, cut } = features.outputIndex;
    return [a, b, softmax, cut].map((index) => list[index] as tf.Tensor);
  };
}

async function forward(loaded: LoadedModel, pixels: Uint8Array, n: number, grid: boolean, deep: boolean, runner: OnnxFeatureRunner | undefined): Promise<BatchOutputs> {
  const { features } = loaded;
  const outputsOf = await modelOutputs(loaded, pixels, n, grid, deep, runner);
  const keys: (keyof BatchOutputs)[] = [];
  const tensors = tf.tidy(() => {
    const [aMap, bMap, softmaxOut, cutOut] = outputsOf() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const result: tf.Tensor[] = [];
    const add = (key: keyof BatchOutputs, tensor: tf.Tensor): void => {
      keys.push(key);
      result.push(tensor);
    };
    add('a', globalAveragePool(aMap));
    add('b', globalAveragePool(bMap));
    add('softmax', softmaxOut.reshape([n, features.classCount]));
    if (grid && aMap.rank === 4) add('aGrid', gridPool2x2(aMap as tf.Tensor4D));
    if (grid && bMap.rank === 4) add('bGrid', gridPool2x2(bMap as tf.Tensor4D));
    if (deep && cutOut) add('cut', cutOut.reshape([n, -1]));
    return result;
  });
  try {
    const values = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
    const outputs: BatchOutputs = { a: new Float32Array(0), b: new Float32Array(0), softmax: new Float32Array(0), aGrid: null, bGrid: null, cut: null };
    keys.forEach((key, i) => {
      outputs[key] = values[i] as Float32Array;
    });
    return outputs;
  } finally {
    tf.dispose(tensors);
  }
}

function rowOf(matrix: Float32Array, n: number, i: number): Float32Array {
  const width = matrix.length / n;
  return matrix.slice(i * width, (i + 1) * width);
}

/** Extract and cache features for `items` (content hash + file path). */
export async function extractFeatures(
  loaded: LoadedModel,
  store: FeatureStore,
  items: readonly DecodeItem[],
  options: ExtractionOptions = {},
): Promise<ExtractionResult> {
  const started = performance.now();
  const grid = options.pooling === 'grid2x2';
  const deep = options.deep === true;
  const distinct = new Map<string, DecodeItem>();
  for (const item of items) if (!distinct.has(item.hash)) distinct.set(item.hash, item);
  // A cache written under an earlier decode of deep images (media/high-bit-depth.ts DEEP_DECODE:
  // before 16-bit images were stretched, an almost black image; before float RGB was read as
  // stored, a brighter one) holds features unlike the new images' and what the exported model is
  // given: those images' rows are forgotten once (each cached image that may be one is read:
  // decodedOtherwiseAmong), and computed again below; the other rows of `items` are kept. The rows
  // of images this run does not name are not looked at, so they go too (forgetDecodedOtherwise),
  // as do those of files it cannot read now (tried again below, and reported when they fail):
  // the file is marked clear only once nothing of the older decode can remain in it.
  const since = store.deepDecode;
  let redecoded = 0;
  if (since < DEEP_DECODE) {
    const absent = new Set(store.missing([...distinct.keys()], { grid: false, cut: false }));
    const cached = [...distinct.values()].filter((item) => !absent.has(item.hash));
    const { otherwise, unreadable } = await decodedOtherwiseAmong(cached, since, options.root);
    // A file that cannot be read now was not checked: its row goes (the decode below tries it again and reports it).
    redecoded = store.forgetDecodedOtherwise(otherwise, cached.filter((item) => !unreadable.has(item.hash)).map((item) => item.hash)).otherwise;
  }
  const todoHashes = store.missing([...distinct.keys()], { grid, cut: deep });
  const todo = todoHashes.map((hash) => distinct.get(hash) as DecodeItem);
  const reused = distinct.size - todo.length;
  const meter = new ProgressMeter(todo.length);
  const failures: ExtractionFailure[] = [];
  let computed = 0;
  let forwardPasses = 0;
  let imagesForwarded = 0;
  const report = (): void => {
    options.onProgress?.({ ...meter.update(computed + failures.length), reused, failed: failures.length });
  };
  report();

  const { height, width, channels } = loaded.descriptor.input;
  const target = { height, width, channels, resize: options.resize ?? loaded.descriptor.resize };
  const batches = prefetchDecodedBatches(todo, target, { batchSize: options.batchSize ?? 16, depth: options.prefetchDepth ?? 2, signal: options.signal, root: options.root });
  let decodeWait = 0;
  let waitStarted = performance.now();
  let firstBatch = true;
  for await (const batch of batches) {
    if (!firstBatch) decodeWait += performance.now() - waitStarted;
    firstBatch = false;
    if (options.signal?.aborted) break;
    for (const { item, error, why } of batch.failures) failures.push({ hash: item.hash, path: item.path, error, why });
    const n = batch.items.length;
    if (n > 0) {
      const out = await forward(loaded, batch.pixels, n, grid, deep, options.runner);
      if (forwardPasses === 0) checkFirstBatchFeatures(loaded.descriptor.name, batch.pixels, n, { ...out });
      forwardPasses += 1;
      imagesForwarded += n;
      const rows: FeatureRow[] = batch.items.map((item, i) => ({
        hash: item.hash,
        a: rowOf(out.a, n, i),
        b: rowOf(out.b, n, i),
        aGrid: out.aGrid ? rowOf(out.aGrid, n, i) : null,
        bGrid: out.bGrid ? rowOf(out.bGrid, n, i) : null,
        softmax: rowOf(out.softmax, n, i),
        cut: out.cut ? encodeFloat16(rowOf(out.cut, n, i)) : null,
      }));
      store.putBatch(rows);
      computed += n;
    }
    report();
    waitStarted = performance.now();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    requested: distinct.size,
    reused,
    redecoded,
    computed,
    failures,
    forwardPasses,
    imagesForwarded,
    cancelled: options.signal?.aborted === true && computed + failures.length < todo.length,
    seconds,
    rate: seconds > 0 ? computed / seconds : 0,
    decodeWaitSeconds: decodeWait / 1000,
  };
}

export interface ViewExtractionResult {
  /** The views an image of the model's input shape has, view 0 left out: what FeatureStore.loadViews reads for these images. */
  views: readonly number[];
  /** Images whose views were computed now. */
  computed: number;
  failures: ExtractionFailure[];
  /** True when stopped by the signal; the views of finished images are stored. */
  cancelled: boolean;
}

/**
 * Pooled B of the other symmetry views (features/symmetry-views.ts) of `items` that the cache
 * lacks, for images whose orientation means nothing: each image is decoded once, turned and
 * mirrored in memory, and its views go through the model in one forward pass, stored one image
 * batch per transaction. The views of an image are those of the model's input shape.
 */
export async function extractViewFeatures(
  loaded: LoadedModel,
  store: FeatureStore,
  items: readonly DecodeItem[],
  options: Pick<ExtractionOptions, 'runner' | 'signal' | 'resize' | 'root'> & {
    batchSize?: number;
    /** Images done (extracted or unreadable) of those the cache lacked, after each batch; (0, n) first. */
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<ViewExtractionResult> {
  const { height, width, channels } = loaded.descriptor.input;
  const views = symmetryViews(height, width).slice(1);
  const distinct = new Map<string, DecodeItem>();
  for (const item of items) if (!distinct.has(item.hash)) distinct.set(item.hash, item);
  const todo = store.missingViews([...distinct.keys()], views).map((hash) => distinct.get(hash) as DecodeItem);
  const failures: ExtractionFailure[] = [];
  let computed = 0;
  const target = { height, width, channels, resize: options.resize ?? loaded.descriptor.resize };
  // A batch of images becomes views.length times as many model inputs.
  const batches = prefetchDecodedBatches(todo, target, { batchSize: options.batchSize ?? 2, depth: 1, ...(options.signal ? { signal: options.signal } : {}), ...(options.root !== undefined ? { root: options.root } : {}) });
  if (todo.length > 0) options.onProgress?.(0, todo.length);
  for await (const batch of batches) {
    if (options.signal?.aborted) break;
    for (const { item, error, why } of batch.failures) failures.push({ hash: item.hash, path: item.path, error, why });
    const n = batch.items.length;
    if (n > 0) {
      const turned = otherViewsOfBatch(batch.pixels, n, height, width, channels);
      const rows = n * views.length;
      const out = await forward(loaded, turned.pixels, rows, false, false, options.runner);
      store.putViews(batch.items.flatMap((item, i) => views.map((view, k) => ({ hash: item.hash, view, b: rowOf(out.b, rows, i * views.length + k) }))));
      computed += n;
    }
    options.onProgress?.(computed + failures.length, todo.length);
  }
  return { views, computed, failures, cancelled: options.signal?.aborted === true && computed + failures.length < todo.length };
}
