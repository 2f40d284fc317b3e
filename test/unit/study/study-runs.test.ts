import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeSources, mainRun, studyRun } from '../../../bench/study/study-runs';
import type { SimulationResult } from '../../../src-main/engine/simulate/run-simulation';
import type { ReferenceRecord, RoundRecord } from '../../../src-main/engine/simulate/simulation-records';

const SEEDS = [0, 1];

function reference(seed: number, testAccuracy = 0.8): ReferenceRecord {
  return { seed, poolSize: 70, testSize: 30, testAccuracy, millis: 1, spearmanDistinctivenessVsError: 0, meanDistinctivenessOfErrors: null, meanDistinctivenessOfCorrect: null, poolMeanDistanceB: 1, centres: { origin: 'estimated-from-pool', count: 3 } };
}

/** A curve rising by `step` per round from `start`, picking images `base + round`. */
function curve(strategy: string, seed: number, rounds: number, start: number, step = 0.05, base = 0): RoundRecord[] {
  return Array.from({ length: rounds }, (_, round) => ({
    strategy: strategy as RoundRecord['strategy'], seed, round, labels: 10 * (round + 1), testAccuracy: start + step * round, millis: 1, selectMillis: 1, trainMillis: 1,
    lambda: null, queried: [base + round], batchClassCounts: [1, 0], batchMeanDistanceB: null, batchMeanDistinctiveness: 0, classesSeen: 2, epochs: 1,
  }));
}

/** A strategy's test accuracies on a seed, rounded (the fixtures add 0.05 steps in floating point). */
function accuracies(result: SimulationResult | null, strategy: string, seed: number): number[] {
  return (result?.rounds ?? []).filter((r) => r.strategy === strategy && r.seed === seed).map((r) => Number(r.testAccuracy.toFixed(6)));
}

function run(strategies: string[], rounds: RoundRecord[], roundCount: number, references = SEEDS.map((seed) => reference(seed))): SimulationResult {
  return {
    meta: {
      model: { id: 'm', name: 'm' }, images: 100, classes: ['a', 'b'], classCounts: [50, 50], strategies: strategies as SimulationResult['meta']['strategies'], seeds: SEEDS, batch: 10, rounds: roundCount,
      testFraction: 0.3, mode: 'light', schedule: 'linear:0.1', uncertainty: 'entropy', normalize: true, candidateFactor: null, poolCentres: null, pooling: 'global', seconds: 1,
    },
    references, rounds, summary: [],
  };
}

describe('studyRun: the curves behind the study tables', () => {
  let results: string;
  const write = (folder: string, result: SimulationResult): void => {
    mkdirSync(join(results, 'set', folder), { recursive: true });
    writeFileSync(join(results, 'set', folder, 'rounds.json'), JSON.stringify(result));
  };
  beforeEach(() => {
    results = mkdtempSync(join(tmpdir(), 'study-runs-'));
    // The main run: the default's earlier rule, margin and random, 3 rounds.
    write('', run(['typical-margin', 'margin', 'random'], SEEDS.flatMap((seed) => [...curve('typical-margin', seed, 3, 0.5), ...curve('margin', seed, 3, 0.4), ...curve('random', seed, 3, 0.3)]), 3));
    // A part of the main run run apart.
    write('more-strategies', run(['coreset'], SEEDS.flatMap((seed) => curve('coreset', seed, 3, 0.2)), 3));
  });
  afterEach(() => rmSync(results, { recursive: true, force: true }));

  it("takes today's curves where a later run has every seed, cut to the main run's rounds, and says where each came from", () => {
    write('least-sure-per-group', run(['typical-margin', 'margin'], SEEDS.flatMap((seed) => [...curve('typical-margin', seed, 3, 0.6, 0.05, 50), ...curve('margin', seed, 3, 0.4)]), 3));
    // A run to the target: 5 rounds on both seeds, so its first 3 stand in for the main run's.
    write('budget-to-95/goal-baselines', run(['coreset'], SEEDS.flatMap((seed) => curve('coreset', seed, 5, 0.25)), 5));
    const study = studyRun('set', results);
    expect(study).not.toBeNull();
    const rows = (strategy: string, seed: number): number[] => accuracies(study, strategy, seed);
    expect(rows('typical-margin', 1)).toEqual([0.6, 0.65, 0.7]);
    expect(rows('coreset', 0)).toEqual([0.25, 0.3, 0.35]);
    expect(rows('random', 0)).toEqual([0.3, 0.35, 0.4]);
    const sources = describeSources(study as NonNullable<typeof study>);
    expect(sources).toContain("typical-margin: least-sure-per-group/ (equal to the main run's on 0/2 seeds)");
    expect(sources).toContain("margin: least-sure-per-group/ (equal to the main run's on 2/2 seeds)");
    expect(sources).toContain("coreset: budget-to-95/goal-baselines/ (first 3 rounds; equal to the main run's on 0/2 seeds)");
    expect(sources).not.toContain('random');
    // The main run alone keeps the earlier rule's curves.
    expect(accuracies(mainRun('set', results), 'typical-margin', 1)).toEqual([0.5, 0.55, 0.6]);
  });

  it('keeps the main run where a later run stopped a seed before the main run ended', () => {
    write('budget-to-95', run(['coreset'], [...curve('coreset', 0, 5, 0.25), ...curve('coreset', 1, 2, 0.9)], 5));
    const study = studyRun('set', results);
    expect(accuracies(study, 'coreset', 1)).toEqual([0.2, 0.25, 0.3]);
    expect(study?.sources.get('coreset')).toBe('main run (more-strategies/)');
  });

  it('refuses a later run whose splits differ from the main run', () => {
    write('least-sure-per-group', run(['typical-margin'], SEEDS.flatMap((seed) => curve('typical-margin', seed, 3, 0.6)), 3, [reference(0), reference(1, 0.81)]));
    expect(() => studyRun('set', results)).toThrow(/cannot be paired/);
  });
});
