/**
 * A project's model folder with its own adma-model.json whose weights change under it: the
 * descriptor keeps the id, so the project compared only ids and took the new weights for its
 * model (the feature cache, keyed by the files' fingerprint, computed the features again
 * silently, and the classifier trained on the old weights' features was applied to the new
 * ones). The project records the files' fingerprint with its model choice: other weights
 * under the same id are said as the folder's weights changed (EngineStatus.modelProblem
 * `replaced`), and nothing is extracted or trained with them; the same files back, or the
 * model chosen again as new, are the ways on. A project that recorded no fingerprint (an
 * older version's) opens without a problem and records the one its folder holds.
 * Through the request handlers with the real engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-shared/contract';
import { tempDir, writeImage } from '../../support/image-folder';
import { ReopenableWorkspace } from '../../support/reopenable-workspace';
import { DESCRIBED_TINY as DESCRIPTOR, describedModelFolder, folderFingerprint, SHARD } from '../engine/save-model-folder';

const IMAGES = 8;
const NAME = DESCRIPTOR.name;

let work: string;
let project: string;
/** The project's model folder (model.json, adma-model.json, one shard), and the shards of two models of that one graph: the same size, other weights. */
let folder: string;
let shardA: string;
let shardB: string;
let stateDir: string;
const host = new ReopenableWorkspace(() => stateDir);
const { call } = host;
const openProject = (): Promise<void> => host.open(project);
const choice = (): { kind: 'folder'; path: string } => ({ kind: 'folder', path: folder });

/** The folder's weight shard replaced by `shard`'s bytes (in place, as a copy over it does). */
const putShard = (shard: string): void => fs.copyFileSync(shard, path.join(folder, SHARD));

/** The features' state once no check or extraction runs, nor is to begin. */
const settled = (what: string): Promise<EngineStatus> => host.settled(what);

/** `text` matched as it is in a pattern. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The words of the problem: the folder's weights changed (not another model). */
const weightsChanged = (): RegExp => new RegExp(`^The weights in ${literal(folder)} changed: its files still say they are ${NAME}, but they are not the files this project's features and classifier were made with`);


/** The project database's `meta` row of the model's fingerprint (null: none), read while no host has the project open. */
function recordedFingerprintRow(): unknown {
  const db = new Database(path.join(project, '.adma', 'project.db'));
  try {
    const value = db.prepare("SELECT value FROM meta WHERE key = 'model-fingerprint'").pluck().get() as string | undefined;
    return value === undefined ? null : (JSON.parse(value) as unknown);
  } finally {
    db.close();
  }
}

