/**
 * Pool prediction on ONNX Runtime: the adapted head (a Dense softmax layer; deep mode: the
 * top block on the channel axis of the cut activations, its activation and global average
 * pooling, then the Dense softmax layer) as a small ONNX graph over the cached features.
 * `predictPool` uses it when the active backend infers with ONNX Runtime, else TF.js
 * (`predictProbabilities`); both give the same probabilities (tested).
 */
import { activeBackend, activeOnnxRuntime } from '../backend';
import type { HeadWeights } from '../train/head-weights';
import { headInputLength } from '../train/head-weights';
import { predictProbabilities } from '../train/predict-probabilities';
import { batchedValue, encodeModel, floatTensor, int64Tensor, node, type NodeProto, type TensorProto } from './onnx-proto';
import { createSession, type OrtModule } from './onnx-runtime';

/** The head as an ONNX graph: input `features` [n, row length], output `probabilities` [n, C]. */
export function headGraph(head: HeadWeights): Uint8Array {
  const classCount = head.classes.length;
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let x = 'features';
  if (head.block) {
    const { inChannels, outChannels, activation, kernel, bias } = head.block;
    initializers.push(int64Tensor('cut_positions', [0, -1, inChannels]), floatTensor('block_W', [inChannels, outChannels], kernel), floatTensor('block_B', [outChannels], bias));
    nodes.push(node('Reshape', [x, 'cut_positions'], ['positions'], 'positions'), node('MatMul', ['positions', 'block_W'], ['block_mm'], 'block_mm'), node('Add', ['block_mm', 'block_B'], ['block_z'], 'block_z'));
    x = 'block_z';
    if (activation === 'relu') {
      nodes.push(node('Relu', [x], ['block_a'], 'block_a'));
      x = 'block_a';
    } else if (activation === 'relu6') {
      initializers.push(floatTensor('zero', [], Float32Array.of(0)), floatTensor('six', [], Float32Array.of(6)));
      nodes.push(node('Clip', [x, 'zero', 'six'], ['block_a'], 'block_a'));
      x = 'block_a';
    }
    nodes.push(node('ReduceMean', [x], ['pooled'], 'pooled', { axes: [1], keepdims: 0 }));
    x = 'pooled';
  }
  const inputs = head.dense.kernel.length / classCount;
  initializers.push(floatTensor('dense_W', [inputs, classCount], head.dense.kernel), floatTensor('dense_B', [classCount], head.dense.bias));
  nodes.push(node('MatMul', [x, 'dense_W'], ['logits_mm'], 'logits_mm'), node('Add', ['logits_mm', 'dense_B'], ['logits'], 'logits'), node('Softmax', ['logits'], ['probabilities'], 'softmax', { axis: -1 }));
  return encodeModel({
    name: 'adma-head',
    nodes,
    initializers,
    inputs: [batchedValue('features', [headInputLength(head)])],
    outputs: [batchedValue('probabilities', [classCount])],
  });
}

/** rows x C probabilities on ONNX Runtime, in chunks so deep-mode inputs stay bounded. */
export async function predictOnOnnx(ort: OrtModule, head: HeadWeights, features: Float32Array, threads: number): Promise<Float32Array> {
  const rowLength = headInputLength(head);
  if (features.length % rowLength !== 0) throw new Error(`Feature array of ${features.length} values does not hold whole rows of shape ${JSON.stringify(head.inputShape)}.`);
  const rows = features.length / rowLength;
  const classCount = head.classes.length;
  const out = new Float32Array(rows * classCount);
  if (rows === 0) return out;
  const session = await createSession(ort, headGraph(head), threads);
  try {
    const chunk = head.block ? 256 : 4096;
    for (let start = 0; start < rows; start += chunk) {
      const end = Math.min(rows, start + chunk);
      const input = new ort.Tensor('float32', features.subarray(start * rowLength, end * rowLength), [end - start, rowLength]);
      const result = await session.run({ features: input });
      out.set(result.probabilities?.data as Float32Array, start * classCount);
    }
  } finally {
    await session.release();
  }
  return out;
}

/** Pool prediction on the active inference runtime. */
export async function predictPool(head: HeadWeights, features: Float32Array): Promise<Float32Array> {
  const ort = activeOnnxRuntime();
  if (!ort) return predictProbabilities(head, features);
  return predictOnOnnx(ort, head, features, activeBackend()?.inference.threads ?? 1);
}
