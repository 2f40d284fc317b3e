import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { inverseFrequencyClassWeights } from '../../../src-main/engine/train/class-weights';
import { fineTune } from '../../../src-main/engine/train/fine-tune';
import { initialHead } from '../../../src-main/engine/train/initial-head';
import { predictProbabilities } from '../../../src-main/engine/train/predict-probabilities';
import { accuracyOf, recallOf, syntheticSet, syntheticTopBlock } from './synthetic-features';

const classes = ['cat', 'dog', 'fox', 'owl'];
const LIGHT_SHAPE = [64];
const DEEP_SHAPE = [4, 4, 16];

beforeAll(async () => {
  await initBackend('wasm');
});

describe('fine-tuning on a separable synthetic problem', () => {
  it('light mode: a softmax head on pooled features reaches high held-out accuracy', async () => {
    const train = syntheticSet([25, 25, 25, 25], LIGHT_SHAPE, 11, 1);
    const test = syntheticSet([60, 60, 60, 60], LIGHT_SHAPE, 11, 2);
    const result = await fineTune(train, { mode: 'light', classes, seed: 1 });
    expect(result.head.block).toBeNull();
    expect(result.trainAccuracy).toBe(1);
    expect(result.loss).toBeLessThan(0.05);
    expect(accuracyOf(predictProbabilities(result.head, test.features), test.labels, 4)).toBeGreaterThan(0.97);
  });

  it('deep mode: the top block and the head train together and reach high held-out accuracy', async () => {
    const train = syntheticSet([25, 25, 25, 25], DEEP_SHAPE, 12, 1);
    const test = syntheticSet([60, 60, 60, 60], DEEP_SHAPE, 12, 2);
    const topBlock = syntheticTopBlock(16, 24, 3);
    const result = await fineTune(train, { mode: 'deep', classes, seed: 1, topBlock });
    expect(result.head.block?.outChannels).toBe(24);
    // The block itself was trained, not only the head.
    expect(Array.from(result.head.block?.kernel ?? [])).not.toEqual(Array.from(topBlock.kernel));
    expect(result.trainAccuracy).toBe(1);
    expect(accuracyOf(predictProbabilities(result.head, test.features), test.labels, 4)).toBeGreaterThan(0.97);
  });

  it('predicted probabilities are distributions and do not depend on the batch size', async () => {
    const train = syntheticSet([10, 10, 10, 10], DEEP_SHAPE, 13, 1);
    const result = await fineTune(train, { mode: 'deep', classes, seed: 2, topBlock: syntheticTopBlock(16, 8, 4), maxEpochs: 3 });
    const pool = syntheticSet([50, 50, 50, 53], DEEP_SHAPE, 13, 5);
    const big = predictProbabilities(result.head, pool.features, { batchSize: 1000 });
    const small = predictProbabilities(result.head, pool.features, { batchSize: 7 });
    expect(big.length).toBe(203 * 4);
    for (let i = 0; i < 203; i++) expect(big[i * 4]! + big[i * 4 + 1]! + big[i * 4 + 2]! + big[i * 4 + 3]!).toBeCloseTo(1, 5);
    let diff = 0;
    for (let i = 0; i < big.length; i++) diff = Math.max(diff, Math.abs(big[i]! - small[i]!));
    expect(diff).toBeLessThan(1e-6);
  });
});

