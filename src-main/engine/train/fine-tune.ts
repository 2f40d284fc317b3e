/**
 * One round of fine-tuning: trains the head (light: a softmax layer on pooled layer-B
 * features; deep: the top block above the cut layer plus that layer) on every label so
 * far, from cached features, warm-started from the previous round.
 *
 * Light mode: multinomial logistic regression on features standardised with the pool's
 * statistics, L2 on the summed loss, solved to convergence with L-BFGS in Float64
 * (logistic-regression.ts); the standardisation is folded into the stored dense layer, so
 * prediction and export read an ordinary softmax layer on raw features. `maxEpochs`,
 * `batchSize`, the learning rates and `targetLoss` do not apply; `epochs` reports the
 * solver's iterations.
 *
 * Deep mode recipe: Adam on a class-balanced softmax cross-entropy (inverse-frequency weights, see
 * class-weights.ts) plus L2 weight decay on the dense kernel; the pre-trained block learns
 * 100x more slowly than the new head (its own Adam; Adam's first steps move every weight by
 * about the learning rate, which would scramble pre-trained features at the head's rate).
 * Mini-batches follow a seeded shuffle; training stops when the loss of the current weights
 * over all labels falls below `targetLoss` (checked whenever the epoch's running mean
 * does), or after `maxEpochs` (raised so small label sets still get `minSteps` steps).
 *
 * Reproducibility: initial weights (glorot-uniform.ts) and the shuffle order come from a
 * seeded JavaScript generator, and no op used here draws random numbers, so the same
 * inputs, seed and options give bit-identical weights on the same backend and machine.
 * What TF.js does not make deterministic: results differ slightly between backends
 * (tfjs-node, wasm, cpu) and may differ between CPUs or library builds, because kernels
 * sum in different orders (multi-threaded native reductions, SIMD widths); tfjs-node's
 * threaded reductions may also vary from run to run. Treat cross-backend results as equal
 * up to float rounding, not bitwise.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, mulberry32, randomIndex } from '../../core/seeded-random';
import { inverseFrequencyClassWeights } from './class-weights';
import { HeadNetwork } from './head-network';
import type { HeadWeights, TopBlockWeights, TrainingMode } from './head-weights';
import { initialHead } from './initial-head';
import { DEFAULT_L2, featureStandardization, fitLogisticRegression, type FeatureStandardization } from './logistic-regression';
import { trainingRowCount, type TrainingSet } from './training-set';

export interface FineTuneOptions {
  mode: TrainingMode;
  /** Target classes, in output order; `TrainingSet.labels` index into this list. */
  classes: string[];
  /** Deep mode: the pre-trained top block (readTopBlock); not needed when `previous` is deep. */
  topBlock?: TopBlockWeights;
  /** The previous round's head, for a warm start. */
  previous?: HeadWeights;
  /** Seeds initialisation and shuffling; default 0. */
  seed?: number;
  /** Upper bound on epochs; default 60 (light) or 30 (deep). */
  maxEpochs?: number;
  /**
   * Optimizer steps allowed at least, raising the epoch bound for small label sets (a
   * dozen labels make one mini-batch per epoch); default 200.
   */
  minSteps?: number;
  /** Stop once an epoch's mean training loss is below this; default 0.05. 0 runs all epochs. */
  targetLoss?: number;
  batchSize?: number;
  /** Adam learning rate of the dense head; default 0.01. */
  learningRate?: number;
  /** Adam learning rate of the deep block; default learningRate / 100. */
  blockLearningRate?: number;
  /** L2 penalty on the dense kernel; default 1e-4. */
  weightDecay?: number;
  /**
   * Light mode: per-feature mean and std of the whole pool (featureStandardization); default
   * the training rows' own statistics, which are noisy with a few labels.
   */
  standardization?: FeatureStandardization;
  /** Light mode: L2 penalty on the standardised kernel, against the summed loss; default DEFAULT_L2 (1). */
  l2?: number;
  /** Light mode: L-BFGS's relative gradient tolerance (LbfgsOptions.gradientTolerance); default 1e-6. */
  solverTolerance?: number;
  /** 'balanced' (default): inverse class frequency; 'none': every example weighs 1. */
  classWeighting?: 'balanced' | 'none';
  /**
   * Light mode: the training rows hold every image this many times (its symmetry views,
   * features/symmetry-views.ts), so each row weighs 1/copiesPerImage and an image still counts
   * once against the L2 penalty; default 1.
   */
  copiesPerImage?: number;
  onEpoch?: (progress: EpochProgress) => void;
  /** Checked before every mini-batch; aborting rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface EpochProgress {
  epoch: number;
  maxEpochs: number;
  loss: number;
}

export interface FineTuneResult {
  head: HeadWeights;
  epochs: number;
  /** Class-weighted training loss (+ weight decay): of the final weights when training stopped early, else the last epoch's running mean. */
  loss: number;
  /** Accuracy on the training labels after training. */
  trainAccuracy: number;
  /** Loss weight of each class. */
  classWeights: Float32Array;
  millis: number;
}

