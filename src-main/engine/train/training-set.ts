/**
 * Labelled feature rows for one round of fine-tuning, as loaded from the feature cache:
 * pooled layer-B vectors (light mode) or cut-layer activations [h, w, c] (deep mode),
 * row-major, one row per labelled image.
 */
export interface TrainingSet {
  /** rows x rowLength values, row-major. */
  features: Float32Array;
  /** Shape of one row: [d] (light) or [h, w, c] (deep). */
  rowShape: number[];
  /** Class index (into the class list) of every row. */
  labels: ArrayLike<number>;
}

/** Number of rows, after checking the arrays agree with each other. */
export function trainingRowCount(set: TrainingSet): number {
  const rowLength = set.rowShape.reduce((a, b) => a * b, 1);
  if (rowLength <= 0 || set.features.length % rowLength !== 0) {
    throw new Error(`Feature array of ${set.features.length} values does not hold whole rows of shape ${JSON.stringify(set.rowShape)}.`);
  }
  const rows = set.features.length / rowLength;
  if (rows !== set.labels.length) throw new Error(`${rows} feature rows but ${set.labels.length} labels.`);
  return rows;
}
