import { describe, expect, it } from 'vitest';
import { foldBatchNorm } from '../../../src-main/engine/train/fold-batch-norm';

describe('folding a batch norm into the linear layer before it', () => {
  // Two inputs, two output channels: kernel [[1, 2], [3, 4]] (row = input), bias [0.5, -1].
  const kernel = Float32Array.from([1, 2, 3, 4]);
  const bias = Float32Array.from([0.5, -1]);

  it('scales each output column by gamma / sqrt(var + eps) and shifts the bias', () => {
    const folded = foldBatchNorm(kernel, bias, {
      gamma: Float32Array.from([2, 0.5]),
      beta: Float32Array.from([1, -1]),
      movingMean: Float32Array.from([0.5, 1]),
      movingVariance: Float32Array.from([3.99, 0.24]),
      epsilon: 0.01,
    });
    // s = [2 / 2, 0.5 / 0.5] = [1, 1]; bias' = (b - mean) * s + beta = [0 + 1, -2 - 1]
    expect(Array.from(folded.kernel)).toEqual([1, 2, 3, 4]);
    expect(Array.from(folded.bias)).toEqual([1, -3]);
    const scaled = foldBatchNorm(kernel, null, { gamma: Float32Array.from([4, 1]), beta: null, movingMean: Float32Array.from([1, 2]), movingVariance: Float32Array.from([1, 1]), epsilon: 0 });
    expect(Array.from(scaled.kernel)).toEqual([4, 2, 12, 4]);
    expect(Array.from(scaled.bias)).toEqual([-4, -2]);
  });

  it('treats a missing gamma as 1 and a missing beta as 0 (scale: false, center: false)', () => {
    const folded = foldBatchNorm(kernel, bias, { gamma: null, beta: null, movingMean: Float32Array.from([0.5, 0]), movingVariance: Float32Array.from([0.25, 4]), epsilon: 0 });
    expect(Array.from(folded.kernel)).toEqual([2, 1, 6, 2]);
    expect(Array.from(folded.bias)).toEqual([0, -0.5]);
  });

  it('matches evaluating conv then batch norm on an input', () => {
    const bn = { gamma: Float32Array.from([1.3, 0.7]), beta: Float32Array.from([0.2, -0.4]), movingMean: Float32Array.from([0.1, -0.3]), movingVariance: Float32Array.from([0.8, 1.7]), epsilon: 1e-3 };
    const folded = foldBatchNorm(kernel, bias, bn);
    const x = [0.3, -1.2];
    for (let o = 0; o < 2; o++) {
      const z = x[0]! * kernel[o]! + x[1]! * kernel[2 + o]! + bias[o]!;
      const expected = (bn.gamma[o]! * (z - bn.movingMean[o]!)) / Math.sqrt(bn.movingVariance[o]! + bn.epsilon) + bn.beta[o]!;
      expect(x[0]! * folded.kernel[o]! + x[1]! * folded.kernel[2 + o]! + folded.bias[o]!).toBeCloseTo(expected, 5);
    }
  });

  it('rejects mismatched sizes', () => {
    expect(() => foldBatchNorm(Float32Array.from([1, 2, 3]), null, { gamma: null, beta: null, movingMean: Float32Array.from([0, 0]), movingVariance: Float32Array.from([1, 1]), epsilon: 0 })).toThrow(/Cannot fold/);
    expect(() => foldBatchNorm(kernel, Float32Array.from([1]), { gamma: null, beta: null, movingMean: Float32Array.from([0, 0]), movingVariance: Float32Array.from([1, 1]), epsilon: 0 })).toThrow(/bias has 1 channels/);
  });
});
