/**
 * `model.onnx` of an exported classifier: the same composed graph as `model.json` (frozen
 * trunk + adapted head), converted in process, taking 0..255 pixel values (the
 * normalisation is inside the graph) and returning the class probabilities. A source model
 * with a layer the converter does not know gets no `model.onnx`, and the reason is kept for
 * the model card and `preprocessing.json`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/app-error';
import type { ModelDescriptor } from '../model/descriptor';
import { convertLayersModel } from '../onnx/layers-to-onnx';

export const ONNX_FILE = 'model.onnx';
export const ONNX_INPUT = 'pixels';
export const ONNX_OUTPUT = 'probabilities';

export type OnnxExport = { file: typeof ONNX_FILE; bytes: number } | { file: null; reason: string };

export async function writeOnnxExport(model: tf.LayersModel, outputLayer: string, descriptor: ModelDescriptor, outDir: string): Promise<OnnxExport> {
  let bytes: Uint8Array;
  try {
    bytes = convertLayersModel(model, {
      outputs: [outputLayer],
      outputNames: { [outputLayer]: ONNX_OUTPUT },
      inputName: ONNX_INPUT,
      normalization: descriptor.normalization,
      graphName: model.name,
      docString: `Adapted from ${descriptor.name} by ADMA Studio: float32 pixel values 0..255 [batch, ${descriptor.input.height}, ${descriptor.input.width}, ${descriptor.input.channels}] (NHWC) to class probabilities; see preprocessing.json.`,
    }).bytes;
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNSUPPORTED') return { file: null, reason: error.message };
    throw error;
  }
  await writeFile(join(outDir, ONNX_FILE), bytes);
  return { file: ONNX_FILE, bytes: bytes.byteLength };
}
