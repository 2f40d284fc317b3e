/**
 * The engine worker runs jobs side by side: when the expert chooses another pre-trained model
 * while a training runs, the new model's pool is loaded and the worker disposes the old one
 * (worker.ts loopPrepare) while the training still runs on it. The training must end on the
 * features it began on, exactly as without the switch, and the old pool be freed right after; a
 * training asked for on a model whose pool is no longer loaded is refused, saying why, and makes
 * no version. Starter model, 40 demo digits, the app's own pool (AdaptationPool).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { AdaptationPool } from '../../../src-main/engine/loop/adaptation-pool';
import type { LoopTrainArgs, LoopTrainResult } from '../../../src-main/engine/loop/loop-jobs';
import { findStarterModelDir, type LoadedModel } from '../../../src-main/engine/model/load-model';
import { findDemoDir } from '../../../src-main/engine/starter/demo-set';
import { loadHead } from '../../../src-main/engine/train/head-file';
import { appErrorOf } from '../../support/error-of';
import { starterDigits, type StarterDigits } from '../../support/starter-digits';

const starterDir = findStarterModelDir();
const demoDir = findDemoDir();
const missing = !starterDir ? 'the starter model (resources/starter) is not built' : !demoDir ? 'the demo set (resources/demo) is absent' : null;

let work: string;
let loaded: LoadedModel;
let dataset: StarterDigits['dataset'];
let features: StarterDigits['features'];
let hashes: string[];

async function preparePool(): Promise<AdaptationPool> {
  const items = hashes.map((hash, imageId) => ({ imageId, hash }));
  const { pool } = await AdaptationPool.prepare(loaded, { projectDir: work, model: { kind: 'starter' }, items, deep: false, excludedIds: [], centres: null, headDir: null }, () => {});
  return pool;
}

/**
 * A light training on 20 labels of two classes, each also learned in its symmetry views (so the
 * calibration after the fit reads the views again): the pool keeps what it trains on in memory.
 */
function trainingArgs(outDir: string): LoopTrainArgs {
  const classes = [0, 1];
  const labeled = dataset.images.flatMap((image, imageId) => (classes.includes(features.labels[imageId] as number) ? [{ imageId, path: image.absPath }] : [])).slice(0, 20);
  return {
    modelId: loaded.descriptor.id,
    classes: classes.map((k) => features.classes[k] as string),
    labels: labeled.map(({ imageId }) => ({ imageId, classIndex: classes.indexOf(features.labels[imageId] as number) })),
    mode: 'light',
    seed: 5,
    outDir,
    previousDir: null,
    symmetryFiles: labeled,
  };
}

describe.skipIf(missing !== null)(`a pool disposed while a training runs on it${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
    work = mkdtempSync(join(tmpdir(), 'adma-pool-dispose-'));
    // 12 digits of the two classes trained on, 4 of each other one.
    ({ loaded, dataset, features, hashes } = await starterDigits(work, (label) => (label < 2 ? 12 : 4)));
  });
  afterAll(() => {
    loaded?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the training ends on the features it began on, as without the dispose, and the pool is freed right after', async () => {
    const undisturbed = await preparePool();
    let expected: LoopTrainResult;
    try {
      expected = await undisturbed.train(trainingArgs(join(work, 'head-undisturbed')), 'wasm', new AbortController().signal, () => {});
    } finally {
      undisturbed.dispose();
    }
    expect(expected.calibration).not.toBeNull(); // the calibration after the fit ran (on the views)

    const pool = await preparePool();
    let disposedDuring = false;
    // The fit is done; the pool's scores and the calibration on the views are still to come.
    const onEpoch = (): void => {
      if (disposedDuring) return;
      disposedDuring = true;
      pool.dispose(); // what the worker does when another model's pool is loaded
    };
    const outDir = join(work, 'head-switched');
    const result = await pool.train(trainingArgs(outDir), 'wasm', new AbortController().signal, onEpoch);
    expect(disposedDuring).toBe(true);
    expect(result).toMatchObject({ epochs: expected.epochs, loss: expected.loss, trainAccuracy: expected.trainAccuracy, calibration: expected.calibration });
    expect(Array.from(result.predictions.classIndexes)).toEqual(Array.from(expected.predictions.classIndexes));
    expect((await loadHead(outDir)).facts.modelId).toBe(loaded.descriptor.id);
    // Freed once the training ended: its head is not kept, and no job starts on it any more.
    expect(pool.hasHead).toBe(false);
    const late = await appErrorOf(pool.train(trainingArgs(join(work, 'head-late')), 'wasm', new AbortController().signal, () => {}));
    expect(late.code).toBe('CANCELLED');
    expect(late.message).toMatch(/features were unloaded.*nothing was done/);
    expect(existsSync(join(work, 'head-late'))).toBe(false);
  });

  it('a training to be recorded on another model than the pool\'s is refused, saying why, and makes no version', async () => {
    const pool = await preparePool();
    try {
      const outDir = join(work, 'head-other-model');
      const error = await appErrorOf(pool.train({ ...trainingArgs(outDir), modelId: 'mobilenet_v1_0.25_224' }, 'wasm', new AbortController().signal, () => {}));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain(`to be made on the pre-trained model mobilenet_v1_0.25_224, but the features of another pre-trained model (${loaded.descriptor.id}) were loaded`);
      expect(error.message).toMatch(/No classifier version was made and the classifier in use is unchanged/);
      expect(existsSync(outDir)).toBe(false);
    } finally {
      pool.dispose();
    }
  });
});