/** The project as an older version left it: its model chosen, no fingerprint recorded. */
function forgetFingerprint(): void {
  const db = new Database(path.join(project, '.adma', 'project.db'));
  try {
    db.prepare("DELETE FROM meta WHERE key = 'model-fingerprint'").run();
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  work = tempDir('adma-model-weights-');
  project = path.join(work, 'images');
  stateDir = path.join(work, 'state');
  fs.mkdirSync(project);
  for (let i = 0; i < IMAGES; i++) await writeImage(path.join(project, `img-${i}.png`), i);
  ({ folder, shardA, shardB } = await describedModelFolder(work));
  await openProject();
  await call('engine:chooseModel', { choice: choice() });
  expect(await settled('features extracted')).toMatchObject({ modelId: DESCRIPTOR.id, modelProblem: null, features: { state: 'complete', done: IMAGES, total: IMAGES } });
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

describe('the weights of a model folder with its own adma-model.json changed (the id kept)', () => {
  it('while the host runs: said as the weights changed, nothing extracted or trained with them; the shard put back, Try again uses it with nothing computed again', async () => {
    const extractions = host.counting.extractions;
    putShard(shardB);
    await call('engine:resumeFeatures');
    const changed = await settled('the folder checked after its shard changed');
    expect(changed).toMatchObject({ modelId: DESCRIPTOR.id, modelVersion: 1, features: { state: 'unavailable' } });
    expect(changed.modelProblem).toMatchObject({ kind: 'replaced', path: folder, cached: IMAGES, total: IMAGES, folderThere: true });
    expect(changed.modelProblem?.message).toMatch(weightsChanged());
    expect(changed.modelProblem?.message).toMatch(/Put the files of .* back, or locate them where they are now; or choose the model now in the folder below, as a new model/);
    expect(changed.modelProblem?.message).not.toMatch(/another model/);
    // No feature was computed with the new weights.
    expect(host.counting.extractions).toBe(extractions);

    // No classifier is trained on them: refused in words, nothing recorded.
    await expect(call('loop:train')).rejects.toThrow(new RegExp(`^loop:train: MODEL_UNAVAILABLE: Training needs the files of ${NAME}: The weights in .*changed`));
    expect(await settled('the folder checked after the refusal')).toMatchObject({ modelVersion: 1, trainingLabels: IMAGES, features: { state: 'unavailable' }, modelProblem: { kind: 'replaced' } });
    expect(host.counting.extractions).toBe(extractions);

    putShard(shardA);
    await call('engine:resumeFeatures');
    expect(await settled('features ready after Try again')).toMatchObject({ modelId: DESCRIPTOR.id, modelProblem: null, features: { state: 'complete', done: IMAGES, total: IMAGES } });
    expect(await host.counting.computed()).toBe(IMAGES);
  });

  it('at an open: said so, nothing computed or trained; the model chosen again is a new choice whose features are computed, and opens as such', async () => {
    await host.close();
    putShard(shardB);
    await openProject();
    const changed = await settled('the folder checked at the open');
    expect(changed).toMatchObject({ modelVersion: 1, features: { state: 'unavailable' }, modelProblem: { kind: 'replaced', path: folder } });
    expect(changed.modelProblem?.message).toMatch(weightsChanged());
    await expect(call('loop:train')).rejects.toThrow(/^loop:train: MODEL_UNAVAILABLE: /);
    expect(await call('engine:status')).toMatchObject({ modelVersion: 1, trainingLabels: IMAGES });
    expect(host.counting.extractions).toBe(0);
    // Locate… takes a folder of the recorded files only: these say the id, but are other weights.
    await expect(call('engine:locateModel', { path: folder })).rejects.toThrow(new RegExp(`CONFLICT: The weights in ${literal(folder)} are not the ones of ${NAME} this project's features and classifier were made with`));
    expect(await call('engine:status')).toMatchObject({ features: { state: 'unavailable' }, modelProblem: { kind: 'replaced' } });

    // Chosen now as it is: its fingerprint is recorded and its features computed.
    await call('engine:chooseModel', { choice: choice() });
    expect(await settled('features of the new weights')).toMatchObject({ modelId: DESCRIPTOR.id, modelProblem: null, features: { state: 'complete', done: IMAGES, total: IMAGES } });
    expect(await host.counting.computed()).toBe(IMAGES);
    await host.close();
    expect(recordedFingerprintRow()).toEqual({ modelId: DESCRIPTOR.id, fingerprint: folderFingerprint(folder) });
    await openProject();
    expect(await settled('reopened with the weights chosen')).toMatchObject({ modelProblem: null, features: { state: 'complete', done: IMAGES } });
    expect(await host.counting.computed()).toBe(0);
  });

  it('a project that recorded no fingerprint (an older version\'s) opens without a problem and records its folder\'s; other weights after that are said', async () => {
    await host.close();
    forgetFingerprint();
    expect(recordedFingerprintRow()).toBeNull();
    await openProject();
    expect(await settled('an older project opened')).toMatchObject({ modelId: DESCRIPTOR.id, modelProblem: null, features: { state: 'complete', done: IMAGES, total: IMAGES } });
    expect(await host.counting.computed()).toBe(0);
    await host.close();
    expect(recordedFingerprintRow()).toEqual({ modelId: DESCRIPTOR.id, fingerprint: folderFingerprint(folder) });

    putShard(shardA);
    await openProject();
    const changed = await settled('the folder checked once the fingerprint was recorded');
    expect(changed).toMatchObject({ features: { state: 'unavailable' }, modelProblem: { kind: 'replaced' } });
    expect(changed.modelProblem?.message).toMatch(weightsChanged());
    expect(host.counting.extractions).toBe(0);
  });
});
