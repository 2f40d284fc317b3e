/**
 * The simulator and the app run the same loop: on the same features, seed and labels, the
 * simulator's rounds (runStrategyCurve) and the worker's rounds (AdaptationPool.select and
 * .train, as the app's loop jobs call them) query the same images in the same order and
 * train the same heads (later picks read their probabilities). Starter model, 60 demo digits;
 * past 100 labels (where the app's calibration is carried between rounds through the head
 * files), all 300.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyName } from '../../../src-main/engine/adma/query-strategy';
import { initBackend } from '../../../src-main/engine/backend';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { AdaptationPool } from '../../../src-main/engine/loop/adaptation-pool';
import { findStarterModelDir, type LoadedModel } from '../../../src-main/engine/model/load-model';
import { readImageFolderDataset, type ImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { symmetryViews } from '../../../src-main/engine/features/symmetry-views';
import { setUpSeed, type SeedSetup } from '../../../src-main/engine/simulate/seed-setup';
import { prepareSimulationFeatures, type SimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import { runStrategyCurve } from '../../../src-main/engine/simulate/strategy-curve';
import { findDemoDir, readDemoSet } from '../../../src-main/engine/starter/demo-set';
import { writeLabelledImages } from '../../../src-main/engine/starter/labelled-image-files';
import { starterDigits } from '../../support/starter-digits';
import { L2_CV_MIN_LABELS, L2_GRID } from '../../../src-main/engine/quality/l2-choice';
import { DEFAULT_L2 } from '../../../src-main/engine/train/logistic-regression';
import { loadHead } from '../../../src-main/engine/train/head-file';

const starterDir = findStarterModelDir();
const demoDir = findDemoDir();
const missing = !starterDir ? 'the starter model (resources/starter) is not built' : !demoDir ? 'the demo set (resources/demo) is absent' : null;

const SCHEDULE = { kind: 'linear', step: 0.5 } as const;
const SEED = 3;
const BATCH = 5;
const ROUNDS = 4;

let work: string;
let loaded: LoadedModel;
let features: SimulationFeatures;
let hashes: string[];
let dataset: ImageFolderDataset;

/**
 * The app's rounds on a pool: the worker's select and train (AdaptationPool, as the app's loop
 * jobs call them, each head warm from the one before through its folder) with the oracle's
 * labels; each round's picks and the last head's folder.
 */
async function appRounds(
  set: SimulationFeatures,
  setHashes: string[],
  dir: string,
  setup: SeedSetup,
  strategy: StrategyName,
  batch: number,
  rounds: number,
  /** Images with no up or down: every image's file (by image id), for its symmetry views. */
  paths: string[] | null = null,
): Promise<{ picks: number[][]; lastHeadDir: string | null }> {
  const { pool } = await AdaptationPool.prepare(
    loaded,
    { projectDir: dir, model: { kind: 'starter' }, items: setHashes.map((hash, imageId) => ({ imageId, hash })), deep: false, excludedIds: [...setup.testIds], centres: null, headDir: null },
    () => {},
  );
  const picks: number[][] = [];
  const labeled: number[] = [];
  const seen: number[] = [];
  let previousDir: string | null = null;
  try {
    for (let round = 0; round < rounds; round++) {
      const batchPicks = pool.select({ modelId: loaded.descriptor.id, strategy, schedule: SCHEDULE, uncertainty: 'margin', batchSize: batch, round, labeledIds: [...labeled], excludedIds: [...setup.testIds], labeledClassCount: seen.length, seed: SEED }).items;
      picks.push(batchPicks.map((p) => p.imageId));
      for (const p of batchPicks) {
        labeled.push(p.imageId);
        const label = set.labels[p.imageId] as number;
        if (!seen.includes(label)) seen.push(label);
      }
      if (seen.length < 2) continue;
      const outDir = join(dir, `${strategy}-head-${round}`);
      await pool.train(
        {
          modelId: loaded.descriptor.id,
          classes: seen.map((k) => set.classes[k] as string),
          labels: labeled.map((imageId) => ({ imageId, classIndex: seen.indexOf(set.labels[imageId] as number) })),
          mode: 'light',
          seed: SEED,
          outDir,
          previousDir,
          symmetryFiles: paths ? labeled.map((imageId) => ({ imageId, path: paths[imageId] as string })) : null,
        },
        'wasm',
        new AbortController().signal,
        () => {},
      );
      previousDir = outDir;
    }
  } finally {
    pool.dispose();
  }
  return { picks, lastHeadDir: previousDir };
}

