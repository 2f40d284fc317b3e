/**
 * Class-balanced loss weights: each class weighs the inverse of its label frequency, scaled
 * so the weights average 1 over the labelled examples (the loss keeps its usual size):
 *   w_c = n / (C_present * n_c)
 * where C_present is the number of classes with at least one label. Classes without labels
 * get weight 0 (they have no examples to weigh).
 */
export function inverseFrequencyClassWeights(labels: ArrayLike<number>, classCount: number): Float32Array {
  const counts = new Float64Array(classCount);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= classCount) throw new Error(`Label ${label} at row ${i} is not a class index in [0, ${classCount}).`);
    counts[label] = (counts[label] as number) + 1;
  }
  const present = counts.reduce((k, c) => (c > 0 ? k + 1 : k), 0);
  const weights = new Float32Array(classCount);
  for (let c = 0; c < classCount; c++) {
    const count = counts[c] as number;
    weights[c] = count > 0 ? labels.length / (present * count) : 0;
  }
  return weights;
}
