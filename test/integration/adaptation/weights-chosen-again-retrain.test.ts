/**
 * A model folder with its own adma-model.json whose weights changed under it (the id kept), chosen
 * again as a new model: the classifier trained on the old weights was taken for one of the chosen
 * model (their ids are the same), so it kept predicting on the new weights' features, no retrain
 * came, and an export of it put its head on the new files. Each version records the files'
 * fingerprint it was trained with (migration 18): once the new weights' features are complete, a
 * classifier on them is trained by itself, and the version on the old weights is refused by the
 * export in words. Through the request handlers with the real engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-shared/contract';
import { tempDir, writeImage } from '../../support/image-folder';
import { ReopenableWorkspace } from '../../support/reopenable-workspace';
import { until } from '../../support/until';
import { DESCRIBED_TINY as DESCRIPTOR, describedModelFolder, folderFingerprint, SHARD } from '../engine/save-model-folder';

const IMAGES = 8;
const NAME = DESCRIPTOR.name;

let work: string;
let project: string;
let folder: string;
let shardB: string;
let stateDir: string;
const host = new ReopenableWorkspace(() => stateDir);
const { call } = host;


/** The status once the features are complete, no training runs, and the classifier is past `version`. */
const trainedPast = (version: number): Promise<EngineStatus> =>
  until(
    `a version after v${version}`,
    async () => {
      const status = await call('engine:status');
      return status.features.state === 'complete' && !status.training && status.modelVersion > version && status;
    },
    { paceMs: 50 },
  );

beforeAll(async () => {
  work = tempDir('adma-weights-again-');
  project = path.join(work, 'images');
  stateDir = path.join(work, 'state');
  fs.mkdirSync(project);
  for (let i = 0; i < IMAGES; i++) await writeImage(path.join(project, `img-${i}.png`), i);
  ({ folder, shardB } = await describedModelFolder(work));
  await host.open(project);
  await call('engine:chooseModel', { choice: { kind: 'folder', path: folder } });
  expect(await host.settled('features extracted')).toMatchObject({ modelId: DESCRIPTOR.id, features: { state: 'complete', done: IMAGES } });
  const ant = (await call('classes:create', { name: 'ant' })).id;
  const bee = (await call('classes:create', { name: 'bee' })).id;
  const images = (await call('images:list', { filter: { kind: 'all' }, offset: 0, limit: 100 })).items;
  for (const [k, image] of images.entries()) await call('labels:set', { imageIds: [image.id], classId: k % 2 === 0 ? ant : bee });
  await call('loop:train');
  expect(await call('engine:status')).toMatchObject({ modelVersion: 1, trainingLabels: IMAGES });
});

afterAll(async () => {
  await host.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('a model folder chosen again over other weights under the same id', () => {
  it('a classifier on the new weights is trained by itself; the version on the old weights is not exported on them', async () => {
    const before = folderFingerprint(folder);
    await host.close();
    fs.copyFileSync(shardB, path.join(folder, SHARD));
    expect(folderFingerprint(folder)).not.toBe(before);
    await host.open(project);
    expect(await host.settled('the folder checked at the open')).toMatchObject({ modelVersion: 1, features: { state: 'unavailable' }, modelProblem: { kind: 'replaced' } });

    // Chosen again as a new model: its features computed, then v2 trained on every label by itself.
    await call('engine:chooseModel', { choice: { kind: 'folder', path: folder } });
    const after = await trainedPast(1);
    expect(after).toMatchObject({ modelId: DESCRIPTOR.id, modelVersion: 2, classifier: { version: 2, modelId: DESCRIPTOR.id, trainingLabels: IMAGES }, featuresRetrain: false, backboneRetrain: false });
    expect(after.classifier?.outdated).toBeUndefined();

    const versions = (await call('export:versions')).versions;
    expect(versions.find((v) => v.version === 2)?.notExportable).toBeNull();
    expect(versions.find((v) => v.version === 1)?.notExportable).toMatch(new RegExp(`^it was trained on other weights of ${NAME} than the model folder holds now`));
    const refused = call('export:run', { destination: path.join(work, 'old'), model: true, labelsCsv: false, labelsJson: false, imageFolder: false, modelVersion: 1 });
    await expect(refused).rejects.toThrow(/CONFLICT: Version 1 cannot be exported: it was trained on other weights of .* export a version trained since, or put those files back/);
    expect(fs.existsSync(path.join(work, 'old'))).toBe(false);
  });
});
