/**
 * The light head with its L2 penalty chosen by cross-validation (src-main/engine/quality/
 * l2-choice.ts) against the fixed penalty (1) the study's other tables were made with, on the
 * same seeds and splits (each seed's split depends only on the seed), and the issue's two goals
 * measured again with it. Reads bench/results/<setting>/l2-cv/ (hymenoptera: every goal
 * strategy, 20 rounds), l2-cv/budget-to-95/ (MNIST, blood cells: the default, random and
 * margin run to 95% of their own all-labels accuracy) and l2-cv/goal-baselines/ (core-set and
 * ADMA, 20 rounds); the fixed-penalty curves as the study's tables read them (study-runs.ts)
 * and its runs to 95% (budget-to-95/). Writes bench/results/l2-cv-{head,goal-a,goal-b}.md, which
 * study-tables.ts puts into bench/STUDY.md.
 *
 *   npx tsx bench/study/l2-cv-tables.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECOMMENDED_STRATEGY } from '../../src-shared/contract';
import { areaUnderLearningCurve, meanStd, medianLabelsToTarget } from '../../src-main/engine/simulate/learning-curve-summary';
import type { SimulationResult } from '../../src-main/engine/simulate/run-simulation';
import type { RoundRecord } from '../../src-main/engine/simulate/simulation-records';
import { pairedGap, signed, type PairedGap } from './paired-gap';
import { readRun, RESULTS, studyRun } from './study-runs';
import { EXTERNAL_SETTINGS, STUDY_SETTINGS } from './study-settings';

const ROUNDS = 20;
const GOAL_BASELINES = ['random', 'margin', 'coreset', 'adma'];
const SEEDS = [0, 1, 2, 3, 4];
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function curve(runs: (SimulationResult | null)[], strategy: string, seed: number): RoundRecord[] | null {
  for (const run of runs) {
    if (!run) continue;
    const rounds = run.rounds.filter((r) => r.strategy === strategy && r.seed === seed).sort((a, b) => a.round - b.round);
    if (rounds.length > 0) return rounds;
  }
  return null;
}

/** ALC over the first 20 rounds (null when the curve stopped earlier). */
function alc(rounds: RoundRecord[] | null): number | null {
  if (!rounds || rounds.length < ROUNDS) return null;
  return areaUnderLearningCurve(rounds.slice(0, ROUNDS));
}

function referenceMean(run: SimulationResult | null): number | null {
  return run ? meanStd(run.references.map((r) => r.testAccuracy)).mean : null;
}

/** Labels at which a stopped-at-target curve got there (its last round, if it reached 95% of its seed's reference). */
function labelsTo95(run: SimulationResult | null, strategy: string, seed: number): number | null | undefined {
  if (!run) return undefined;
  const rounds = curve([run], strategy, seed);
  const reference = run.references.find((r) => r.seed === seed)?.testAccuracy;
  if (!rounds || reference === undefined) return undefined;
  const hit = rounds.find((r) => r.testAccuracy >= 0.95 * reference);
  return hit ? hit.labels : null;
}

function gap(g: PairedGap, seeds: number): string {
  return `${signed(g.mean)} ± ${g.std.toFixed(3)}, ${g.ahead}/${seeds}: ${g.word}`;
}

