/**
 * Paired comparisons: every strategy of a seed shares the split and recipe, so per-seed ALC
 * differences are the sharpest test. Reads each setting's bench/results/<setting>/rounds.json
 * and writes
 *   bench/results/paired-alc.md      the paper's ADMA against every other strategy;
 *   bench/results/paired-default.md  the product default (RECOMMENDED_STRATEGY) against
 *                                    random, margin, core-set and ADMA: ΔALC, seeds ahead,
 *                                    labels to 95% (median) of the default and of random.
 *
 *   npx tsx bench/study/paired-alc.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECOMMENDED_STRATEGY } from '../../src-shared/contract';
import { areaUnderLearningCurve, formatLabelsToTarget, meanStd, summariseStrategies } from '../../src-main/engine/simulate/learning-curve-summary';
import type { ReferenceRecord, RoundRecord } from '../../src-main/engine/simulate/simulation-records';
import { ROOT, STUDY_SETTINGS } from './study-settings';

const GOAL_BASELINES = ['random', 'margin', 'coreset', 'adma'];
const adma = ['| setting | ADMA − other | ΔALC mean ± std | seeds ADMA ahead |', '|---|---|---|---|'];
const goal = [
  `| setting | ${RECOMMENDED_STRATEGY} − baseline | ΔALC mean ± std | seeds ahead | labels to 95%: ${RECOMMENDED_STRATEGY} | baseline |`,
  '|---|---|---|---|---|---|',
];
for (const setting of STUDY_SETTINGS) {
  const file = join(ROOT, 'bench/results', setting.id, 'rounds.json');
  if (!existsSync(file)) continue;
  const { rounds, references, meta } = JSON.parse(readFileSync(file, 'utf8')) as { rounds: RoundRecord[]; references: ReferenceRecord[]; meta: { rounds: number; batch: number } };
  const alc = (strategy: string, seed: number): number => areaUnderLearningCurve(rounds.filter((r) => r.strategy === strategy && r.seed === seed).sort((a, b) => a.round - b.round));
  const seeds = [...new Set(rounds.map((r) => r.seed))];
  const strategies = [...new Set(rounds.map((r) => r.strategy))];
  const paired = (a: string, b: string): string => {
    const diffs = seeds.map((seed) => alc(a, seed) - alc(b, seed));
    const { mean, std } = meanStd(diffs);
    return `${mean >= 0 ? '+' : ''}${mean.toFixed(3)} ± ${std.toFixed(3)} | ${diffs.filter((d) => d > 0).length}/${seeds.length}`;
  };
  for (const other of strategies.filter((s) => s !== 'adma')) adma.push(`| ${setting.id} | adma − ${other} | ${paired('adma', other)} |`);
  if (!strategies.includes(RECOMMENDED_STRATEGY)) continue;
  const summary = new Map(summariseStrategies(rounds, references).map((s) => [s.strategy as string, s]));
  const budget = meta.rounds * meta.batch;
  const mine = summary.get(RECOMMENDED_STRATEGY);
  for (const baseline of GOAL_BASELINES.filter((b) => strategies.includes(b as RoundRecord['strategy']))) {
    const theirs = summary.get(baseline);
    goal.push(`| ${setting.id} | − ${baseline} | ${paired(RECOMMENDED_STRATEGY, baseline)} | ${mine ? formatLabelsToTarget(mine, budget) : '–'} | ${theirs ? formatLabelsToTarget(theirs, budget) : '–'} |`);
  }
}
writeFileSync(join(ROOT, 'bench/results/paired-alc.md'), `${adma.join('\n')}\n`);
writeFileSync(join(ROOT, 'bench/results/paired-default.md'), `${goal.join('\n')}\n`);
process.stdout.write(`${goal.join('\n')}\n`);
