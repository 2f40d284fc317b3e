/**
 * Pooling of layer activations into the per-image vectors ADMA compares: global average
 * pooling (one value per channel) and 2x2 grid pooling (four cells, each averaged, which
 * keeps coarse spatial layout). Cells follow adaptive pooling: on an odd size the middle
 * row/column belongs to both halves (7 -> rows 0..3 and 3..6).
 */
import * as tf from '@tensorflow/tfjs';

/** [n, h, w, c] -> [n, c]; a [n, c] input is returned as is. */
export function globalAveragePool(x: tf.Tensor): tf.Tensor2D {
  if (x.rank === 2) return x as tf.Tensor2D;
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}

/** [n, h, w, c] -> [n, 4c], cells in row-major order (top-left, top-right, bottom-left, bottom-right), channels last. */
export function gridPool2x2(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const cells: tf.Tensor[] = [];
  for (let row = 0; row < 2; row++) {
    const r0 = Math.floor((row * h) / 2);
    const r1 = Math.ceil(((row + 1) * h) / 2);
    for (let col = 0; col < 2; col++) {
      const c0 = Math.floor((col * w) / 2);
      const c1 = Math.ceil(((col + 1) * w) / 2);
      cells.push(tf.mean(tf.slice(x, [0, r0, c0, 0], [n, r1 - r0, c1 - c0, c]), [1, 2]));
    }
  }
  return tf.concat(cells, 1) as tf.Tensor2D;
}
