/**
 * Loads a model (TF.js Layers graph + ModelDescriptor) from a folder on disk, the model
 * download cache or the starter model, and builds its feature-extraction model. The
 * descriptor comes from `adma-model.json` when the folder has one, is detected for
 * MobileNet v1, and otherwise is built from the layer names the user chose.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/app-error';
import type { OnnxPreprocessing } from '../../../src-shared/contract';
import { notValidJson } from '../../core/json-syntax';
import { MAX_MODEL_JSON_BYTES, readUserText } from '../../core/user-file';
import { findOnnxFile, IMAGENET_MEAN, IMAGENET_STD, openOnnxFolderModel, type OnnxFolderModel } from '../onnx/onnx-folder';
import type { ModelDescriptor } from './descriptor';
import { buildFeatureModel, imageInputShape, type FeatureModel } from './feature-model';
import { matchKnownModelByHashes, type KnownModel } from './known-models';
import { detectMobileNetV1 } from './mobilenet-v1-layers';
import { artifactsHandler, filesFingerprint, MODEL_JSON, readModelFolder, requireModelFolder, type ModelFolderContents } from './model-folder-io';

export const DESCRIPTOR_FILE = 'adma-model.json';
export const LABELS_FILE = 'labels.json';

/** The four layers the engine reads, named by the user for models it does not recognise. */
export type LayerChoice = Pick<ModelDescriptor, 'layerA' | 'layerB' | 'softmaxLayer' | 'cutLayer'>;

export interface LoadModelOptions {
  /** Overrides (or, for unknown graphs, supplies) the layer names. */
  layers?: LayerChoice;
  /** Pixel normalisation for graphs without a descriptor; default x / 127.5 - 1. */
  normalization?: ModelDescriptor['normalization'];
  resize?: ModelDescriptor['resize'];
  /** Id and name to use instead of the detected ones (a known model loaded from the download cache). */
  id?: string;
  name?: string;
  /** Preprocessing of an ONNX model folder; default read from the graph's input shape. */
  onnx?: OnnxPreprocessing;
  /**
   * The folder name the id of a model the product does not recognise is made with (`<name>-<files
   * fingerprint>`), when its folder was renamed since the project chose it (Locate…): the files
   * decide the rest of the id, so the renamed folder of the same files keeps the id and its
   * cached features, and other files still get another id. Default: the folder's own name.
   */
  idFolderName?: string;
}

export interface LoadedModel {
  descriptor: ModelDescriptor;
  /**
   * The full pre-trained graph (training code rebuilds heads from it); null for an ONNX
   * model folder, which ONNX Runtime runs (light mode only, no TF.js export).
   */
  model: tf.LayersModel | null;
  /** Present for an ONNX model folder: its graph, preprocessing and chosen node outputs. */
  onnx?: OnnxFolderModel;
  /** The layers' shapes and the class count; the TF.js multi-output model when TF.js can run it. */
  features: Omit<FeatureModel, 'model'> & { model: tf.LayersModel | null };
  dir: string;
  /** SHA-256 of model.json and every shard. */
  fileHashes: Record<string, string>;
  /** The known model these exact files are, when their hashes are pinned. */
  knownModel: KnownModel | undefined;
  dispose(): void;
}

function invalid(message: string): AppError {
  return new AppError('MODEL_INVALID', message);
}

async function readJsonIfPresent(path: string): Promise<unknown> {
  if (!existsSync(path)) return undefined;
  const text = await readUserText(path, { what: 'a model folder\'s JSON file', maxBytes: MAX_MODEL_JSON_BYTES });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(notValidJson(path, text, error));
  }
}

/** Source labels from `labels.json` (an array, or an object keyed by index). */
function parseLabels(value: unknown, path: string): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.keys(value).sort((x, y) => Number(x) - Number(y)).map((k) => (value as Record<string, unknown>)[k]) : null;
  if (!list || !list.every((x) => typeof x === 'string')) throw invalid(`${path} must be a JSON array of class names.`);
  return list as string[];
}

