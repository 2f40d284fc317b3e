/**
 * A separable synthetic problem for training tests: every class has a random mean (a
 * pooled vector, or a channel profile repeated over the h x w positions of a cut map) and
 * rows are that mean plus Gaussian noise (clipped at 0, like relu activations). Seeded, so
 * every test sees the same data. Also the accuracy measures the tests use.
 */
import { deriveSeed, mulberry32 } from '../../../src-main/core/seeded-random';
import type { TopBlockWeights } from '../../../src-main/engine/train/head-weights';

export interface SyntheticSet {
  features: Float32Array;
  labels: Int32Array;
  rowShape: number[];
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * `perClass[c]` rows of class c, shuffled; `rowShape` [d] or [h, w, c]. The class means
 * depend on `problemSeed` only, the samples on `sampleSeed`: draw a training and a test
 * set of the same problem with one problem seed and two sample seeds.
 */
export function syntheticSet(perClass: number[], rowShape: number[], problemSeed: number, sampleSeed: number, noise = 0.6): SyntheticSet {
  const means = mulberry32(deriveSeed(problemSeed, 1));
  const channels = rowShape[rowShape.length - 1] as number;
  const positions = rowShape.length === 3 ? (rowShape[0] as number) * (rowShape[1] as number) : 1;
  const centres = perClass.map(() => Float32Array.from({ length: channels }, () => means() * 2));
  const labels: number[] = [];
  perClass.forEach((count, c) => {
    for (let i = 0; i < count; i++) labels.push(c);
  });
  const order = mulberry32(deriveSeed(sampleSeed, 2));
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(order() * (i + 1));
    [labels[i], labels[j]] = [labels[j] as number, labels[i] as number];
  }
  const rowLength = positions * channels;
  const features = new Float32Array(labels.length * rowLength);
  const noiseSource = mulberry32(deriveSeed(sampleSeed, 3));
  labels.forEach((label, row) => {
    const centre = centres[label] as Float32Array;
    for (let p = 0; p < positions; p++) {
      for (let k = 0; k < channels; k++) features[row * rowLength + p * channels + k] = Math.max(0, (centre[k] as number) + noise * gaussian(noiseSource));
    }
  });
  return { features, labels: Int32Array.from(labels), rowShape };
}

/** Fraction of rows whose most probable class (rows x C probabilities) is the label. */
export function accuracyOf(probabilities: Float32Array, labels: ArrayLike<number>, classCount: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classCount; c++) if ((probabilities[i * classCount + c] as number) > (probabilities[i * classCount + best] as number)) best = c;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

/** Recall of one class: the fraction of its rows predicted as it. */
export function recallOf(probabilities: Float32Array, labels: ArrayLike<number>, classCount: number, target: number): number {
  let hits = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== target) continue;
    total++;
    let best = 0;
    for (let c = 1; c < classCount; c++) if ((probabilities[i * classCount + c] as number) > (probabilities[i * classCount + best] as number)) best = c;
    if (best === target) hits++;
  }
  return total === 0 ? 0 : hits / total;
}

/** A random 1x1-conv top block (relu6) standing in for a pre-trained one. */
export function syntheticTopBlock(inChannels: number, outChannels: number, seed: number): TopBlockWeights {
  const random = mulberry32(deriveSeed(seed, 4));
  const limit = Math.sqrt(6 / (inChannels + outChannels));
  return {
    kernel: Float32Array.from({ length: inChannels * outChannels }, () => (random() * 2 - 1) * limit),
    bias: Float32Array.from({ length: outChannels }, () => random() * 0.1),
    inChannels,
    outChannels,
    activation: 'relu6',
  };
}
