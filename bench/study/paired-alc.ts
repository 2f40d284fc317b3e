/**
 * Paired comparisons: every strategy of a seed shares the split and recipe, so per-seed ALC
 * differences are the sharpest test. Reads each setting's curves as the study's tables do
 * (study-runs.ts: today's runs where they exist, the main run otherwise; every source on the
 * same seeds and splits) and writes
 *   bench/results/paired-alc.md      the paper's ADMA against every other strategy;
 *   bench/results/paired-default.md  the product default (RECOMMENDED_STRATEGY) against
 *                                    random, margin, core-set and ADMA: ΔALC, seeds ahead
 *                                    (and each seed's Δ), labels to 95% (median) of the
 *                                    default and of the baseline within the 200 labels.
 *
 *   npx tsx bench/study/paired-alc.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECOMMENDED_STRATEGY } from '../../src-shared/contract';
import { areaUnderLearningCurve, formatLabelsToTarget, meanStd } from '../../src-main/engine/simulate/learning-curve-summary';
import { RESULTS, studyRun } from './study-runs';
import { STUDY_SETTINGS } from './study-settings';

const GOAL_BASELINES = ['random', 'margin', 'coreset', 'adma'];
const adma = ['| setting | ADMA − other | ΔALC mean ± std | seeds ADMA ahead |', '|---|---|---|---|'];
const goal = [
  `| setting | ${RECOMMENDED_STRATEGY} − baseline | ΔALC mean ± std | seeds ahead | Δ per seed (seeds 0–4) | labels to 95%: ${RECOMMENDED_STRATEGY} | baseline |`,
  '|---|---|---|---|---|---|---|',
];
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
for (const setting of STUDY_SETTINGS) {
  const run = studyRun(setting.id);
  if (!run) continue;
  const { rounds, meta } = run;
  const alc = (strategy: string, seed: number): number => areaUnderLearningCurve(rounds.filter((r) => r.strategy === strategy && r.seed === seed));
  const seeds = meta.seeds;
  const diffs = (a: string, b: string): number[] => seeds.map((seed) => alc(a, seed) - alc(b, seed));
  const paired = (a: string, b: string): string => {
    const d = diffs(a, b);
    const { mean, std } = meanStd(d);
    return `${signed(mean)} ± ${std.toFixed(3)} | ${d.filter((x) => x > 0).length}/${seeds.length}`;
  };
  for (const other of meta.strategies.filter((s) => s !== 'adma')) adma.push(`| ${setting.id} | adma − ${other} | ${paired('adma', other)} |`);
  const mine = run.summary.find((s) => s.strategy === RECOMMENDED_STRATEGY);
  if (!mine) continue;
  const budget = meta.rounds * meta.batch;
  for (const baseline of GOAL_BASELINES) {
    const theirs = run.summary.find((s) => s.strategy === baseline);
    if (!theirs) continue;
    goal.push(`| ${setting.id} | − ${baseline} | ${paired(RECOMMENDED_STRATEGY, baseline)} | ${diffs(RECOMMENDED_STRATEGY, baseline).map(signed).join(', ')} | ${formatLabelsToTarget(mine, budget)} | ${formatLabelsToTarget(theirs, budget)} |`);
  }
}
writeFileSync(join(RESULTS, 'paired-alc.md'), `${adma.join('\n')}\n`);
writeFileSync(join(RESULTS, 'paired-default.md'), `${goal.join('\n')}\n`);
process.stdout.write(`${goal.join('\n')}\n`);
