/**
 * Reads a TF.js Layers model folder (`model.json` + weight shards) from disk. Plain
 * `@tensorflow/tfjs` cannot load `file://` URLs in Node, so this is the IO handler the
 * engine uses for every model: it checks the folder thoroughly first, so a missing shard,
 * a truncated file or a graph-model folder fails with a message that names the file.
 */
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { AppError, type ErrorCode } from '../../../src-shared/app-error';
import { notValidJson } from '../../core/json-syntax';
import { MAX_MODEL_JSON_BYTES, readUserFile } from '../../core/user-file';
import { isInside } from '../../media/path-containment';

export const MODEL_JSON = 'model.json';

/** Bytes per element of the dtypes a weights manifest may use. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

export interface ModelFolderContents {
  /** Parsed `model.json`. */
  json: tf.io.ModelJSON;
  artifacts: tf.io.ModelArtifacts;
  /** Shard paths relative to the folder, in manifest order. */
  shardPaths: string[];
  /** Sum of the shard sizes in bytes. */
  weightBytes: number;
  /** SHA-256 (hex) of `model.json` and of every shard, by relative path. */
  fileHashes: Record<string, string>;
}

function invalid(message: string): AppError {
  return new AppError('MODEL_INVALID', message);
}

/** The refusals of a model folder that say it cannot be used as it is now (gone, unreadable, not a model). */
export const MODEL_FOLDER_FAULTS: ReadonlySet<ErrorCode> = new Set(['NOT_FOUND', 'NOT_A_FOLDER', 'UNREADABLE', 'MODEL_INVALID']);

/**
 * The refusal of a model folder path that names nothing: said as such (it read "No model.json
 * … in <path>", as if the folder were there without a model). A project's model folder that
 * went away is this, and the model panel offers to locate it (FeatureExtraction).
 */
export function missingModelFolder(dir: string): AppError {
  return new AppError('NOT_FOUND', `The model folder ${dir} does not exist: it may have been moved or renamed, or be on a disk that is not connected.`);
}

/** Refused with missingModelFolder when nothing is at `dir` (another fault of the path is left to the reads, which name it). */
export async function requireModelFolder(dir: string): Promise<void> {
  const absent = await stat(dir).then(
    () => false,
    (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT',
  );
  if (absent) throw missingModelFolder(dir);
}

/** Weight bytes a manifest group declares (quantised weights use their storage dtype). */
export function manifestGroupBytes(group: tf.io.WeightsManifestConfig[number]): number {
  let total = 0;
  for (const spec of group.weights) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const bytes = DTYPE_BYTES[dtype];
    if (bytes === undefined) throw invalid(`Weight "${spec.name}" has unsupported dtype "${dtype}".`);
    total += spec.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}

/** Parse and check a `model.json` text: a Layers model with a weights manifest. */
export function parseModelJson(text: string, where: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Where it stops being JSON (a file cut short ends mid-value: "but the text ends there").
    throw invalid(`${notValidJson(where, text, error)} Copy or download the model again, or correct the file there.`);
  }
  if (typeof json !== 'object' || json === null) throw invalid(`${where} does not describe a model.`);
  const record = json as Record<string, unknown>;
  const topology = record.modelTopology as Record<string, unknown> | undefined;
  if (!topology || typeof topology !== 'object') throw invalid(`${where} has no "modelTopology".`);
  if (record.format === 'graph-model' || 'node' in topology) {
    throw invalid(
      `${where} is a TF.js graph model; ADMA Studio needs a Layers model (converted with --output_format tfjs_layers_model) so it can read intermediate layers and fine-tune.`,
    );
  }
  if (!('model_config' in topology) && !('class_name' in topology)) throw invalid(`${where} has no Keras model configuration.`);
  if (!Array.isArray(record.weightsManifest)) throw invalid(`${where} has no "weightsManifest" listing its weight files.`);
  return json as tf.io.ModelJSON;
}

function shardError(error: unknown, dir: string, path: string): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return invalid(`Weight file "${path}" listed in ${MODEL_JSON} is missing from ${dir}. Copy or download the complete model folder.`);
  return new AppError('UNREADABLE', `Cannot read weight file ${join(dir, path)}: ${(error as Error).message}`);
}

function sizeMismatch(dir: string, paths: readonly string[], actual: number, expected: number): AppError {
  return invalid(
    `Weight file${paths.length > 1 ? 's' : ''} ${paths.join(', ')} in ${dir} ${paths.length > 1 ? 'hold' : 'holds'} ${actual} bytes but ${MODEL_JSON} declares ${expected}: the files are truncated or belong to another model.`,
  );
}

