/**
 * The method's source-class centres (adma-method.md, "Choices the product fixes", item 3):
 * the centre of source class k is the source instance nearest, at layer B, to the mean of
 * the layer-B vectors of class k's instances. Used by the starter-model build on its
 * training data and by the tests to check the shipped centres.
 */
export interface ClassMeanCentre {
  sourceClass: number;
  /** Index into the input rows of the chosen instance. */
  row: number;
  /** Instances of the class that were considered. */
  classSize: number;
  /** Mean layer-B vector of the class. */
  mean: Float64Array;
  /** Euclidean distance of the chosen instance to the mean. */
  distanceToMean: number;
}

/**
 * `vectorsB` holds one layer-B vector per instance (row-major, `dim` values each) and
 * `labels` the instances' source classes. Ties go to the lowest row. Throws if a class in
 * 0..classes-1 has no instance.
 */
export function sourceCentresByClassMean(
  vectorsB: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  classes: number,
): ClassMeanCentre[] {
  const n = labels.length;
  if (vectorsB.length !== n * dim) throw new RangeError(`Expected ${n} x ${dim} layer-B values, got ${vectorsB.length}.`);
  const sums = Array.from({ length: classes }, () => new Float64Array(dim));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) {
    const k = labels[i] as number;
    const sum = sums[k];
    if (!sum) throw new RangeError(`Label ${k} of row ${i} is outside 0..${classes - 1}.`);
    counts[k] = (counts[k] ?? 0) + 1;
    for (let d = 0; d < dim; d++) sum[d] = (sum[d] as number) + (vectorsB[i * dim + d] as number);
  }
  const means = sums.map((sum, k) => {
    const count = counts[k] ?? 0;
    if (count === 0) throw new RangeError(`Source class ${k} has no instance.`);
    return sum.map((v) => v / count);
  });
  const best = means.map(() => ({ row: -1, distance: Infinity }));
  for (let i = 0; i < n; i++) {
    const k = labels[i] as number;
    const mean = means[k] as Float64Array;
    let sq = 0;
    for (let d = 0; d < dim; d++) {
      const diff = (vectorsB[i * dim + d] as number) - (mean[d] as number);
      sq += diff * diff;
    }
    const current = best[k] as { row: number; distance: number };
    if (sq < current.distance) {
      current.row = i;
      current.distance = sq;
    }
  }
  return means.map((mean, k) => {
    const chosen = best[k] as { row: number; distance: number };
    return { sourceClass: k, row: chosen.row, classSize: counts[k] ?? 0, mean, distanceToMean: Math.sqrt(chosen.distance) };
  });
}
