// Loads an exported ADMA Studio classifier with stock @tensorflow/tfjs (no project code),
// builds the input tensors exactly as the export's preprocessing.json says (sharp decodes
// the images) and prints the predicted class names as JSON on stdout:
//   node predict-export.mjs <export model dir> <image> [<image> …]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';

const [dir, ...images] = process.argv.slice(2);
const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
const shards = [];
for (const group of json.weightsManifest) for (const path of group.paths) shards.push(await readFile(join(dir, path)));
const weightData = new Uint8Array(shards.reduce((n, b) => n + b.byteLength, 0));
let offset = 0;
for (const shard of shards) {
  weightData.set(shard, offset);
  offset += shard.byteLength;
}
const model = await tf.loadLayersModel(
  tf.io.fromMemory({
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weightData.buffer,
  }),
);
const spec = JSON.parse(await readFile(join(dir, 'preprocessing.json'), 'utf8'));
const labels = JSON.parse(await readFile(join(dir, 'labels.json'), 'utf8'));
const [, height, width, channels] = spec.input.shape;
const { scale, offset: shift } = spec.normalization;

async function pixels(file) {
  let image = sharp(file, { animated: false }).rotate().flatten({ background: '#ffffff' });
  image = spec.resize.mode === 'center-crop' ? image.resize(width, height, { fit: 'cover', position: 'centre' }) : image.resize(width, height, { fit: 'fill' });
  image = channels === 1 ? image.grayscale() : image.toColourspace('srgb').removeAlpha();
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || info.width !== width || info.height !== height) {
    throw new Error(`${file}: decoded ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x${channels}`);
  }
  return Float32Array.from(data, (v) => v * scale + shift);
}

const input = new Float32Array(images.length * height * width * channels);
for (const [i, file] of images.entries()) input.set(await pixels(file), i * height * width * channels);
const output = model.predict(tf.tensor4d(input, [images.length, height, width, channels]));
const classes = Array.from(await output.argMax(-1).data());
process.stdout.write(JSON.stringify({ backend: tf.getBackend(), predictions: classes.map((k) => labels[k]) }));
