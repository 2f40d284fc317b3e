/**
 * Label spreading in the light head (issue 9 item 2), paired per seed, from
 *   bench/results/spreading/<setting>/spread/rounds.json   the default with spreading on
 *   bench/results/spreading/<setting>/base/rounds.json     the default and random, 40 rounds
 *                                                          (the settings with an extended budget)
 *   the study's curves (study-runs.ts)                     margin and random (20 rounds)
 *   bench/results/<setting>/rounds.json (+ its parts)      the main run: the default without
 *                                                          spreading where there is no base run
 * The spreading and base runs were made with the default's rule before 2026-11-30 (margin inside
 * the least-labeled groups), so the default without spreading is that rule's too, never the
 * current rule's curves.
 * ALC is taken over the first 20 rounds (200 labels) everywhere, so 40-round runs compare with
 * the main runs; labels to 95% of the all-labels accuracy over every round a run has. Only
 * seeds present in both runs of a pair are compared. Writes bench/results/spreading.md
 * (spliced into bench/STUDY.md by study-tables.ts as `spreading`).
 *
 *   npx tsx bench/study/spreading-tables.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECOMMENDED_STRATEGY } from '../../src-shared/contract';
import { areaUnderLearningCurve, formatLabelsToTarget, meanStd, summariseStrategies } from '../../src-main/engine/simulate/learning-curve-summary';
import type { ReferenceRecord, RoundRecord } from '../../src-main/engine/simulate/simulation-records';
import { mainRun, studyRun } from './study-runs';
import { ROOT, STUDY_SETTINGS } from './study-settings';

const ALC_ROUNDS = 20;
interface Run {
  rounds: RoundRecord[];
  references: ReferenceRecord[];
  meta: { rounds: number; batch: number };
}

function read(file: string): Run | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Run) : null;
}

const curve = (run: Run, strategy: string, seed: number): RoundRecord[] =>
  run.rounds.filter((r) => r.strategy === strategy && r.seed === seed).sort((a, b) => a.round - b.round);
const alc = (run: Run, strategy: string, seed: number): number => areaUnderLearningCurve(curve(run, strategy, seed).filter((r) => r.round < ALC_ROUNDS));
const seedsOf = (run: Run, strategy: string): number[] => [...new Set(run.rounds.filter((r) => r.strategy === strategy).map((r) => r.seed))].sort((a, b) => a - b);

function paired(a: Run, aStrategy: string, b: Run, bStrategy: string): string {
  const theirs = new Set(seedsOf(b, bStrategy));
  const seeds = seedsOf(a, aStrategy).filter((seed) => theirs.has(seed));
  if (seeds.length === 0) return '– | –';
  const diffs = seeds.map((seed) => alc(a, aStrategy, seed) - alc(b, bStrategy, seed));
  const { mean, std } = meanStd(diffs);
  return `${mean >= 0 ? '+' : ''}${mean.toFixed(3)} ± ${std.toFixed(3)} | ${diffs.filter((d) => d > 0).length}/${seeds.length}`;
}

function meanAlc(run: Run, strategy: string, seeds: number[]): string {
  const { mean, std } = meanStd(seeds.map((seed) => alc(run, strategy, seed)));
  return `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
}

const d = RECOMMENDED_STRATEGY;
const alcTable = [
  `| setting | seeds | ALC (200 labels), rule before 2026-11-30: ${d} + spreading | ${d} | margin | random | Δ spreading − off | seeds ahead | Δ spreading − margin | seeds ahead |`,
  '|---|---|---|---|---|---|---|---|---|---|',
];
const budgetTable = [
  `| setting | budget | all-labels accuracy | accuracy at the budget: ${d} (rule before 2026-11-30) / random | labels to 95%: ${d} | random | ${d} + spreading | ALC (all rounds): ${d} − random | seeds ahead |`,
  '|---|---|---|---|---|---|---|---|---|',
];
for (const setting of STUDY_SETTINGS) {
  const spread = read(join(ROOT, 'bench/results/spreading', setting.id, 'spread/rounds.json'));
  const main = mainRun(setting.id);
  const today = studyRun(setting.id);
  const base = read(join(ROOT, 'bench/results/spreading', setting.id, 'base/rounds.json'));
  if (spread && main && today) {
    const seeds = seedsOf(spread, d);
    // The default without spreading from the run made with the same code, where there is one.
    const off = base ?? main;
    alcTable.push(
      `| ${setting.id} | ${seeds.length} | ${meanAlc(spread, d, seeds)} | ${meanAlc(off, d, seeds)} | ${meanAlc(today, 'margin', seeds)} | ${meanAlc(today, 'random', seeds)} | ${paired(spread, d, off, d)} | ${paired(spread, d, today, 'margin')} |`,
    );
  }
  if (base) {
    const budget = base.meta.rounds * base.meta.batch;
    const summary = new Map(summariseStrategies(base.rounds, base.references).map((s) => [s.strategy as string, s]));
    const spreadSummary = spread ? summariseStrategies(spread.rounds, spread.references).find((s) => s.strategy === d) : undefined;
    const spreadBudget = spread ? spread.meta.rounds * spread.meta.batch : 0;
    const reference = meanStd(base.references.map((r) => r.testAccuracy)).mean;
    const full = (strategy: string, seed: number): number => areaUnderLearningCurve(curve(base, strategy, seed));
    const seeds = seedsOf(base, d).filter((seed) => seedsOf(base, 'random').includes(seed));
    const diffs = seeds.map((seed) => full(d, seed) - full('random', seed));
    const delta = meanStd(diffs);
    const mine = summary.get(d);
    const random = summary.get('random');
    budgetTable.push(
      `| ${setting.id} | ${budget} labels | ${(100 * reference).toFixed(1)}% | ${mine && random ? `${(100 * mine.finalAccuracy.mean).toFixed(1)}% / ${(100 * random.finalAccuracy.mean).toFixed(1)}%` : '–'} | ${mine ? formatLabelsToTarget(mine, budget) : '–'} | ${random ? formatLabelsToTarget(random, budget) : '–'} | ${spreadSummary ? `${formatLabelsToTarget(spreadSummary, spreadBudget)} (${spreadBudget} labels)` : '–'} | ${delta.mean >= 0 ? '+' : ''}${delta.mean.toFixed(3)} ± ${delta.std.toFixed(3)} | ${diffs.filter((x) => x > 0).length}/${seeds.length} |`,
    );
  }
}
const out = `${alcTable.join('\n')}\n\n${budgetTable.join('\n')}\n`;
writeFileSync(join(ROOT, 'bench/results/spreading.md'), out);
process.stdout.write(out);
