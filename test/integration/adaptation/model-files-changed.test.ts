/**
 * The files of a project's model folder replaced, put back or removed while the host runs
 * (the engine worker kept the model it loaded for its whole life, so it went on computing with
 * the weights it read first, and Try again after "replaced" could keep the wrong model). Through
 * the request handlers with the real engine, the files changed between two jobs: the next job
 * sees the files as they are now. Another model is said as replaced (EngineStatus.modelProblem)
 * and nothing is computed with it; the same model again (files copied back) is used with its
 * cached features, nothing computed again. Training while the model cannot be used says why in
 * words, records nothing and keeps every label.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-shared/contract';
import { tempDir, writeImage } from '../../support/image-folder';
import { ReopenableWorkspace } from '../../support/reopenable-workspace';
import { saveModelFolder, tinyClassifier } from '../engine/save-model-folder';

const IMAGES = 8;
const LAYERS = { layerA: 'block_a', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' };

let work: string;
let project: string;
/** The project's model folder, and two models whose files go into it: the same names and sizes, other weights. */
let folder: string;
let modelA: string;
let modelB: string;
let stateDir: string;
const host = new ReopenableWorkspace(() => stateDir);
const { call } = host;
const openProject = (): Promise<void> => host.open(project);

/** Copy every file of `from` over the files of the same name in `to` (in place: the same files, new bytes and times). */
function copyOver(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const file of fs.readdirSync(from)) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

/** The features' state once no check or extraction runs, nor is to begin (after an open, one begins after the scan). */
const settled = (what: string): Promise<EngineStatus> => host.settled(what);

