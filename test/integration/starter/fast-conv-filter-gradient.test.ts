import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { installFastConvFilterGradient } from '../../../scripts/starter-model/fast-conv-filter-gradient';

type Shape4 = [number, number, number, number];
type Case = { x: Shape4; w: Shape4; stride: number; pad: 'same' | 'valid' };

function filterGradient(c: Case): tf.Tensor {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal(c.w, 0, 1, 'float32', 2) as tf.Tensor4D;
  const out = tf.conv2d(x, w, c.stride, c.pad);
  const dy = tf.relu(tf.randomNormal(out.shape, 0, 1, 'float32', 3));
  return tf.grad((filter: tf.Tensor) => tf.conv2d(x, filter as tf.Tensor4D, c.stride, c.pad).mul(dy).sum())(w);
}

describe('installFastConvFilterGradient (cpu backend)', () => {
  const cases: Case[] = [
    { x: [3, 9, 9, 4], w: [3, 3, 4, 5], stride: 1, pad: 'same' },
    { x: [2, 8, 7, 3], w: [3, 2, 3, 4], stride: 2, pad: 'same' },
    { x: [2, 7, 7, 6], w: [1, 1, 6, 8], stride: 1, pad: 'valid' },
    { x: [2, 10, 10, 2], w: [5, 5, 2, 3], stride: 2, pad: 'valid' },
  ];
  let reference: Float32Array[] = [];

  beforeAll(async () => {
    await initBackend('cpu');
    reference = cases.map((c) => filterGradient(c).dataSync() as Float32Array);
    installFastConvFilterGradient();
  });

  it('gives the same filter gradients as the kernel it replaces', () => {
    cases.forEach((c, i) => {
      const fast = filterGradient(c).dataSync();
      const ref = reference[i] as Float32Array;
      expect(fast.length).toBe(ref.length);
      let worst = 0;
      for (let j = 0; j < ref.length; j++) worst = Math.max(worst, Math.abs((fast[j] as number) - (ref[j] as number)));
      expect(worst).toBeLessThan(1e-4);
    });
  });

  it('is what a layers model trains with', async () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'same' }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const before = model.getWeights()[0]?.dataSync().slice() as Float32Array;
    await model.fit(tf.ones([4, 6, 6, 1]), tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2), { epochs: 1, verbose: 0 });
    const after = model.getWeights()[0]?.dataSync() as Float32Array;
    expect(after.some((v, i) => v !== before[i])).toBe(true);
  });
});
