/**
 * Class probabilities of the adapted classifier for every pool image, from cached features
 * (pooled layer B in light mode, cut activations in deep mode) in one batched pass. Each
 * batch runs inside tf.tidy, so no tensor outlives the call.
 */
import * as tf from '@tensorflow/tfjs';
import { HeadNetwork } from './head-network';
import { headInputLength, type HeadWeights } from './head-weights';

export interface PredictOptions {
  /** Rows per forward pass; default 512 (light) or 128 (deep). */
  batchSize?: number;
}

/** Returns rows x C probabilities, row-major, in the order of `features`' rows. */
export function predictProbabilities(head: HeadWeights, features: Float32Array, options: PredictOptions = {}): Float32Array {
  const rowLength = headInputLength(head);
  if (features.length % rowLength !== 0) {
    throw new Error(`Feature array of ${features.length} values does not hold whole rows of shape ${JSON.stringify(head.inputShape)}.`);
  }
  const rows = features.length / rowLength;
  const classCount = head.classes.length;
  const batchSize = Math.max(1, options.batchSize ?? (head.block ? 128 : 512));
  const out = new Float32Array(rows * classCount);
  const network = new HeadNetwork(head, false);
  try {
    for (let start = 0; start < rows; start += batchSize) {
      const end = Math.min(rows, start + batchSize);
      const probabilities = tf.tidy(() => {
        const x = tf.tensor2d(features.subarray(start * rowLength, end * rowLength), [end - start, rowLength]);
        return tf.softmax(network.logits(x)).dataSync();
      });
      out.set(probabilities, start * classCount);
    }
  } finally {
    network.dispose();
  }
  return out;
}
