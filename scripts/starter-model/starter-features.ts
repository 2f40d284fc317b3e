/**
 * Batched inference over 28x28 grayscale images with the starter model: the softmax, and
 * layer A (global-average-pooled) and layer B vectors. Pixels are normalised exactly as the
 * descriptor says (x / 255).
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_PIXELS, MNIST_SIDE } from '../../src-main/engine/starter/gray-image';

export interface StarterOutputs {
  probabilities: Float32Array;
  layerA: Float32Array;
  layerB: Float32Array;
  dims: { classes: number; a: number; b: number };
}

export function imagesToTensor(images: readonly Uint8Array[]): tf.Tensor4D {
  const data = new Float32Array(images.length * MNIST_PIXELS);
  images.forEach((pixels, i) => {
    for (let p = 0; p < MNIST_PIXELS; p++) data[i * MNIST_PIXELS + p] = (pixels[p] as number) / 255;
  });
  return tf.tensor4d(data, [images.length, MNIST_SIDE, MNIST_SIDE, 1]);
}

export async function runStarterModel(
  model: tf.LayersModel,
  layers: { layerA: string; layerB: string },
  images: readonly Uint8Array[],
  batchSize = 256,
): Promise<StarterOutputs> {
  const probe = tf.model({
    inputs: model.inputs,
    outputs: [model.getLayer(layers.layerA).output as tf.SymbolicTensor, model.getLayer(layers.layerB).output as tf.SymbolicTensor, model.outputs[0] as tf.SymbolicTensor],
  });
  const parts: { p: Float32Array; a: Float32Array; b: Float32Array }[] = [];
  const dims = { classes: 0, a: 0, b: 0 };
  for (let start = 0; start < images.length; start += batchSize) {
    const [a, b, p] = tf.tidy(() => {
      const [rawA, rawB, probs] = probe.predict(imagesToTensor(images.slice(start, start + batchSize))) as tf.Tensor[];
      const pooledA = (rawA as tf.Tensor).rank === 4 ? tf.mean(rawA as tf.Tensor, [1, 2]) : (rawA as tf.Tensor);
      return [pooledA, rawB as tf.Tensor, probs as tf.Tensor];
    });
    dims.a = a.shape[1] ?? 0;
    dims.b = b.shape[1] ?? 0;
    dims.classes = p.shape[1] ?? 0;
    parts.push({ p: (await p.data()) as Float32Array, a: (await a.data()) as Float32Array, b: (await b.data()) as Float32Array });
    tf.dispose([a, b, p]);
  }
  const concat = (key: 'p' | 'a' | 'b'): Float32Array => {
    const out = new Float32Array(parts.reduce((n, part) => n + part[key].length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part[key], offset);
      offset += part[key].length;
    }
    return out;
  };
  return { probabilities: concat('p'), layerA: concat('a'), layerB: concat('b'), dims };
}

export function accuracyOf(probabilities: Float32Array, classes: number, labels: readonly number[]): { overall: number; perClass: number[] } {
  const hits = new Array<number>(classes).fill(0);
  const totals = new Array<number>(classes).fill(0);
  labels.forEach((label, i) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if ((probabilities[i * classes + k] as number) > (probabilities[i * classes + best] as number)) best = k;
    totals[label] = (totals[label] ?? 0) + 1;
    if (best === label) hits[label] = (hits[label] ?? 0) + 1;
  });
  const correct = hits.reduce((a, b) => a + b, 0);
  return { overall: correct / Math.max(1, labels.length), perClass: hits.map((h, k) => h / Math.max(1, totals[k] ?? 0)) };
}