function checkDescriptorFile(value: unknown, path: string): ModelDescriptor {
  const d = value as Partial<ModelDescriptor> | undefined;
  const problems: string[] = [];
  if (!d || typeof d !== 'object') throw invalid(`${path} does not contain a descriptor object.`);
  if (d.formatVersion !== 1) problems.push(`formatVersion must be 1 (got ${JSON.stringify(d.formatVersion)})`);
  for (const key of ['id', 'name', 'layerA', 'layerB', 'softmaxLayer', 'cutLayer'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '') problems.push(`"${key}" must be a non-empty string`);
  }
  const input = d.input;
  if (!input || !Number.isInteger(input.height) || !Number.isInteger(input.width) || (input.channels !== 1 && input.channels !== 3)) {
    problems.push('"input" must be {height, width, channels: 1 | 3}');
  }
  if (!d.normalization || !Number.isFinite(d.normalization.scale) || !Number.isFinite(d.normalization.offset)) problems.push('"normalization" must be {scale, offset}');
  if (d.resize !== 'center-crop' && d.resize !== 'squash') problems.push('"resize" must be "center-crop" or "squash"');
  if (!Array.isArray(d.sourceLabels) || !d.sourceLabels.every((x) => typeof x === 'string')) problems.push('"sourceLabels" must be an array of names');
  if (d.centresFile !== undefined && typeof d.centresFile !== 'string') problems.push('"centresFile" must be a relative path');
  if (problems.length) throw invalid(`${path} is not a valid model descriptor: ${problems.join('; ')}.`);
  return d as ModelDescriptor;
}


/** Load a model folder (model.json + shards, optionally adma-model.json and labels.json). */
/** Read and build the Layers model in a folder, without interpreting its layers. */
export async function buildModelFromFolder(folder: string): Promise<{ model: tf.LayersModel; contents: ModelFolderContents }> {
  const contents = await readModelFolder(folder);
  try {
    return { model: await tf.loadLayersModel(artifactsHandler(contents.artifacts)), contents };
  } catch (error) {
    throw invalid(`TF.js could not build the model in ${folder}: ${(error as Error).message}`);
  }
}

/** A model loaded from a TF.js Layers folder (every source but an ONNX folder). */
export interface TfLoadedModel extends LoadedModel {
  model: tf.LayersModel;
  features: FeatureModel;
  onnx?: undefined;
}

/** The TF.js graph of `loaded`, or the reason `what` cannot use an ONNX model folder. */
export function layersModelOf(loaded: LoadedModel, what: string): tf.LayersModel {
  if (loaded.model) return loaded.model;
  throw onnxFolderRefusal(loaded, what);
}

/** Why a TF.js-only step cannot use an ONNX model folder. */
export function onnxFolderRefusal(loaded: LoadedModel, what: string): AppError {
  return new AppError(
    'UNSUPPORTED',
    `${what} needs the model as a TF.js Layers graph, and ${loaded.descriptor.name} is an ONNX model: ADMA Studio cannot cut or rebuild an arbitrary ONNX graph. Use light mode with this model, or a TF.js model.`,
  );
}

/** Pixel normalisation x * scale + offset closest to an ONNX preprocessing (ImageNet: the mean of the channels' std). */
function linearNormalization(scaling: OnnxPreprocessing['scaling']): ModelDescriptor['normalization'] {
  switch (scaling) {
    case 'unit':
      return { scale: 1 / 255, offset: 0 };
    case 'symmetric':
      return { scale: 1 / 127.5, offset: -1 };
    case 'raw':
      return { scale: 1, offset: 0 };
    case 'imagenet': {
      const std = (IMAGENET_STD[0] + IMAGENET_STD[1] + IMAGENET_STD[2]) / 3;
      const mean = (IMAGENET_MEAN[0] + IMAGENET_MEAN[1] + IMAGENET_MEAN[2]) / 3;
      return { scale: 1 / (255 * std), offset: -mean / std };
    }
  }
}

