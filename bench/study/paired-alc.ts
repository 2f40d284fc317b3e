/**
 * Paired comparison of ADMA against each baseline: every strategy of a seed shares the
 * split and recipe, so per-seed ALC differences are the sharpest test. Reads each
 * setting's bench/results/<setting>/rounds.json and writes bench/results/paired-alc.md.
 *
 *   npx tsx bench/study/paired-alc.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { areaUnderLearningCurve, meanStd } from '../../src-main/engine/simulate/learning-curve-summary';
import type { RoundRecord } from '../../src-main/engine/simulate/simulation-records';
import { ROOT, STUDY_SETTINGS } from './study-settings';

const lines = ['| setting | ADMA − baseline | ΔALC mean ± std | seeds ADMA ahead |', '|---|---|---|---|'];
for (const setting of STUDY_SETTINGS) {
  const file = join(ROOT, 'bench/results', setting.id, 'rounds.json');
  if (!existsSync(file)) continue;
  const { rounds } = JSON.parse(readFileSync(file, 'utf8')) as { rounds: RoundRecord[] };
  const alc = (strategy: string, seed: number): number => areaUnderLearningCurve(rounds.filter((r) => r.strategy === strategy && r.seed === seed).sort((a, b) => a.round - b.round));
  const seeds = [...new Set(rounds.map((r) => r.seed))];
  const baselines = [...new Set(rounds.map((r) => r.strategy))].filter((s) => s !== 'adma');
  for (const baseline of baselines) {
    const diffs = seeds.map((seed) => alc('adma', seed) - alc(baseline, seed));
    const { mean, std } = meanStd(diffs);
    lines.push(`| ${setting.id} | adma − ${baseline} | ${mean >= 0 ? '+' : ''}${mean.toFixed(3)} ± ${std.toFixed(3)} | ${diffs.filter((d) => d > 0).length}/${seeds.length} |`);
  }
}
writeFileSync(join(ROOT, 'bench/results/paired-alc.md'), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
