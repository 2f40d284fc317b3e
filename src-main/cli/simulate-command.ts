/**
 * `adma simulate <ImageFolder> --model <m> [options]`: oracle replay of the query strategies
 * on a labelled folder (`<root>/<class>/<file>`, or `<root>/{train,val}/<class>/<file>`
 * pooled), from zero labels, every strategy on the same seeds, splits and recipe. Writes
 * rounds.json/csv, summary.csv/md and curves.svg to --out; progress on stderr.
 * Has its own option table and help (registered in adma.ts); TF.js, sharp and SQLite load
 * only when it runs.
 */
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../src-shared/app-error';
import { privateFolder } from '../core/private-folder';
import { isStrategyName, STRATEGY_NAMES, type StrategyName } from '../engine/adma/query-strategy';
import { UNCERTAINTY_MEASURES, type UncertaintyMeasure } from '../engine/adma/uncertainty';
import { modelOptionsHelp } from './cli-help';
import { loadModelFromSpec, MODEL_OPTIONS, resolveModelSpec } from './model-spec';
import type { ProgressLine } from './progress-line';
import { startBackend } from './start-backend';
import { UsageError } from './usage-error';

export const SIMULATE_COMMAND = 'simulate';

export const SIMULATE_HELP = `Usage: adma simulate <folder> --model <dir|url|starter> --out <dir> [options]

Replays active learning on a labelled image folder: the folder names are the oracle
(<folder>/<class>/<file>, or <folder>/{train,val}/<class>/<file>, whose splits are
pooled). Per seed a stratified test split is held out and never queried; each strategy
starts from zero labels, queries --batch images per round, fine-tunes (warm start) on all
labels and is scored on the test split. Every strategy gets the same seeds, splits and
training recipe; features are extracted once (cached).

Writes to --out: rounds.json and rounds.csv (every round), summary.csv and summary.md
(area under the learning curve, mean ± std over seeds; labels to reach 95% of training on
every pool label, median over seeds with every seed's value; classes with a label after
10/20/50 labels; diagnostics of the queried batches and of D), curves.svg.

Options:
${modelOptionsHelp(23, '(required)')}
  --out <dir>          Where to write the results (required).
  --strategies <list>  Comma-separated, or 'all' (default: all):
                       ${STRATEGY_NAMES.join(', ')}.
  --batch <n>          Images queried per round (default 10).
  --rounds <n>         Rounds per curve (default 20).
  --seeds <n>          Seeds 0..n-1 (default 5).
  --test-fraction <f>  Held-out share of each class (default 0.3).
  --mode <mode>        light (head on pooled features, default) or deep (also the top
                       block; extracts the cut-layer activations).
  --schedule <s>       ADMA's lambda_t: linear:<step> or exp:<gamma> (default: the
                       product's default schedule).
  --uncertainty <u>    ADMA's U: ${UNCERTAINTY_MEASURES.join(', ')} (default: the
                       product's default for ADMA).
  --symmetries         Images with no up or down (cells, tissue, aerial photos): light
                       heads learn every label in its 8 turns and mirrors too, as the
                       app's "No up or down" setting (extracts those views once).
  --raw-distances      Paper-faithful D (no scale-free distances).
  --pooling <p>        Layers pooled for D: global (default) or grid2x2 (2x2 grid of the
                       spatial layers; models whose centres are estimated from the pool).
  --candidate-factor <n>  adma-diverse: candidates per batch slot (default 5).
  --cache <dir>        Where the feature cache and reference runs live (default: the
                       image folder when writable, else --out).
  --title <text>       Title of the plot and the summary.
  --backend <name>     tensorflow | wasm | cpu (default: the fastest available;
                       also ADMA_BACKEND). The active backend is printed on stderr.
  -h, --help           Show this help.`;

