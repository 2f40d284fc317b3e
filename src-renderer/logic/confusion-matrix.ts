/** A confusion matrix (rows = true class, columns = predicted) prepared for a table with shaded cells. */
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
  const precision = counts.map((_, c) => {
    const predicted = counts.reduce((sum, row) => sum + (row[c] ?? 0), 0);
    return predicted > 0 ? (counts[c]?.[c] ?? 0) / predicted : null;
  });
  return { rows, precision, total, correct };
}