describe('warm start', () => {
  it('starts from exactly the previous head, keeps its accuracy and converges in fewer epochs', async () => {
    const round1 = syntheticSet([8, 8, 8, 8], LIGHT_SHAPE, 21, 1, 1.2);
    const round2 = syntheticSet([30, 30, 30, 30], LIGHT_SHAPE, 21, 2, 1.2);
    const test = syntheticSet([60, 60, 60, 60], LIGHT_SHAPE, 21, 3, 1.2);
    const first = await fineTune(round1, { mode: 'light', classes, seed: 5 });
    const firstAccuracy = accuracyOf(predictProbabilities(first.head, test.features), test.labels, 4);

    const start = initialHead({ mode: 'light', classes, inputShape: LIGHT_SHAPE, previous: first.head, seed: 99 });
    expect(Array.from(start.dense.kernel)).toEqual(Array.from(first.head.dense.kernel));
    expect(Array.from(start.dense.bias)).toEqual(Array.from(first.head.dense.bias));

    const cold = await fineTune(round2, { mode: 'light', classes, seed: 5, targetLoss: 0.1 });
    const warm = await fineTune(round2, { mode: 'light', classes, seed: 5, targetLoss: 0.1, previous: first.head });
    const warmAccuracy = accuracyOf(predictProbabilities(warm.head, test.features), test.labels, 4);
    const coldAccuracy = accuracyOf(predictProbabilities(cold.head, test.features), test.labels, 4);
    expect(warm.epochs).toBeLessThan(cold.epochs);
    expect(warmAccuracy).toBeGreaterThanOrEqual(firstAccuracy - 0.01);
    expect(warmAccuracy).toBeGreaterThanOrEqual(coldAccuracy - 0.02);
    expect(warmAccuracy).toBeGreaterThan(0.9);
  });

  it('deep mode carries the trained block over and converges faster than a cold start', async () => {
    const topBlock = syntheticTopBlock(16, 24, 6);
    const round1 = syntheticSet([8, 8, 8, 8], DEEP_SHAPE, 22, 1, 1.5);
    const round2 = syntheticSet([30, 30, 30, 30], DEEP_SHAPE, 22, 2, 1.5);
    const first = await fineTune(round1, { mode: 'deep', classes, seed: 5, topBlock });
    const start = initialHead({ mode: 'deep', classes, inputShape: DEEP_SHAPE, previous: first.head, topBlock, seed: 1 });
    expect(Array.from(start.block?.kernel ?? [])).toEqual(Array.from(first.head.block?.kernel ?? []));
    const cold = await fineTune(round2, { mode: 'deep', classes, seed: 5, topBlock, targetLoss: 0.1 });
    const warm = await fineTune(round2, { mode: 'deep', classes, seed: 5, topBlock, targetLoss: 0.1, previous: first.head });
    expect(warm.epochs).toBeLessThan(cold.epochs);
    expect(warm.trainAccuracy).toBe(1);
  });

  it('keeps the rows of known classes (matched by name) and adds new classes', async () => {
    const two = ['dog', 'cat'];
    const pairs = syntheticSet([20, 20], LIGHT_SHAPE, 23, 1);
    const first = await fineTune(pairs, { mode: 'light', classes: two, seed: 3 });
    const three = ['cat', 'dog', 'owl'];
    const start = initialHead({ mode: 'light', classes: three, inputShape: LIGHT_SHAPE, previous: first.head, seed: 4 });
    for (let f = 0; f < 64; f++) {
      expect(start.dense.kernel[f * 3 + 0]).toBe(first.head.dense.kernel[f * 2 + 1]); // cat
      expect(start.dense.kernel[f * 3 + 1]).toBe(first.head.dense.kernel[f * 2 + 0]); // dog
    }
    expect(start.dense.bias[0]).toBe(first.head.dense.bias[1]);
    expect(start.dense.bias[2]).toBe(Math.min(first.head.dense.bias[0]!, first.head.dense.bias[1]!));
    const withOwl = syntheticSet([20, 20, 20], LIGHT_SHAPE, 24, 1);
    const test = syntheticSet([40, 40, 40], LIGHT_SHAPE, 24, 2);
    const next = await fineTune(withOwl, { mode: 'light', classes: three, seed: 3, previous: first.head });
    expect(next.head.classes).toEqual(three);
    expect(accuracyOf(predictProbabilities(next.head, test.features), test.labels, 3)).toBeGreaterThan(0.95);
  });
});

