/**
 * Folds an inference-mode batch normalisation into the linear layer before it:
 *   bn(x·K + b) = gamma (x·K + b - mean) / sqrt(var + eps) + beta
 *               = x·(K s) + (b - mean) s + beta,   s = gamma / sqrt(var + eps)
 * per output channel. Computed in float64 and rounded once to float32.
 */
import type { DenseWeights } from './head-weights';

export interface BatchNormParameters {
  /** Per channel; null when the layer has `scale: false` (gamma = 1). */
  gamma: Float32Array | null;
  /** Per channel; null when the layer has `center: false` (beta = 0). */
  beta: Float32Array | null;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  epsilon: number;
}

/**
 * `kernel` is [inputs, outputs] row-major; `bias` is [outputs] or null (no bias).
 * Returns new arrays; the inputs are not modified.
 */
export function foldBatchNorm(kernel: Float32Array, bias: Float32Array | null, bn: BatchNormParameters): DenseWeights {
  const outputs = bn.movingMean.length;
  if (outputs === 0 || kernel.length % outputs !== 0) {
    throw new Error(`Cannot fold a batch norm of ${outputs} channels into a kernel of ${kernel.length} values.`);
  }
  for (const [name, values] of [['gamma', bn.gamma], ['beta', bn.beta], ['moving variance', bn.movingVariance], ['bias', bias]] as const) {
    if (values && values.length !== outputs) throw new Error(`Batch norm ${name} has ${values.length} channels, expected ${outputs}.`);
  }
  const inputs = kernel.length / outputs;
  const scale = new Float64Array(outputs);
  const foldedBias = new Float32Array(outputs);
  for (let o = 0; o < outputs; o++) {
    const variance = bn.movingVariance[o] as number;
    const s = (bn.gamma ? (bn.gamma[o] as number) : 1) / Math.sqrt(variance + bn.epsilon);
    scale[o] = s;
    const b = bias ? (bias[o] as number) : 0;
    foldedBias[o] = (b - (bn.movingMean[o] as number)) * s + (bn.beta ? (bn.beta[o] as number) : 0);
  }
  const foldedKernel = new Float32Array(kernel.length);
  for (let i = 0; i < inputs; i++) {
    const row = i * outputs;
    for (let o = 0; o < outputs; o++) foldedKernel[row + o] = (kernel[row + o] as number) * (scale[o] as number);
  }
  return { kernel: foldedKernel, bias: foldedBias };
}
