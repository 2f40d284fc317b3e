/**
 * A model folder whose own adma-model.json keeps its id over new weights, chosen again as a new
 * model: its id is unchanged, so the versions, the retrain and the export compared only ids and
 * took the classifier trained on the old weights for one of the chosen model (it kept predicting
 * on the new weights' features, and exporting it paired the new files with its head). Each
 * version records the files' fingerprint it was trained with (migration 18): once the new
 * weights' features are complete the app trains a classifier on them by itself
 * (ActiveLoop.retrainDue 'weights'; the status says why: classifier.outdated, featuresRetrain),
 * and a version on the old weights is refused by the export in words (and listed so), while it
 * stays kept as the latest on those weights.
 * Over a real project database and a fake engine answering the folder's fingerprint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import type { EngineStatus, ProjectChanged } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder, tempDir } from '../../support/image-folder';
import { until } from '../../support/until';

const OLD = 'aaaaaaaaaaaa';
const NEW = 'bbbbbbbbbbbb';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

/** A fake engine whose loadModel answers the folder's files' fingerprint as it is now (`weights.now`). */
function engineWithWeights(): { engine: FakeEngine; weights: { now: string } } {
  const engine = new FakeEngine();
  const weights = { now: OLD };
  const request = engine.request.bind(engine);
  engine.request = ((kind, args, options) => {
    const answer = request(kind, args, options);
    if (kind !== 'loadModel') return answer;
    return answer.then((summary) => ({ ...summary, fingerprint: weights.now }));
  }) as FakeEngine['request'];
  return { engine, weights };
}

/** A project on a model folder with 4 training labels of two classes and a version trained on them (v1, on the OLD weights). */
async function trainedOnFolder() {
  const root = await imageFolder(12);
  const folder = path.join(tempDir(), 'leaves-model');
  fs.mkdirSync(folder);
  const project = Project.open(root, true);
  await project.rescan();
  const { engine, weights } = engineWithWeights();
  const events = new EventHub();
  const announced: EngineStatus[] = [];
  events.subscribe((event, payload) => {
    const changed = payload as ProjectChanged;
    if (event === 'project:changed' && changed.change === 'engine') announced.push(changed.status);
  });
  const adaptation = new Adaptation({ project, engine: () => engine, events, places: {}, log: () => {} });
  open.push({ project, adaptation });
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  await adaptation.chooseModel({ kind: 'folder', path: folder });
  await adaptation.features.done;
  const ids = project.images.list({ kind: 'all' }, 0, 4).items.map((i) => i.id);
  project.setLabels(ids.slice(0, 2), ant.id);
  project.setLabels(ids.slice(2, 4), bee.id);
  await adaptation.loop.train();
  return { root, folder, project, engine, weights, adaptation, announced };
}

