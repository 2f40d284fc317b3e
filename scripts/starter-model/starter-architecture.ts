/**
 * The starter CNN: small enough to pretrain on the pure-JS cpu backend in minutes, shaped
 * the way the engine expects (layer A spatial in the middle, a spatial cut layer, a
 * pointwise TOP block that the wasm backend can fine-tune, pooled features as layer B,
 * then the source softmax).
 *
 *   input 28x28x1
 *   block1_conv 3x3x16 same → block1_bn → block1_relu → block1_pool 2x2        14x14x16
 *   block2_conv 3x3x32 same → block2_bn → block2_relu (layer A) → block2_pool    7x7x32
 *   block3_conv 3x3x48 same → block3_bn → cut (relu)                              7x7x48
 *   top_pw_conv 1x1x64 → top_pw_relu                                              7x7x64
 *   pooled (global average pooling, layer B)                                          64
 *   source_softmax (dense 10, softmax)                                                10
 *
 * Batch norm in the frozen trunk makes pretraining converge within the small cpu budget (without
 * it, one epoch over 30,000 images reached only ~70% held-out accuracy); the TOP block has none,
 * so it stays a plain 1x1 conv that the wasm backend can fine-tune.
 */
import * as tf from '@tensorflow/tfjs';

export const STARTER_LAYERS = {
  layerA: 'block2_relu',
  cut: 'cut',
  topRelu: 'top_pw_relu',
  layerB: 'pooled',
  softmax: 'source_softmax',
} as const;

export function buildStarterModel(seed: number, classes: number): tf.LayersModel {
  let s = seed;
  const init = (): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: s++ });
  const input = tf.input({ shape: [28, 28, 1], name: 'input' });
  const conv = (x: tf.SymbolicTensor, filters: number, kernel: number, name: string, useBias = true): tf.SymbolicTensor =>
    tf.layers
      .conv2d({ filters, kernelSize: kernel, padding: 'same', kernelInitializer: init(), useBias, name })
      .apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor, name: string): tf.SymbolicTensor => tf.layers.batchNormalization({ axis: -1, name }).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor, name: string): tf.SymbolicTensor =>
    tf.layers.activation({ activation: 'relu', name }).apply(x) as tf.SymbolicTensor;
  const pool = (x: tf.SymbolicTensor, name: string): tf.SymbolicTensor =>
    tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name }).apply(x) as tf.SymbolicTensor;

  let x = pool(relu(bn(conv(input, 16, 3, 'block1_conv', false), 'block1_bn'), 'block1_relu'), 'block1_pool');
  x = pool(relu(bn(conv(x, 32, 3, 'block2_conv', false), 'block2_bn'), STARTER_LAYERS.layerA), 'block2_pool');
  x = relu(bn(conv(x, 48, 3, 'block3_conv', false), 'block3_bn'), STARTER_LAYERS.cut);
  x = relu(conv(x, 64, 1, 'top_pw_conv'), STARTER_LAYERS.topRelu);
  x = tf.layers.globalAveragePooling2d({ name: STARTER_LAYERS.layerB }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: classes,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
      name: STARTER_LAYERS.softmax,
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'starter_fashion_mnist' });
}
