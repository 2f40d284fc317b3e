/**
 * The layers of a model folder, for the layer picker: every layer's name, class and output
 * shape, plus the layer names the product would choose by itself (adma-model.json or
 * MobileNet v1 detection), or null when the user must choose.
 */
import { join } from 'node:path';
import type { LayerNames, ModelInspection } from '../../../src-shared/contract';
import { MAX_MODEL_JSON_BYTES, readUserText } from '../../core/user-file';
import { existsSync } from 'node:fs';
import { findOnnxFile, inspectOnnxFolder } from '../onnx/onnx-folder';
import { buildModelFromFolder, DESCRIPTOR_FILE, modelFolderOf } from './load-model';
import { MODEL_JSON } from './model-folder-io';
import { detectMobileNetV1 } from './mobilenet-v1-layers';

async function descriptorLayers(folder: string): Promise<LayerNames | null> {
  try {
    const parsed = JSON.parse(await readUserText(join(folder, DESCRIPTOR_FILE), { what: 'a model descriptor', maxBytes: MAX_MODEL_JSON_BYTES })) as Partial<LayerNames>;
    const { layerA, layerB, softmaxLayer, cutLayer } = parsed;
    return layerA && layerB && softmaxLayer && cutLayer ? { layerA, layerB, softmaxLayer, cutLayer } : null;
  } catch {
    return null;
  }
}

export async function inspectModelFolder(dir: string): Promise<ModelInspection> {
  const folder = await modelFolderOf(dir);
  const onnxFile = existsSync(join(folder, MODEL_JSON)) ? null : await findOnnxFile(folder);
  if (onnxFile) return inspectOnnxFolder(folder, onnxFile);
  const { model } = await buildModelFromFolder(folder);
  try {
    const layers = model.layers.map((layer) => {
      const shape = layer.outputShape;
      const first = Array.isArray(shape[0]) || shape[0] === undefined ? (shape[0] as (number | null)[] | undefined) : (shape as (number | null)[]);
      return { name: layer.name, className: layer.getClassName(), outputShape: first ?? [] };
    });
    const mobileNet = detectMobileNetV1(model);
    const detected: LayerNames | null =
      (await descriptorLayers(folder)) ??
      (mobileNet ? { layerA: mobileNet.layerA, layerB: mobileNet.layerB, softmaxLayer: mobileNet.softmaxLayer, cutLayer: mobileNet.cutLayer } : null);
    return { path: folder, layers, detected };
  } finally {
    model.dispose();
  }
}