describe('the model folder chosen again over other weights under the same id', () => {
  it('a classifier on the new weights is trained by itself, said as their reason, and the version on the old weights is not exported with the new files', async () => {
    const { folder, project, engine, weights, adaptation, announced } = await trainedOnFolder();
    const modelId = adaptation.store.model()?.modelId as string;
    expect(adaptation.store.model()?.fingerprint).toBe(OLD);
    expect(adaptation.store.latestVersion()).toMatchObject({ version: 1, modelId, modelFingerprint: OLD });
    expect(adaptation.status().classifier?.outdated).toBeUndefined();

    // The folder's weights change under the same id; the expert chooses it again as a new model.
    weights.now = NEW;
    const callsBefore = engine.calls.length;
    let release!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (release = resolve)) };
    await adaptation.chooseModel({ kind: 'folder', path: folder });
    expect(adaptation.store.model()).toMatchObject({ modelId, fingerprint: NEW });
    // While the new weights' features are extracted: said as the weights' reason, to be retrained by itself.
    expect(adaptation.status()).toMatchObject({ modelVersion: 1, classifier: { version: 1, modelId, outdated: 'weights' }, featuresRetrain: true, backboneRetrain: false, training: false });
    announced.length = 0;
    release();
    await adaptation.features.done;
    const version = await until(() => {
      const latest = adaptation.store.latestVersion();
      return latest !== null && latest.version > 1 && !adaptation.loop.isTraining ? latest : null;
    });
    expect(version).toMatchObject({ version: 2, modelId, trainingLabels: 4, modelFingerprint: NEW });
    expect(engine.count('loopTrain')).toBe(2);
    // Started afresh: not warm-started from the head on the old weights (its layers and temperature fit their features).
    const trainings = engine.calls.filter((call) => call.kind === 'loopTrain').map((call) => call.args as { previousDir: string | null });
    expect(trainings.map((args) => args.previousDir)).toEqual([null, null]);
    expect(announced.some((status) => status.training && status.featuresRetrain === true && status.classifier?.outdated === 'weights')).toBe(true);
    expect(announced.every((status) => status.backboneRetrain !== true)).toBe(true);
    // The pool on the new weights' features never ranked with the head on the old ones (v1).
    const pools = engine.calls.slice(callsBefore).filter((call) => call.kind === 'loopPrepare').map((call) => (call.args as { headDir: string | null }).headDir);
    expect(pools.length).toBeGreaterThan(0);
    expect(pools.filter((dir) => dir !== null && !/v2$/.test(dir))).toEqual([]);
    const after = adaptation.status();
    expect(after).toMatchObject({ modelVersion: 2, featuresRetrain: false, training: false });
    expect(after.classifier?.outdated).toBeUndefined();

    // Another extraction: nothing to retrain.
    engine.hold = null;
    adaptation.features.start();
    await adaptation.features.done;
    await until(() => adaptation.features.status.state === 'complete' && !adaptation.loop.isTraining);
    expect(engine.count('loopTrain')).toBe(2);

    // A training on the new weights since is warm-started from v2, as any.
    await adaptation.loop.train();
    expect((engine.calls.filter((call) => call.kind === 'loopTrain').at(-1)?.args as { previousDir: string | null }).previousDir).toMatch(/v2$/);

    // Evaluation labels given now are scored on the new weights' features: by v2, never by v1 (a
    // head on the old weights would be scored on features it never saw: it keeps the score it had).
    await adaptation.duplicates.sampleEvaluation(2);
    const evaluationIds = [...adaptation.store.evaluationIds()];
    expect(evaluationIds).toHaveLength(2);
    const scoringsBefore = engine.calls.length;
    project.setLabels(evaluationIds, project.classes.list()[0]!.id);
    await until(async () => ((await adaptation.evaluation.dashboard()).scoring.length === 0 && engine.count('loopEvaluate') > 0 ? true : null));
    const scored = engine.calls.slice(scoringsBefore).filter((call) => call.kind === 'loopEvaluate').flatMap((call) => (call.args as { heads: { version: number }[] }).heads.map((head) => head.version));
    expect(scored).toContain(2);
    expect(scored).not.toContain(1);

    // The version on the old weights: kept, listed as not exportable with why, and refused by the export.
    const exports = engine.answerExports(['model.json']);
    const listed = adaptation.transfer.versions().versions;
    const old = listed.find((v) => v.version === 1);
    expect(old?.kept).toContain('backbone');
    expect(old?.notExportable).toMatch(/trained on other weights of .+ than the model folder holds now: export a version trained since, or put those files back/);
    expect(listed.find((v) => v.version === 2)?.notExportable).toBeNull();
    const destination = path.join(tempDir(), 'export-old');
    const refusal = adaptation.transfer.export({ destination, model: true, labelsCsv: false, labelsJson: false, imageFolder: false, modelVersion: 1 });
    await expect(refusal).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^Version 1 cannot be exported: it was trained on other weights of /) as unknown });
    expect(exports).toHaveLength(0);
    // The version trained since is exported.
    await adaptation.transfer.export({ destination: path.join(tempDir(), 'export-new'), model: true, labelsCsv: false, labelsJson: false, imageFolder: false, modelVersion: 2 });
    expect(exports.map((e) => e.headDir)).toHaveLength(1);
  });

  it('a version whose fingerprint is not known (trained before it was recorded) is never taken for other weights', async () => {
    const { folder, project, engine, weights, adaptation } = await trainedOnFolder();
    // As a version trained before migration 18: no fingerprint recorded.
    project.db.prepare('UPDATE model_versions SET model_fingerprint = NULL').run();
    weights.now = NEW;
    await adaptation.chooseModel({ kind: 'folder', path: folder });
    expect(adaptation.store.model()?.fingerprint).toBe(NEW);
    await adaptation.features.done;
    await until(() => adaptation.features.status.state === 'complete' && !adaptation.loop.isTraining);
    expect(engine.count('loopTrain')).toBe(1);
    expect(adaptation.status().classifier?.outdated).toBeUndefined();
    expect(adaptation.transfer.versions().versions.find((v) => v.version === 1)?.notExportable).toBeNull();
  });
});
