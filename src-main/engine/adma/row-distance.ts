import type { FeatureMatrix } from './feature-matrix';

/**
 * Squared Euclidean distance between row i of `a` and row j of `b` (same column count).
 * Four independent accumulators let the JIT pipeline the loop: about twice as fast as a
 * single running sum on 128- to 768-wide pooled features. With a `limit`, the sum is given up
 * once its partial value (checked every 16 columns; the partial sum only grows) is past it, and
 * that partial value, larger than `limit`, is returned: whether the distance is past a bound,
 * for most pairs of a pool without reading every column (near-duplicates.ts). A sum not given
 * up is the same number as without a limit.
 */
export function squaredRowDistance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number, limit = Infinity): number {
  const cols = a.cols;
  const da = a.data;
  const db = b.data;
  const oa = i * cols;
  const ob = j * cols;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < cols; c += 4) {
    const d0 = (da[oa + c] as number) - (db[ob + c] as number);
    const d1 = (da[oa + c + 1] as number) - (db[ob + c + 1] as number);
    const d2 = (da[oa + c + 2] as number) - (db[ob + c + 2] as number);
    const d3 = (da[oa + c + 3] as number) - (db[ob + c + 3] as number);
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
    if ((c & 15) === 12 && s0 + s1 + (s2 + s3) > limit) return s0 + s1 + (s2 + s3);
  }
  for (; c < cols; c++) {
    const d = (da[oa + c] as number) - (db[ob + c] as number);
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

/** Euclidean distance between row i of `a` and row j of `b` (same column count). */
export function rowDistance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  return Math.sqrt(squaredRowDistance(a, i, b, j));
}

/**
 * Squared distance between row i of `a` and row j of `b`, summed over the columns in order with
 * one accumulator: the arithmetic squaredDistancesFromRow and the core-set kernel use for every
 * pair, whatever the tiling, so their values agree to the bit (squaredRowDistance's four
 * accumulators may differ in the last bits).
 */
export function squaredRowDistanceInOrder(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  const x = a.data;
  const y = b.data;
  const d = a.cols;
  const oa = i * d;
  const ob = j * d;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = (x[oa + k] as number) - (y[ob + k] as number);
    s += t * t;
  }
  return s;
}

/**
 * Squared distances from row i of `a` to rows of `b` (the rows listed in `rows`, or every row
 * when null), into `out`: out[j] for the j-th of them. One row against four at a time, so
 * every load of row i serves four pairs (about 1.5 times faster than pair by pair); each pair's
 * value is exactly squaredRowDistanceInOrder's.
 */
export function squaredDistancesFromRow(a: FeatureMatrix, i: number, b: FeatureMatrix, rows: ArrayLike<number> | null, out: Float64Array): Float64Array {
  const x = a.data;
  const y = b.data;
  const d = a.cols;
  const o = i * d;
  const m = rows ? rows.length : b.rows;
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const c0 = (rows ? (rows[j] as number) : j) * d;
    const c1 = (rows ? (rows[j + 1] as number) : j + 1) * d;
    const c2 = (rows ? (rows[j + 2] as number) : j + 2) * d;
    const c3 = (rows ? (rows[j + 3] as number) : j + 3) * d;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let k = 0; k < d; k++) {
      const v = x[o + k] as number;
      let t = v - (y[c0 + k] as number);
      a0 += t * t;
      t = v - (y[c1 + k] as number);
      a1 += t * t;
      t = v - (y[c2 + k] as number);
      a2 += t * t;
      t = v - (y[c3 + k] as number);
      a3 += t * t;
    }
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
  }
  for (; j < m; j++) out[j] = squaredRowDistanceInOrder(a, i, b, rows ? (rows[j] as number) : j);
  return out;
}

/** Euclidean distance from row i of `a` to every row of `b`, into `out` (length b.rows). */
export function rowDistancesTo(a: FeatureMatrix, i: number, b: FeatureMatrix, out: Float64Array): Float64Array {
  squaredDistancesFromRow(a, i, b, null, out);
  for (let j = 0; j < b.rows; j++) out[j] = Math.sqrt(out[j] as number);
  return out;
}
