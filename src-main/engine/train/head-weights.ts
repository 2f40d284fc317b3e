/**
 * The trainable part of the adapted classifier as plain data (Float32Arrays, no tensors):
 * what fine-tuning produces and warm-starts from, what prediction and export read, and
 * what is stored between rounds. Row-major layouts throughout.
 *
 * - light: softmax(pooledB · dense.kernel + dense.bias) on the pooled layer-B features.
 * - deep: the top block above the cut layer as a dense layer on the channel axis of the
 *   cut activations [h*w, c] (the pre-trained 1x1 conv with its batch norm folded in),
 *   its activation, global average pooling over the h*w positions, then the dense head.
 */
export type TrainingMode = 'light' | 'deep';

/** Activation of the top block, as the source model applies it after its 1x1 conv. */
export type BlockActivation = 'relu' | 'relu6' | 'linear';

export interface DenseWeights {
  /** [inputs, outputs], row-major. */
  kernel: Float32Array;
  /** [outputs]. */
  bias: Float32Array;
}

export interface TopBlockWeights extends DenseWeights {
  /** Channels of the cut activations (the 1x1 conv's input channels). */
  inChannels: number;
  /** Channels the block outputs (= the pooled layer-B length). */
  outChannels: number;
  activation: BlockActivation;
}

export interface HeadWeights {
  mode: TrainingMode;
  /** Target class names, in output order. */
  classes: string[];
  /** Shape of one input row: [d] (light, pooled B) or [h, w, c] (deep, cut activations). */
  inputShape: number[];
  /** Deep mode only. */
  block: TopBlockWeights | null;
  /** [features, classes]: features = d (light) or block.outChannels (deep). */
  dense: DenseWeights;
}

/** Length of one input row. */
export function headInputLength(head: Pick<HeadWeights, 'inputShape'>): number {
  return head.inputShape.reduce((a, b) => a * b, 1);
}

/** Number of features the dense head reads. */
export function denseInputLength(head: HeadWeights): number {
  return head.block ? head.block.outChannels : headInputLength(head);
}
