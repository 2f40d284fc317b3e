/**
 * D on 2x2 grid-pooled layers (method page, choice 1's option) in the simulator: MobileNet
 * v1 0.25 on 40 hymenoptera photos, centres estimated from the pool on the grid features.
 * MobileNet's layer B is the model's own global-average-pooling layer (a vector), so only
 * layer A (conv_pw_7_relu, 14x14) gains the grid.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { loadModelFolder } from '../../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { runSimulation } from '../../../src-main/engine/simulate/run-simulation';
import { setUpSeed } from '../../../src-main/engine/simulate/seed-setup';
import { prepareSimulationFeatures, type SimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_DATA_REASON, MISSING_MODEL_REASON, MOBILENET_025_DIR } from '../engine/shared-material';

const available = hasMobileNet025 && hasHymenopteraVal;
const reason = !hasMobileNet025 ? MISSING_MODEL_REASON : !hasHymenopteraVal ? MISSING_DATA_REASON : 'shared model and photos present';

describe.skipIf(!available)(`simulation with D on 2x2 grid pooling (${reason})`, () => {
  let work: string;
  let features: SimulationFeatures;

  beforeAll(async () => {
    await initBackend('wasm');
    work = mkdtempSync(join(tmpdir(), 'adma-grid-sim-'));
    const folder = join(work, 'photos');
    const photos = hymenopteraValPhotos();
    for (const label of ['ants', 'bees'] as const) {
      mkdirSync(join(folder, label), { recursive: true });
      for (const photo of photos.filter((p) => p.label === label).slice(0, 20)) copyFileSync(photo.path, join(folder, label, basename(photo.path)));
    }
    const loaded = await loadModelFolder(MOBILENET_025_DIR);
    try {
      features = await prepareSimulationFeatures(loaded, await readImageFolderDataset(folder), { deep: false, pooling: 'grid2x2', cacheDir: join(work, 'cache') });
    } finally {
      loaded.dispose();
    }
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('loads four cells per channel of the spatial layer A next to the global vectors', () => {
    expect(features.labels).toHaveLength(40);
    expect(features.gridFeatures?.featuresA.cols).toBe(4 * features.featuresA.cols);
    expect(features.gridFeatures?.featuresB.cols).toBe(features.featuresB.cols);
    expect(features.gridFeatures?.featuresB.rows).toBe(40);
  });

  it('estimates the centres and D on the grid features, and runs the strategies with it', async () => {
    const global = setUpSeed(features, 0, 0.3, true, { minImagesPerClass: 1 });
    const grid = setUpSeed(features, 0, 0.3, true, { minImagesPerClass: 1 }, 'grid2x2');
    expect(grid.centres.featuresA.cols).toBe(4 * global.centres.featuresA.cols);
    expect(grid.testIdList).toEqual(global.testIdList);
    expect(Array.from(grid.distinctiveness)).not.toEqual(Array.from(global.distinctiveness));
    for (const d of grid.distinctiveness) expect(d >= 0 && d <= 1).toBe(true);

    const result = await runSimulation(features, {
      strategies: ['adma', 'random'],
      seeds: [0],
      batch: 4,
      rounds: 2,
      testFraction: 0.3,
      mode: 'light',
      schedule: { kind: 'linear', step: 0.5 },
      poolCentres: { minImagesPerClass: 1 },
      pooling: 'grid2x2',
    });
    expect(result.meta.pooling).toBe('grid2x2');
    expect(result.rounds.map((r) => r.labels)).toEqual([4, 8, 4, 8]);
    const adma = result.rounds.find((r) => r.strategy === 'adma' && r.round === 0);
    expect(adma?.batchMeanDistinctiveness).toBeCloseTo(adma!.queried.reduce((sum, id) => sum + (grid.distinctiveness[id] as number), 0) / 4, 4);
  });
});
