import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { findStarterModelDir, loadModelFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { HeadNetwork } from '../../../src-main/engine/train/head-network';
import { initialHead } from '../../../src-main/engine/train/initial-head';
import { readTopBlock } from '../../../src-main/engine/train/top-block';

const SHARED = join(import.meta.dirname, '../../../../shared');
const MOBILENET = join(SHARED, 'models/mobilenet_v1_0.25_224');
const HYMENOPTERA = join(SHARED, 'data/hymenoptera/val');
const haveMobileNet = existsSync(join(MOBILENET, 'model.json')) && existsSync(HYMENOPTERA);
const STARTER = findStarterModelDir();

beforeAll(async () => {
  await initBackend('wasm');
});

/** The deep block's pooled output for cut activations [n, h*w*c]. */
function blockPooled(model: tf.LayersModel, cutLayer: string, layerB: string, cut: Float32Array, cutShape: number[]): Float32Array {
  const block = readTopBlock(model, cutLayer, layerB);
  const head = initialHead({ mode: 'deep', classes: ['x', 'y'], inputShape: cutShape, topBlock: block, seed: 0 });
  const network = new HeadNetwork(head, false);
  try {
    const rowLength = cutShape.reduce((a, b) => a * b, 1);
    return tf.tidy(() => network.pooled(tf.tensor2d(cut, [cut.length / rowLength, rowLength])).dataSync() as Float32Array);
  } finally {
    network.dispose();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** A small Keras-style trunk: ... → cut → 1x1 conv [→ BN] → activation → GAP (= B). */
function tinyModel(withBatchNorm: boolean, topKernel = 1): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 3] });
  let x = tf.layers.conv2d({ name: 'stem', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'cut', activation: 'linear' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'top_conv', filters: 5, kernelSize: topKernel, padding: 'same', useBias: !withBatchNorm, activation: withBatchNorm ? 'linear' : 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.constant({ value: 0.1 }) }).apply(x) as tf.SymbolicTensor;
  if (withBatchNorm) {
    const bn = tf.layers.batchNormalization({ name: 'top_bn', epsilon: 0.001 });
    x = bn.apply(x) as tf.SymbolicTensor;
    // Non-trivial statistics, as a trained network has.
    tf.tidy(() => bn.setWeights([tf.tensor1d([1.5, 0.5, 2, 0.8, 1.1]), tf.tensor1d([0.2, -0.3, 0.1, 0, 0.5]), tf.tensor1d([0.3, -0.2, 0.5, 0.1, 0]), tf.tensor1d([0.5, 2, 0.1, 1.3, 0.9])]));
    x = tf.layers.reLU({ name: 'top_relu6', maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  }
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: pooled });
}

describe('the pre-trained top block as a channel-axis dense layer', () => {
  for (const withBatchNorm of [true, false]) {
    it(`reproduces layer B from the cut activations (${withBatchNorm ? '1x1 conv + batch norm folded + relu6' : '1x1 conv with bias and relu'})`, () => {
      const model = tinyModel(withBatchNorm);
      const probe = tf.model({ inputs: model.inputs, outputs: [model.getLayer('cut').output as tf.SymbolicTensor, model.getLayer('pooled').output as tf.SymbolicTensor] });
      const [cut, pooled] = tf.tidy(() => (probe.predict(tf.randomUniform([3, 6, 6, 3], -1, 1, 'float32', 5)) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array));
      const block = readTopBlock(model, 'cut', 'pooled');
      expect(block.activation).toBe(withBatchNorm ? 'relu6' : 'relu');
      expect([block.inChannels, block.outChannels]).toEqual([8, 5]);
      const ours = blockPooled(model, 'cut', 'pooled', cut as Float32Array, [6, 6, 8]);
      expect(maxAbsDiff(ours, pooled as Float32Array)).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  it('refuses a block that is not a 1x1 convolution, naming the layer', () => {
    const model = tinyModel(false, 3);
    expect(() => readTopBlock(model, 'cut', 'pooled')).toThrow(/"top_conv" is a Conv2D with kernel \[3,3\].*light training mode/);
    model.dispose();
  });
});

describe.skipIf(!haveMobileNet)(`MobileNet v1 0.25: conv_pw_13 + conv_pw_13_bn folded${haveMobileNet ? '' : ' — SKIPPED: ../shared/models/mobilenet_v1_0.25_224 or ../shared/data/hymenoptera is absent'}`, () => {
  let loaded: TfLoadedModel;
  beforeAll(async () => {
    loaded = await loadModelFolder(MOBILENET);
  });
  afterAll(() => loaded?.dispose());

  it('gives exactly the pre-trained global_average_pooling2d_1 features on real photos before any training', async () => {
    const d = loaded.descriptor;
    expect([d.cutLayer, d.layerB]).toEqual(['conv_dw_13_relu', 'global_average_pooling2d_1']);
    const files = [join(HYMENOPTERA, 'ants', readdirSync(join(HYMENOPTERA, 'ants')).sort()[0]!), join(HYMENOPTERA, 'bees', readdirSync(join(HYMENOPTERA, 'bees')).sort()[0]!)];
    const input = new Float32Array(files.length * 224 * 224 * 3);
    for (const [i, file] of files.entries()) {
      const pixels = await decodeImage(file, { ...d.input, resize: d.resize });
      for (let j = 0; j < pixels.length; j++) input[i * pixels.length + j] = pixels[j]! * d.normalization.scale + d.normalization.offset;
    }
    const [cut, pooled] = tf.tidy(() => {
      const out = loaded.features.model.predict(tf.tensor4d(input, [files.length, 224, 224, 3])) as tf.Tensor[];
      return [out[loaded.features.outputIndex.cut]!.dataSync() as Float32Array, out[loaded.features.outputIndex.b]!.dataSync() as Float32Array];
    });
    const block = readTopBlock(loaded.model, d.cutLayer, d.layerB);
    expect(block).toMatchObject({ inChannels: 256, outChannels: 256, activation: 'relu6' });
    const ours = blockPooled(loaded.model, d.cutLayer, d.layerB, cut!, [7, 7, 256]);
    const scale = pooled!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0.5);
    // float32 rounding of the fold only: ~1e-6 of features that reach several units.
    expect(maxAbsDiff(ours, pooled!)).toBeLessThan(2e-5);
  });
});

describe.skipIf(STARTER === null)(`the starter model: 1x1 conv + relu above the cut${STARTER === null ? ' — SKIPPED: resources/starter/adma-model.json is not built' : ''}`, () => {
  it('reproduces its pooled layer B from the cut activations', async () => {
    const loaded = await loadModelFolder(STARTER as string);
    try {
      const d = loaded.descriptor;
      const block = readTopBlock(loaded.model, d.cutLayer, d.layerB);
      expect(block.activation).toBe('relu');
      const { height, width, channels } = d.input;
      const [cut, pooled] = tf.tidy(() => {
        const x = tf.randomUniform([4, height, width, channels], 0, 255, 'float32', 3).mul(d.normalization.scale).add(d.normalization.offset);
        const out = loaded.features.model.predict(x) as tf.Tensor[];
        return [out[loaded.features.outputIndex.cut]!.dataSync() as Float32Array, out[loaded.features.outputIndex.b]!.dataSync() as Float32Array];
      });
      const ours = blockPooled(loaded.model, d.cutLayer, d.layerB, cut!, loaded.features.shapes.cut as number[]);
      expect(maxAbsDiff(ours, pooled!)).toBeLessThan(1e-5);
    } finally {
      loaded.dispose();
    }
  });
});
