/**
 * A small oracle replay with the starter model on 50 MNIST demo digits (5 per class, written
 * as an ImageFolder): every strategy, 2 seeds, 3 rounds of 4. Checks behaviour, not which
 * strategy wins: output files, label growth, test images never queried, accuracies in
 * range, determinism, and the CLI's exit codes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '../../../src-main/engine/adma/query-strategy';
import { initBackend } from '../../../src-main/engine/backend';
import { findStarterModelDir, loadStarterModel } from '../../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { runSimulation, type SimulationOptions, type SimulationResult } from '../../../src-main/engine/simulate/run-simulation';
import { prepareSimulationFeatures, type SimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import { REPORT_FILES, writeSimulationReport } from '../../../src-main/engine/simulate/simulation-report-files';
import { setUpSeed } from '../../../src-main/engine/simulate/seed-setup';
import { stratifiedTestSplit } from '../../../src-main/engine/simulate/stratified-split';
import { findDemoDir, readDemoSet } from '../../../src-main/engine/starter/demo-set';
import { writeLabelledImages } from '../../../src-main/engine/starter/labelled-image-files';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'src-main/cli/adma.ts');
const starterDir = findStarterModelDir();
const demoDir = findDemoDir();
const missing = !starterDir ? 'the starter model (resources/starter) is not built' : !demoDir ? 'the demo set (resources/demo) is absent' : null;

const PER_CLASS = 5;
/**
 * Time allowed to the steps that extract features, run whole simulations or start the CLI
 * (three processes that load TF.js): seconds on a quiet machine, minutes with both cores busy.
 * The tests check results, not speed; the default 60 s made the CLI test fail under load.
 */
const HEAVY = 600_000;
const BATCH = 4;
const ROUNDS = 3;

let work: string;
let folder: string;
let features: SimulationFeatures;
let result: SimulationResult;
const options: SimulationOptions = {
  strategies: [...STRATEGY_NAMES],
  seeds: [0, 1],
  batch: BATCH,
  rounds: ROUNDS,
  testFraction: 0.3,
  mode: 'light',
  schedule: { kind: 'linear', step: 0.5 },
};

function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', ENTRY, 'simulate', ...args], { cwd: ROOT, env: { ...process.env, ADMA_BACKEND: 'wasm' } }, (error, _stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

