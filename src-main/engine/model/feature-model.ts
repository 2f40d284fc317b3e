/**
 * The one multi-output model feature extraction runs: a single forward pass yields layer
 * A, layer B, the source softmax and (for deep fine-tuning) the cut-layer activations.
 * Building it is also where the descriptor's layer names and shapes are checked against
 * the real graph, so a wrong name or an unusable layer fails with a message saying which.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/app-error';
import type { ModelDescriptor } from './descriptor';
import { damagedWeightsError } from '../features/feature-sanity';

/** Shape of one layer output without the batch axis: [h, w, c] (spatial) or [c]. */
export type FeatureShape = [number, number, number] | [number];

export interface FeatureModel {
  /** Outputs in order [A, B, softmax, cut]; entries may share a tensor when layers repeat. */
  model: tf.LayersModel;
  /** Index into `model.outputs` for each role. */
  outputIndex: { a: number; b: number; softmax: number; cut: number };
  shapes: { a: FeatureShape; b: FeatureShape; cut: FeatureShape };
  /** Number of source classes K. */
  classCount: number;
}

function invalid(message: string): AppError {
  return new AppError('MODEL_INVALID', message);
}

function layerOutputShape(model: tf.LayersModel, name: string, role: string): { tensor: tf.SymbolicTensor; shape: (number | null)[] } {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    const names = model.layers.map((l) => l.name);
    const hint = names.filter((n) => n.includes(name) || name.includes(n)).slice(0, 5);
    throw invalid(
      `The model has no layer named "${name}" (${role}). ${hint.length ? `Similar names: ${hint.join(', ')}. ` : ''}It has ${names.length} layers, from "${names[0] ?? ''}" to "${names[names.length - 1] ?? ''}".`,
    );
  }
  const output = layer.output;
  if (Array.isArray(output)) throw invalid(`Layer "${name}" (${role}) has several outputs; choose a layer with one output.`);
  return { tensor: output, shape: output.shape };
}

function spatialOrFlat(shape: (number | null)[], name: string, role: string): FeatureShape {
  const dims = shape.slice(1);
  if (dims.some((d) => d === null || d <= 0)) throw invalid(`Layer "${name}" (${role}) has an undefined output size ${JSON.stringify(shape)}.`);
  const sizes = dims as number[];
  if (sizes.length === 3) return [sizes[0] as number, sizes[1] as number, sizes[2] as number];
  if (sizes.length === 1) return [sizes[0] as number];
  throw invalid(`Layer "${name}" (${role}) outputs shape ${JSON.stringify(shape)}; it must be a spatial map [batch, h, w, c] or a vector [batch, c].`);
}

/** K from a softmax shape [batch, K] or [batch, 1, 1, K]. */
function softmaxClassCount(shape: (number | null)[], name: string): number {
  const dims = shape.slice(1);
  const k = dims[dims.length - 1];
  const flat = dims.length === 1 || (dims.length === 3 && dims[0] === 1 && dims[1] === 1);
  if (!flat || typeof k !== 'number' || k < 2) {
    throw invalid(`Layer "${name}" (softmax) outputs shape ${JSON.stringify(shape)}; the source softmax must be [batch, K] with K >= 2 classes.`);
  }
  return k;
}

/** Input height, width and channels of an image model, or a clear error. */
export function imageInputShape(model: tf.LayersModel): { height: number; width: number; channels: 1 | 3 } {
  if (model.inputs.length !== 1) throw invalid(`The model has ${model.inputs.length} inputs; an image classifier has exactly one.`);
  const shape = (model.inputs[0] as tf.SymbolicTensor).shape;
  const [, height, width, channels] = shape;
  if (shape.length !== 4 || typeof height !== 'number' || typeof width !== 'number' || (channels !== 1 && channels !== 3)) {
    throw invalid(`The model input has shape ${JSON.stringify(shape)}; an image model needs [batch, height, width, 1 or 3].`);
  }
  return { height, width, channels };
}

/**
 * Check the descriptor against the graph and build the multi-output model. Runs one probe
 * forward pass to confirm the softmax layer really outputs probabilities.
 */
export function buildFeatureModel(model: tf.LayersModel, descriptor: ModelDescriptor): FeatureModel {
  const input = imageInputShape(model);
  if (input.height !== descriptor.input.height || input.width !== descriptor.input.width || input.channels !== descriptor.input.channels) {
    throw invalid(
      `The descriptor says the input is ${descriptor.input.height}x${descriptor.input.width}x${descriptor.input.channels} but the model takes ${input.height}x${input.width}x${input.channels}.`,
    );
  }
  const a = layerOutputShape(model, descriptor.layerA, 'layer A');
  const b = layerOutputShape(model, descriptor.layerB, 'layer B');
  const softmax = layerOutputShape(model, descriptor.softmaxLayer, 'softmax');
  const cut = layerOutputShape(model, descriptor.cutLayer, 'cut layer');
  const shapes = {
    a: spatialOrFlat(a.shape, descriptor.layerA, 'layer A'),
    b: spatialOrFlat(b.shape, descriptor.layerB, 'layer B'),
    cut: spatialOrFlat(cut.shape, descriptor.cutLayer, 'cut layer'),
  };
  const classCount = softmaxClassCount(softmax.shape, descriptor.softmaxLayer);
  if (descriptor.sourceLabels.length !== classCount) {
    throw invalid(`The descriptor lists ${descriptor.sourceLabels.length} source labels but layer "${descriptor.softmaxLayer}" has ${classCount} outputs.`);
  }

  const outputs: tf.SymbolicTensor[] = [];
  const indexOf = (tensor: tf.SymbolicTensor): number => {
    const found = outputs.indexOf(tensor);
    if (found >= 0) return found;
    outputs.push(tensor);
    return outputs.length - 1;
  };
  const outputIndex = { a: indexOf(a.tensor), b: indexOf(b.tensor), softmax: indexOf(softmax.tensor), cut: indexOf(cut.tensor) };
  const featureModel = tf.model({ inputs: model.inputs, outputs, name: `${descriptor.id}-features` });

  const probe = tf.tidy(() => {
    const x = tf.randomUniform([2, input.height, input.width, input.channels], 0, 255, 'float32', 7)
      .mul(descriptor.normalization.scale)
      .add(descriptor.normalization.offset);
    const out = featureModel.predict(x);
    const list = Array.isArray(out) ? out : [out];
    const probs = (list[outputIndex.softmax] as tf.Tensor).reshape([2, classCount]);
    return { min: probs.min().dataSync()[0] ?? NaN, sums: Array.from(probs.sum(1).dataSync()) };
  });
  if (!Number.isFinite(probe.min) || probe.sums.some((s) => !Number.isFinite(s))) throw damagedWeightsError(descriptor.name, `gives ${probe.sums.map(String).join(', ')} as class probabilities`);
  if (!(probe.min >= 0) || probe.sums.some((s) => Math.abs(s - 1) > 1e-3)) {
    throw invalid(
      `Layer "${descriptor.softmaxLayer}" does not output class probabilities (rows sum to ${probe.sums.map((s) => s.toFixed(3)).join(', ')}); ADMA needs a classifier whose softmax layer is named. Name the layer after the final softmax.`,
    );
  }
  return { model: featureModel, outputIndex, shapes, classCount };
}