describe.skipIf(missing !== null)(`one loop core: simulated rounds equal the app's rounds${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
    work = mkdtempSync(join(tmpdir(), 'adma-loop-core-'));
    ({ loaded, dataset, features, hashes } = await starterDigits(work, () => 6));
  });
  afterAll(() => {
    loaded?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const strategy of ['adma', 'typical-margin', 'margin'] as StrategyName[]) {
    it(`${strategy}: same picks each round (margin picks read the trained probabilities)`, async () => {
      const setup = setUpSeed(features, SEED, 0.3, true);
      const simulated = await runStrategyCurve(features, setup, {
        strategy,
        strategyOptions: { schedule: SCHEDULE, uncertainty: 'margin' },
        mode: 'light',
        batch: BATCH,
        rounds: ROUNDS,
      });
      const app = await appRounds(features, hashes, work, setup, strategy, BATCH, ROUNDS);
      expect(app.picks).toEqual(simulated.map((r) => r.queried));
      const last = (await loadHead(app.lastHeadDir as string)).head;
      expect(last.classes.length).toBe(simulated[ROUNDS - 1]?.classesSeen);
    });
  }
  it('past 100 labels: the same picks in the app and the simulator, round after round', async () => {
    const big = join(work, 'digits-300');
    const { index, images } = await readDemoSet(demoDir as string);
    await writeLabelledImages(big, images.map((image) => ({ file: image.file, label: index.labels[image.label] as string, image: image.image })), 'image-folder');
    const dataset = await readImageFolderDataset(big);
    const all = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: big });
    const allHashes = await Promise.all(dataset.images.map((image) => hashImageFile(image.absPath)));
    const setup = setUpSeed(all, SEED, 0.3, true);
    const batch = 20;
    const rounds = 8;
    const simulated = await runStrategyCurve(all, setup, { strategy: 'margin', strategyOptions: { schedule: SCHEDULE, uncertainty: 'margin' }, mode: 'light', batch, rounds });
    const app = await appRounds(all, allHashes, big, setup, 'margin', batch, rounds);
    expect(app.picks).toEqual(simulated.map((r) => r.queried));
    expect(app.picks.flat()).toHaveLength(batch * rounds);
    // The fixed penalty throughout; the cross-validated one (a loop-core option, off in the app) from 100 labels on.
    expect(simulated.map((r) => r.l2)).toEqual(simulated.map(() => DEFAULT_L2));
    const chosen = await runStrategyCurve(all, setup, { strategy: 'margin', strategyOptions: { schedule: SCHEDULE, uncertainty: 'margin' }, mode: 'light', batch, rounds, chooseL2: true });
    chosen.forEach((r) => {
      if (r.labels < L2_CV_MIN_LABELS) expect(r.l2, `${r.labels} labels`).toBe(DEFAULT_L2);
      else expect(L2_GRID, `${r.labels} labels`).toContain(r.l2);
    });
    expect(chosen.slice(0, 5).map((r) => r.queried)).toEqual(simulated.slice(0, 5).map((r) => r.queried));
  });

  it('label spreading (a loop-core option) changes only the probabilities: the same first picks, then margin reads the mixed scores', async () => {
    const setup = setUpSeed(features, SEED, 0.3, true);
    const options = { strategy: 'margin' as StrategyName, strategyOptions: { schedule: SCHEDULE, uncertainty: 'margin' as const }, mode: 'light' as const, batch: BATCH, rounds: ROUNDS };
    const plain = await runStrategyCurve(features, setup, options);
    const spread = await runStrategyCurve(features, setup, { ...options, labelSpreading: true });
    const firstTrained = plain.findIndex((record) => record.classesSeen >= 2);
    // Up to and including the first trained round the picks cannot depend on the probabilities.
    for (let round = 0; round <= firstTrained; round++) expect(spread[round]?.queried, `round ${round}`).toEqual(plain[round]?.queried);
    expect(spread.map((record) => record.queried)).not.toEqual(plain.map((record) => record.queried));
  });

  it('images with no up or down: the app extracts the labeled images\' symmetry views itself and runs the simulator\'s rounds, which the views change', async () => {
    const withViews = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: work, symmetryViews: true });
    const setup = setUpSeed(withViews, SEED, 0.3, true);
    const options = { strategy: 'margin' as StrategyName, strategyOptions: { schedule: SCHEDULE, uncertainty: 'margin' as const }, mode: 'light' as const, batch: BATCH, rounds: ROUNDS };
    const simulated = await runStrategyCurve(withViews, setup, { ...options, symmetries: true });
    const plain = await runStrategyCurve(withViews, setup, options);
    expect(simulated.map((r) => r.queried)).not.toEqual(plain.map((r) => r.queried));
    // The app's project has the features but no views yet: its worker extracts those of the labeled
    // images, from the project's own folder (it reads no file outside it), here a copy of the set.
    const appDir = join(work, 'app-with-views');
    cpSync(dataset.root, join(appDir, 'digits'), { recursive: true });
    await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: appDir });
    const app = await appRounds(withViews, hashes, appDir, setup, 'margin', BATCH, ROUNDS, dataset.images.map((image) => join(appDir, 'digits', ...image.path.split('/'))));
    expect(app.picks).toEqual(simulated.map((r) => r.queried));
    const store = FeatureStore.openExistingFor(appDir, featureLayoutOf(loaded));
    try {
      const labeled = app.picks.flat().map((id) => hashes[id] as string);
      const views = symmetryViews(loaded.descriptor.input.height, loaded.descriptor.input.width).slice(1);
      // The last round trained on every label, so every labeled image's views are in the cache.
      expect(simulated.at(-1)?.classesSeen).toBeGreaterThanOrEqual(2);
      expect(store.missingViews(labeled, views)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
