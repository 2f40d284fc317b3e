/**
 * Recognises Google's Keras MobileNet v1 (as converted to TF.js Layers) by its layer names
 * and fills in the descriptor fields the product uses for it, so these models need no
 * `adma-model.json`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelDescriptor } from './descriptor';

const ALPHA_BY_POOLED_CHANNELS: Record<number, string> = { 256: '0.25', 512: '0.50', 768: '0.75', 1024: '1.0' };

export const MOBILENET_V1_LAYERS = {
  /** Middle block (14x14 at 224 px). */
  layerA: 'conv_pw_7_relu',
  /** Pooled penultimate features. */
  layerB: 'global_average_pooling2d_1',
  /** [batch, 1, 1, 1000]; the model's own output `reshape_2` is the same values flattened. */
  softmaxLayer: 'act_softmax',
  /** Deep mode keeps everything up to here frozen and trains conv_pw_13 (a 1x1 conv) and the head. */
  cutLayer: 'conv_dw_13_relu',
} as const;

export type MobileNetV1Fields = Omit<ModelDescriptor, 'id' | 'name' | 'sourceLabels'> & { alpha: string };

/** The descriptor fields for a MobileNet v1 graph, or null when the graph is something else. */
export function detectMobileNetV1(model: tf.LayersModel): MobileNetV1Fields | null {
  const names = new Set(model.layers.map((layer) => layer.name));
  if (!Object.values(MOBILENET_V1_LAYERS).every((name) => names.has(name))) return null;
  const input = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || !input || input[1] !== 224 || input[2] !== 224 || input[3] !== 3) return null;
  const pooled = model.getLayer(MOBILENET_V1_LAYERS.layerB).outputShape;
  const channels = Array.isArray(pooled) ? pooled[pooled.length - 1] : null;
  const alpha = typeof channels === 'number' ? ALPHA_BY_POOLED_CHANNELS[channels] : undefined;
  if (!alpha) return null;
  return {
    formatVersion: 1,
    alpha,
    input: { height: 224, width: 224, channels: 3 },
    normalization: { scale: 1 / 127.5, offset: -1 },
    resize: 'center-crop',
    ...MOBILENET_V1_LAYERS,
  };
}
