/**
 * The classifier in use learned from feature rows that were computed again since (the feature
 * cache's redecodes, FeatureStore.redecodes, grew: images deeper than 8 bits now read as this
 * version reads them): once the features are complete the app trains it again on every label so
 * far by itself, as after a switch of the pre-trained model (ActiveLoop.retrainDue), and the
 * status says why (EngineStatus.featuresRetrain, never backboneRetrain: the model is the same).
 * Each version records the count it was trained against (migration 17), so it retrains once.
 * Over a real project database and a fake engine; the cache's count is written as the engine's
 * extraction leaves it (the app's file of the model, its meta).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import type { EngineStatus, ProjectChanged } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder } from '../../support/image-folder';
import { until } from '../../support/until';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

/** A project with 4 training labels of two classes and a version trained on them (v1); the statuses the windows are sent. */
async function trained() {
  const root = await imageFolder(12);
  const project = Project.open(root, true);
  await project.rescan();
  const engine = new FakeEngine();
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
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  const ids = project.images.list({ kind: 'all' }, 0, 4).items.map((i) => i.id);
  project.setLabels(ids.slice(0, 2), ant.id);
  project.setLabels(ids.slice(2, 4), bee.id);
  await adaptation.loop.train();
  return { root, project, engine, adaptation, announced };
}

/** The app's feature cache of `modelId` in `root` as an extraction leaves it: marked the app's, with `redecodes` (none: never counted). */
function writeCacheCount(root: string, modelId: string, redecodes: number): void {
  const dir = path.join(root, '.adma', 'features');
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, `${modelId.replace(/[^A-Za-z0-9._-]/g, '_')}.db`));
  try {
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('app', '1')`).run();
    db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('redecodes', ?)`).run(String(redecodes));
  } finally {
    db.close();
  }
}

/** The latest version once no training runs, when it is past `after`. */
const versionAfter = (adaptation: Adaptation, after: number) => () => {
  const latest = adaptation.store.latestVersion();
  return latest !== null && latest.version > after && !adaptation.loop.isTraining ? latest : null;
};

describe('the features of the classifier in use computed again', () => {
  it('a version trained before counts as trained against 0: once the features are complete it is trained again on the same labels, said as the features\' reason, and only once', async () => {
    const { root, engine, adaptation, announced } = await trained();
    const modelId = adaptation.store.model()?.modelId as string;
    expect(adaptation.store.latestVersion()).toMatchObject({ version: 1, modelId, trainingLabels: 4 });
    expect(adaptation.status()).toMatchObject({ backboneRetrain: false });

    // An extraction computes rows again (the engine counts it in the cache): nothing is said before it completes.
    let release!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (release = resolve)) };
    adaptation.features.start();
    writeCacheCount(root, modelId, 1);
    expect(adaptation.status()).toMatchObject({ modelVersion: 1, training: false });
    expect(adaptation.status().featuresRetrain).not.toBe(true);
    announced.length = 0;
    release();
    // The extraction's end (its completion's steps included) begins the training, with no label or Train now.
    await adaptation.features.done;
    expect(adaptation.loop.isTraining || (adaptation.store.latestVersion()?.version ?? 0) > 1).toBe(true);
    const version = await until(versionAfter(adaptation, 1));
    expect(version).toMatchObject({ version: 2, modelId, trainingLabels: 4, featureRedecodes: 1 });
    expect(engine.count('loopTrain')).toBe(2);
    // Said while it trained, as the features' reason (the same model: never "another model").
    expect(announced.some((status) => status.training && status.featuresRetrain === true && status.modelVersion === 1)).toBe(true);
    expect(announced.every((status) => status.backboneRetrain !== true)).toBe(true);
    expect(adaptation.status()).toMatchObject({ modelVersion: 2, featuresRetrain: false, training: false });
    expect(adaptation.store.version(1)).toMatchObject({ featureRedecodes: 0 }); // trained before: counted as 0

    // Another extraction, nothing computed again since: no training.
    engine.hold = null;
    adaptation.features.start();
    await adaptation.features.done;
    await until(() => adaptation.features.status.state === 'complete' && !adaptation.loop.isTraining);
    expect(engine.count('loopTrain')).toBe(2);
    expect(adaptation.status()).toMatchObject({ modelVersion: 2, featuresRetrain: false });
  });

  it('a count the open already read (rows computed again in an earlier session, the version trained after): no retrain', async () => {
    const first = await trained();
    const modelId = first.adaptation.store.model()?.modelId as string;
    await first.adaptation.close();
    await first.project.close();
    open.splice(0);
    writeCacheCount(first.root, modelId, 1);

    // Opened with the count at 1: a version trained now records 1, and the next completion reads 1 again.
    const project = Project.open(first.root, false);
    await project.rescan();
    const engine = new FakeEngine();
    engine.model = first.engine.model;
    const adaptation = new Adaptation({ project, engine: () => engine, events: new EventHub(), places: {}, log: () => {} });
    open.push({ project, adaptation });
    await adaptation.loop.train();
    expect(adaptation.store.latestVersion()).toMatchObject({ version: 2, featureRedecodes: 1 });
    adaptation.features.start();
    await adaptation.features.done;
    await until(() => adaptation.features.status.state === 'complete' && !adaptation.loop.isTraining);
    expect(engine.count('loopTrain')).toBe(1);
    expect(adaptation.status()).toMatchObject({ modelVersion: 2, featuresRetrain: false });
  });
});
