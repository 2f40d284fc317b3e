/**
 * The runs behind the second study's tables, per setting (bench/results/<setting>/):
 *
 *   main run      rounds.json, with the parts of it that were run apart in a second process
 *                 (MAIN_PARTS): every strategy as first run.
 *   today's runs  strategies re-run later on the code of the product (TODAY_SOURCES, first
 *                 listed first): least-sure-per-group/ holds the default (typical-margin) with
 *                 its rule since 2026-11-30, and margin and random; rerun-rest-2026-11-30/
 *                 the MNIST main run's other strategies; the runs to 95% of the
 *                 all-labels accuracy (budget-to-95/…) run the same loop on the same seeds,
 *                 only longer, so their first rounds are a 20-round run's rounds.
 *
 * studyRun() merges them: each strategy's curves come from the first of TODAY_SOURCES that
 * holds every seed of the main run for at least the main run's rounds (cut to them), else
 * from the main run. Pairing per seed needs the same seeds, batch, settings and splits in
 * every source: a source whose per-seed references (pool, test split, all-labels accuracy)
 * or loop settings differ from the main run's is an error, not a silent mix.
 * mainRun() is the main run alone (its parts included), for tables about the earlier rule.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRATEGY_NAMES } from '../../src-main/engine/adma/query-strategy';
import { summariseStrategies } from '../../src-main/engine/simulate/learning-curve-summary';
import type { SimulationMeta, SimulationResult } from '../../src-main/engine/simulate/run-simulation';
import type { ReferenceRecord, RoundRecord } from '../../src-main/engine/simulate/simulation-records';
import { ROOT } from './study-settings';

export const RESULTS = join(ROOT, 'bench/results');
/** Subfolders holding strategies of the main run that were run in a second process. */
export const MAIN_PARTS = ['more-strategies', 'adma-diverse'] as const;
/** Later runs on today's code whose curves take the place of the main run's, first listed first. */
export const TODAY_SOURCES = ['least-sure-per-group', 'rerun-rest-2026-11-30', 'budget-to-95/goal-baselines', 'budget-to-95/more-strategies', 'budget-to-95'] as const;

export interface StudyRun extends SimulationResult {
  /** Where each strategy's curves come from: 'main run', a main part or a today's source, with the rounds used. */
  sources: Map<string, string>;
}

export function readRun(dir: string): SimulationResult | null {
  const file = join(dir, 'rounds.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SimulationResult) : null;
}

const strategyOrder = (name: string): number => STRATEGY_NAMES.indexOf(name as RoundRecord['strategy']);

function build(meta: SimulationMeta, references: ReferenceRecord[], rounds: RoundRecord[], sources: Map<string, string>): StudyRun {
  const ordered = [...rounds].sort((a, b) => strategyOrder(a.strategy) - strategyOrder(b.strategy) || a.seed - b.seed || a.round - b.round);
  const strategies = [...new Set(ordered.map((r) => r.strategy))];
  return { meta: { ...meta, strategies }, references, rounds: ordered, summary: summariseStrategies(ordered, references), sources };
}

/** The main run of a setting with its parts run apart, or null where it was not run. */
export function mainRun(settingId: string, results = RESULTS): StudyRun | null {
  const root = join(results, settingId);
  const main = readRun(root);
  if (!main) return null;
  const rounds = [...main.rounds];
  const sources = new Map(main.meta.strategies.map((s) => [s as string, 'main run']));
  for (const part of MAIN_PARTS) {
    const run = readRun(join(root, part));
    if (!run) continue;
    assertPairable(settingId, main, run, part);
    rounds.push(...run.rounds);
    for (const s of run.meta.strategies) sources.set(s, `main run (${part}/)`);
  }
  return build(main.meta, main.references, rounds, sources);
}

/** Throws unless `run` has the main run's seeds, splits, references and loop settings. */
function assertPairable(settingId: string, main: SimulationResult, run: SimulationResult, name: string): void {
  const key = (r: ReferenceRecord): string => `${r.seed}:${r.poolSize}:${r.testSize}:${r.testAccuracy.toFixed(6)}`;
  // Runs from before the pooling option left it out: global pooling.
  const same = (a: SimulationResult): string => JSON.stringify([a.references.map(key), a.meta.batch, a.meta.mode, a.meta.testFraction, a.meta.schedule, a.meta.uncertainty, a.meta.normalize, a.meta.pooling ?? 'global', a.meta.images]);
  if (same(main) !== same(run)) {
    throw new Error(`${settingId}/${name}: its seeds, splits, references or loop settings differ from the main run's, so its curves cannot be paired with the main run's.`);
  }
}

const curveOf = (run: SimulationResult, strategy: string, seed: number): RoundRecord[] =>
  run.rounds.filter((r) => r.strategy === strategy && r.seed === seed).sort((a, b) => a.round - b.round);

/** Same test accuracy and the same images picked (in any order) in every round. */
function sameCurve(a: RoundRecord[], b: RoundRecord[]): boolean {
  const picked = (r: RoundRecord): string => [...r.queried].sort((x, y) => x - y).join(',');
  return a.length === b.length && a.every((r, i) => r.testAccuracy === b[i]?.testAccuracy && picked(r) === picked(b[i] as RoundRecord));
}

/** The setting's curves for the study's tables: today's runs where they exist, else the main run's. */
export function studyRun(settingId: string, results = RESULTS): StudyRun | null {
  const main = mainRun(settingId, results);
  if (!main) return null;
  const root = join(results, settingId);
  const seeds = main.meta.seeds;
  const taken = new Map<string, RoundRecord[]>();
  const sources = new Map(main.sources);
  for (const name of TODAY_SOURCES) {
    const run = readRun(join(root, name));
    if (!run) continue;
    assertPairable(settingId, main, run, name);
    for (const strategy of run.meta.strategies) {
      if (taken.has(strategy)) continue;
      const curves = seeds.map((seed) => run.rounds.filter((r) => r.strategy === strategy && r.seed === seed && r.round < main.meta.rounds));
      // A run stopped at the target before the main run's last round cannot stand in for it.
      if (curves.some((curve) => curve.length < main.meta.rounds)) continue;
      taken.set(strategy, curves.flat());
      const notes = [
        ...(run.meta.rounds > main.meta.rounds ? [`first ${main.meta.rounds} rounds`] : []),
        ...(main.meta.strategies.includes(strategy) ? [`equal to the main run's on ${seeds.filter((seed, i) => sameCurve(curves[i] ?? [], curveOf(main, strategy, seed))).length}/${seeds.length} seeds`] : []),
      ];
      sources.set(strategy, `${name}/${notes.length ? ` (${notes.join('; ')})` : ''}`);
    }
  }
  const rounds = [...main.rounds.filter((r) => !taken.has(r.strategy)), ...[...taken.values()].flat()];
  return build(main.meta, main.references, rounds, sources);
}

/** "a, b: folder; c: other folder" — the strategies whose curves are not the main run's own, and where they come from. */
export function describeSources(run: StudyRun): string {
  const byFolder = new Map<string, string[]>();
  for (const strategy of run.meta.strategies) {
    const folder = run.sources.get(strategy) ?? 'main run';
    if (folder !== 'main run') byFolder.set(folder, [...(byFolder.get(folder) ?? []), strategy]);
  }
  return [...byFolder].map(([folder, strategies]) => `${strategies.join(', ')}: ${folder}`).join('; ');
}
