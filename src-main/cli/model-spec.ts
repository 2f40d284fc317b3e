/**
 * Turns the `--model` argument into a loaded model: a folder with model.json (TF.js Layers)
 * or with one `.onnx` image model, the URL of a model.json (downloaded once into the model
 * cache, verified when the product knows its hashes), or 'starter'. Folders load through
 * the app's own loader (`loadAnyModelFolder`, as the engine worker does). An ONNX folder
 * needs its four node outputs and its preprocessing: the ones the layer picker would
 * propose, each overridable with --layers and --preprocessing, printed and remembered in
 * the workspace.
 */
import { existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { AppError } from '../../src-shared/app-error';
import type { LayerNames, OnnxPreprocessing } from '../../src-shared/contract';
import { onnxPreprocessing } from '../../src-shared/requests/engine';
import type { LoadedModel } from '../engine/model/load-model';
import type { ModelSpec } from './cli-workspace';
import { UsageError } from './usage-error';

/** The options that say how to read a model folder. */
export const MODEL_OPTIONS = {
  model: { type: 'string' },
  layers: { type: 'string' },
  preprocessing: { type: 'string' },
} as const;

export interface ModelArguments {
  model: string;
  layers?: string | undefined;
  preprocessing?: string | undefined;
}

function parseLayers(value: string): LayerNames {
  const names = value.split(',').map((n) => n.trim());
  if (names.length !== 4 || names.some((n) => n === '')) {
    throw new UsageError(`--layers ${value}: expected four comma-separated names: layer A, layer B, the softmax (or logits), the cut layer.`);
  }
  const [layerA, layerB, softmaxLayer, cutLayer] = names as [string, string, string, string];
  return { layerA, layerB, softmaxLayer, cutLayer };
}

const PREPROCESSING_KEYS: Record<string, keyof OnnxPreprocessing | 'size'> = { size: 'size', scaling: 'scaling', channels: 'channelOrder', layout: 'layout' };

/** `size=224x224,scaling=imagenet,...` as the fields it sets (checked against the graph's defaults later). */
function parsePreprocessing(value: string): Partial<OnnxPreprocessing> {
  const fields: Record<string, unknown> = {};
  for (const part of value.split(',')) {
    const [key = '', raw = '', ...rest] = part.split('=').map((x) => x.trim());
    const field = PREPROCESSING_KEYS[key];
    if (!field || raw === '' || rest.length > 0) {
      throw new UsageError(`--preprocessing ${value}: "${part}" is not key=value with key size, scaling, channels or layout.`);
    }
    if (field === 'size') {
      const match = /^(\d+)(?:x(\d+))?$/i.exec(raw);
      if (!match) throw new UsageError(`--preprocessing size=${raw}: expected HEIGHTxWIDTH (e.g. 224x224) or one number for a square.`);
      fields.height = Number(match[1]);
      fields.width = Number(match[2] ?? match[1]);
    } else {
      fields[field] = field === 'scaling' ? raw.toLowerCase() : raw.toUpperCase();
    }
  }
  return fields as Partial<OnnxPreprocessing>;
}

function parseLocation(value: string): Pick<ModelSpec, 'kind' | 'location'> {
  if (value === 'starter') return { kind: 'starter', location: 'starter' };
  if (/^https?:\/\//i.test(value)) {
    if (!/\/model\.json(\?.*)?$/.test(value)) throw new UsageError(`--model ${value}: a model URL must point at the model.json of a TF.js Layers model.`);
    return { kind: 'url', location: value };
  }
  const dir = resolve(value);
  if (!existsSync(dir)) throw new UsageError(`--model ${value}: no such folder. Give a folder containing model.json or one .onnx file, a model.json URL, or 'starter'.`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--model ${value} is a file; give the folder that contains model.json or the .onnx file.`);
  return { kind: 'dir', location: dir };
}

/**
 * The model the arguments name, with everything needed to load it again: for an ONNX folder
 * the node outputs and preprocessing (proposed by the same inspection as the app's layer
 * picker, overridden by --layers / --preprocessing), said on `onLog`.
 */
export async function resolveModelSpec(args: ModelArguments, command: string, onLog: (line: string) => void): Promise<ModelSpec> {
  const usage = (message: string): UsageError => new UsageError(message, command);
  let spec: ModelSpec;
  let layers: LayerNames | undefined;
  let overrides: Partial<OnnxPreprocessing> | undefined;
  try {
    spec = parseLocation(args.model);
    layers = args.layers !== undefined ? parseLayers(args.layers) : undefined;
    overrides = args.preprocessing !== undefined ? parsePreprocessing(args.preprocessing) : undefined;
  } catch (error) {
    throw usage((error as Error).message);
  }
  if (layers && spec.kind !== 'dir') throw usage(`--layers applies to a model folder; ${spec.location} is ${spec.kind === 'url' ? 'a URL' : 'the starter model'}.`);
  const { findOnnxFile } = await import('../engine/onnx/onnx-folder');
  const onnxFile = spec.kind === 'dir' && !existsSync(resolve(spec.location, 'model.json')) ? await findOnnxFile(spec.location) : null;
  if (!onnxFile) {
    if (overrides) throw usage(`--preprocessing applies to ONNX model folders only; ${spec.location} is not a folder holding one .onnx file.`);
    return layers ? { ...spec, layers } : spec;
  }
  const { inspectModelFolder } = await import('../engine/model/inspect-model');
  const inspection = await inspectModelFolder(spec.location);
  const defaults = inspection.onnx?.defaults;
  if (!defaults) throw new AppError('MODEL_INVALID', `${onnxFile} could not be read as an ONNX image model.`);
  let onnx: OnnxPreprocessing;
  try {
    onnx = onnxPreprocessing.parse({ ...defaults, ...overrides }, '--preprocessing');
  } catch (error) {
    throw usage((error as Error).message);
  }
  const chosen = layers ?? inspection.detected;
  if (!chosen) {
    const listed = inspection.layers.map((l) => `${l.name} [${l.outputShape.map((d) => d ?? '?').join(', ')}]`);
    throw usage(
      `${onnxFile}: no softmax or logits node found to propose layers from; name them with --layers A,B,SOFTMAX,CUT. Node outputs: ${listed.slice(-12).join('; ')}${listed.length > 12 ? ` (last 12 of ${listed.length})` : ''}.`,
    );
  }
  onLog(`ONNX model ${onnxFile}: layer A ${chosen.layerA}, layer B ${chosen.layerB}, source ${chosen.softmaxLayer}, cut ${chosen.cutLayer}${layers ? '' : ' (proposed; --layers to change)'}`);
  onLog(`preprocessing: ${onnx.height}x${onnx.width}, scaling ${onnx.scaling}, ${onnx.channelOrder}, ${onnx.layout}${overrides ? '' : ' (from the input shape; --preprocessing to change)'}`);
  return { ...spec, layers: chosen, onnx };
}

export async function loadModelFromSpec(spec: ModelSpec, onStatus: (line: string) => void): Promise<LoadedModel> {
  const { loadAnyModelFolder, loadModelFolder, loadStarterModel } = await import('../engine/model/load-model');
  if (spec.kind === 'starter') return loadStarterModel();
  if (spec.kind === 'dir') {
    if (!existsSync(spec.location)) throw new AppError('NOT_FOUND', `The model folder ${spec.location} no longer exists; run 'adma extract' with --model again.`);
    return loadAnyModelFolder(spec.location, { ...(spec.layers ? { layers: spec.layers } : {}), ...(spec.onnx ? { onnx: spec.onnx } : {}) });
  }
  const { KNOWN_MODELS } = await import('../engine/model/known-models');
  const { downloadModel } = await import('../engine/model/model-download');
  const known = KNOWN_MODELS.find((m) => m.modelUrl === spec.location) ?? {
    id: `url-${createHash('sha256').update(spec.location).digest('hex').slice(0, 12)}`,
    name: spec.location,
    modelUrl: spec.location,
    sha256: null,
    approxBytes: 0,
  };
  const downloaded = await downloadModel(known, {
    onProgress: (p) => onStatus(`downloading ${p.file} (${p.filesDone}/${p.filesTotal} files, ${(p.bytesDone / 1e6).toFixed(1)} MB)`),
  });
  if (downloaded.note) onStatus(downloaded.note);
  return loadModelFolder(downloaded.dir);
}