function shuffledOrder(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

function trainingAccuracy(network: HeadNetwork, x: tf.Tensor2D, labels: ArrayLike<number>, batchSize: number): number {
  let correct = 0;
  const n = x.shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const predicted = tf.tidy(() => tf.argMax(network.logits(tf.slice(x, [start, 0], [size, -1])), 1).dataSync());
    for (let i = 0; i < size; i++) if (predicted[i] === labels[start + i]) correct++;
  }
  return n === 0 ? 0 : correct / n;
}

/** Class-weighted mean cross-entropy over all rows with the current weights (no update). */
function weightedLoss(network: HeadNetwork, x: tf.Tensor2D, y: tf.Tensor, w: tf.Tensor1D, batchSize: number): number {
  const n = x.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    total += tf.tidy(() => {
      const logits = network.logits(tf.slice(x, [start, 0], [size, -1]));
      const perExample = tf.neg(tf.sum(tf.mul(tf.slice(y, [start, 0], [size, -1]), tf.logSoftmax(logits)), 1));
      return tf.sum(tf.mul(perExample, tf.slice(w, [start], [size]))).dataSync()[0] as number;
    });
  }
  return total / n;
}

function fineTuneLight(set: TrainingSet, rows: number, options: FineTuneOptions, classWeights: Float32Array, started: number): FineTuneResult {
  const head = initialHead({
    mode: 'light',
    classes: options.classes,
    inputShape: set.rowShape,
    seed: options.seed ?? 0,
    ...(options.previous ? { previous: options.previous } : {}),
  });
  const d = set.features.length / rows;
  const stats = options.standardization ?? featureStandardization(set.features, d);
  if (stats.mean.length !== d) throw new Error(`The standardisation has ${stats.mean.length} features; the training rows have ${d}.`);
  const classCount = options.classes.length;
  // A cold start begins at zero (the optimum does not depend on the start); a warm start
  // keeps the previous classes' columns (new classes start at zero weight).
  const warm = options.previous !== undefined;
  if (!warm) head.dense.bias.fill(0);
  const fit = fitLogisticRegression(set.features, set.labels, stats, {
    classCount,
    alpha: options.l2 ?? DEFAULT_L2,
    rowWeights: Array.from(set.labels, (c) => (classWeights[c] as number) / (options.copiesPerImage ?? 1)),
    ...(warm ? { start: { kernel: newClassColumnsZeroed(head, options.previous as HeadWeights), bias: head.dense.bias } } : {}),
    lbfgs: { ...(options.signal ? { signal: options.signal } : {}), ...(options.solverTolerance !== undefined ? { gradientTolerance: options.solverTolerance } : {}) },
  });
  const kernel = Float32Array.from(fit.kernel);
  const bias = Float32Array.from(fit.bias);
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestLogit = -Infinity;
    for (let k = 0; k < classCount; k++) {
      let logit = bias[k] as number;
      for (let j = 0; j < d; j++) logit += (set.features[i * d + j] as number) * (kernel[j * classCount + k] as number);
      if (logit > bestLogit) {
        bestLogit = logit;
        best = k;
      }
    }
    if (best === set.labels[i]) correct++;
  }
  options.onEpoch?.({ epoch: fit.iterations, maxEpochs: fit.iterations, loss: fit.value / rows });
  return {
    head: { ...head, dense: { kernel, bias } },
    epochs: fit.iterations,
    loss: fit.value / rows,
    trainAccuracy: correct / rows,
    classWeights,
    millis: performance.now() - started,
  };
}

/** The warm-start kernel: the previous head's columns by class name, zero for new classes. */
function newClassColumnsZeroed(head: HeadWeights, previous: HeadWeights): Float32Array {
  const c = head.classes.length;
  const kernel = Float32Array.from(head.dense.kernel);
  const d = kernel.length / c;
  head.classes.forEach((name, k) => {
    if (previous.classes.includes(name)) return;
    for (let j = 0; j < d; j++) kernel[j * c + k] = 0;
  });
  return kernel;
}