const headRows: string[] = [];
const goalA: string[] = [];
const goalB: string[] = [];
for (const setting of [...STUDY_SETTINGS, ...EXTERNAL_SETTINGS].filter((s) => s.mode === 'light')) {
  const root = join(RESULTS, setting.id);
  const fixed = studyRun(setting.id);
  const cvMain = readRun(join(root, 'l2-cv'));
  const cvBudget = readRun(join(root, 'l2-cv/budget-to-95'));
  const cvBaselines = readRun(join(root, 'l2-cv/goal-baselines'));
  const cvRuns = [cvMain, cvBudget, cvBaselines];
  const fixedBudget = readRun(join(root, 'budget-to-95'));
  if (!fixed || cvRuns.every((r) => r === null)) continue;
  const cvReference = referenceMean(cvMain ?? cvBudget ?? cvBaselines);
  // The head: the fixed penalty against the chosen one, paired per seed.
  for (const strategy of [RECOMMENDED_STRATEGY, 'margin', 'random']) {
    const pairs = SEEDS.map((seed) => [alc(curve([fixed], strategy, seed)), alc(curve(cvRuns, strategy, seed))] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
    const at200 = SEEDS.map((seed) => [curve([fixed], strategy, seed)?.[ROUNDS - 1]?.testAccuracy, curve(cvRuns, strategy, seed)?.[ROUNDS - 1]?.testAccuracy] as const).filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined);
    if (pairs.length === 0) continue;
    headRows.push(
      `| ${setting.id} | ${pct(referenceMean(fixed) ?? Number.NaN)} → ${pct(cvReference ?? Number.NaN)} | ${strategy} | ${meanStd(pairs.map((p) => p[0])).mean.toFixed(3)} → ${meanStd(pairs.map((p) => p[1])).mean.toFixed(3)} | ${gap(pairedGap(pairs.map((p) => p[1] - p[0])), pairs.length)} | ${pct(meanStd(at200.map((p) => p[0])).mean)} → ${pct(meanStd(at200.map((p) => p[1])).mean)} |`,
    );
  }
  // Goal (a) with the chosen penalty: the default's ALC against each baseline's, paired.
  const defaultAlc = SEEDS.map((seed) => alc(curve(cvRuns, RECOMMENDED_STRATEGY, seed)));
  if (defaultAlc.every((v) => v !== null)) {
    const cells: string[] = [];
    let best = { name: '', alc: -Infinity };
    let met = true;
    for (const baseline of GOAL_BASELINES) {
      const other = SEEDS.map((seed) => alc(curve(cvRuns, baseline, seed)));
      if (other.some((v) => v === null)) {
        cells.push('not run');
        continue;
      }
      const d = SEEDS.map((_, i) => (defaultAlc[i] as number) - (other[i] as number));
      const mean = meanStd(other as number[]).mean;
      if (mean > best.alc) best = { name: baseline, alc: mean };
      const g = pairedGap(d);
      if (g.mean < 0 || (g.beyondNoise && g.ahead < 4)) met = false;
      cells.push(gap(g, d.length));
    }
    goalA.push(`| ${setting.id} | ${best.name} ${best.alc.toFixed(3)} | ${meanStd(defaultAlc as number[]).mean.toFixed(3)} | ${cells.join(' | ')} | ${met ? 'met' : 'not met'} |`);
  }
  // Goal (b) with the chosen penalty, beside the fixed penalty's runs to 95%.
  if (cvBudget) {
    for (const [name, run] of [
      ['fixed penalty (1)', fixedBudget],
      ['chosen by cross-validation', cvBudget],
    ] as const) {
      if (!run) continue;
      const bySeed = (strategy: string): (number | null)[] => SEEDS.map((seed) => labelsTo95(run, strategy, seed) ?? null);
      const dflt = bySeed(RECOMMENDED_STRATEGY);
      const random = bySeed('random');
      const margin = bySeed('margin');
      const medD = medianLabelsToTarget(dflt);
      const medR = medianLabelsToTarget(random);
      const half = SEEDS.filter((_, i) => dflt[i] !== null && random[i] !== null && (dflt[i] as number) <= (random[i] as number) / 2).length;
      const fmt = (v: (number | null)[]): string => `${medianLabelsToTarget(v) ?? '–'} (${v.map((x) => x ?? '–').join(', ')})`;
      goalB.push(`| ${setting.id} | ${name} | ${pct(referenceMean(run) ?? Number.NaN)} | ${fmt(dflt)} | ${fmt(random)} | ${fmt(margin)} | ${medD !== null && medR !== null ? (medD / medR).toFixed(2) : '–'} | ${half}/5 |`);
    }
  }
}
const tables = {
  'l2-cv-head': ['| setting | all-labels accuracy: penalty 1 → chosen | strategy | ALC (200 labels): penalty 1 → chosen | Δ chosen − 1 (mean ± std, seeds ahead) | accuracy at 200 labels: 1 → chosen |', '|---|---|---|---|---|---|', ...headRows],
  'l2-cv-goal-a': [
    `| setting | best of ${GOAL_BASELINES.join(', ')} (ALC) | ${RECOMMENDED_STRATEGY} (ALC) | ${GOAL_BASELINES.map((b) => `− ${b}`).join(' | ')} | goal (a) |`,
    `|---|---|---|${GOAL_BASELINES.map(() => '---').join('|')}|---|`,
    ...goalA,
  ],
  'l2-cv-goal-b': [
    `| setting | head | all-labels accuracy | labels to 95%: ${RECOMMENDED_STRATEGY}, median (seeds 0–4) | random | margin | ${RECOMMENDED_STRATEGY} ÷ random (medians) | seeds at ≤ ½ of random's |`,
    '|---|---|---|---|---|---|---|---|',
    ...goalB,
  ],
};
for (const [name, rows] of Object.entries(tables)) {
  writeFileSync(join(RESULTS, `${name}.md`), `${rows.join('\n')}\n`);
  console.log(`${name}:\n${rows.join('\n')}\n`);
}
