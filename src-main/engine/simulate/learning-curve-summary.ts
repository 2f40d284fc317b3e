/**
 * The numbers a simulation is judged by, per strategy over seeds (mean ± sample std):
 * - ALC: area under the learning curve (test accuracy against labels used, trapezoids from
 *   the first to the last round) divided by the label span, so it lies in [0, 1];
 * - labels to reach `fraction` (95%) of the seed's reference accuracy (every pool label),
 *   the first round's label count that gets there, per seed; reported as the median over
 *   seeds (a seed that never gets there counts as beyond the budget) with the count;
 * - classes discovered: classes with at least one label after 10, 20 and 50 labels;
 * - final accuracy, and the mean wall time per round.
 */
import type { StrategyName } from '../adma/query-strategy';
import type { ReferenceRecord, RoundRecord } from './simulation-records';

export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

export interface StrategySummary {
  strategy: StrategyName;
  alc: MeanStd;
  finalAccuracy: MeanStd;
  /** Over the seeds that reached the target. */
  labelsToTarget: MeanStd;
  /** Per seed (in `seedList` order): labels to reach the target, null where it was not reached. */
  labelsToTargetBySeed: (number | null)[];
  seedList: number[];
  /**
   * Classes with at least one label after 10, 20 and 50 labels (mean over seeds; NaN where
   * the run did not get that far).
   */
  classesDiscovered: { labels: number; mean: number }[];
  /** Seeds that reached the target within the rounds run, out of `seeds`. */
  reached: number;
  seeds: number;
  millisPerRound: MeanStd;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

/** Normalised area under accuracy-vs-labels; a one-point curve's area is its accuracy. */
export function areaUnderLearningCurve(points: readonly { labels: number; testAccuracy: number }[]): number {
  if (points.length === 0) return Number.NaN;
  if (points.length === 1) return (points[0] as { testAccuracy: number }).testAccuracy;
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as { labels: number; testAccuracy: number };
    const b = points[i] as { labels: number; testAccuracy: number };
    area += ((a.testAccuracy + b.testAccuracy) / 2) * (b.labels - a.labels);
  }
  const span = (points[points.length - 1] as { labels: number }).labels - (points[0] as { labels: number }).labels;
  return span > 0 ? area / span : (points[0] as { testAccuracy: number }).testAccuracy;
}

/** Labels of the first point at or above `target`; null when none is. */
export function labelsToReach(points: readonly { labels: number; testAccuracy: number }[], target: number): number | null {
  for (const point of points) if (point.testAccuracy >= target) return point.labels;
  return null;
}

/** Label counts at which class discovery is reported. */
export const DISCOVERY_POINTS = [10, 20, 50] as const;

/**
 * Median of labels-to-target over all seeds, a seed that never reached it counting as more
 * than the budget: null when at most half the seeds reached it.
 */
export function medianLabelsToTarget(bySeed: readonly (number | null)[]): number | null {
  const values = bySeed.map((v) => (v === null ? Infinity : v)).sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = values.length / 2;
  const median = values.length % 2 === 1 ? (values[Math.floor(mid)] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
  return Number.isFinite(median) ? median : null;
}

/**
 * Labels to the target in words: the median with how many seeds reached it and the per-seed
 * values ("80 (5/5: 60, 70, 80, 90, 120)"; "> 200 (1/5: 120, –, –, –, –)").
 */
export function formatLabelsToTarget(s: Pick<StrategySummary, 'labelsToTargetBySeed' | 'reached' | 'seeds'>, budget: number): string {
  const median = medianLabelsToTarget(s.labelsToTargetBySeed);
  const perSeed = s.labelsToTargetBySeed.map((v) => (v === null ? '–' : String(v))).join(', ');
  return `${median === null ? `> ${budget}` : String(Math.round(median))} (${s.reached}/${s.seeds}: ${perSeed})`;
}

export function summariseStrategies(records: readonly RoundRecord[], references: readonly ReferenceRecord[], fraction = 0.95): StrategySummary[] {
  const strategies = [...new Set(records.map((r) => r.strategy))];
  const referenceBySeed = new Map(references.map((r) => [r.seed, r.testAccuracy]));
  return strategies.map((strategy) => {
    const mine = records.filter((r) => r.strategy === strategy);
    const seeds = [...new Set(mine.map((r) => r.seed))];
    const alc: number[] = [];
    const final: number[] = [];
    const toTarget: number[] = [];
    const bySeed: (number | null)[] = [];
    const discovered = DISCOVERY_POINTS.map(() => [] as number[]);
    for (const seed of seeds) {
      const curve = mine.filter((r) => r.seed === seed).sort((a, b) => a.round - b.round);
      alc.push(areaUnderLearningCurve(curve));
      final.push((curve[curve.length - 1] as RoundRecord).testAccuracy);
      const reference = referenceBySeed.get(seed);
      const reached = reference === undefined ? null : labelsToReach(curve, fraction * reference);
      if (reached !== null) toTarget.push(reached);
      bySeed.push(reached);
      DISCOVERY_POINTS.forEach((labels, k) => {
        const at = curve.find((r) => r.labels >= labels);
        if (at) discovered[k]?.push(at.classesSeen);
      });
    }
    return {
      strategy,
      alc: meanStd(alc),
      finalAccuracy: meanStd(final),
      labelsToTarget: meanStd(toTarget),
      labelsToTargetBySeed: bySeed,
      seedList: seeds,
      classesDiscovered: DISCOVERY_POINTS.map((labels, k) => ({ labels, mean: meanStd(discovered[k] ?? []).mean })),
      reached: toTarget.length,
      seeds: seeds.length,
      millisPerRound: meanStd(mine.map((r) => r.millis)),
    };
  });
}