export async function fineTune(set: TrainingSet, options: FineTuneOptions): Promise<FineTuneResult> {
  const started = performance.now();
  const rows = trainingRowCount(set);
  if (rows === 0) throw new Error('Fine-tuning needs at least one labelled image.');
  const classCount = options.classes.length;
  const seed = options.seed ?? 0;
  const targetLoss = options.targetLoss ?? 0.05;
  const batchSize = Math.max(1, Math.min(rows, options.batchSize ?? 32));
  const stepsPerEpoch = Math.ceil(rows / batchSize);
  const maxEpochs = Math.max(options.maxEpochs ?? (options.mode === 'deep' ? 30 : 60), Math.ceil((options.minSteps ?? 200) / stepsPerEpoch));
  const learningRate = options.learningRate ?? 0.01;
  const blockLearningRate = options.blockLearningRate ?? learningRate / 100;
  const weightDecay = options.weightDecay ?? 1e-4;
  const classWeights =
    options.classWeighting === 'none' ? new Float32Array(classCount).fill(1) : inverseFrequencyClassWeights(set.labels, classCount);
  if (options.mode === 'light') {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('Fine-tuning was cancelled.');
    return fineTuneLight(set, rows, options, classWeights, started);
  }

  const start = initialHead({
    mode: options.mode,
    classes: options.classes,
    inputShape: set.rowShape,
    seed,
    ...(options.topBlock ? { topBlock: options.topBlock } : {}),
    ...(options.previous ? { previous: options.previous } : {}),
  });
  const rowLength = set.features.length / rows;
  const labels = Int32Array.from(set.labels);
  const exampleWeights = Float32Array.from(labels, (c) => classWeights[c] as number);

  const network = new HeadNetwork(start, true);
  const x = tf.tensor2d(set.features, [rows, rowLength]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classCount), 'float32'));
  const w = tf.tensor1d(exampleWeights);
  const headOptimizer = tf.train.adam(learningRate);
  const blockOptimizer = tf.train.adam(blockLearningRate);
  const blockVariables = new Set(network.blockVariables());
  const random = mulberry32(deriveSeed(seed, 0x5f1e));

  let epochs = 0;
  let loss = Number.NaN;
  try {
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      const order = shuffledOrder(rows, random);
      let lossSum: tf.Scalar = tf.scalar(0);
      for (let from = 0; from < rows; from += batchSize) {
        if (options.signal?.aborted) {
          lossSum.dispose();
          throw options.signal.reason instanceof Error ? options.signal.reason : new Error('Fine-tuning was cancelled.');
        }
        const size = Math.min(batchSize, rows - from);
        const next = tf.tidy(() => {
          const index = tf.tensor1d(order.subarray(from, from + size), 'int32');
          const xb = tf.gather(x, index) as tf.Tensor2D;
          const yb = tf.gather(y, index);
          const wb = tf.gather(w, index);
          const { value, grads } = tf.variableGrads(() => {
            const perExample = tf.neg(tf.sum(tf.mul(yb, tf.logSoftmax(network.logits(xb))), 1));
            const data = tf.div(tf.sum(tf.mul(perExample, wb)), size);
            return tf.add(data, tf.mul(weightDecay, tf.sum(tf.square(network.kernel)))) as tf.Scalar;
          }, network.variables());
          const headGrads: { name: string; tensor: tf.Tensor }[] = [];
          const blockGrads: { name: string; tensor: tf.Tensor }[] = [];
          for (const variable of network.variables()) {
            const tensor = grads[variable.name];
            if (tensor) (blockVariables.has(variable) ? blockGrads : headGrads).push({ name: variable.name, tensor });
          }
          headOptimizer.applyGradients(headGrads);
          if (blockGrads.length > 0) blockOptimizer.applyGradients(blockGrads);
          return tf.add(lossSum, tf.mul(value, size)) as tf.Scalar;
        });
        lossSum.dispose();
        lossSum = next;
      }
      loss = ((await lossSum.data())[0] as number) / rows;
      lossSum.dispose();
      epochs = epoch + 1;
      if (!Number.isFinite(loss)) throw new Error(`Fine-tuning diverged (loss ${loss} at epoch ${epochs}); lower the learning rate.`);
      // The running mean was measured before each step; confirm with the weights as they
      // are now before stopping (a warm start's first steps can still move them a lot).
      if (loss < targetLoss) loss = weightedLoss(network, x, y, w, 256) + weightDecay * network.kernelSquaredSum();
      options.onEpoch?.({ epoch: epochs, maxEpochs, loss });
      if (loss < targetLoss) break;
    }
    const trainAccuracy = trainingAccuracy(network, x, labels, 256);
    return { head: network.read(), epochs, loss, trainAccuracy, classWeights, millis: performance.now() - started };
  } finally {
    network.dispose();
    x.dispose();
    y.dispose();
    w.dispose();
    headOptimizer.dispose();
    blockOptimizer.dispose();
  }
}
