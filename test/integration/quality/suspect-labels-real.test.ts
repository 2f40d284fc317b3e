/**
 * Suspect labels on real photos: 10% of the 398 hymenoptera labels flipped (seeded), the
 * app's 5-fold cross-validation of the light head on MobileNet v1 0.25 pooled features;
 * the flipped photos must crowd the top of the queue far above chance (0.10). Measured
 * 0.45–0.475 precision at k and 0.63–0.68 recall at 2k on three seeds (bench/README.md,
 * "Suspect labels and calibration"); asserted with margin (> 0.3, > 0.45). No timing is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNoiseExperiment } from '../../../src-main/engine/quality/label-noise-experiment';
import type { SimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import { HYMENOPTERA_MISSING, hymenopteraAvailable, hymenopteraFeatures } from '../../support/hymenoptera-features';

let work: string;
let features: SimulationFeatures;

describe.skipIf(!hymenopteraAvailable)(`suspect labels on real photos${hymenopteraAvailable ? '' : ` (${HYMENOPTERA_MISSING})`}`, () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'adma-suspects-'));
    features = await hymenopteraFeatures(work);
  }, 600_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ranks flipped labels at the top of the queue, deterministically', async () => {
    const inputs = { data: features.featuresB.data as Float32Array, rowShape: [features.featuresB.cols] };
    const first = await runNoiseExperiment(inputs, features.labels, features.classes.length, { share: 0.1, seed: 1 });
    expect(first.flipped).toBe(Math.round(0.1 * features.labels.length));
    expect(first.chance).toBeLessThan(0.11);
    // Chance is 0.10 (and 0.20 at 2k); measured 0.45 and 0.63 at this seed.
    expect(first.precisionAtK).toBeGreaterThan(0.3);
    expect(first.recallAt2K).toBeGreaterThan(0.45);
    expect(first.calibration.eceAfter).not.toBeNull();
    const again = await runNoiseExperiment(inputs, features.labels, features.classes.length, { share: 0.1, seed: 1 });
    expect(again.precisionAtK).toBe(first.precisionAtK);
    expect(again.calibration.temperature).toBe(first.calibration.temperature);
    process.stdout.write(`suspects, hymenoptera 10% flipped: P@k ${first.precisionAtK.toFixed(3)}, R@2k ${first.recallAt2K.toFixed(3)}, T ${first.calibration.temperature.toFixed(3)}, ECE ${first.calibration.eceBefore?.toFixed(3)} -> ${first.calibration.eceAfter?.toFixed(3)}\n`);
  }, 300_000);
});
