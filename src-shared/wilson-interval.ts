/**
 * The 95% Wilson score interval of `correct` successes out of `n`: the accuracy on the evaluation
 * set (learning curve), a class's precision or recall (the dashboard).
 */
export function wilsonInterval(correct: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = correct / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  // At 0 or n correct the bound is exactly 0 or 1 (the arithmetic gives 0.9999999999999999 for 38
  // of 38, which made a curve level at 100% read as "still improving").
  return { low: correct === 0 ? 0 : Math.max(0, centre - half), high: correct === n ? 1 : Math.min(1, centre + half) };
}

/**
 * An accuracy and its 95% interval as the model card and `adma train` write them: "68.3%" and
 * "95% CI 55.8–78.7%", to one decimal.
 */
export function accuracyWords(accuracy: number, low: number, high: number): { percent: string; interval: string } {
  const pct = (x: number): string => (x * 100).toFixed(1);
  return { percent: `${pct(accuracy)}%`, interval: `95% CI ${pct(low)}–${pct(high)}%` };
}