async function loadOnnxFolder(folder: string, file: string, options: LoadModelOptions): Promise<LoadedModel> {
  const onnx = await openOnnxFolderModel(file, options.layers, options.onnx);
  const labelsPath = join(folder, LABELS_FILE);
  const labelsJson = await readJsonIfPresent(labelsPath);
  const sourceLabels = labelsJson === undefined ? Array.from({ length: onnx.classCount }, (_, i) => `class ${i}`) : parseLabels(labelsJson, labelsPath);
  if (sourceLabels.length !== onnx.classCount) throw invalid(`${labelsPath} lists ${sourceLabels.length} class names but "${onnx.layers.softmaxLayer}" has ${onnx.classCount} outputs.`);
  const { fileHashes } = onnx.graph;
  const descriptor: ModelDescriptor = {
    formatVersion: 1,
    // The preprocessing changes every feature: it is part of the id that keys the feature cache.
    id: options.id ?? `${options.idFolderName ?? basename(folder)}-${filesFingerprint({ ...fileHashes, preprocessing: JSON.stringify(onnx.preprocessing) })}`,
    name: options.name ?? `${basename(file)} (ONNX)`,
    input: { height: onnx.preprocessing.height, width: onnx.preprocessing.width, channels: 3 },
    normalization: linearNormalization(onnx.preprocessing.scaling),
    resize: options.resize ?? 'center-crop',
    ...onnx.layers,
    sourceLabels,
  };
  return {
    descriptor,
    model: null,
    onnx,
    features: { model: null, outputIndex: { a: 0, b: 1, softmax: 2, cut: 3 }, shapes: onnx.shapes, classCount: onnx.classCount },
    dir: folder,
    fileHashes,
    knownModel: undefined,
    dispose: () => undefined,
  };
}

/**
 * The model folder a typed path names. A model is chosen by its folder (its model.json and
 * weight files, or its one `.onnx` file), so a path to that `model.json` or `.onnx` file names
 * its folder; any other file is refused with what to choose instead (it gave a raw ENOTDIR on
 * "file/model.json"). A path that names nothing is refused as such (missingModelFolder).
 */
export async function modelFolderOf(path: string): Promise<string> {
  const resolved = resolve(path);
  await requireModelFolder(resolved);
  const info = await stat(resolved).catch(() => null);
  if (!info || info.isDirectory()) return resolved;
  const folder = dirname(resolved);
  const name = basename(resolved);
  if (name === MODEL_JSON) return folder;
  if (name.toLowerCase().endsWith('.onnx')) {
    if (existsSync(join(folder, MODEL_JSON))) {
      throw invalid(`${name} sits beside a TF.js ${MODEL_JSON} in ${folder}, and that folder is read as the TF.js model: keep the ONNX model in a folder of its own and choose that folder.`);
    }
    return folder; // a folder of several .onnx files is refused by findOnnxFile, naming them
  }
  throw invalid(`${resolved} is a file: choose the folder that holds ${MODEL_JSON} and its weight files (TF.js), or one .onnx model.`);
}

/** Load a folder holding either a TF.js Layers model or one `.onnx` image model (a path to its model.json or .onnx file names it too). */
export async function loadAnyModelFolder(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const folder = await modelFolderOf(dir);
  const onnxFile = existsSync(join(folder, MODEL_JSON)) ? null : await findOnnxFile(folder);
  return onnxFile ? loadOnnxFolder(folder, onnxFile, options) : loadModelFolder(folder, options);
}

