// Loads an exported classifier with stock @tensorflow/tfjs only (no project code) and
// prints its predictions as JSON on stdout. Run in a fresh process by the export tests:
//   node load-export.mjs <export dir> <inputs.f32 (float32 NHWC, row-major)> <image count>
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [dir, inputPath, countText] = process.argv.slice(2);
const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
const shards = [];
for (const group of json.weightsManifest) for (const path of group.paths) shards.push(await readFile(join(dir, path)));
const weightData = new Uint8Array(shards.reduce((n, b) => n + b.byteLength, 0));
let offset = 0;
for (const shard of shards) {
  weightData.set(shard, offset);
  offset += shard.byteLength;
}
const handler = {
  load: async () => ({
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weightData.buffer,
  }),
};
const model = await tf.loadLayersModel(handler);
const preprocessing = JSON.parse(await readFile(join(dir, 'preprocessing.json'), 'utf8'));
const labels = JSON.parse(await readFile(join(dir, 'labels.json'), 'utf8'));
const [, height, width, channels] = preprocessing.input.shape;
const count = Number(countText);
const raw = await readFile(inputPath);
const inputs = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const output = model.predict(tf.tensor4d(inputs, [count, height, width, channels]));
process.stdout.write(
  JSON.stringify({
    backend: tf.getBackend(),
    labels,
    outputShape: output.shape,
    probabilities: Array.from(await output.data()),
    layerClasses: model.layers.map((layer) => layer.getClassName()),
  }),
);
