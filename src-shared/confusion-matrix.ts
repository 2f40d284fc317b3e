/**
 * A confusion matrix (rows = true class, columns = predicted) prepared for a table: the
 * dashboard's shaded one and the exported model card's per-class section
 * (engine/export/class-evaluation-card.ts), so both state the same precision and recall.
 */
import { wilsonInterval } from './wilson-interval';

/**
 * Fewer evaluation images than this under a precision or recall, and its figure is unreliable:
 * the dashboard makes its count stand out, the model card warns of the class (even 9 of 9 right
 * leaves a 95% interval reaching down to 70%).
 */
export const FEW_EVALUATION_IMAGES = 10;

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

/** A precision or recall: the share in whole percent, `correct` of the `n` images it rests on, its 95% interval. */
export interface Share {
  text: string;
  correct: number;
  n: number;
  /** The 95% Wilson interval in whole percent, "2–47%". */
  range: string;
  /** All of it in words (the dashboard's tooltip). */
  interval: string;
}

/**
 * A precision or recall as the dashboard and the model card show it: the share, how many images
 * it rests on, and its 95% interval in words (a class with 3 evaluation images shows "100%" of
 * 3, 44–100%, not a bare 100%).
 */
export function shareOf(correct: number, n: number): Share | null {
  if (n === 0) return null;
  const { low, high } = wilsonInterval(correct, n);
  const pct = (v: number): number => Math.round(v * 100);
  const text = `${pct(correct / n)}%`;
  const range = `${pct(low)}–${pct(high)}%`;
  return { text, correct, n, range, interval: `${text} of ${n} evaluation image${n === 1 ? '' : 's'}; 95% interval ${range}` };
}
