/**
 * Tiny ONNX image classifiers built in the tests with onnx-proto: conv 3x3 (4 filters,
 * padding 1) -> relu -> global average pool -> flatten -> gemm (3 classes) -> softmax, over
 * an 8x8 RGB input in NCHW, or in NHWC with a leading transpose (as tf2onnx writes it).
 * Without `softmax` the graph ends at its logits, as a ResNet exported from PyTorch does.
 * The weights are small known numbers so the tests can compute every output by hand.
 */
import { batchedValue, encodeModel, floatTensor, node } from '../../src-main/engine/onnx/onnx-proto';

export const SIZE = 8;
export const FILTERS = 4;
export const CLASSES = 3;

/** Conv weights [FILTERS, 3, 3, 3], conv bias, gemm weights [FILTERS, CLASSES], gemm bias. */
export function tinyWeights(): { conv: Float32Array; convBias: Float32Array; gemm: Float32Array; gemmBias: Float32Array } {
  const conv = Float32Array.from({ length: FILTERS * 27 }, (_, i) => (((i * 7) % 11) - 5) / 20);
  const convBias = Float32Array.from([0.1, -0.2, 0.05, 0]);
  const gemm = Float32Array.from({ length: FILTERS * CLASSES }, (_, i) => (((i * 5) % 7) - 3) / 4);
  const gemmBias = Float32Array.from([0.2, 0, -0.1]);
  return { conv, convBias, gemm, gemmBias };
}

export function tinyClassifier(layout: 'NCHW' | 'NHWC', { softmax = true }: { softmax?: boolean } = {}): Uint8Array {
  const w = tinyWeights();
  const nodes = [];
  let first = 'image';
  if (layout === 'NHWC') {
    nodes.push(node('Transpose', ['image'], ['to_nchw'], 'to_nchw', { perm: [0, 3, 1, 2] }));
    first = 'to_nchw';
  }
  nodes.push(
    node('Conv', [first, 'conv_w', 'conv_b'], ['conv'], 'conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
    node('Relu', ['conv'], ['relu'], 'relu'),
    node('GlobalAveragePool', ['relu'], ['gap'], 'gap'),
    node('Flatten', ['gap'], ['flat'], 'flat', { axis: 1 }),
    node('Gemm', ['flat', 'gemm_w', 'gemm_b'], ['logits'], 'logits'),
  );
  if (softmax) nodes.push(node('Softmax', ['logits'], ['probs'], 'probs', { axis: 1 }));
  return encodeModel({
    name: `tiny-${layout}`,
    nodes,
    initializers: [
      floatTensor('conv_w', [FILTERS, 3, 3, 3], w.conv),
      floatTensor('conv_b', [FILTERS], w.convBias),
      floatTensor('gemm_w', [FILTERS, CLASSES], w.gemm),
      floatTensor('gemm_b', [CLASSES], w.gemmBias),
    ],
    inputs: [batchedValue('image', layout === 'NCHW' ? [3, SIZE, SIZE] : [SIZE, SIZE, 3])],
    outputs: [batchedValue(softmax ? 'probs' : 'logits', [CLASSES])],
  });
}

/**
 * By hand: the relu map [FILTERS, SIZE, SIZE] of one normalised NCHW image [3, SIZE, SIZE],
 * its global average, and the class probabilities.
 */
export function tinyForward(x: Float32Array): { relu: Float32Array; pooled: Float32Array; probs: Float32Array } {
  const w = tinyWeights();
  const relu = new Float32Array(FILTERS * SIZE * SIZE);
  for (let f = 0; f < FILTERS; f++) {
    for (let y = 0; y < SIZE; y++) {
      for (let xx = 0; xx < SIZE; xx++) {
        let sum = w.convBias[f] as number;
        for (let c = 0; c < 3; c++) {
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              const iy = y + ky - 1;
              const ix = xx + kx - 1;
              if (iy < 0 || ix < 0 || iy >= SIZE || ix >= SIZE) continue;
              sum += (w.conv[((f * 3 + c) * 3 + ky) * 3 + kx] as number) * (x[(c * SIZE + iy) * SIZE + ix] as number);
            }
          }
        }
        relu[(f * SIZE + y) * SIZE + xx] = Math.max(0, sum);
      }
    }
  }
  const pooled = new Float32Array(FILTERS);
  for (let f = 0; f < FILTERS; f++) {
    let sum = 0;
    for (let i = 0; i < SIZE * SIZE; i++) sum += relu[f * SIZE * SIZE + i] as number;
    pooled[f] = sum / (SIZE * SIZE);
  }
  const logits = Array.from({ length: CLASSES }, (_, k) => {
    let sum = w.gemmBias[k] as number;
    for (let f = 0; f < FILTERS; f++) sum += (pooled[f] as number) * (w.gemm[f * CLASSES + k] as number);
    return sum;
  });
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return { relu, pooled, probs: Float32Array.from(exps.map((e) => e / total)) };
}
