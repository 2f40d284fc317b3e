/**
 * Runs one setting of the simulation study (see study-settings.ts) through the simulator's
 * library API, extracting features once:
 *   main     every strategy, 5 seeds, batch 10, 20 rounds, the default schedule
 *            → bench/results/<setting>/ (rounds.json/csv, summary.csv/md, curves.svg)
 *   tuning   ADMA and ADMA-diverse under each schedule (linear 0.05/0.1/0.2, exp 0.7/0.9)
 *            and batch size (5/10/20) at a fixed budget of 200 labels, with random,
 *            entropy and core-set as the yardstick for batch sizes other than 10
 *            → bench/results/<setting>/tuning/<schedule>-b<batch>/summary.{csv,md}
 *
 *   variants ADMA and ADMA-diverse with another uncertainty measure (--uncertainty) under
 *            each of --schedules, batch 10 → bench/results/<setting>/variants/variants.md
 *   ablation pool centres from classes predicted once, and raw (paper) distances
 *   pooling  D on 2x2 grid-pooled layers (models without shipped centres)
 *            → bench/results/<setting>/ablation/pooling.md
 *
 *   extract  only extract and cache the features
 *
 *   npx tsx bench/study/run-study.ts <setting> [main|tuning|variants|ablation|extract] [--seeds 5] [--first-seed 0]
 *        [--rounds 20] [--batches 5,10,20] [--schedules linear:0.1,exp:0.8] [--uncertainty margin]
 *        [--strategies adma,random] [--out <subfolder of the setting's results, for main>]
 *        [--spread]   (main: the light head's label spreading on)
 *        [--l2-cv]    (main: the light head's L2 penalty chosen by cross-validation, quality/l2-choice.ts)
 *        [--symmetries] (main: every label learned in its 8 symmetry views; images with no up or down only)
 *        [--stop-at-target]  (main: each curve stops at 95% of the all-labels accuracy)
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { STRATEGY_NAMES, type StrategyName } from '../../src-main/engine/adma/query-strategy';
import type { UncertaintyMeasure } from '../../src-main/engine/adma/uncertainty';
import { initBackend } from '../../src-main/engine/backend';
import { loadModelFolder, loadStarterModel } from '../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../src-main/engine/simulate/image-folder-dataset';
import { ReferenceCacheDir } from '../../src-main/engine/simulate/reference-cache';
import { runSimulation, type SimulationOptions, type SimulationResult } from '../../src-main/engine/simulate/run-simulation';
import { prepareSimulationFeatures } from '../../src-main/engine/simulate/simulation-features';
import { summaryMarkdown, writeSimulationReport } from '../../src-main/engine/simulate/simulation-report-files';
import { parseScheduleSpec } from '../../src-main/engine/simulate/tradeoff-schedule-spec';
import { ROOT, studySetting } from './study-settings';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string' }, 'first-seed': { type: 'string' }, rounds: { type: 'string' }, batches: { type: 'string' }, schedules: { type: 'string' }, strategies: { type: 'string' }, uncertainty: { type: 'string' }, out: { type: 'string' }, spread: { type: 'boolean' }, 'l2-cv': { type: 'boolean' }, 'stop-at-target': { type: 'boolean' }, symmetries: { type: 'boolean' } },
});
const setting = studySetting(positionals[0] ?? '');
const part = positionals[1] ?? 'main';
const seedCount = Number(values.seeds ?? 5);
const firstSeed = Number(values['first-seed'] ?? 0);
const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};

if (!existsSync(setting.folder)) {
  log(`skipped ${setting.id}: ${setting.folder} is absent${setting.folder.includes('mnist') ? ' (run bench/study/write-mnist-pool.ts first)' : setting.folder.includes('/external/') ? ' (build it: bench/study/external/README.md)' : ' (shared material not mounted)'}`);
  process.exit(0);
}
const backend = await initBackend();
log(`backend: ${backend.label}`);
const dataset = await readImageFolderDataset(setting.folder);
const loaded = setting.model === 'starter' ? await loadStarterModel() : await loadModelFolder(setting.model);
let lastProgress = 0;
const features = await prepareSimulationFeatures(loaded, dataset, {
  deep: setting.mode === 'deep',
  pooling: part === 'pooling' ? 'grid2x2' : 'global',
  cacheDir: setting.cacheDir,
  ...(values.symmetries ? { symmetryViews: true } : {}),
  onStatus: log,
  onProgress: (p) => {
    if (Date.now() - lastProgress > 10_000) {
      lastProgress = Date.now();
      log(`extracting ${p.done}/${p.total}`);
    }
  },
});
loaded.dispose();
log(`${setting.id}: ${features.labels.length} images, ${features.classes.length} classes; features ${features.extraction.computed} computed, ${features.extraction.reused} cached (${features.extraction.seconds.toFixed(1)} s); left out ${features.failures.map((f) => f.path).join(', ') || 'none'}`);
const referenceCache = new ReferenceCacheDir(join(setting.cacheDir, '.adma', 'simulate'));
const outRoot = join(ROOT, 'bench/results', setting.id);
const status = (line: string): void => {
  if (line.startsWith('seed') || /round 1\//.test(line)) log(line);
};

async function simulate(strategies: StrategyName[], batch: number, rounds: number, schedule: string, extra: Partial<SimulationOptions> = {}): Promise<SimulationResult> {
  // The study's main and tuning runs use the pre-study ADMA defaults (entropy); variants override.
  return runSimulation(features, { strategies, seeds, batch, rounds, testFraction: 0.3, mode: setting.mode, schedule: parseScheduleSpec(schedule), uncertainty: 'entropy', referenceCache, onStatus: status, ...extra });
}

function tableRows(result: SimulationResult, label: string, budget: number): string[] {
  return result.summary.map((s) => {
    const toTarget = s.reached > 0 ? `${s.labelsToTarget.mean.toFixed(0)} ± ${s.labelsToTarget.std.toFixed(0)} (${s.reached}/${s.seeds})` : `> ${budget}`;
    return `| ${label} | ${s.strategy} | ${s.alc.mean.toFixed(3)} ± ${s.alc.std.toFixed(3)} | ${toTarget} | ${(100 * s.finalAccuracy.mean).toFixed(1)}% |`;
  });
}

if (part === 'extract') {
  log(`${setting.id}: features cached`);
} else if (part === 'main') {
  const strategies = (values.strategies?.split(',') ?? [...STRATEGY_NAMES]) as StrategyName[];
  const extra: Partial<SimulationOptions> = { ...(values.spread ? { labelSpreading: true } : {}), ...(values['l2-cv'] ? { chooseL2: true } : {}), ...(values['stop-at-target'] ? { stopAtTarget: 0.95 } : {}), ...(values.symmetries ? { symmetries: true } : {}) };
  const result = await simulate(strategies, 10, Number(values.rounds ?? 20), 'linear:0.1', extra);
  const dir = values.out ? join(outRoot, values.out) : outRoot;
  await writeSimulationReport(result, dir, setting.title);
  log(`${setting.id} main: ${result.meta.seconds.toFixed(0)} s → ${dir}`);
} else if (part === 'tuning') {
  const batches = (values.batches ?? '5,10,20').split(',').map(Number);
  const schedules = (values.schedules ?? 'linear:0.05,linear:0.1,linear:0.2,exp:0.7,exp:0.9').split(',');
  const budget = 200;
  const table: string[] = [];
  for (const batch of batches) {
    const rounds = Math.max(1, Math.round(budget / batch));
    for (const [i, schedule] of schedules.entries()) {
      const yardstick: StrategyName[] = i === 0 && batch !== 10 ? ['random', 'entropy', 'margin', 'coreset', 'distinctiveness'] : [];
      const result = await simulate(['adma', 'adma-diverse', ...yardstick], batch, rounds, schedule);
      const dir = join(outRoot, 'tuning', `${schedule.replace(':', '-')}-b${batch}`);
      await mkdir(dir, { recursive: true });
      const title = `${setting.title} · ${schedule} · b=${batch}`;
      const md = summaryMarkdown(result, title);
      await writeFile(join(dir, 'summary.md'), md);
      await writeSimulationReport(result, join(ROOT, 'bench/.work/tuning-full', setting.id, `${schedule.replace(':', '-')}-b${batch}`), title);
      for (const s of result.summary) {
        const toTarget = s.reached > 0 ? `${s.labelsToTarget.mean.toFixed(0)} ± ${s.labelsToTarget.std.toFixed(0)} (${s.reached}/${s.seeds})` : `> ${budget}`;
        table.push(`| ${batch} | ${s.strategy.startsWith('adma') ? schedule : '–'} | ${s.strategy} | ${s.alc.mean.toFixed(3)} ± ${s.alc.std.toFixed(3)} | ${toTarget} | ${(100 * s.finalAccuracy.mean).toFixed(1)}% |`);
      }
      log(`${setting.id} tuning ${schedule} b=${batch}: ${result.meta.seconds.toFixed(0)} s`);
    }
  }
  await writeFile(
    join(outRoot, 'tuning', values.batches ? `tuning-b${batches.join('-')}.md` : 'tuning.md'),
    `### ${setting.title}: schedule and batch-size tuning (budget ${budget} labels, seeds ${seeds.join(', ')})\n\n| batch | schedule | strategy | ALC | labels to 95% | final accuracy |\n|---|---|---|---|---|---|\n${table.join('\n')}\n`,
  );
} else if (part === 'variants') {
  const uncertainty = (values.uncertainty ?? 'margin') as UncertaintyMeasure;
  const rounds = Number(values.rounds ?? 20);
  const table: string[] = [];
  for (const schedule of (values.schedules ?? 'linear:0.1,exp:0.7').split(',')) {
    const result = await simulate(['adma', 'adma-diverse'], 10, rounds, schedule, { uncertainty });
    table.push(...tableRows(result, `${uncertainty}, ${schedule}`, 10 * rounds));
    log(`${setting.id} variant ${uncertainty} ${schedule}: ${result.meta.seconds.toFixed(0)} s`);
  }
  await mkdir(join(outRoot, 'variants'), { recursive: true });
  await writeFile(
    join(outRoot, 'variants', `variants-${uncertainty}.md`),
    `### ${setting.title}: ADMA with ${uncertainty} uncertainty (batch 10, seeds ${seeds.join(', ')})\n\n| U, schedule | strategy | ALC | labels to 95% | final accuracy |\n|---|---|---|---|---|\n${table.join('\n')}\n`,
  );
} else if (part === 'ablation') {
  // Departures of the product measured against their alternatives: pool-estimated centres
  // from classes predicted at least once (more centres), and paper-faithful raw distances.
  const rounds = Number(values.rounds ?? 20);
  const variants: [string, Partial<SimulationOptions>][] = [
    ['centres from classes predicted >= 1 time', { poolCentres: { minImagesPerClass: 1 } }],
    ['raw distances (paper)', { normalize: false }],
  ];
  const table: string[] = [];
  for (const [label, extra] of variants) {
    if (extra.poolCentres && features.shippedCentres) continue;
    const result = await simulate(['adma', 'adma-diverse', 'distinctiveness'], 10, rounds, 'linear:0.1', extra);
    table.push(...tableRows(result, label, 10 * rounds));
    log(`${setting.id} ablation ${label}: ${result.meta.seconds.toFixed(0)} s`);
  }
  await mkdir(join(outRoot, 'ablation'), { recursive: true });
  await writeFile(
    join(outRoot, 'ablation', 'ablation.md'),
    `### ${setting.title}: departures of D against their alternatives (batch 10, linear:0.1, seeds ${seeds.join(', ')})\n\n| variant | strategy | ALC | labels to 95% | final accuracy |\n|---|---|---|---|---|\n${table.join('\n')}\n`,
  );
} else if (part === 'pooling') {
  // Choice 1's option: D (and the pool centres) on 2x2 grid-pooled layers instead of global pooling.
  const rounds = Number(values.rounds ?? 20);
  const table: string[] = [];
  for (const [label, pooling] of [['global pooling', 'global'], ['2x2 grid pooling', 'grid2x2']] as const) {
    const result = await simulate(['adma', 'adma-diverse', 'distinctiveness'], 10, rounds, 'linear:0.1', { pooling });
    table.push(...tableRows(result, label, 10 * rounds));
    log(`${setting.id} pooling ${pooling}: ${result.meta.seconds.toFixed(0)} s`);
  }
  await mkdir(join(outRoot, 'ablation'), { recursive: true });
  await writeFile(
    join(outRoot, 'ablation', 'pooling.md'),
    `### ${setting.title}: D on global vs 2x2 grid-pooled layers (batch 10, linear:0.1, entropy, seeds ${seeds.join(', ')})\n\n| pooling | strategy | ALC | labels to 95% | final accuracy |\n|---|---|---|---|---|\n${table.join('\n')}\n`,
  );
} else {
  throw new Error(`Unknown part "${part}": main, tuning, variants, ablation or pooling.`);
}
