/**
 * Paired comparisons: every strategy of a seed shares the split and recipe, so per-seed ALC
 * differences are the sharpest test. Reads each setting's curves as the study's tables do
 * (study-runs.ts: today's runs where they exist, the main run otherwise; every source on the
 * same seeds and splits) and writes
 *   bench/results/paired-alc.md      the paper's ADMA against every other strategy;
 *   bench/results/paired-default.md  the product default (RECOMMENDED_STRATEGY) against
 *                                    random, margin, core-set and ADMA: ΔALC, seeds ahead
 *                                    (and each seed's Δ), labels to 95% (median) of the
 *                                    default and of the baseline within the 200 labels;
 *                                    then goal (a) per setting: the default against the best
 *                                    of them, and each baseline's gap in words. A gap is
 *                                    "beyond noise" when the mean paired Δ exceeds two
 *                                    standard errors (2 · std / √seeds);
 *   bench/results/paired-more-seeds.md  where results/<setting>/seeds-5-9/ exists (the default,
 *                                    margin and random on five more seeds, run-study.ts
 *                                    --first-seed 5): the default against margin and random on
 *                                    those seeds and on all ten;
 *   bench/results/external-{default,goal-a,more-seeds}.md  the same for the settings outside
 *                                    ../shared (EXTERNAL_SETTINGS), kept apart from the study's.
 *
 *   npx tsx bench/study/paired-alc.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECOMMENDED_STRATEGY } from '../../src-shared/contract';
import { areaUnderLearningCurve, formatLabelsToTarget, meanStd } from '../../src-main/engine/simulate/learning-curve-summary';
import { pairedGap, signed, type PairedGap } from './paired-gap';
import { readRun, RESULTS, studyRun } from './study-runs';
import { EXTERNAL_SETTINGS, STUDY_SETTINGS, type StudySetting } from './study-settings';

const GOAL_BASELINES = ['random', 'margin', 'coreset', 'adma'];
/** A paired gap in words (paired-gap.ts): the mean, seeds ahead, and ahead / behind beyond noise or level. */
function gapInWords(d: number[]): PairedGap & { words: string } {
  const gap = pairedGap(d);
  return { ...gap, words: `${signed(gap.mean)}, ${gap.ahead}/${d.length}: ${gap.word}` };
}
/** The paired tables of a group of settings (the study's, or those outside ../shared). */
function pairedTables(settings: readonly StudySetting[]): { adma: string[]; goal: string[]; verdict: string[]; moreSeeds: string[] } {
  const adma = ['| setting | ADMA − other | ΔALC mean ± std | seeds ADMA ahead |', '|---|---|---|---|'];
  const goal = [
    `| setting | ${RECOMMENDED_STRATEGY} − baseline | ΔALC mean ± std | seeds ahead | Δ per seed (seeds 0–4) | labels to 95%: ${RECOMMENDED_STRATEGY} | baseline |`,
    '|---|---|---|---|---|---|---|',
  ];
  const verdict = [
    `| setting | best of ${GOAL_BASELINES.join(', ')} (ALC) | ${RECOMMENDED_STRATEGY} (ALC) | ${GOAL_BASELINES.map((b) => `− ${b}`).join(' | ')} | goal (a) |`,
    `|---|---|---|${GOAL_BASELINES.map(() => '---|').join('')}---|`,
  ];
  const moreSeeds = [
    `| setting | ${RECOMMENDED_STRATEGY} − baseline | seeds 5–9: ΔALC mean ± std, seeds ahead | Δ per seed | seeds 0–9: ΔALC mean ± std, seeds ahead | in words (10 seeds) |`,
    '|---|---|---|---|---|---|',
  ];
  for (const setting of settings) {
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
    const present = GOAL_BASELINES.filter((b) => run.summary.some((s) => s.strategy === b));
    const best = present.map((b) => run.summary.find((s) => s.strategy === b) as typeof mine).reduce((a, b) => (b.alc.mean > a.alc.mean ? b : a));
    const gaps = present.map((b) => gapInWords(diffs(RECOMMENDED_STRATEGY, b)));
    const failures = [
      ...(mine.alc.mean < best.alc.mean ? [`below ${best.strategy}`] : []),
      ...gaps.flatMap((g, i) => (g.beyondNoise && (g.mean < 0 || g.ahead < Math.ceil(0.8 * seeds.length)) ? [`${present[i]} ${g.mean < 0 ? 'ahead' : `ahead of it on only ${g.ahead}`}`] : [])),
    ];
    verdict.push(`| ${setting.id} | ${best.strategy} ${best.alc.mean.toFixed(3)} | ${mine.alc.mean.toFixed(3)} | ${GOAL_BASELINES.map((b) => (present.includes(b) ? gaps[present.indexOf(b)]?.words : 'not run')).join(' | ')} | ${failures.length ? `not met (${failures.join('; ')})` : 'met'} |`);
    const extra = readRun(join(RESULTS, setting.id, 'seeds-5-9'));
    if (extra) {
      const extraAlc = (strategy: string, seed: number): number => areaUnderLearningCurve(extra.rounds.filter((r) => r.strategy === strategy && r.seed === seed).sort((a, b) => a.round - b.round));
      for (const baseline of ['margin', 'random']) {
        const d5 = extra.meta.seeds.map((seed) => extraAlc(RECOMMENDED_STRATEGY, seed) - extraAlc(baseline, seed));
        const d10 = [...diffs(RECOMMENDED_STRATEGY, baseline), ...d5];
        const summary = (d: number[]): string => `${signed(meanStd(d).mean)} ± ${meanStd(d).std.toFixed(3)}, ${d.filter((x) => x > 0).length}/${d.length}`;
        moreSeeds.push(`| ${setting.id} | − ${baseline} | ${summary(d5)} | ${d5.map(signed).join(', ')} | ${summary(d10)} | ${pairedGap(d10).word} |`);
      }
    }
    for (const baseline of GOAL_BASELINES) {
      const theirs = run.summary.find((s) => s.strategy === baseline);
      if (!theirs) continue;
      goal.push(`| ${setting.id} | − ${baseline} | ${paired(RECOMMENDED_STRATEGY, baseline)} | ${diffs(RECOMMENDED_STRATEGY, baseline).map(signed).join(', ')} | ${formatLabelsToTarget(mine, budget)} | ${formatLabelsToTarget(theirs, budget)} |`);
    }
  }
  return { adma, goal, verdict, moreSeeds };
}

