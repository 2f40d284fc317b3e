/**
 * Confident learning's own filter, measured against the app's suspect queue and not adopted
 * (bench/README.md, "Suspect labels and calibration"): on the blood cells and hymenoptera it
 * lists 25–46% fewer correct labels, but holds fewer of the wrong ones (at 130 blood-cell labels
 * with 7 flipped, 69% of them against 89%), and listing its flags first lowers precision at k.
 * The app lists the argmax rule's queue by self-confidence (suspect-labels.ts); this stays for
 * the noise experiment (label-noise-experiment.ts) that re-measures the comparison.
 */
import { argmaxAt } from './suspect-labels';

/**
 * Rounds each row of a matrix to integers whose sum is the row's sum rounded (cleanlab's
 * `round_preserving_row_totals`): round half to even, then move by one the entries rounded
 * furthest the other way (largest remainder), ties by column, until the total matches.
 */
export function roundPreservingRowTotals(matrix: readonly number[][]): number[][] {
  return matrix.map((row) => {
    const ints = row.map(roundHalfEven);
    const target = roundHalfEven(row.reduce((a, b) => a + b, 0));
    const missing = target - ints.reduce((a, b) => a + b, 0);
    const step = Math.sign(missing);
    // Short of the total: raise those rounded down the most; over it: lower those rounded up the most.
    const order = row.map((_, j) => j).sort((a, b) => step * ((row[b] as number) - (ints[b] as number) - ((row[a] as number) - (ints[a] as number))) || a - b);
    for (let m = 0; m < Math.abs(missing); m++) {
      const j = order[m % row.length] as number;
      ints[j] = (ints[j] as number) + step;
    }
    return ints;
  });
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Confident learning's label issues (Northcutt, Jiang, Chuang, JAIR 2021, §2–3; cleanlab's
 * default `filter.find_label_issues`, "prune by noise rate", one example kept per class):
 *
 * 1. Per class k, the threshold t_k is the mean out-of-fold probability of k over the rows
 *    given k (how sure the model is of a class's own images).
 * 2. The confident joint C[given][guess] counts each row by its given label and the class it
 *    confidently belongs to: among the classes whose probability reaches their threshold, the
 *    one (or, with several, the argmax of all probabilities); rows reaching no threshold are
 *    not counted. The diagonal is raised to at least 1.
 * 3. C is calibrated so that each row sums to the number of images given that label, and
 *    rounded preserving those totals: C[i][j], i != j, estimates how many images given i are j.
 * 4. For each such off-diagonal count n, the n images given i with the largest
 *    p_j - p_i are flagged; at least one image of each class is kept, and a class with a
 *    single image is not pruned.
 * 5. An image whose out-of-fold argmax is its given label is never flagged.
 *
 * So the number flagged follows the estimated number of wrong labels, not the model's own error
 * rate: a model that is often wrong (few labels, weak features) has low thresholds and a joint
 * whose off-diagonal is its confusion among look-alike classes, and flags the images it is
 * surest about. The argmax rule (suspectQueue) is cleanlab's "predicted_neq_given" baseline.
 *
 * `labels` and `judged` per row, `probabilities` rows x c (out-of-fold). Returns the flagged rows.
 */
export function confidentLearningIssues(labels: ArrayLike<number>, probabilities: ArrayLike<number>, c: number, judged: ArrayLike<number>): Set<number> {
  const p = (row: number, k: number): number => probabilities[row * c + k] as number;
  const byClass: number[][] = Array.from({ length: c }, () => []);
  for (let i = 0; i < labels.length; i++) if (judged[i]) byClass[labels[i] as number]?.push(i);
  const thresholds = byClass.map((rows, k) => (rows.length > 0 ? rows.reduce((s, i) => s + p(i, k), 0) / rows.length : Infinity));
  const joint: number[][] = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  byClass.forEach((rows, given) => {
    for (const i of rows) {
      let confident = -1;
      let count = 0;
      for (let k = 0; k < c; k++) {
        if (p(i, k) >= (thresholds[k] as number) - 1e-6) {
          if (confident < 0) confident = k;
          count++;
        }
      }
      if (count > 0) (joint[given] as number[])[count > 1 ? argmaxAt(probabilities, i, c) : confident]! += 1;
    }
  });
  for (let k = 0; k < c; k++) (joint[k] as number[])[k] = Math.max(1, (joint[k] as number[])[k] as number);
  const calibrated = roundPreservingRowTotals(
    joint.map((row, given) => {
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((v) => (v / total) * (byClass[given] as number[]).length);
    }),
  );
  // At least one image per class is kept: a diagonal rounded to 0 is raised to 1, taken evenly
  // from the row's non-zero off-diagonal counts (cleanlab's _keep_at_least_n_per_class).
  calibrated.forEach((row, given) => {
    const diff = 1 - (row[given] as number);
    if (diff <= 0) return;
    const nonZero = Math.max(1, row.filter((v, j) => j !== given && v > 0).length);
    const lowered = row.map((v, j) => (j === given ? 1 : Math.max(0, v - diff / nonZero)));
    calibrated[given] = roundPreservingRowTotals([lowered])[0] as number[];
  });
  const flagged = new Set<number>();
  byClass.forEach((rows, given) => {
    if (rows.length <= 1) return;
    for (let j = 0; j < c; j++) {
      const n = (calibrated[given] as number[])[j] as number;
      if (j === given || n <= 0) continue;
      const byMargin = [...rows].sort((a, b) => p(b, j) - p(b, given) - (p(a, j) - p(a, given)) || a - b);
      for (const i of byMargin.slice(0, n)) flagged.add(i);
    }
  });
  for (const i of [...flagged]) if (argmaxAt(probabilities, i, c) === labels[i]) flagged.delete(i);
  return flagged;
}
