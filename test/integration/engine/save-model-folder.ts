/** Writes a TF.js Layers model as a model folder (model.json + one shard) for tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

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