const OPTIONS = {
  ...MODEL_OPTIONS,
  out: { type: 'string' },
  strategies: { type: 'string' },
  batch: { type: 'string' },
  rounds: { type: 'string' },
  seeds: { type: 'string' },
  'test-fraction': { type: 'string' },
  mode: { type: 'string' },
  schedule: { type: 'string' },
  uncertainty: { type: 'string' },
  'raw-distances': { type: 'boolean' },
  symmetries: { type: 'boolean' },
  pooling: { type: 'string' },
  'candidate-factor': { type: 'string' },
  cache: { type: 'string' },
  title: { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(message: string): UsageError {
  return new UsageError(message, SIMULATE_COMMAND);
}

function whole(value: string | undefined, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usage(`--${name} ${value}: expected a whole number of at least ${min}.`);
  return n;
}

function parseStrategies(value: string | undefined): StrategyName[] {
  if (value === undefined || value === 'all') return [...STRATEGY_NAMES];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((s) => !isStrategyName(s));
  if (unknown.length || names.length === 0) throw usage(`--strategies ${value}: unknown ${unknown.join(', ') || 'list'}; choose from ${STRATEGY_NAMES.join(', ')}.`);
  return [...new Set(names)] as StrategyName[];
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `adma simulate` with the arguments after the command name. */
export async function runSimulate(argv: string[], signal: AbortSignal, out: ProgressLine): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const option = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw usage(option ? `unknown option '${option}'.` : (message.split('\n')[0] ?? message));
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${SIMULATE_HELP}\n`);
    return;
  }
  if (parsed.positionals.length !== 1) throw usage(parsed.positionals.length === 0 ? 'missing the image folder.' : `expected one folder, got ${parsed.positionals.length} arguments.`);
  const folder = resolve(parsed.positionals[0] as string);
  if (!v.model) throw usage('--model is required: a folder with model.json or one .onnx file, a model.json URL, or starter.');
  if (!v.out) throw usage('--out <dir> is required: where the results go.');
  const strategies = parseStrategies(v.strategies);
  const batch = whole(v.batch, 'batch', 1, 10);
  const rounds = whole(v.rounds, 'rounds', 1, 20);
  const seedCount = whole(v.seeds, 'seeds', 1, 5);
  const testFraction = v['test-fraction'] === undefined ? 0.3 : Number(v['test-fraction']);
  if (!(testFraction > 0 && testFraction < 1)) throw usage(`--test-fraction ${v['test-fraction']}: expected a number between 0 and 1.`);
  const mode = v.mode ?? 'light';
  if (mode !== 'light' && mode !== 'deep') throw usage(`--mode ${mode}: choose light or deep.`);
  const symmetries = v.symmetries === true;
  if (symmetries && mode !== 'light') throw usage('--symmetries needs --mode light: deep fine-tuning learns the images as they are.');
  const { parseScheduleSpec } = await import('../engine/simulate/tradeoff-schedule-spec');
  const { DEFAULT_TRADEOFF_SCHEDULE } = await import('../engine/adma/tradeoff-schedule');
  let schedule;
  try {
    schedule = v.schedule === undefined ? DEFAULT_TRADEOFF_SCHEDULE : parseScheduleSpec(v.schedule);
  } catch (error) {
    throw usage(`--schedule: ${(error as Error).message}`);
  }
  const uncertainty = v.uncertainty as UncertaintyMeasure | undefined;
  if (uncertainty !== undefined && !UNCERTAINTY_MEASURES.includes(uncertainty)) throw usage(`--uncertainty ${v.uncertainty}: choose ${UNCERTAINTY_MEASURES.join(', ')}.`);
  const pooling = v.pooling ?? 'global';
  if (pooling !== 'global' && pooling !== 'grid2x2') throw usage(`--pooling ${pooling}: choose global or grid2x2.`);
  const candidateFactor = v['candidate-factor'] === undefined ? undefined : whole(v['candidate-factor'], 'candidate-factor', 1, 5);
  const outDir = resolve(v.out);

  const { existsSync, statSync } = await import('node:fs');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new AppError('NOT_A_FOLDER', `The folder ${folder} does not exist.`);
  const { readImageFolderDataset } = await import('../engine/simulate/image-folder-dataset');
  const dataset = await readImageFolderDataset(folder);
  for (const entry of dataset.skipped.slice(0, 10)) out.log(`skipped ${entry.relPath}: ${entry.reason}`);
  if (dataset.skipped.length > 10) out.log(`… ${dataset.skipped.length - 10} more skipped`);
  if (dataset.classes.length < 2) throw new AppError('BAD_ARGUMENT', `${folder} needs at least two class folders with images (<folder>/<class>/<file>); found ${dataset.classes.length}.`);
  out.log(`${dataset.images.length} images in ${dataset.classes.length} classes (${dataset.layout}${dataset.layout === 'split-folders' ? ', splits pooled' : ''})`);

  const backend = await startBackend(v.backend, out);
  const spec = await resolveModelSpec({ model: v.model, layers: v.layers, preprocessing: v.preprocessing }, SIMULATE_COMMAND, (line) => out.log(line));
  const cacheDir = v.cache ? resolve(v.cache) : writable(folder) ? folder : outDir;
  const loaded = await loadModelFromSpec(spec, (line) => out.update(line));
  let features;
  try {
    out.log(`model: ${loaded.descriptor.name} (${loaded.descriptor.id})`);
    const { prepareSimulationFeatures } = await import('../engine/simulate/simulation-features');
    features = await prepareSimulationFeatures(loaded, dataset, {
      deep: mode === 'deep',
      pooling,
      cacheDir,
      signal,
      ...(symmetries ? { symmetryViews: true } : {}),
      onStatus: (line) => out.update(line),
      onProgress: (p) => out.update(`extracting: ${p.done}/${p.total} images${p.reused ? ` (${p.reused} cached)` : ''}${p.etaSeconds !== null ? `, ${Math.ceil(p.etaSeconds)} s left` : ''}`),
    });
  } finally {
    loaded.dispose();
  }
  for (const failure of features.failures) out.log(`left out ${failure.path}: ${failure.reason}`);
  out.log(`features computed by ${features.runtime.label}${features.runtime.fallback ? ` (${features.runtime.fallback})` : ''}`);
  out.log(`features: ${features.extraction.computed} computed, ${features.extraction.reused} cached (${features.extraction.seconds.toFixed(1)} s); centres: ${features.shippedCentres ? 'shipped with the model' : 'estimated from each seed’s pool'}`);

  const { runSimulation } = await import('../engine/simulate/run-simulation');
  const { ReferenceCacheDir } = await import('../engine/simulate/reference-cache');
  const { writeSimulationReport } = await import('../engine/simulate/simulation-report-files');
  const { formatLabelsToTarget } = await import('../engine/simulate/learning-curve-summary');
  const result = await runSimulation(features, {
    strategies,
    seeds: Array.from({ length: seedCount }, (_, i) => i),
    batch,
    rounds,
    testFraction,
    mode,
    schedule,
    ...(uncertainty ? { uncertainty } : {}),
    normalize: v['raw-distances'] !== true,
    pooling,
    ...(symmetries ? { symmetries: true } : {}),
    ...(candidateFactor !== undefined ? { candidateFactor } : {}),
    referenceCache: new ReferenceCacheDir(privateFolder(join(cacheDir, '.adma'), 'simulate')),
    signal,
    onStatus: (line) => (line.startsWith('seed') ? out.log(line) : out.update(line)),
  });
  const title = v.title ?? `${dataset.root.split(/[\\/]/).pop() ?? 'images'} · ${features.modelName} · ${mode} · b=${batch}`;
  await writeSimulationReport(result, outDir, title);
  out.log(`backend ${backend.label}; ${result.meta.seconds.toFixed(1)} s; results in ${outDir}`);
  for (const s of result.summary) {
    out.log(`  ${s.strategy.padEnd(17)} ALC ${s.alc.mean.toFixed(3)} ± ${s.alc.std.toFixed(3)}   labels to 95%: ${formatLabelsToTarget(s, batch * rounds)}`);
  }
}