/** `text` matched as it is in a pattern. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');


beforeAll(async () => {
  work = tempDir('adma-model-files-');
  project = path.join(work, 'images');
  stateDir = path.join(work, 'state');
  folder = path.join(work, 'tiny');
  modelA = path.join(work, 'files-a');
  modelB = path.join(work, 'files-b');
  fs.mkdirSync(project);
  for (let i = 0; i < IMAGES; i++) await writeImage(path.join(project, `img-${i}.png`), i);
  await saveModelFolder(tinyClassifier({ softmax: true }), modelA);
  await saveModelFolder(tinyClassifier({ softmax: true }), modelB);
  // The same file names and sizes: only the bytes differ.
  for (const file of fs.readdirSync(modelA)) expect(fs.statSync(path.join(modelB, file)).size).toBe(fs.statSync(path.join(modelA, file)).size);
  copyOver(modelA, folder);
  await openProject();
  await call('engine:chooseModel', { choice: { kind: 'folder', path: folder, layers: LAYERS } });
  expect(await settled('features extracted')).toMatchObject({ features: { state: 'complete', done: IMAGES, total: IMAGES } });
  const ant = (await call('classes:create', { name: 'ant' })).id;
  const bee = (await call('classes:create', { name: 'bee' })).id;
  const images = (await call('images:list', { filter: { kind: 'all' }, offset: 0, limit: 100 })).items;
  for (const [k, image] of images.entries()) await call('labels:set', { imageIds: [image.id], classId: k % 2 === 0 ? ant : bee });
});

afterAll(async () => {
  await host.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the files of the project\'s model folder changed while the host runs', () => {
  it('another model copied over them: the next extraction says so and computes nothing; the files put back, Try again uses them with nothing computed again', async () => {
    const before = await call('engine:status');
    const extractions = host.counting.extractions;
    copyOver(modelB, folder);
    await call('engine:resumeFeatures');
    const replaced = await settled('the folder checked after the files were replaced');
    expect(replaced.features.state).toBe('unavailable');
    expect(replaced.modelProblem).toMatchObject({ kind: 'replaced', path: folder, cached: IMAGES, total: IMAGES, folderThere: true });
    expect(replaced.modelId).toBe(before.modelId);
    expect(host.counting.extractions).toBe(extractions);

    copyOver(modelA, folder);
    await call('engine:resumeFeatures');
    const back = await settled('features ready after Try again');
    expect(back).toMatchObject({ modelId: before.modelId, modelProblem: null, features: { state: 'complete', done: IMAGES, total: IMAGES } });
    expect(await host.counting.computed()).toBe(IMAGES);
  });

  it('Train now after another model was copied over the loaded one: refused in words, nothing recorded, every label kept; the same files again train as before', async () => {
    await call('loop:train');
    const trained = await call('engine:status');
    expect(trained).toMatchObject({ modelVersion: 1, trainingLabels: IMAGES });

    copyOver(modelB, folder);
    const refusal = new RegExp(`^loop:train: MODEL_UNAVAILABLE: Training needs the files of tiny: ${literal(folder)} holds another model now \\(tiny\\), not tiny, .*Nothing was trained, and every label is kept`);
    await expect(call('loop:train')).rejects.toThrow(refusal);
    const unavailable = await settled('the folder checked after the refusal');
    expect(unavailable).toMatchObject({ modelVersion: 1, trainingLabels: IMAGES, features: { state: 'unavailable' }, modelProblem: { kind: 'replaced', path: folder } });
    // Asked again while the state says so: the same words, without asking the engine.
    await expect(call('loop:train')).rejects.toThrow(refusal);

    // The same model's files copied again (new bytes on disk, the same model): it trains, from the cached features.
    copyOver(modelA, folder);
    await call('engine:resumeFeatures');
    expect(await settled('features ready again')).toMatchObject({ modelProblem: null, features: { state: 'complete' } });
    copyOver(modelA, folder);
    // The pool is loaded again after that extraction, in the background: the copy can land while
    // the engine reads the files. The training is then refused in words and the folder checked
    // again (a file read half-copied is not the model); once that check settles, the same model
    // trains. Without the race it trains at once. Either way nothing is extracted again.
    await call('loop:train').catch(async (error: unknown) => {
      expect(String(error)).toMatch(/MODEL_UNAVAILABLE: The files of tiny changed since its features were loaded/);
      expect(await settled('the folder checked again after the copy')).toMatchObject({ modelProblem: null, features: { state: 'complete' } });
      await call('loop:train');
    });
    expect(await call('engine:status')).toMatchObject({ modelVersion: 2, trainingLabels: IMAGES, features: { state: 'complete' } });
    expect(await host.counting.computed()).toBe(IMAGES);
  });

  it('Train now after the folder went away: says where it was, nothing recorded; Locate… then training works', async () => {
    const moved = `${folder}-moved`;
    fs.renameSync(folder, moved);
    await expect(call('loop:train')).rejects.toThrow(new RegExp(`^loop:train: MODEL_UNAVAILABLE: Training needs the files of tiny: Nothing is at ${literal(folder)} now: .*every label is kept`));
    expect(await settled('the folder checked after the refusal')).toMatchObject({ modelVersion: 2, trainingLabels: IMAGES, modelProblem: { kind: 'missing', path: folder } });

    await call('engine:locateModel', { path: moved });
    expect(await settled('features ready after Locate…')).toMatchObject({ modelProblem: null, features: { state: 'complete' } });
    await call('loop:train');
    expect(await call('engine:status')).toMatchObject({ modelVersion: 3 });
    expect(await host.counting.computed()).toBe(IMAGES);
    fs.renameSync(moved, folder);
  });

  it('Train now in a project reopened with another model in its folder: says it is replaced (not "wait for feature extraction"), nothing recorded; Try again once the files are back', async () => {
    // The folder is where the project first had it again, but the project now knows it at `moved` (Locate…): choose it there once more.
    await call('engine:locateModel', { path: folder });
    expect(await settled('features ready at the first place')).toMatchObject({ modelProblem: null, features: { state: 'complete' } });
    await host.close();
    copyOver(modelB, folder);
    await openProject();
    expect(await settled('the folder checked at the open')).toMatchObject({ features: { state: 'unavailable' }, modelProblem: { kind: 'replaced' } });
    const error = await call('loop:train').then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(new RegExp(`^loop:train: MODEL_UNAVAILABLE: Training needs the files of tiny: ${literal(folder)} holds another model now`));
    expect(error?.message).not.toMatch(/wait for feature extraction/);
    expect(await call('engine:status')).toMatchObject({ modelVersion: 3, trainingLabels: IMAGES });

    // The engine loaded the other model for the folder at the open: Try again once the files are back takes them (it kept the other one).
    const before = await call('engine:status');
    copyOver(modelA, folder);
    await call('engine:resumeFeatures');
    expect(await settled('features ready after Try again')).toMatchObject({ modelId: before.modelId, modelProblem: null, features: { state: 'complete', done: IMAGES } });
    expect(await host.counting.computed()).toBe(0);
  });

});