/** Load a TF.js Layers model folder. */
export async function loadModelFolder(dir: string, options: LoadModelOptions = {}): Promise<TfLoadedModel> {
  const folder = resolve(dir);
  const { model, contents } = await buildModelFromFolder(folder);
  try {
    const detected = await describe(model, folder, contents.fileHashes, options);
    const descriptor = { ...detected, ...(options.id ? { id: options.id } : {}), ...(options.name ? { name: options.name } : {}) };
    const features = buildFeatureModel(model, descriptor);
    return {
      descriptor,
      model,
      features,
      dir: folder,
      fileHashes: contents.fileHashes,
      knownModel: matchKnownModelByHashes(contents.fileHashes),
      dispose: () => model.dispose(),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

async function describe(model: tf.LayersModel, folder: string, fileHashes: Record<string, string>, options: LoadModelOptions): Promise<ModelDescriptor> {
  const descriptorPath = join(folder, DESCRIPTOR_FILE);
  const fromFile = await readJsonIfPresent(descriptorPath);
  if (fromFile !== undefined) {
    const descriptor = checkDescriptorFile(fromFile, descriptorPath);
    return { ...descriptor, ...options.layers, ...(options.resize ? { resize: options.resize } : {}) };
  }
  const labelsPath = join(folder, LABELS_FILE);
  const labelsJson = await readJsonIfPresent(labelsPath);
  const known = matchKnownModelByHashes(fileHashes);
  const mobileNet = detectMobileNetV1(model);
  if (mobileNet) {
    const { alpha, ...fields } = mobileNet;
    const id = known?.id ?? `mobilenet_v1_${alpha}_224-${filesFingerprint(fileHashes)}`;
    const classCount = model.getLayer(fields.softmaxLayer).outputShape.slice(-1)[0] as number;
    return {
      ...fields,
      ...options.layers,
      ...(options.resize ? { resize: options.resize } : {}),
      ...(options.normalization ? { normalization: options.normalization } : {}),
      id,
      name: known?.name ?? `MobileNet v1 ${alpha} (${basename(folder)})`,
      sourceLabels: labelsJson === undefined ? Array.from({ length: classCount }, (_, i) => `ImageNet class ${i}`) : parseLabels(labelsJson, labelsPath),
    };
  }
  if (!options.layers) {
    throw invalid(
      `${folder} holds a model the product does not recognise and has no ${DESCRIPTOR_FILE}: name its layers A (middle), B (penultimate), softmax and cut so it can be used.`,
    );
  }
  const input = imageInputShape(model);
  let softmaxShape: (number | null)[];
  try {
    softmaxShape = model.getLayer(options.layers.softmaxLayer).outputShape as (number | null)[];
  } catch {
    throw invalid(`The model has no layer named "${options.layers.softmaxLayer}" (softmax).`);
  }
  const classCount = softmaxShape[softmaxShape.length - 1];
  if (typeof classCount !== 'number') throw invalid(`Layer "${options.layers.softmaxLayer}" (softmax) has an undefined output size.`);
  return {
    formatVersion: 1,
    id: `${options.idFolderName ?? basename(folder)}-${filesFingerprint(fileHashes)}`,
    name: basename(folder),
    input,
    normalization: options.normalization ?? { scale: 1 / 127.5, offset: -1 },
    resize: options.resize ?? 'center-crop',
    ...options.layers,
    sourceLabels: labelsJson === undefined ? Array.from({ length: classCount }, (_, i) => `class ${i}`) : parseLabels(labelsJson, labelsPath),
  };
}

/**
 * The starter model folder shipped in `resources/starter/`: found by walking up from this
 * file (works from the sources and from the built `out/main/`); packaged apps pass the
 * resources path explicitly.
 */
export function findStarterModelDir(resourcesDir?: string): string | null {
  if (resourcesDir) {
    const dir = join(resourcesDir, 'starter');
    return existsSync(join(dir, DESCRIPTOR_FILE)) ? dir : null;
  }
  let current = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const dir = join(current, 'resources', 'starter');
    if (existsSync(join(dir, DESCRIPTOR_FILE))) return dir;
    current = dirname(current);
  }
  return null;
}

export async function loadStarterModel(resourcesDir?: string): Promise<TfLoadedModel> {
  const dir = findStarterModelDir(resourcesDir);
  if (!dir) throw new AppError('NOT_FOUND', `The starter model (resources/starter/${DESCRIPTOR_FILE}) is not installed with this copy of ADMA Studio.`);
  return loadModelFolder(dir);
}
