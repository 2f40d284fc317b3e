/**
 * A dense row-major matrix of numbers: one row per image (or per centre), one column per
 * feature, source class or target class. Pooled layer features arrive as Float32Array from
 * the feature cache; reference data and derived values may be Float64Array.
 */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows * cols values, row i at [i * cols, (i + 1) * cols). */
  readonly data: Float32Array | Float64Array;
}

/** Wrap row-major data, checking that its length matches the shape. */
export function createFeatureMatrix(data: Float32Array | Float64Array, rows: number, cols: number): FeatureMatrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`A feature matrix needs a whole, non-negative shape; got ${rows} x ${cols}.`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`A ${rows} x ${cols} feature matrix needs ${rows * cols} values; got ${data.length}.`);
  }
  return { rows, cols, data };
}

/** Copy nested arrays (all rows the same length) into a Float64Array-backed matrix. */
export function featureMatrixFromRows(rows: readonly (readonly number[])[], cols?: number): FeatureMatrix {
  const width = cols ?? rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new RangeError(`Row ${i} has ${row.length} values; every row needs ${width}.`);
    }
    data.set(row, i * width);
  });
  return { rows: rows.length, cols: width, data };
}
