/** Writes a TF.js Layers model as a model folder (model.json + one shard) for tests. */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { filesFingerprint } from '../../../src-main/engine/model/model-folder-io';

export async function saveModelFolder(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const bytes = weightData === undefined ? new Uint8Array(0) : new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, 'group1-shard1of1.bin'), bytes);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** A tiny image classifier: conv (A) -> conv (cut) -> global pool (B) -> dense softmax. */
export function tinyClassifier(options: { softmax: boolean; size?: number; channels?: 1 | 3 }): tf.LayersModel {
  const size = options.size ?? 32;
  const input = tf.input({ shape: [size, size, options.channels ?? 3], name: 'image' });
  const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'block_a' }).apply(input) as tf.SymbolicTensor;
  const cut = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, activation: 'relu', name: 'block_cut' }).apply(a) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(cut) as tf.SymbolicTensor;
  const sequence = tf.layers.reshape({ targetShape: [2, 3], name: 'as_sequence' }).apply(pooled) as tf.SymbolicTensor;
  const logits = tf.layers.flatten({ name: 'flat' }).apply(sequence) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, activation: options.softmax ? 'softmax' : 'linear', name: 'scores' }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** The one weight shard saveModelFolder writes. */
export const SHARD = 'group1-shard1of1.bin';

/** The adma-model.json of describedModelFolder: a tiny classifier under an id of its own (kept when its weights change). */
export const DESCRIBED_TINY = {
  formatVersion: 1,
  id: 'described-tiny-v1',
  name: 'Described tiny',
  input: { height: 32, width: 32, channels: 3 },
  normalization: { scale: 1 / 127.5, offset: -1 },
  resize: 'center-crop',
  layerA: 'block_a',
  layerB: 'pooled',
  softmaxLayer: 'scores',
  cutLayer: 'block_cut',
  sourceLabels: ['a', 'b', 'c', 'd', 'e'],
} as const;

/**
 * A model folder `<work>/described` with its own adma-model.json (DESCRIBED_TINY), and the
 * shards of two models of that one graph, the same size with other bytes (`<work>/shard-a.bin`:
 * the folder's own; `<work>/shard-b.bin`): copying one over the folder's SHARD changes only the
 * weights, under the same id.
 */
export async function describedModelFolder(work: string): Promise<{ folder: string; shardA: string; shardB: string }> {
  const folder = join(work, 'described');
  const other = join(work, 'other');
  await saveModelFolder(tinyClassifier({ softmax: true }), folder);
  await saveModelFolder(tinyClassifier({ softmax: true }), other);
  writeFileSync(join(folder, 'adma-model.json'), JSON.stringify(DESCRIBED_TINY));
  const shardA = join(work, 'shard-a.bin');
  const shardB = join(work, 'shard-b.bin');
  copyFileSync(join(folder, SHARD), shardA);
  copyFileSync(join(other, SHARD), shardB);
  if (readFileSync(shardA).length !== readFileSync(shardB).length || readFileSync(shardA).equals(readFileSync(shardB))) {
    throw new Error('describedModelFolder: the two shards must be the same size with other bytes');
  }
  return { folder, shardA, shardB };
}

/** The fingerprint of a saveModelFolder folder's files as they are now (model.json and its SHARD), as the engine computes it. */
export function folderFingerprint(folder: string): string {
  const sha = (file: string): string => createHash('sha256').update(readFileSync(join(folder, file))).digest('hex');
  return filesFingerprint({ 'model.json': sha('model.json'), [SHARD]: sha(SHARD) });
}
