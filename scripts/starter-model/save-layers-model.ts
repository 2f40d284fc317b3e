/**
 * Writes a Layers model as `model.json` + one weight shard. Plain @tensorflow/tfjs cannot
 * save to `file://` in Node, so this is a save handler over node:fs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const WEIGHTS_FILE = 'weights.bin';

function toBuffer(data: ArrayBuffer | ArrayBuffer[]): Buffer {
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((part) => Buffer.from(part)));
}

export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<{ modelJsonBytes: number; weightBytes: number }> {
  await mkdir(dir, { recursive: true });
  let sizes = { modelJsonBytes: 0, weightBytes: 0 };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) {
        throw new Error('The model produced no topology or weights to save');
      }
      const weights = toBuffer(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      };
      const text = `${JSON.stringify(modelJson)}\n`;
      await writeFile(join(dir, 'model.json'), text);
      await writeFile(join(dir, WEIGHTS_FILE), weights);
      sizes = { modelJsonBytes: Buffer.byteLength(text), weightBytes: weights.length };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return sizes;
}
