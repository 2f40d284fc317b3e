/**
 * A training predicts the evaluation images with the head it saves (LoopTrainResult.evaluation),
 * so the host scores the new version from its answer and does not ask loopEvaluate again: those
 * predictions must be the ones loopEvaluate makes with the saved head, temperature included.
 * A ranking names the head it was made with (LoopSelectResult.headDir), and a training that fails
 * after its head was put in use leaves the head before in use (not on a pool being disposed,
 * where nothing ranks any more); a load whose head cannot be read frees the pool it built. A light
 * head's temperature (deep too) is fitted on the labeled evaluation set when it holds enough images. The worker's pool (AdaptationPool,
 * as the app's loop jobs call it), starter model, 60 demo digits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { AdaptationPool } from '../../../src-main/engine/loop/adaptation-pool';
import { LoopCore } from '../../../src-main/engine/loop/loop-core';
import { findStarterModelDir, type LoadedModel } from '../../../src-main/engine/model/load-model';
import { MIN_EVALUATION_TO_CALIBRATE } from '../../../src-shared/requests/evaluation';
import { loadHead } from '../../../src-main/engine/train/head-file';
import { prepareSimulationFeatures, type SimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import type { ImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { findDemoDir } from '../../../src-main/engine/starter/demo-set';
import { starterDigits } from '../../support/starter-digits';

const missing = !findStarterModelDir() ? 'the starter model (resources/starter) is not built' : !findDemoDir() ? 'the demo set (resources/demo) is absent' : null;

let work: string;
let loaded: LoadedModel;
let features: SimulationFeatures;
let hashes: string[];
let dataset: ImageFolderDataset;

describe.skipIf(missing !== null)(`a training's predictions of the evaluation images${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
    work = mkdtempSync(join(tmpdir(), 'adma-training-evaluation-'));
    ({ loaded, features, hashes, dataset } = await starterDigits(work, () => 6));
  });
  afterAll(() => {
    loaded?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The pool of the starter digits, with the head in `headDir` (null: none). */
  const prepare = (headDir: string | null, deep = false): ReturnType<typeof AdaptationPool.prepare> =>
    AdaptationPool.prepare(
      loaded,
      { projectDir: work, model: { kind: 'starter' }, items: hashes.map((hash, imageId) => ({ imageId, hash })), deep, excludedIds: [], centres: null, headDir },
      () => {},
    );

  it('are the ones loopEvaluate makes with the head it saved (a temperature fitted; an image without features is -1 in both)', async () => {
    const { pool } = await prepare(null);
    try {
      const ids = hashes.map((_, imageId) => imageId);
      // 30 labels (enough to fit a temperature), every class; the other 30 images and one without features are the evaluation set.
      const labeled = ids.filter((id) => id % 2 === 0);
      const classes = [...new Set(labeled.map((id) => features.labels[id] as number))].sort((a, b) => a - b);
      const evaluationIds = [...ids.filter((id) => id % 2 === 1), 10_000];
      const outDir = join(work, 'head-1');
      const trained = await pool.train(
        {
          modelId: loaded.descriptor.id,
          classes: classes.map((k) => features.classes[k] as string),
          labels: labeled.map((imageId) => ({ imageId, classIndex: classes.indexOf(features.labels[imageId] as number) })),
          mode: 'light',
          seed: 3,
          outDir,
          previousDir: null,
          evaluationIds,
        },
        'wasm',
        new AbortController().signal,
        () => {},
      );
      const { predicted } = await pool.evaluate({ modelId: loaded.descriptor.id, heads: [{ version: 1, dir: outDir }], imageIds: evaluationIds });
      const evaluated = predicted[0]!;
      expect(trained.calibration?.heldOut).toBeGreaterThan(0);
      expect(trained.evaluation.temperature).toBe(trained.calibration!.temperature);
      expect(trained.evaluation.temperature).not.toBe(1); // the tempered confidences are compared too
      expect(trained.evaluation.temperature).toBe(evaluated.temperature);
      expect(trained.evaluation.classIndex).toEqual(evaluated.classIndex);
      expect(trained.evaluation.classIndex.at(-1)).toBe(-1);
      expect(trained.evaluation.classIndex.filter((c) => c >= 0)).toHaveLength(30);
      for (const key of ['confidence', 'rawConfidence'] as const) {
        trained.evaluation[key].forEach((p, k) => expect(p, `${key} of image ${evaluationIds[k]}`).toBeCloseTo(evaluated[key][k] as number, 6));
      }
      // Asked for none: none.
      const none = await pool.train(
        { modelId: loaded.descriptor.id, classes: classes.map((k) => features.classes[k] as string), labels: labeled.map((imageId) => ({ imageId, classIndex: classes.indexOf(features.labels[imageId] as number) })), mode: 'light', seed: 3, outDir: join(work, 'head-2'), previousDir: outDir },
        'wasm',
        new AbortController().signal,
        () => {},
      );
      expect(none.evaluation).toMatchObject({ classIndex: [], confidence: [], rawConfidence: [] });
    } finally {
      pool.dispose();
    }
  });

  it.each(['light', 'deep'] as const)("fits the %s head's temperature on the labeled evaluation set when it holds 40 images with features, else (light only) on the training labels' folds", async (mode) => {
    // Deep fine-tuning reads the cut layer's activations: extracted into the same feature store first.
    if (mode === 'deep') await prepareSimulationFeatures(loaded, dataset, { deep: true, cacheDir: work });
    const { pool } = await prepare(null, mode === 'deep');
    try {
      const ids = hashes.map((_, imageId) => imageId);
      // 20 training labels (every class); the other 40 images are the labeled evaluation set.
      const labeled = ids.filter((id) => id % 3 === 0);
      const classes = [...new Set(labeled.map((id) => features.labels[id] as number))].sort((a, b) => a - b);
      const evaluation = ids.filter((id) => id % 3 !== 0);
      expect(evaluation).toHaveLength(MIN_EVALUATION_TO_CALIBRATE);
      const indexOf = (id: number): number => classes.indexOf(features.labels[id] as number);
      const train = (outDir: string, evaluationLabels: { imageId: number; classIndex: number }[]): ReturnType<AdaptationPool['train']> =>
        pool.train(
          {
            modelId: loaded.descriptor.id,
            classes: classes.map((k) => features.classes[k] as string),
            labels: labeled.map((imageId) => ({ imageId, classIndex: indexOf(imageId) })),
            mode,
            seed: 3,
            outDir,
            previousDir: null,
            evaluationIds: evaluation,
            evaluationLabels,
          },
          'wasm',
          new AbortController().signal,
          () => {},
        );
      const all = evaluation.map((imageId) => ({ imageId, classIndex: indexOf(imageId) }));
      const onEvaluation = await train(join(work, `head-eval-${mode}`), all);
      expect(onEvaluation.calibration).toMatchObject({ source: 'evaluation set', heldOut: 40, folds: 5 });
      const saved = await loadHead(join(work, `head-eval-${mode}`));
      expect(saved.facts.calibration?.source).toBe('evaluation set');
      // The evaluation images' predictions come back at the temperature applied, as the suggestions are shown.
      expect(saved.facts.temperature).toBe(onEvaluation.calibration!.temperature);
      expect(onEvaluation.evaluation.temperature).toBe(onEvaluation.calibration!.temperature);
      // One image without features and one of a class the head does not know leave 39 usable: the training labels' folds instead (light), none (deep).
      const short = [...all.slice(1), { imageId: 10_000, classIndex: 0 }, { imageId: all[0]!.imageId, classIndex: classes.length }];
      const onTraining = await train(join(work, `head-train-${mode}`), short);
      if (mode === 'light') expect(onTraining.calibration).toMatchObject({ source: 'training labels', heldOut: 20 });
      else expect(onTraining.calibration).toBeNull();
    } finally {
      pool.dispose();
    }
  });

  it('a load whose head cannot be read fails and frees the pool it built', async () => {
    const dispose = vi.spyOn(AdaptationPool.prototype, 'dispose');
    try {
      const load = prepare(join(work, 'no-such-head'));
      await expect(load).rejects.toThrow();
      expect(dispose).toHaveBeenCalledTimes(1);
    } finally {
      dispose.mockRestore();
    }
  });

  it('a ranking names the head it was made with; a training that fails once its head is in use puts the head before back', async () => {
    const { pool } = await prepare(null);
    try {
      const ids = hashes.map((_, imageId) => imageId);
      const classes = [...new Set(features.labels)].sort((a, b) => a - b);
      const job = (labeled: number[], outDir: string) => ({
        modelId: loaded.descriptor.id,
        classes: classes.map((k) => features.classes[k] as string),
        labels: labeled.map((imageId) => ({ imageId, classIndex: classes.indexOf(features.labels[imageId] as number) })),
        mode: 'light' as const,
        seed: 3,
        outDir,
        previousDir: null,
      });
      const select = (labeled: number[]) =>
        pool.select({ modelId: loaded.descriptor.id, strategy: 'margin', schedule: { kind: 'linear', step: 0.5 }, uncertainty: 'margin', batchSize: 5, round: 1, labeledIds: labeled, excludedIds: [], labeledClassCount: classes.length, seed: 3 });
      expect(select([]).headDir).toBeNull();
      const first = ids.filter((id) => id % 3 === 0);
      const v1 = join(work, 'ranked-v1');
      await pool.train(job(first, v1), 'wasm', new AbortController().signal, () => {});
      const byV1 = select(first);
      expect(byV1.headDir).toBe(v1);
      // A training on more labels whose head cannot be saved (a file where its folder goes): it
      // fails after the core trained it, and the batches are ranked by v1 again.
      const blocked = join(work, 'a-file');
      writeFileSync(blocked, '');
      const failed = pool.train(job(ids.filter((id) => id % 3 !== 2), join(blocked, 'v2')), 'wasm', new AbortController().signal, () => {});
      await expect(failed).rejects.toThrow();
      const after = select(first);
      expect(after.headDir).toBe(v1);
      expect(after.items).toEqual(byV1.items);

      // The same failure on a pool disposed during the training (another pool replaced it): the
      // head before is not put back (the whole pool's probabilities computed again for nothing).
      const useHead = vi.spyOn(LoopCore.prototype, 'useHead');
      try {
        const unused = pool.train(job(ids.filter((id) => id % 3 !== 2), join(blocked, 'v3')), 'wasm', new AbortController().signal, () => {});
        pool.dispose();
        await expect(unused).rejects.toThrow();
        expect(useHead).toHaveBeenCalledTimes(1); // the training's own head only
      } finally {
        useHead.mockRestore();
      }
    } finally {
      pool.dispose();
    }
  });
});
