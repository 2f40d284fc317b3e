import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '../../../src-main/engine/adma/query-strategy';
import {
  areaUnderLearningCurve,
  formatLabelsToTarget,
  labelsToReach,
  meanStd,
  medianLabelsToTarget,
  summariseStrategies,
} from '../../../src-main/engine/simulate/learning-curve-summary';
import { curveSeries, learningCurveSvg, legendNames, strategyColour } from '../../../src-main/engine/simulate/learning-curve-svg';
import type { ReferenceRecord, RoundRecord } from '../../../src-main/engine/simulate/simulation-records';
import { averageRanks, spearmanCorrelation } from '../../../src-main/engine/simulate/spearman-correlation';
import { stratifiedTestSplit } from '../../../src-main/engine/simulate/stratified-split';
import { formatScheduleSpec, parseScheduleSpec } from '../../../src-main/engine/simulate/tradeoff-schedule-spec';

function round(strategy: RoundRecord['strategy'], seed: number, t: number, accuracy: number): RoundRecord {
  return { strategy, seed, round: t, labels: 10 * (t + 1), testAccuracy: accuracy, millis: 5, selectMillis: 1, trainMillis: 4, lambda: null, queried: [], batchClassCounts: [5, 5], batchMeanDistanceB: 1, batchMeanDistinctiveness: 0.5, classesSeen: 2, epochs: 3 };
}

function reference(seed: number, accuracy: number): ReferenceRecord {
  return { seed, poolSize: 100, testSize: 40, testAccuracy: accuracy, millis: 1, spearmanDistinctivenessVsError: 0.1, meanDistinctivenessOfErrors: 0.3, meanDistinctivenessOfCorrect: 0.2, poolMeanDistanceB: 2, centres: { origin: 'source-data', count: 10 } };
}

describe('learning-curve summary', () => {
  it('normalises the area under the curve by the label span', () => {
    expect(areaUnderLearningCurve([{ labels: 10, testAccuracy: 0.5 }, { labels: 20, testAccuracy: 1 }])).toBeCloseTo(0.75, 12);
    expect(areaUnderLearningCurve([{ labels: 10, testAccuracy: 0.6 }, { labels: 20, testAccuracy: 0.6 }, { labels: 30, testAccuracy: 0.6 }])).toBeCloseTo(0.6, 12);
    expect(areaUnderLearningCurve([{ labels: 4, testAccuracy: 0.3 }])).toBe(0.3);
  });

  it('finds the first label count at or above the target, or none', () => {
    const curve = [{ labels: 10, testAccuracy: 0.5 }, { labels: 20, testAccuracy: 0.9 }, { labels: 30, testAccuracy: 0.8 }];
    expect(labelsToReach(curve, 0.85)).toBe(20);
    expect(labelsToReach(curve, 0.9)).toBe(20);
    expect(labelsToReach(curve, 0.95)).toBeNull();
  });

  it('reports mean and sample std over seeds, and counts seeds that never reach 95%', () => {
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2 });
    const records = [round('random', 0, 0, 0.5), round('random', 0, 1, 0.95), round('random', 1, 0, 0.5), round('random', 1, 1, 0.6)];
    const [summary] = summariseStrategies(records, [reference(0, 1), reference(1, 1)]);
    expect(summary?.reached).toBe(1);
    expect(summary?.labelsToTarget.mean).toBe(20);
    expect(summary?.labelsToTargetBySeed).toEqual([20, null]);
    expect(summary?.alc.mean).toBeCloseTo((0.725 + 0.55) / 2, 12);
    expect(summary?.finalAccuracy.mean).toBeCloseTo(0.775, 12);
  });

  it('reports labels to 95% as the median with the count and every seed, never a mean over the seeds that got there', () => {
    const s = (bySeed: (number | null)[]) => ({ labelsToTargetBySeed: bySeed, reached: bySeed.filter((v) => v !== null).length, seeds: bySeed.length });
    expect(medianLabelsToTarget([120, null, null])).toBeNull();
    expect(formatLabelsToTarget(s([120, null, null]), 200)).toBe('> 200 (1/3: 120, –, –)');
    expect(formatLabelsToTarget(s([60, 80, 70, null, 90]), 200)).toBe('80 (4/5: 60, 80, 70, –, 90)');
    expect(formatLabelsToTarget(s([60, 80]), 200)).toBe('70 (2/2: 60, 80)');
  });

  it('counts the classes discovered after 10, 20 and 50 labels', () => {
    const records = [0, 1, 2, 3, 4].map((t) => ({ ...round('typiclust', 0, t, 0.5), classesSeen: t + 1 }));
    const [summary] = summariseStrategies(records, [reference(0, 1)]);
    expect(summary?.classesDiscovered).toEqual([
      { labels: 10, mean: 1 },
      { labels: 20, mean: 2 },
      { labels: 50, mean: 5 },
    ]);
  });

  it('keeps one colour per strategy across plots and names coinciding curves in the legend', () => {
    expect(strategyColour('margin')).toBe(strategyColour('margin'));
    expect(new Set(STRATEGY_NAMES.map(strategyColour)).size).toBe(STRATEGY_NAMES.length);
    const records = [round('margin', 0, 0, 0.5), round('margin', 0, 1, 0.7), round('entropy', 0, 0, 0.5), round('entropy', 0, 1, 0.7), round('random', 0, 0, 0.5), round('random', 0, 1, 0.6)];
    const series = curveSeries(records);
    expect(legendNames(series)).toEqual(['margin', 'entropy (= margin)', 'random']);
    const svg = learningCurveSvg('t', series, []);
    expect(svg).toContain('entropy (= margin)');
    const alone = learningCurveSvg('t', curveSeries(records.filter((r) => r.strategy === 'random')), []);
    expect(alone).toContain(`stroke="${strategyColour('random')}"`);
  });

  it('draws one mean line and one band per strategy, and the reference lines', () => {
    const records = [round('adma', 0, 0, 0.5), round('adma', 0, 1, 0.7), round('adma', 1, 0, 0.6), round('adma', 1, 1, 0.8), round('random', 0, 0, 0.4), round('random', 0, 1, 0.5)];
    const series = curveSeries(records);
    expect(series.map((s) => s.name)).toEqual(['adma', 'random']);
    expect(series[0]?.points[1]?.mean).toBeCloseTo(0.75, 12);
    expect(series[0]?.points[1]?.std).toBeCloseTo(Math.sqrt(0.005), 12);
    const svg = learningCurveSvg('a & b', series, [reference(0, 0.9)]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<polygon /g)).toHaveLength(2);
    expect(svg).toContain('a &amp; b');
    expect(svg).toContain('all pool labels (90.0%)');
  });
});

