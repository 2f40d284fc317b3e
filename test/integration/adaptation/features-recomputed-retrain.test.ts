/**
 * The app's classifier after its feature rows were computed again: a project whose feature cache
 * was written under an earlier decode of deep images (a 16-bit PNG read almost black) is opened,
 * its extraction forgets that image's row and computes it again (FeatureStore.redecodes), and the
 * classifier trained on the old row is trained again on the same labels by the app itself, as
 * after a switch of the pre-trained model (ActiveLoop.retrainDue), with no expert action, and only
 * once. Through the request handlers with
 * the real engine, the host stopped and started around the cache's change.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-shared/contract';
import { sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { tempDir, writeImage } from '../../support/image-folder';
import { ReopenableWorkspace } from '../../support/reopenable-workspace';
import { until } from '../../support/until';
import { saveModelFolder, tinyClassifier } from '../engine/save-model-folder';

const PLAIN = 7;
const IMAGES = PLAIN + 1;
const LAYERS = { layerA: 'block_a', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' };

let work: string;
let project: string;
let folder: string;
let stateDir: string;
const host = new ReopenableWorkspace(() => stateDir);
const { call } = host;

/** The project's feature cache files (the app's one, of the tiny model's layout). */
function featureCaches(): string[] {
  const dir = path.join(project, '.adma', 'features');
  return fs.readdirSync(dir).filter((name) => name.endsWith('.db')).map((name) => path.join(dir, name));
}

/** One meta value of a cache file. */
function meta(file: string, key: string): string | undefined {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  } finally {
    db.close();
  }
}

/**
 * The status once nothing is left to do by itself: features settled, no training running, and
 * no retrain promised (either reason). Before this change the app promised none, and settled here
 * with the old classifier. Each status looked at goes into `seen`.
 */
const quiet = (what: string, seen: EngineStatus[] = []): Promise<EngineStatus> =>
  until(
    what,
    async () => {
      const status = await call('engine:status');
      seen.push(status);
      return status.features.state === 'complete' && !status.training && status.featuresRetrain !== true && status.backboneRetrain !== true && status;
    },
    { paceMs: 50, limitMs: 120_000 },
  );

beforeAll(async () => {
  work = tempDir('adma-features-recomputed-');
  project = path.join(work, 'images');
  stateDir = path.join(work, 'state');
  folder = path.join(work, 'tiny');
  fs.mkdirSync(project);
  for (let i = 0; i < PLAIN; i++) await writeImage(path.join(project, `img-${i}.png`), i);
  fs.writeFileSync(path.join(project, 'deep.png'), await sixteenBit(twelveBitGradient(48, 48), 48, 48, 'png'));
  await saveModelFolder(tinyClassifier({ softmax: true }), folder);
  await host.open(project);
  await call('engine:chooseModel', { choice: { kind: 'folder', path: folder, layers: LAYERS } });
  expect(await host.settled('features extracted')).toMatchObject({ features: { state: 'complete', done: IMAGES, total: IMAGES } });
  const ant = (await call('classes:create', { name: 'ant' })).id;
  const bee = (await call('classes:create', { name: 'bee' })).id;
  const images = (await call('images:list', { filter: { kind: 'all' }, offset: 0, limit: 100 })).items;
  for (const [k, image] of images.entries()) await call('labels:set', { imageIds: [image.id], classId: k % 2 === 0 ? ant : bee });
  await call('loop:train');
  expect(await quiet('the first classifier')).toMatchObject({ modelVersion: 1, trainingLabels: IMAGES });
});

afterAll(async () => {
  await host.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the feature rows of the app's classifier computed again", () => {
  it('retrains the classifier by itself on the same labels once the rows are computed again, and only once', async () => {
    const [cache, ...others] = featureCaches();
    expect(others).toEqual([]);
    expect(meta(cache as string, 'redecodes')).toBeUndefined();
    await host.close();

    // As a version before the present decode of deep images left the cache: no 'levels' mark.
    const db = new Database(cache as string);
    db.prepare(`DELETE FROM meta WHERE key = 'levels'`).run();
    db.close();

    // Every status looked at from the reopening on, to see what it said while the retrain was owed.
    const seen: EngineStatus[] = [];
    await host.open(project);
    const after = await quiet('the features computed again, and what follows them', seen);
    // The 16-bit image's row was forgotten and computed again: the cache counts it once.
    expect(meta(cache as string, 'redecodes')).toBe('1');
    expect(host.counting.extractions).toBeGreaterThan(0);
    expect(after).toMatchObject({ modelVersion: 2, trainingLabels: IMAGES, classifier: { version: 2, trainingLabels: IMAGES }, backboneRetrain: false });
    expect(after.featuresRetrain).toBe(false);
    const versions = (await call('export:versions')).versions;
    // Newest first: the new version on the same labels and model as the one before.
    expect(versions.map((v) => [v.version, v.trainingLabels, v.modelId])).toEqual([
      [2, IMAGES, after.modelId],
      [1, IMAGES, after.modelId],
    ]);
    // Never said as another model's while it was owed (the features' reason: the unit test of the status).
    expect(seen.every((status) => status.backboneRetrain !== true)).toBe(true);

    // Opened again: the new version was trained against the count, nothing is trained again.
    await host.open(project);
    expect(await quiet('the features checked after the next open')).toMatchObject({ modelVersion: 2, featuresRetrain: false });
    expect(meta(cache as string, 'redecodes')).toBe('1');
  });
});
