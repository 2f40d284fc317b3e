/**
 * Writes a TF.js Layers model to a folder as `model.json` + binary weight shards, the
 * layout `tf.loadLayersModel` reads over HTTP and that every TF.js loader understands.
 * Plain @tensorflow/tfjs has no file:// save handler in Node, so the artifacts are captured
 * with tf.io.withSaveHandler and written here.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_JSON_FILE = 'model.json';
/** File names this function gives weight shards. */
const STALE_SHARD = /^group1-shard\d+of\d+\.bin$/;
/** Shard size TF.js converters use by default. */
const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export interface SavedModelFiles {
  /** File names written, relative to the folder: model.json first, then the shards. */
  files: string[];
  weightBytes: number;
}

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

export async function saveLayersModel(model: tf.LayersModel, dir: string, shardBytes = DEFAULT_SHARD_BYTES): Promise<SavedModelFiles> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (!artifacts?.modelTopology || !artifacts.weightSpecs) throw new Error('TF.js produced no model topology or weights to save.');
  const weights = joinWeightData(artifacts.weightData);
  const shardCount = Math.max(1, Math.ceil(weights.byteLength / shardBytes));
  const paths = Array.from({ length: shardCount }, (_, i) => `group1-shard${i + 1}of${shardCount}.bin`);
  await mkdir(dir, { recursive: true });
  // Shards first, model.json last: a crash midway never leaves a model.json whose shards are missing.
  for (let i = 0; i < shardCount; i++) {
    await writeFile(join(dir, paths[i] as string), weights.subarray(i * shardBytes, Math.min(weights.byteLength, (i + 1) * shardBytes)));
  }
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
  };
  await writeFile(join(dir, MODEL_JSON_FILE), JSON.stringify(json));
  // Shards of an earlier, larger save into the same folder would only confuse: remove them.
  for (const name of await readdir(dir)) {
    if (STALE_SHARD.test(name) && !paths.includes(name)) await rm(join(dir, name), { force: true });
  }
  return { files: [MODEL_JSON_FILE, ...paths], weightBytes: weights.byteLength };
}
