/**
 * Feature extraction on ONNX Runtime: the model's multi-output graph (layer A, layer B, the
 * source softmax, the cut layer) converted to ONNX with the pixel normalisation inside, so a
 * batch of decoded uint8 pixels goes in as is. The converted graph is cached beside the
 * feature cache, keyed by the model files' fingerprint, the four layer names and the
 * converter version, and rebuilt when any of them changes or the file is damaged.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { layersModelOf, type LoadedModel } from '../model/load-model';
import { weightsFingerprint } from '../model/model-folder-io';
import { CONVERTER_VERSION, convertLayersModel } from './layers-to-onnx';
import { featureGraph, nchwToNhwc, poolNchw, preprocessPixels, type OnnxFolderModel } from './onnx-folder';
import { createSession, type OrtModule, type SessionTuning } from './onnx-runtime';

export interface FeatureMaps {
  /** Keras layout (NHWC or [n, c]), n rows back to back; globally pooled [n, c] when `pooled`. */
  a: Float32Array;
  b: Float32Array;
  /** True when `a` and `b` are already globally average-pooled (computed in the graph). */
  pooled: boolean;
  softmax: Float32Array;
  cut: Float32Array | null;
}

export interface OnnxFeatureRunner {
  /** Path of the cached graph. */
  path: string;
  threads: number;
  /** `maps`: return layers A and B as whole maps (2x2 grid pooling needs them), else pooled in the graph. */
  run(pixels: Uint8Array, n: number, deep: boolean, maps?: boolean): Promise<FeatureMaps>;
  release(): Promise<void>;
}

/** The file the converted graph of `loaded` is cached in, inside `cacheDir`. */
export function onnxGraphPath(loaded: LoadedModel, cacheDir: string): string {
  const { descriptor } = loaded;
  const key = createHash('sha256')
    .update(JSON.stringify({
      converter: CONVERTER_VERSION,
      weights: weightsFingerprint(loaded),
      layers: [descriptor.layerA, descriptor.layerB, descriptor.softmaxLayer, descriptor.cutLayer],
      input: descriptor.input,
      normalization: descriptor.normalization,
    }))
    .digest('hex')
    .slice(0, 12);
  return join(cacheDir, `${descriptor.id.replace(/[^A-Za-z0-9._-]/g, '_')}.${key}.onnx`);
}

/** Convert the feature graph (throws AppError UNSUPPORTED naming a layer the converter lacks). */
export function convertFeatureGraph(loaded: LoadedModel): Uint8Array {
  const { descriptor } = loaded;
  return convertLayersModel(layersModelOf(loaded, 'Converting to ONNX'), {
    outputs: [descriptor.layerA, descriptor.layerB, descriptor.softmaxLayer, descriptor.cutLayer],
    pooledOutputs: [descriptor.layerA, descriptor.layerB],
    inputName: 'pixels',
    inputType: 'uint8',
    normalization: descriptor.normalization,
    graphName: `${descriptor.id}-features`,
    docString: `ADMA Studio feature graph of ${descriptor.name}: uint8 pixels [batch, ${descriptor.input.height}, ${descriptor.input.width}, ${descriptor.input.channels}] to layers A, B, softmax and cut.`,
  }).bytes;
}

async function sessionFor(ort: OrtModule, loaded: LoadedModel, path: string, threads: number, tuning: SessionTuning): Promise<Ort.InferenceSession> {
  if (existsSync(path)) {
    try {
      return await createSession(ort, readFileSync(path), threads, tuning);
    } catch {
      // A damaged or foreign file: derived data, convert again below.
    }
  }
  const bytes = convertFeatureGraph(loaded);
  mkdirSync(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
  return createSession(ort, bytes, threads, tuning);
}

export async function openOnnxFeatureRunner(ort: OrtModule, loaded: LoadedModel, cacheDir: string, threads: number, tuning: SessionTuning = {}): Promise<OnnxFeatureRunner> {
  if (loaded.onnx) return openOnnxFolderRunner(ort, loaded.onnx, threads, tuning);
  const path = onnxGraphPath(loaded, cacheDir);
  const session = await sessionFor(ort, loaded, path, threads, tuning);
  const { descriptor } = loaded;
  const { height, width, channels } = descriptor.input;
  const output = (layer: string): string => `out_${layer}`;
  return {
    path,
    threads,
    async run(pixels, n, deep, maps = false) {
      const feeds = { pixels: new ort.Tensor('uint8', pixels, [n, height, width, channels]) };
      const ab = maps ? output : (layer: string): string => `pool_${layer}`;
      const names = [ab(descriptor.layerA), ab(descriptor.layerB), output(descriptor.softmaxLayer), ...(deep ? [output(descriptor.cutLayer)] : [])];
      const results = await session.run(feeds, [...new Set(names)]);
      const take = (name: string): Float32Array => {
        const tensor = results[name];
        if (!tensor) throw new Error(`ONNX Runtime returned no output "${name}".`);
        return tensor.data as Float32Array;
      };
      return {
        a: take(ab(descriptor.layerA)),
        b: take(ab(descriptor.layerB)),
        pooled: !maps,
        softmax: take(output(descriptor.softmaxLayer)),
        cut: deep ? take(output(descriptor.cutLayer)) : null,
      };
    },
    release: () => session.release(),
  };
}

/**
 * The runner of an ONNX model folder: the user's graph with the four chosen node outputs
 * added as graph outputs (logits followed by a Softmax); pixels preprocessed as stored in the project; A and B pooled here
 * (NCHW maps), or returned as NHWC maps when grid pooling needs them.
 */
export async function openOnnxFolderRunner(ort: OrtModule, folder: OnnxFolderModel, threads: number, tuning: SessionTuning = {}): Promise<OnnxFeatureRunner> {
  const { preprocessing: p, graph } = folder;
  const { bytes, outputs: names } = featureGraph(folder);
  const [layerA, layerB, probabilities, cutLayer] = names;
  const session = await createSession(ort, bytes, threads, tuning);
  const dims = p.layout === 'NCHW' ? (n: number): number[] => [n, 3, p.height, p.width] : (n: number): number[] => [n, p.height, p.width, 3];
  return {
    path: graph.file,
    threads,
    async run(pixels, n, deep, maps = false) {
      const feeds = { [graph.input.name]: new ort.Tensor('float32', preprocessPixels(pixels, n, p), dims(n)) };
      const results = await session.run(feeds, [...new Set(deep ? names : names.slice(0, 3))]);
      const take = (name: string, as: 'pooled' | 'map' | 'flat'): Float32Array => {
        const tensor = results[name];
        if (!tensor) throw new Error(`ONNX Runtime returned no output "${name}".`);
        const data = tensor.data as Float32Array;
        const shape = tensor.dims.map(Number);
        return as === 'pooled' ? poolNchw(data, shape) : as === 'map' ? nchwToNhwc(data, shape) : data;
      };
      const ab = maps ? 'map' : 'pooled';
      return {
        a: take(layerA, ab),
        b: take(layerB, ab),
        pooled: !maps,
        softmax: take(probabilities, 'flat'),
        cut: deep ? take(cutLayer, 'map') : null,
      };
    },
    release: () => session.release(),
  };
}
