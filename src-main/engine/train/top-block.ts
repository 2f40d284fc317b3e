/**
 * Reads the pre-trained top block above the cut layer, the part deep fine-tuning trains:
 *   cut layer → 1x1 Conv2D [→ BatchNormalization] [→ relu | relu6] → GlobalAveragePooling2D (= layer B)
 * (MobileNet v1: conv_dw_13_relu → conv_pw_13 → conv_pw_13_bn → conv_pw_13_relu →
 * global_average_pooling2d_1; the starter model: a 1x1 conv with relu, then pooling).
 * The 1x1 conv becomes a dense layer on the channel axis with the batch norm folded in, so
 * the block trains on every backend (wasm has no Conv2DBackpropFilter) and, before any
 * training, reproduces the source model's pooled layer-B features from the cut activations.
 */
import type * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/app-error';
import { foldBatchNorm, type BatchNormParameters } from './fold-batch-norm';
import type { BlockActivation, DenseWeights, TopBlockWeights } from './head-weights';

function unsupported(message: string): AppError {
  return new AppError('UNSUPPORTED', `${message} Use the light training mode (a head on the pooled layer-B features) with this model.`);
}

type Layer = tf.layers.Layer;

/** The single layer feeding `layer`, or null at an input. */
function inboundLayer(layer: Layer): Layer | null {
  const node = layer.inboundNodes[0];
  if (!node || node.inboundLayers.length === 0) return null;
  if (layer.inboundNodes.length !== 1 || node.inboundLayers.length !== 1) {
    throw unsupported(`Deep mode needs a plain chain of layers between the cut layer and layer B, but "${layer.name}" has several inputs or is used several times.`);
  }
  return node.inboundLayers[0] as Layer;
}

/** Layers strictly after `cutLayer`, up to and including `layerB`, in forward order. */
function chainAboveCut(model: tf.LayersModel, cutLayer: string, layerB: string): Layer[] {
  const cut = model.getLayer(cutLayer);
  const chain: Layer[] = [];
  let current: Layer | null = model.getLayer(layerB);
  while (current && current !== cut) {
    chain.unshift(current);
    if (chain.length > 8) break;
    current = inboundLayer(current);
  }
  if (current !== cut) throw unsupported(`Layer B "${layerB}" is not a short chain of layers on top of the cut layer "${cutLayer}".`);
  return chain;
}

function weightsByName(layer: Layer): Map<string, Float32Array> {
  const values = layer.getWeights();
  const out = new Map<string, Float32Array>();
  layer.weights.forEach((variable, i) => {
    const name = variable.originalName.split('/').pop() ?? variable.originalName;
    const tensor = values[i];
    if (tensor) out.set(name.replace(/:\d+$/, ''), tensor.dataSync() as Float32Array);
  });
  return out;
}

function activationOf(layer: Layer): BlockActivation | null {
  const config = layer.getConfig();
  const className = layer.getClassName();
  if (className === 'Activation') {
    const name = String(config.activation);
    return name === 'relu' || name === 'relu6' || name === 'linear' ? name : null;
  }
  if (className === 'ReLU') {
    if (config.maxValue === null || config.maxValue === undefined) return 'relu';
    return config.maxValue === 6 ? 'relu6' : null;
  }
  return null;
}

/** The top block's weights, folded and ready to train, or an UNSUPPORTED error saying why not. */
export function readTopBlock(model: tf.LayersModel, cutLayer: string, layerB: string): TopBlockWeights {
  const chain = chainAboveCut(model, cutLayer, layerB);
  const [conv, ...rest] = chain;
  const pool = rest.pop();
  if (!conv || !pool) throw unsupported(`There is no trainable block between the cut layer "${cutLayer}" and layer B "${layerB}".`);
  if (pool.getClassName() !== 'GlobalAveragePooling2D' || (pool.getConfig().dataFormat ?? 'channelsLast') !== 'channelsLast') {
    throw unsupported(`Layer B "${layerB}" must be a channels-last GlobalAveragePooling2D for deep mode (it is a ${pool.getClassName()}).`);
  }
  const convConfig = conv.getConfig();
  const kernelSize = convConfig.kernelSize as number[] | number;
  const strides = convConfig.strides as number[] | number;
  const dilation = convConfig.dilationRate as number[] | number | undefined;
  const ones = (v: number[] | number | undefined): boolean => v === undefined || (Array.isArray(v) ? v.every((x) => x === 1) : v === 1);
  if (conv.getClassName() !== 'Conv2D' || !ones(kernelSize) || !ones(strides) || !ones(dilation) || (convConfig.dataFormat ?? 'channelsLast') !== 'channelsLast') {
    throw unsupported(`Deep mode trains a 1x1 convolution right above the cut layer; "${conv.name}" is a ${conv.getClassName()} with kernel ${JSON.stringify(kernelSize)}.`);
  }
  const convActivation = String(convConfig.activation ?? 'linear');
  const convWeights = weightsByName(conv);
  const kernel = convWeights.get('kernel');
  if (!kernel) throw unsupported(`Layer "${conv.name}" has no kernel weights.`);
  const inChannels = (model.getLayer(cutLayer).outputShape as (number | null)[]).slice(-1)[0];
  const outChannels = convConfig.filters as number;
  if (typeof inChannels !== 'number' || kernel.length !== inChannels * outChannels) {
    throw unsupported(`Layer "${conv.name}" has ${kernel.length} kernel values, not ${String(inChannels)} x ${outChannels}.`);
  }
  let weights: DenseWeights = { kernel: Float32Array.from(kernel), bias: Float32Array.from(convWeights.get('bias') ?? new Float32Array(outChannels)) };
  let activation: BlockActivation = convActivation === 'relu' || convActivation === 'relu6' ? convActivation : 'linear';
  if (convActivation !== 'linear' && activation === 'linear') throw unsupported(`Layer "${conv.name}" uses the activation "${convActivation}", which deep mode does not support.`);

  for (const layer of rest) {
    const className = layer.getClassName();
    if (className === 'BatchNormalization') {
      if (activation !== 'linear') throw unsupported(`Batch norm "${layer.name}" follows a non-linear activation and cannot be folded into "${conv.name}".`);
      const config = layer.getConfig();
      const axis = config.axis as number;
      if (axis !== -1 && axis !== 3) throw unsupported(`Batch norm "${layer.name}" normalises axis ${axis}, not the channel axis.`);
      const values = weightsByName(layer);
      const movingMean = values.get('moving_mean');
      const movingVariance = values.get('moving_variance');
      if (!movingMean || !movingVariance) throw unsupported(`Batch norm "${layer.name}" has no moving statistics.`);
      const bn: BatchNormParameters = {
        gamma: config.scale === false ? null : (values.get('gamma') ?? null),
        beta: config.center === false ? null : (values.get('beta') ?? null),
        movingMean,
        movingVariance,
        epsilon: config.epsilon as number,
      };
      weights = foldBatchNorm(weights.kernel, weights.bias, bn);
      continue;
    }
    const next = activationOf(layer);
    if (next === null || activation !== 'linear') {
      throw unsupported(`Deep mode supports a 1x1 conv, an optional batch norm and a relu or relu6 above the cut layer; "${layer.name}" (${className}) does not fit.`);
    }
    activation = next;
  }
  return { ...weights, inChannels, outChannels, activation };
}
