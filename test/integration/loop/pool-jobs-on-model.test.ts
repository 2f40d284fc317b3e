/**
 * Every job the engine worker runs on its pool names the pre-trained model it was asked for on
 * (PoolJobArgs.modelId): when the worker's pool holds another model's features (the expert
 * chose another model meanwhile), the job is refused, saying why, instead of answering with
 * that model's features (a batch chosen, versions scored, labels checked, a model exported on
 * the wrong backbone). Before, only a training was refused. The engine worker, the shipped
 * starter model, three images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../../src-main/engine/engine-client';
import { findStarterModelDir } from '../../../src-main/engine/model/load-model';
import type { JobArgs, JobKind } from '../../../src-main/engine/worker-protocol';
import { DEFAULT_NEAR_DUPLICATE_CRITERIA } from '../../../src-main/engine/adma/near-duplicates';
import { appErrorOf } from '../../support/error-of';
import { extractedOnce } from '../../faults/support/cache-set-aside';

const OTHER = 'mobilenet_v1_0.25_224';

/** A job of each kind run on the pool, asked for on the model `modelId`. */
function poolJobs(modelId: string, outDir: string): { [K in JobKind]?: JobArgs<K> } {
  const criteria = DEFAULT_NEAR_DUPLICATE_CRITERIA;
  return {
    loopSelect: { modelId, strategy: 'adma', schedule: { kind: 'linear', step: 0.1 }, uncertainty: 'margin', batchSize: 2, round: 0, labeledIds: [], excludedIds: [], labeledClassCount: 0, seed: 1 },
    loopDuplicates: { modelId, criteria },
    loopDuplicatesBetween: { modelId, criteria, left: [1], right: [2, 3] },
    loopSimilar: { modelId, imageId: 1, count: 2, skipIds: [] },
    loopEvaluate: { modelId, heads: [], imageIds: [1, 2, 3] },
    loopLabelQuality: { modelId, labels: [{ imageId: 1, classIndex: 0 }], classCount: 2, seed: 1 },
    loopSymmetryCheck: { modelId, labels: [{ imageId: 1, classIndex: 0 }], classCount: 2, seed: 1, symmetryFiles: [] },
    loopExport: { modelId, headDir: outDir, outDir, classNames: ['a', 'b'], labelCounts: [1, 1], metrics: {}, training: {} },
  };
}

describe.skipIf(!findStarterModelDir())('jobs on the worker\'s pool asked for on another model than the pool\'s', () => {
  let client: EngineClient;
  let modelId: string;
  let project: string;

  beforeAll(async () => {
    client = new EngineClient();
    const extracted = await extractedOnce(client);
    project = extracted.project;
    modelId = extracted.first.modelId;
    expect(await extracted.prepare()).toMatchObject({ modelId });
  });
  afterAll(async () => {
    await client?.terminate();
  });

  it('are refused, saying why and that nothing was changed', async () => {
    expect(modelId).not.toBe(OTHER);
    const jobs = Object.entries(poolJobs(OTHER, `${project}/export`)) as [JobKind, JobArgs<JobKind>][];
    expect(jobs).toHaveLength(8);
    for (const [kind, args] of jobs) {
      const error = await appErrorOf(client.request(kind, args));
      expect({ kind, code: error.code }).toEqual({ kind, code: 'CONFLICT' });
      expect(error.message).toMatch(
        new RegExp(`^This [a-z ]+ was to be (made|chosen) on the pre-trained model ${OTHER}, but the features of another pre-trained model \\(${modelId}\\) were loaded before it could start: another model was chosen meanwhile\\. Nothing was changed; ask again: it then runs on the model chosen now\\.$`),
      );
    }
  });

  it('name both models by the names the main process gives with the job (PoolJobArgs.modelNames), not by their ids', async () => {
    const modelNames = { [OTHER]: 'MobileNet v1 0.25', [modelId]: 'Starter (28 px)' };
    const named = (args: JobArgs<JobKind>) => ({ ...args, modelNames }) as JobArgs<JobKind>;
    const jobs = Object.entries(poolJobs(OTHER, `${project}/export`)) as [JobKind, JobArgs<JobKind>][];
    const train: JobArgs<'loopTrain'> = { modelId: OTHER, classes: ['a', 'b'], labels: [{ imageId: 1, classIndex: 0 }], mode: 'light', seed: 1, outDir: `${project}/head`, previousDir: null };
    for (const [kind, args] of [...jobs, ['loopTrain', train] as [JobKind, JobArgs<JobKind>]]) {
      const error = await appErrorOf(client.request(kind, named(args)));
      expect({ kind, code: error.code }).toEqual({ kind, code: 'CONFLICT' });
      expect({ kind, message: error.message }).toEqual({
        kind,
        message: expect.stringMatching(/^This [a-z ]+ was to be (made|chosen) on the pre-trained model MobileNet v1 0\.25, but the features of another pre-trained model \(Starter \(28 px\)\) were loaded before it could start: another model was chosen meanwhile\. /),
      });
      expect(error.message).not.toContain(OTHER);
      expect(error.message).not.toContain(modelId);
    }
  });

  it('run as before on their own model\'s pool', async () => {
    const jobs = poolJobs(modelId, `${project}/export`);
    expect((await client.request('loopSelect', jobs.loopSelect!)).items).toHaveLength(2);
    expect(await client.request('loopSimilar', jobs.loopSimilar!)).toHaveLength(2);
    expect(await client.request('loopEvaluate', jobs.loopEvaluate!)).toEqual({ predicted: [] });
  });
});
