/** The light head's logits (pooled layer B · dense kernel + bias) of the given pool rows, rows x c, Float64. */
import type { HeadInputs } from '../../src-main/engine/loop/train-on-pool';
import type { HeadWeights } from '../../src-main/engine/train/head-weights';

export function lightHeadLogits(inputs: HeadInputs, head: HeadWeights, rows: readonly number[], c: number): Float64Array {
  const d = inputs.rowShape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(rows.length * c);
  rows.forEach((row, j) => {
    for (let k = 0; k < c; k++) {
      let z = head.dense.bias[k] as number;
      for (let q = 0; q < d; q++) z += (inputs.data[row * d + q] as number) * (head.dense.kernel[q * c + k] as number);
      out[j * c + k] = z;
    }
  });
  return out;
}
