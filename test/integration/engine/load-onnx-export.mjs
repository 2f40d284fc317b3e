// Runs an exported model.onnx with onnxruntime-node only (no project code) and prints its
// probabilities as JSON on stdout. Run in a fresh process by the ONNX export test:
//   node load-onnx-export.mjs <export dir> <pixels.f32 (float32 0..255, NHWC)> <image count>
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [dir, inputPath, countText] = process.argv.slice(2);
const preprocessing = JSON.parse(await readFile(join(dir, 'preprocessing.json'), 'utf8'));
const { file, input, output } = preprocessing.onnx;
const [, height, width, channels] = input.shape;
const count = Number(countText);
const raw = await readFile(inputPath);
const pixels = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const session = await ort.InferenceSession.create(join(dir, file));
const result = await session.run({ [input.name]: new ort.Tensor('float32', pixels, [count, height, width, channels]) });
process.stdout.write(JSON.stringify({ inputNames: session.inputNames, outputNames: session.outputNames, dims: result[output.name].dims, probabilities: Array.from(result[output.name].data) }));