describe('stratified test split', () => {
  it('holds out about the fraction of every class, reproducibly per seed', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
    const split = stratifiedTestSplit(labels, 3, 0.3, 7);
    const perClass = [0, 1, 2].map((c) => labels.filter((l, i) => l === c && split[i] === 1).length);
    expect(perClass).toEqual([18, 9, 3]);
    expect(stratifiedTestSplit(labels, 3, 0.3, 7)).toEqual(split);
    expect(stratifiedTestSplit(labels, 3, 0.3, 8)).not.toEqual(split);
  });

  it('keeps at least one image of a class on each side when it has two or more', () => {
    const split = stratifiedTestSplit([0, 0, 1, 1, 1], 2, 0.05, 0);
    expect(split[0]! + split[1]!).toBe(1);
    expect(split[2]! + split[3]! + split[4]!).toBe(1);
    expect(() => stratifiedTestSplit([0, 1], 2, 1, 0)).toThrow(RangeError);
  });
});

describe('Spearman correlation', () => {
  it('ranks ties by their mean rank', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it('is 1 for any increasing relation, -1 for decreasing, NaN without spread', () => {
    expect(spearmanCorrelation([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearmanCorrelation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearmanCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) = 0.8
    expect(spearmanCorrelation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });
});

describe('schedule specs', () => {
  it('parses linear and exponential schedules and writes them back', () => {
    expect(parseScheduleSpec('linear:0.1')).toEqual({ kind: 'linear', step: 0.1 });
    expect(parseScheduleSpec('exp:0.8')).toEqual({ kind: 'exponential', gamma: 0.8 });
    expect(formatScheduleSpec(parseScheduleSpec('exponential:0.9'))).toBe('exp:0.9');
    expect(() => parseScheduleSpec('exp:1.5')).toThrow(RangeError);
    expect(() => parseScheduleSpec('cosine:1')).toThrow(/linear:<step>/);
  });
});
