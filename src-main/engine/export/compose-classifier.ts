/**
 * Builds ONE standard TF.js Layers model from the normalised input image to the C-way
 * softmax: the frozen trunk of the source model (up to layer B in light mode, up to the cut
 * layer in deep mode) followed by the trained top, made of stock Keras layers only:
 * - light: [GlobalAveragePooling2D when layer B is spatial] → Dense(C, softmax)
 * - deep:  Conv2D 1x1 (the trained channel-axis dense, BN already folded) → ReLU / ReLU(6)
 *          → GlobalAveragePooling2D → Dense(C, softmax)
 * The result shares the trunk layers (and their weights) with `source`: call `dispose` on
 * the returned object, never `model.dispose()`, to free only the new layers.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/app-error';
import type { ModelDescriptor } from '../model/descriptor';
import type { HeadWeights } from '../train/head-weights';

export interface ComposedClassifier {
  model: tf.LayersModel;
  /** Name of the output layer (the softmax). */
  outputLayer: string;
  /** Frees the layers added on top of the trunk; the source model stays usable. */
  dispose(): void;
}

export const HEAD_LAYER = 'adma_head';
export const TOP_CONV_LAYER = 'adma_top_conv';

function trunkOutput(source: tf.LayersModel, name: string): tf.SymbolicTensor {
  const output = source.getLayer(name).output;
  if (Array.isArray(output)) throw new AppError('MODEL_INVALID', `Layer "${name}" has several outputs; it cannot end the exported trunk.`);
  return output;
}

function checkShape(actual: (number | null)[], expected: number[], what: string): void {
  const dims = actual.slice(1);
  if (dims.length !== expected.length || dims.some((d, i) => d !== expected[i])) {
    throw new AppError('MODEL_INVALID', `The trained head reads ${what} of shape ${JSON.stringify(expected)} but the model's layer outputs ${JSON.stringify(dims)}: it was trained on another model's features.`);
  }
}

export function composeClassifier(source: tf.LayersModel, descriptor: ModelDescriptor, head: HeadWeights): ComposedClassifier {
  const classCount = head.classes.length;
  const added: tf.layers.Layer[] = [];
  const use = <L extends tf.layers.Layer>(layer: L): L => {
    added.push(layer);
    return layer;
  };
  let x: tf.SymbolicTensor;
  if (head.block) {
    const block = head.block;
    x = trunkOutput(source, descriptor.cutLayer);
    checkShape(x.shape, head.inputShape, `cut-layer "${descriptor.cutLayer}" activations`);
    const conv = use(tf.layers.conv2d({ name: TOP_CONV_LAYER, filters: block.outChannels, kernelSize: 1, strides: 1, padding: 'valid', useBias: true }));
    x = conv.apply(x) as tf.SymbolicTensor;
    // setWeights copies into the layer's variables; tidy frees the temporary tensors.
    tf.tidy(() => conv.setWeights([tf.tensor4d(block.kernel, [1, 1, block.inChannels, block.outChannels]), tf.tensor1d(block.bias)]));
    if (block.activation !== 'linear') {
      x = use(tf.layers.reLU({ name: `${TOP_CONV_LAYER}_${block.activation}`, ...(block.activation === 'relu6' ? { maxValue: 6 } : {}) })).apply(x) as tf.SymbolicTensor;
    }
    x = use(tf.layers.globalAveragePooling2d({ name: `${TOP_CONV_LAYER}_pool` })).apply(x) as tf.SymbolicTensor;
  } else {
    x = trunkOutput(source, descriptor.layerB);
    if (x.shape.length === 4) x = use(tf.layers.globalAveragePooling2d({ name: `${HEAD_LAYER}_pool` })).apply(x) as tf.SymbolicTensor;
    checkShape(x.shape, head.inputShape, `pooled layer-B "${descriptor.layerB}" features`);
  }
  const dense = use(tf.layers.dense({ name: HEAD_LAYER, units: classCount, activation: 'softmax', useBias: true }));
  const output = dense.apply(x) as tf.SymbolicTensor;
  const features = x.shape[1] as number;
  tf.tidy(() => dense.setWeights([tf.tensor2d(head.dense.kernel, [features, classCount]), tf.tensor1d(head.dense.bias)]));
  const model = tf.model({ inputs: source.inputs, outputs: output, name: `${descriptor.id}-adapted` });
  return {
    model,
    outputLayer: HEAD_LAYER,
    dispose: () => {
      for (const layer of added) layer.dispose();
    },
  };
}
