/**
 * The engine's check of whether the labels say the images have no up or down
 * (AdaptationPool.symmetryCheck, the loopSymmetryCheck job): on 60 demo digits of a project
 * whose feature cache has no views yet, the job extracts the labeled images' symmetry views into
 * the cache (so turning the setting on later costs nothing more) and returns the paired
 * out-of-fold statistics that a direct computation gives: the plain and the views light head
 * cross-validated on the same folds, with views extracted by the simulator's own path.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { symmetryViews } from '../../../src-main/engine/features/symmetry-views';
import { AdaptationPool } from '../../../src-main/engine/loop/adaptation-pool';
import { findStarterModelDir, type LoadedModel } from '../../../src-main/engine/model/load-model';
import { outOfFoldLogits } from '../../../src-main/engine/quality/out-of-fold';
import { LOG_LOSS_FLOOR } from '../../../src-main/engine/quality/symmetry-evidence';
import { prepareSimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import type { ImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { findDemoDir } from '../../../src-main/engine/starter/demo-set';
import { starterDigits } from '../../support/starter-digits';

const missing = !findStarterModelDir() ? 'the starter model (resources/starter) is not built' : !findDemoDir() ? 'the demo set (resources/demo) is absent' : null;
const SEED = 11;

let work: string;
let loaded: LoadedModel;
let dataset: ImageFolderDataset;
let hashes: string[];

/** Per row, -log of the label's softmax probability (floored), and whether the label is the argmax. */
function scores(logits: Float64Array, labels: number[], c: number): { loss: number[]; right: number[] } {
  const loss: number[] = [];
  const right: number[] = [];
  labels.forEach((label, i) => {
    const row = Array.from(logits.subarray(i * c, (i + 1) * c));
    const max = Math.max(...row);
    const sum = row.reduce((a, z) => a + Math.exp(z - max), 0);
    loss.push(-Math.log(Math.max(Math.exp((row[label] as number) - max) / sum, LOG_LOSS_FLOOR)));
    right.push(row.indexOf(max) === label ? 1 : 0);
  });
  return { loss, right };
}

describe.skipIf(missing !== null)(`the no-up-or-down check on real features${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
    work = mkdtempSync(join(tmpdir(), 'adma-symmetry-check-'));
    ({ loaded, dataset, hashes } = await starterDigits(work, () => 6));
  });
  afterAll(() => {
    loaded?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('extracts and caches the labeled images\' views and returns the paired out-of-fold statistics of a direct computation', async () => {
    // The app's project: its features, no views; the simulator's copy below extracts every view its own way.
    const appDir = join(work, 'app');
    cpSync(dataset.root, join(appDir, 'digits'), { recursive: true });
    const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: appDir });
    const direct = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: work, symmetryViews: true });
    const viewList = symmetryViews(loaded.descriptor.input.height, loaded.descriptor.input.width).slice(1);
    const labeledIds = Array.from({ length: 50 }, (_, k) => k);
    const before = FeatureStore.openExistingFor(appDir, featureLayoutOf(loaded));
    expect(before.missingViews(labeledIds.map((id) => hashes[id] as string), viewList)).toHaveLength(50);
    before.close();

    const labels = labeledIds.map((imageId) => ({ imageId, classIndex: features.labels[imageId] as number }));
    const c = features.classes.length;
    const { pool } = await AdaptationPool.prepare(
      loaded,
      { projectDir: appDir, model: { kind: 'starter' }, items: hashes.map((hash, imageId) => ({ imageId, hash })), deep: false, excludedIds: [], centres: null, headDir: null },
      () => {},
    );
    const folds: number[] = [];
    let result;
    try {
      result = await pool.symmetryCheck(
        {
          modelId: loaded.descriptor.id,
          labels,
          classCount: c,
          seed: SEED,
          symmetryFiles: labeledIds.map((imageId) => ({ imageId, path: join(appDir, 'digits', ...(dataset.images[imageId]?.path ?? '').split('/')) })),
        },
        new AbortController().signal,
        (done) => folds.push(done),
      );
    } finally {
      pool.dispose();
    }
    expect(folds).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // The views are in the project's cache now, as training with the setting on leaves them.
    const after = FeatureStore.openExistingFor(appDir, featureLayoutOf(loaded));
    try {
      expect(after.missingViews(labeledIds.map((id) => hashes[id] as string), viewList)).toEqual([]);
    } finally {
      after.close();
    }

    // Direct computation: the same folds and heads on the simulator's features and views.
    const d = direct.featuresB.cols;
    const perRow = direct.views?.perRow as number;
    const viewData = direct.views?.data as Float32Array;
    const inputs = { data: direct.featuresB.data as Float32Array, rowShape: [d] };
    const rows = labeledIds;
    const y = labels.map((l) => l.classIndex);
    const plain = await outOfFoldLogits(inputs, rows, y, { classCount: c, folds: 5, seed: SEED });
    const views = await outOfFoldLogits(
      { ...inputs, views: { perRow, of: (row) => viewData.slice(row * perRow * d, (row + 1) * perRow * d) } },
      rows,
      y,
      { classCount: c, folds: 5, seed: SEED },
    );
    const p = scores(plain.logits, y, c);
    const v = scores(views.logits, y, c);
    const diff = v.loss.map((loss, i) => loss - (p.loss[i] as number));
    const n = diff.length;
    const mean = diff.reduce((a, b) => a + b, 0) / n;
    const se = Math.sqrt(diff.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
    const evidence = result.evidence;
    expect(evidence.n).toBe(50);
    expect(evidence.meanDifference).toBeCloseTo(mean, 6);
    expect(evidence.standardError).toBeCloseTo(se, 6);
    expect(evidence.plainAccuracy).toBeCloseTo(p.right.reduce((a, b) => a + b, 0) / n, 12);
    expect(evidence.viewsAccuracy).toBeCloseTo(v.right.reduce((a, b) => a + b, 0) / n, 12);
    expect(evidence.suggest).toBe(mean < -2 * se && evidence.viewsAccuracy >= evidence.plainAccuracy);
    // The two heads differ (the views change the training), so the comparison is not of a head with itself.
    expect(evidence.meanDifference).not.toBe(0);
    expect(result.millis).toBeGreaterThanOrEqual(0);
  });
});