const study = pairedTables(STUDY_SETTINGS);
writeFileSync(join(RESULTS, 'paired-alc.md'), `${study.adma.join('\n')}\n`);
writeFileSync(join(RESULTS, 'paired-default.md'), `${study.goal.join('\n')}\n`);
writeFileSync(join(RESULTS, 'goal-a.md'), `${study.verdict.join('\n')}\n`);
if (study.moreSeeds.length > 2) writeFileSync(join(RESULTS, 'paired-more-seeds.md'), `${study.moreSeeds.join('\n')}\n`);
process.stdout.write(`${study.goal.join('\n')}\n\n${study.verdict.join('\n')}\n`);
const external = pairedTables(EXTERNAL_SETTINGS);
if (external.goal.length > 2) {
  writeFileSync(join(RESULTS, 'external-default.md'), `${external.goal.join('\n')}\n`);
  writeFileSync(join(RESULTS, 'external-goal-a.md'), `${external.verdict.join('\n')}\n`);
  if (external.moreSeeds.length > 2) writeFileSync(join(RESULTS, 'external-more-seeds.md'), `${external.moreSeeds.join('\n')}\n`);
  process.stdout.write(`\nOutside ../shared:\n${external.goal.join('\n')}\n\n${external.verdict.join('\n')}\n`);
}