describe('class-balanced loss', () => {
  it('weighs classes by inverse frequency, averaging 1 over the labels', () => {
    const weights = inverseFrequencyClassWeights([0, 0, 0, 1, 2, 2], 4);
    expect(Array.from(weights)).toEqual([6 / 9, 2, 1, 0].map((x) => Math.fround(x)));
    const mean = [0, 0, 0, 1, 2, 2].reduce((s, c) => s + weights[c]!, 0) / 6;
    expect(mean).toBeCloseTo(1, 6);
    expect(() => inverseFrequencyClassWeights([0, 3], 2)).toThrow(/not a class index/);
  });

  it('raises the recall of a rare class on overlapping data', async () => {
    const pair = ['common', 'rare'];
    const train = syntheticSet([300, 15], [8], 31, 1, 1.6);
    const test = syntheticSet([300, 300], [8], 31, 2, 1.6);
    const plain = await fineTune(train, { mode: 'light', classes: pair, seed: 1, classWeighting: 'none', maxEpochs: 40, targetLoss: 0 });
    const balanced = await fineTune(train, { mode: 'light', classes: pair, seed: 1, maxEpochs: 40, targetLoss: 0 });
    expect(balanced.classWeights[1]).toBeGreaterThan(10 * balanced.classWeights[0]!);
    const plainRecall = recallOf(predictProbabilities(plain.head, test.features), test.labels, 2, 1);
    const balancedRecall = recallOf(predictProbabilities(balanced.head, test.features), test.labels, 2, 1);
    expect(balancedRecall).toBeGreaterThan(plainRecall + 0.1);
  });
});

describe('reproducibility and memory', () => {
  it('gives bit-identical weights for the same seed and different ones for another seed', async () => {
    const train = syntheticSet([12, 12, 12, 12], DEEP_SHAPE, 41, 1, 1.2);
    const topBlock = syntheticTopBlock(16, 12, 7);
    const options = { mode: 'deep' as const, classes, topBlock, maxEpochs: 6, minSteps: 0, targetLoss: 0, batchSize: 10 };
    const a = await fineTune(train, { ...options, seed: 17 });
    const b = await fineTune(train, { ...options, seed: 17 });
    const c = await fineTune(train, { ...options, seed: 18 });
    expect(Array.from(b.head.dense.kernel)).toEqual(Array.from(a.head.dense.kernel));
    expect(Array.from(b.head.block?.kernel ?? [])).toEqual(Array.from(a.head.block?.kernel ?? []));
    expect(b.loss).toBe(a.loss);
    expect(Array.from(c.head.dense.kernel)).not.toEqual(Array.from(a.head.dense.kernel));
  });

  it('keeps the number of live tensors flat over many rounds of training and prediction', async () => {
    const light = syntheticSet([10, 10, 10, 10], LIGHT_SHAPE, 51, 1);
    const deep = syntheticSet([10, 10, 10, 10], DEEP_SHAPE, 51, 1);
    const topBlock = syntheticTopBlock(16, 8, 8);
    const before = tf.memory().numTensors;
    let previousLight;
    let previousDeep;
    for (let round = 0; round < 12; round++) {
      const l = await fineTune(light, { mode: 'light', classes, seed: round, maxEpochs: 2, minSteps: 0, ...(previousLight ? { previous: previousLight } : {}) });
      const d = await fineTune(deep, { mode: 'deep', classes, seed: round, topBlock, maxEpochs: 2, minSteps: 0, ...(previousDeep ? { previous: previousDeep } : {}) });
      predictProbabilities(l.head, light.features, { batchSize: 16 });
      predictProbabilities(d.head, deep.features, { batchSize: 16 });
      previousLight = l.head;
      previousDeep = d.head;
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('stops at the next mini-batch when cancelled, releasing every tensor', async () => {
    const set = syntheticSet([40, 40, 40, 40], DEEP_SHAPE, 52, 1);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const epochs: number[] = [];
    const run = fineTune(set, {
      mode: 'deep',
      classes,
      topBlock: syntheticTopBlock(16, 8, 9),
      targetLoss: 0,
      signal: controller.signal,
      onEpoch: (e) => {
        epochs.push(e.epoch);
        if (e.epoch === 2) controller.abort(new Error('stop now'));
      },
    });
    await expect(run).rejects.toThrow('stop now');
    expect(epochs).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects inconsistent input with a clear message', async () => {
    const train = syntheticSet([5, 5], LIGHT_SHAPE, 61, 1);
    await expect(fineTune({ ...train, labels: train.labels.slice(1) }, { mode: 'light', classes: ['a', 'b'] })).rejects.toThrow(/9 labels/);
    await expect(fineTune(train, { mode: 'deep', classes: ['a', 'b'] })).rejects.toThrow(/cut-layer activations/);
    await expect(fineTune({ ...train, rowShape: [4, 4, 4] }, { mode: 'deep', classes: ['a', 'b'] })).rejects.toThrow(/top block/);
  });
});
