/**
 * Kendall's tau-b rank correlation with ties, by Knight's O(n log n) algorithm
 * (W. R. Knight, "A computer method for calculating Kendall's tau with ungrouped data",
 * JASA 1966): sort the pairs by (x, y), count the discordant pairs as the exchanges a merge
 * sort by y performs, and correct for ties:
 *
 *   tau_b = (n0 - n1 - n2 + n3 - 2 * exchanges) / sqrt((n0 - n1) * (n0 - n2))
 *
 * with n0 = n(n-1)/2 pairs, n1 pairs tied in x, n2 pairs tied in y, n3 pairs tied in both.
 * It equals scipy.stats.kendalltau(x, y) (variant 'b').
 *
 * Degenerate inputs: when x or y is entirely tied (including n < 2) there is no ordering to
 * agree or disagree with and tau-b's denominator is zero (scipy returns NaN). This function
 * returns 0 there: no evidence either way, which makes the distinctiveness D = (1 - tau)/2
 * exactly 0.5, the neutral middle of its range. NaN values are rejected with a RangeError.
 */

/** Reusable scratch arrays, so scoring a whole pool allocates once per vector length. */
export class KendallTauBWorkspace {
  private order = new Int32Array(0);
  private buffer = new Int32Array(0);

  /** tau-b of x and y (same length). */
  compute(x: ArrayLike<number>, y: ArrayLike<number>): number {
    const n = x.length;
    if (y.length !== n) throw new RangeError(`Kendall's tau needs two vectors of one length; got ${n} and ${y.length}.`);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(x[i] as number) || Number.isNaN(y[i] as number)) {
        throw new RangeError(`Kendall's tau is undefined for NaN values (at index ${i}).`);
      }
    }
    if (n < 2) return 0;
    if (this.order.length < n) {
      this.order = new Int32Array(n);
      this.buffer = new Int32Array(n);
    }
    const order = this.order.subarray(0, n);
    const buffer = this.buffer.subarray(0, n);
    for (let i = 0; i < n; i++) order[i] = i;

    // Lexicographic sort by (x, y).
    mergeSort(order, buffer, (a, b) => {
      const xa = x[a] as number;
      const xb = x[b] as number;
      if (xa !== xb) return xa < xb ? -1 : 1;
      const ya = y[a] as number;
      const yb = y[b] as number;
      return ya < yb ? -1 : ya > yb ? 1 : 0;
    });

    let tiedX = 0;
    let tiedXY = 0;
    let runX = 1;
    let runXY = 1;
    for (let i = 1; i < n; i++) {
      const prev = order[i - 1] as number;
      const cur = order[i] as number;
      if (x[cur] === x[prev]) {
        runX++;
        if (y[cur] === y[prev]) {
          runXY++;
        } else {
          tiedXY += (runXY * (runXY - 1)) / 2;
          runXY = 1;
        }
      } else {
        tiedX += (runX * (runX - 1)) / 2;
        tiedXY += (runXY * (runXY - 1)) / 2;
        runX = 1;
        runXY = 1;
      }
    }
    tiedX += (runX * (runX - 1)) / 2;
    tiedXY += (runXY * (runXY - 1)) / 2;

    // Sort by y alone; every exchange of a strictly greater y is one discordant pair.
    const exchanges = countingMergeSortByY(order, buffer, y);

    let tiedY = 0;
    let runY = 1;
    for (let i = 1; i < n; i++) {
      if (y[order[i] as number] === y[order[i - 1] as number]) {
        runY++;
      } else {
        tiedY += (runY * (runY - 1)) / 2;
        runY = 1;
      }
    }
    tiedY += (runY * (runY - 1)) / 2;

    const pairs = (n * (n - 1)) / 2;
    const untiedX = pairs - tiedX;
    const untiedY = pairs - tiedY;
    if (untiedX === 0 || untiedY === 0) return 0;
    const concordantMinusDiscordant = pairs - tiedX - tiedY + tiedXY - 2 * exchanges;
    // One square root of an exact integer product: tau is exactly +-1 for identical orders.
    return concordantMinusDiscordant / Math.sqrt(untiedX * untiedY);
  }
}

const sharedWorkspace = new KendallTauBWorkspace();

/** Kendall's tau-b of x and y (same length); 0 when either is entirely tied. */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return sharedWorkspace.compute(x, y);
}

/** Stable bottom-up merge sort of indices with a comparator. */
function mergeSort(items: Int32Array, buffer: Int32Array, compare: (a: number, b: number) => number): void {
  const n = items.length;
  let src = items;
  let dst = buffer;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (compare(src[j] as number, src[i] as number) < 0) dst[k++] = src[j++] as number;
        else dst[k++] = src[i++] as number;
      }
      while (i < mid) dst[k++] = src[i++] as number;
      while (j < hi) dst[k++] = src[j++] as number;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  if (src !== items) items.set(src);
}

/** Stable merge sort of indices by y, returning the number of strict inversions removed. */
function countingMergeSortByY(items: Int32Array, buffer: Int32Array, y: ArrayLike<number>): number {
  const n = items.length;
  let src = items;
  let dst = buffer;
  let exchanges = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if ((y[src[j] as number] as number) < (y[src[i] as number] as number)) {
          exchanges += mid - i;
          dst[k++] = src[j++] as number;
        } else {
          dst[k++] = src[i++] as number;
        }
      }
      while (i < mid) dst[k++] = src[i++] as number;
      while (j < hi) dst[k++] = src[j++] as number;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  if (src !== items) items.set(src);
  return exchanges;
}
