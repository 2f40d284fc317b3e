/**
 * The head as TF.js variables and a forward pass to logits, used for training and for
 * batched prediction. Only ops with gradient kernels on every backend (matMul, add, relu,
 * relu6, mean, reshape): the deep block is a dense layer on the channel axis, not a conv.
 */
import * as tf from '@tensorflow/tfjs';
import { headInputLength, type HeadWeights } from './head-weights';

export class HeadNetwork {
  readonly head: HeadWeights;
  private readonly blockKernel: tf.Variable | null;
  private readonly blockBias: tf.Variable | null;
  private readonly denseKernel: tf.Variable;
  private readonly denseBias: tf.Variable;

  /** Variables are trainable when `trainable` is true (gradients flow to them). */
  constructor(head: HeadWeights, trainable: boolean) {
    this.head = head;
    const classCount = head.classes.length;
    const block = head.block;
    // tf.variable keeps its own reference to the initial tensor's data: create that tensor
    // inside tidy so it is released and only the variable remains.
    const variable = (values: Float32Array, shape: number[]): tf.Variable => tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable));
    this.blockKernel = block ? variable(block.kernel, [block.inChannels, block.outChannels]) : null;
    this.blockBias = block ? variable(block.bias, [block.outChannels]) : null;
    const features = block ? block.outChannels : headInputLength(head);
    this.denseKernel = variable(head.dense.kernel, [features, classCount]);
    this.denseBias = variable(head.dense.bias, [classCount]);
  }

  /** All variables: the block's (deep mode) and the dense head's. */
  variables(): tf.Variable[] {
    return [...this.blockVariables(), this.denseKernel, this.denseBias];
  }

  /** The pre-trained block's variables (empty in light mode). */
  blockVariables(): tf.Variable[] {
    return [this.blockKernel, this.blockBias].filter((v): v is tf.Variable => v !== null);
  }

  /** The dense kernel (for weight decay). */
  get kernel(): tf.Variable {
    return this.denseKernel;
  }

  /** Sum of squares of the dense kernel (the weight-decay term without its factor). */
  kernelSquaredSum(): number {
    return tf.tidy(() => tf.sum(tf.square(this.denseKernel)).dataSync()[0] as number);
  }

  /** Pooled features entering the dense head: x is [n, d] (light) or [n, h*w*c] (deep). */
  pooled(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const block = this.head.block;
      if (!block || !this.blockKernel || !this.blockBias) return x;
      const n = x.shape[0];
      const positions = x.shape[1] / block.inChannels;
      const z = tf.add(tf.matMul(tf.reshape(x, [n * positions, block.inChannels]), this.blockKernel), this.blockBias);
      const a = block.activation === 'relu6' ? tf.relu6(z) : block.activation === 'relu' ? tf.relu(z) : z;
      return tf.mean(tf.reshape(a, [n, positions, block.outChannels]), 1) as tf.Tensor2D;
    });
  }

  /** Unnormalised class scores [n, C]. */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(this.pooled(x), this.denseKernel), this.denseBias));
  }

  /** The current values as plain data. */
  read(): HeadWeights {
    const block = this.head.block;
    return {
      ...this.head,
      classes: [...this.head.classes],
      inputShape: [...this.head.inputShape],
      block:
        block && this.blockKernel && this.blockBias
          ? { ...block, kernel: Float32Array.from(this.blockKernel.dataSync()), bias: Float32Array.from(this.blockBias.dataSync()) }
          : null,
      dense: { kernel: Float32Array.from(this.denseKernel.dataSync()), bias: Float32Array.from(this.denseBias.dataSync()) },
    };
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