/**
 * The real path of a file a model folder's own files name (a weight shard of model.json, a
 * descriptor's centres file), proved inside the folder: symlinks resolved, compared
 * component-wise (path-containment.ts). Invariant: loading a model reads only files inside
 * the folder the user chose; `"paths": ["../elsewhere/shard"]` or a link out is refused.
 * A missing file is left to the caller's read (its ENOENT names the file).
 */
export async function modelFolderFile(dir: string, relPath: string, listedIn: string): Promise<string> {
  const joined = join(dir, relPath);
  let real: string;
  let realDir: string;
  try {
    realDir = await realpath(dir);
    real = await realpath(joined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return joined;
    throw error;
  }
  if (!isInside(realDir, real)) {
    throw invalid(
      `"${relPath}" listed in ${listedIn} is outside the model folder ${dir} (it resolves to ${real}). ADMA Studio reads a model only from the files in its folder: put the file in the folder and name it there.`,
    );
  }
  return real;
}

/** Every shard group's size against the manifest before a byte is read (a wrong 2 GB file is refused at once). */
async function checkShardSizes(dir: string, manifest: tf.io.WeightsManifestConfig): Promise<void> {
  for (const group of manifest) {
    const expected = manifestGroupBytes(group);
    let actual = 0;
    for (const path of group.paths) {
      try {
        const info = await stat(await modelFolderFile(dir, path, MODEL_JSON));
        if (!info.isFile()) throw invalid(`Weight file "${path}" in ${dir} is not a file.`);
        actual += info.size;
      } catch (error) {
        throw error instanceof AppError ? error : shardError(error, dir, path);
      }
    }
    if (actual !== expected) throw sizeMismatch(dir, group.paths, actual, expected);
  }
}

/** Read, check and assemble a model folder into TF.js model artifacts. */
export async function readModelFolder(dir: string): Promise<ModelFolderContents> {
  const jsonPath = join(dir, MODEL_JSON);
  let text: string;
  const fileHashes: Record<string, string> = {};
  try {
    await stat(jsonPath); // a missing model.json: the message below, not the reader's
    const raw = await readUserFile(jsonPath, { what: `a model's ${MODEL_JSON}`, maxBytes: MAX_MODEL_JSON_BYTES });
    fileHashes[MODEL_JSON] = createHash('sha256').update(raw).digest('hex');
    text = raw.toString('utf8');
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      await requireModelFolder(dir); // no folder at all: said so, not as a folder without a model
      throw invalid(`No ${MODEL_JSON} (TF.js) or .onnx file in ${dir}: choose the folder that contains the TF.js model.json and its weight files, or one ONNX image model.`);
    }
    throw new AppError('UNREADABLE', `Cannot read ${jsonPath}: ${(error as Error).message}`);
  }
  const json = parseModelJson(text, jsonPath);
  await checkShardSizes(dir, json.weightsManifest);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  const shardPaths: string[] = [];
  for (const group of json.weightsManifest) {
    const expected = manifestGroupBytes(group);
    let actual = 0;
    for (const path of group.paths) {
      let bytes: Buffer;
      try {
        bytes = await readUserFile(await modelFolderFile(dir, path, MODEL_JSON), { what: 'a weight file', maxBytes: expected });
      } catch (error) {
        throw error instanceof AppError ? error : shardError(error, dir, path);
      }
      fileHashes[path] = createHash('sha256').update(bytes).digest('hex');
      buffers.push(bytes);
      shardPaths.push(path);
      actual += bytes.byteLength;
    }
    if (actual !== expected) throw sizeMismatch(dir, group.paths, actual, expected); // changed while being read
    weightSpecs.push(...group.weights);
  }
  const weightBytes = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const weightData = new Uint8Array(weightBytes);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs,
    weightData: weightData.buffer,
  };
  return { json, artifacts, shardPaths, weightBytes, fileHashes };
}

/** An IO handler for `tf.loadLayersModel` over already-read artifacts. */
export function artifactsHandler(artifacts: tf.io.ModelArtifacts): tf.io.IOHandler {
  return { load: () => Promise.resolve(artifacts) };
}

/**
 * Short fingerprint of the exact files (model.json and weight shards): in ids of models the
 * product does not know, and in the feature cache's layout, so new weights under an old id
 * never meet features computed with the old ones.
 */
export function filesFingerprint(fileHashes: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(fileHashes).sort()) hash.update(`${key}=${fileHashes[key] ?? ''}\n`);
  return hash.digest('hex').slice(0, 12);
}

/**
 * The weights' fingerprint of a loaded model: filesFingerprint of the files it was read from.
 * One value under three names that must agree: the feature cache layout's `weights`, the
 * fingerprint a project records with its model choice and each classifier version, and the one
 * a CLI head's facts record (recorded-model.ts compares them).
 */
export function weightsFingerprint(loaded: { fileHashes: Record<string, string> }): string {
  return filesFingerprint(loaded.fileHashes);
}