describe.skipIf(missing !== null)(`simulation with the starter model${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
    work = mkdtempSync(join(tmpdir(), 'adma-simulate-test-'));
    folder = join(work, 'digits');
    const { index, images } = await readDemoSet(demoDir as string);
    const chosen = index.labels.flatMap((_, label) => images.filter((image) => image.label === label).slice(0, PER_CLASS));
    await writeLabelledImages(folder, chosen.map((image) => ({ file: image.file, label: index.labels[image.label] as string, image: image.image })), 'image-folder');
    const dataset = await readImageFolderDataset(folder);
    const loaded = await loadStarterModel();
    try {
      features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: join(work, 'cache') });
    } finally {
      loaded.dispose();
    }
    result = await runSimulation(features, options);
    await writeSimulationReport(result, join(work, 'out'), 'starter test');
  }, HEAVY);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('reads the ImageFolder: ten classes, five images each, ids in path order', () => {
    expect(features.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(features.labels.length).toBe(10 * PER_CLASS);
    expect(features.paths[0]?.startsWith('0/')).toBe(true);
    expect(features.shippedCentres?.record.origin).toBe('source-data');
  });

  it('writes every output file, and they parse', () => {
    for (const file of REPORT_FILES) expect(existsSync(join(work, 'out', file)), file).toBe(true);
    const json = JSON.parse(readFileSync(join(work, 'out', 'rounds.json'), 'utf8')) as { rounds: unknown[]; references: unknown[]; summary: unknown[] };
    expect(json.rounds).toHaveLength(STRATEGY_NAMES.length * 2 * ROUNDS);
    expect(json.references).toHaveLength(2);
    const csv = readFileSync(join(work, 'out', 'rounds.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + STRATEGY_NAMES.length * 2 * ROUNDS);
    expect(csv.every((line) => line.split(',').length >= 15)).toBe(true);
    const summary = readFileSync(join(work, 'out', 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary.slice(1).map((line) => line.split(',')[0])).toEqual([...STRATEGY_NAMES]);
    expect(readFileSync(join(work, 'out', 'summary.md'), 'utf8')).toContain('| strategy | ALC |');
    const svg = readFileSync(join(work, 'out', 'curves.svg'), 'utf8');
    expect(svg.match(/<polyline /g)).toHaveLength(STRATEGY_NAMES.length);
  });

  it('adds exactly b new labels per round and never queries an image twice', () => {
    for (const strategy of STRATEGY_NAMES) {
      for (const seed of options.seeds) {
        const curve = result.rounds.filter((r) => r.strategy === strategy && r.seed === seed);
        expect(curve.map((r) => r.labels), `${strategy} seed ${seed}`).toEqual([4, 8, 12]);
        const queried = curve.flatMap((r) => r.queried);
        expect(queried).toHaveLength(BATCH * ROUNDS);
        expect(new Set(queried).size).toBe(queried.length);
        expect(curve.every((r) => r.batchClassCounts.reduce((a, b) => a + b, 0) === BATCH)).toBe(true);
      }
    }
  });

  it('never queries a test image, and every strategy of a seed shares its split', () => {
    for (const seed of options.seeds) {
      const test = stratifiedTestSplit(features.labels, features.classes.length, options.testFraction, seed);
      const queried = result.rounds.filter((r) => r.seed === seed).flatMap((r) => r.queried);
      expect(queried.filter((id) => test[id] === 1)).toEqual([]);
      const reference = result.references.find((r) => r.seed === seed);
      expect(reference?.testSize).toBe(test.reduce((a, b) => a + b, 0));
      expect(reference?.poolSize).toBe(features.labels.length - (reference?.testSize ?? 0));
    }
  });

  it('keeps accuracies and summaries in range', () => {
    for (const r of result.rounds) {
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.testAccuracy).toBeLessThanOrEqual(1);
    }
    for (const r of result.references) expect(r.testAccuracy).toBeGreaterThan(0.1);
    for (const s of result.summary) {
      expect(s.alc.mean).toBeGreaterThanOrEqual(0);
      expect(s.alc.mean).toBeLessThanOrEqual(1);
      expect(s.seeds).toBe(2);
    }
    const adma = result.rounds.filter((r) => r.strategy === 'adma');
    expect(adma.filter((r) => r.round === 0).every((r) => r.lambda === 0)).toBe(true);
  });

  it('replays exactly: the same seed gives the same picks and the same curve', async () => {
    const again = await runSimulation(features, { ...options, strategies: ['adma', 'coreset', 'random', 'entropy'], seeds: [1] });
    for (const r of again.rounds) {
      const first = result.rounds.find((x) => x.strategy === r.strategy && x.seed === r.seed && x.round === r.round);
      expect(r.queried, `${r.strategy} round ${r.round}`).toEqual(first?.queried);
      expect(r.testAccuracy, `${r.strategy} round ${r.round}`).toBe(first?.testAccuracy);
    }
  }, HEAVY);

  it('stops each curve at the first round that reaches the target fraction of the all-labels accuracy', async () => {
    const full = result.rounds.filter((r) => r.strategy === 'random' && r.seed === 0);
    const reference = result.references.find((r) => r.seed === 0);
    if (!reference) throw new Error('no reference for seed 0');
    const threshold = Math.max(...full.map((r) => r.testAccuracy)) - 1e-9;
    const firstReach = full.findIndex((r) => r.testAccuracy >= threshold);
    const stopped = await runSimulation(features, { ...options, strategies: ['random'], seeds: [0], stopAtTarget: threshold / reference.testAccuracy });
    expect(stopped.rounds.map((r) => r.queried)).toEqual(full.slice(0, firstReach + 1).map((r) => r.queried));
    expect(stopped.rounds.map((r) => r.testAccuracy)).toEqual(full.slice(0, firstReach + 1).map((r) => r.testAccuracy));
  }, HEAVY);

  it('runs in deep mode on the cached cut activations, with the same split and picks as light for random', async () => {
    const dataset = await readImageFolderDataset(folder);
    const loaded = await loadStarterModel();
    let deepFeatures: SimulationFeatures;
    try {
      deepFeatures = await prepareSimulationFeatures(loaded, dataset, { deep: true, cacheDir: join(work, 'cache') });
    } finally {
      loaded.dispose();
    }
    expect(deepFeatures.cut?.shape).toHaveLength(3);
    expect(deepFeatures.topBlock).not.toBeNull();
    expect(deepFeatures.extraction.computed).toBe(dataset.images.length);
    const deep = await runSimulation(deepFeatures, { ...options, mode: 'deep', strategies: ['random', 'adma'], seeds: [0], rounds: 2 });
    expect(deep.rounds.map((r) => r.labels)).toEqual([4, 8, 4, 8]);
    for (const r of deep.rounds) expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    const lightRandom = result.rounds.filter((r) => r.strategy === 'random' && r.seed === 0).slice(0, 2);
    expect(deep.rounds.filter((r) => r.strategy === 'random').map((r) => r.queried)).toEqual(lightRandom.map((r) => r.queried));
  }, HEAVY);

  it('runs from the command line: exit 0 with results, exit 2 on a wrong strategy', async () => {
    const out = join(work, 'cli-out');
    const run = await cli(folder, '--model', 'starter', '--strategies', 'adma,random', '--seeds', '1', '--rounds', '2', '--batch', '4', '--out', out, '--cache', join(work, 'cache'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('backend:');
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    const wrong = await cli(folder, '--model', 'starter', '--strategies', 'adma,bogus', '--out', out);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('bogus');
    const badPooling = await cli(folder, '--model', 'starter', '--pooling', 'grid3x3', '--out', out);
    expect(badPooling.code).toBe(2);
    expect(badPooling.stderr).toContain('choose global or grid2x2');
    const deepSymmetries = await cli(folder, '--model', 'starter', '--mode', 'deep', '--symmetries', '--out', out);
    expect(deepSymmetries.code).toBe(2);
    expect(deepSymmetries.stderr).toContain('--symmetries needs --mode light');
  }, HEAVY);

  it('learns every label in its turns and mirrors with --symmetries: the same first picks, a different head after them', async () => {
    const model = await loadStarterModel();
    const withViews = await prepareSimulationFeatures(model, await readImageFolderDataset(folder), { deep: false, cacheDir: join(work, 'cache-views'), symmetryViews: true }).finally(() => model.dispose());
    expect(withViews.views?.perRow).toBe(7);
    expect(withViews.views?.data.length).toBe(withViews.labels.length * 7 * withViews.featuresB.cols);
    const options: SimulationOptions = { strategies: ['random'], seeds: [0], batch: BATCH, rounds: ROUNDS, testFraction: 0.3, mode: 'light', schedule: { kind: 'linear', step: 0.5 } };
    const plain = await runSimulation(withViews, options);
    const turned = await runSimulation(withViews, { ...options, symmetries: true });
    // Random picks do not read the head: the same images, learned differently.
    expect(turned.rounds.map((r) => r.queried)).toEqual(plain.rounds.map((r) => r.queried));
    // The reference head's errors (1 - p_true, continuous) rank differently once it learns the views.
    expect(turned.references[0]?.spearmanDistinctivenessVsError).not.toBe(plain.references[0]?.spearmanDistinctivenessVsError);
  }, HEAVY);

  it('refuses D on grid pooling with the starter model: its shipped centres are global-pooled', () => {
    expect(() => setUpSeed(features, 0, 0.3, true, {}, 'grid2x2')).toThrow(/grid pooling needs centres estimated from the pool/);
  });
});
