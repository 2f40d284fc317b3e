/** A confusion matrix (rows = true class, columns = predicted) prepared for a table with shaded cells. */
import { wilsonInterval } from '../../src-shared/wilson-interval';

export interface ConfusionCell {
  count: number;
  /** Share of the row (the true class), 0..1; 0 for an empty row. */
  share: number;
  diagonal: boolean;
}

export interface ConfusionRows {
  rows: { total: number; recall: number | null; cells: ConfusionCell[] }[];
  /** Per predicted class (column): right among the images predicted as it; null when none was. */
  precision: (number | null)[];
  /** Per predicted class (column): how many images were predicted as it (precision's denominator). */
  predicted: number[];
  total: number;
  correct: number;
}

export function confusionRows(counts: readonly (readonly number[])[]): ConfusionRows {
  let total = 0;
  let correct = 0;
  const rows = counts.map((row, r) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    total += rowTotal;
    correct += row[r] ?? 0;
    return {
      total: rowTotal,
      recall: rowTotal > 0 ? (row[r] ?? 0) / rowTotal : null,
      cells: row.map((count, c) => ({ count, share: rowTotal > 0 ? count / rowTotal : 0, diagonal: r === c })),
    };
  });
  const predicted = counts.map((_, c) => counts.reduce((sum, row) => sum + (row[c] ?? 0), 0));
  const precision = predicted.map((n, c) => (n > 0 ? (counts[c]?.[c] ?? 0) / n : null));
  return { rows, precision, predicted, total, correct };
}

/**
 * A precision or recall as the dashboard shows it: the share, how many images it rests on, and
 * its 95% interval in words (a class with 3 evaluation images shows "100%" of 3, 44–100%, not
 * a bare 100%).
 */
export function shareOf(correct: number, n: number): { text: string; n: number; interval: string } | null {
  if (n === 0) return null;
  const { low, high } = wilsonInterval(correct, n);
  const pct = (v: number): number => Math.round(v * 100);
  return { text: `${pct(correct / n)}%`, n, interval: `${pct(correct / n)}% of ${n} evaluation image${n === 1 ? '' : 's'}; 95% interval ${pct(low)}–${pct(high)}%` };
}
