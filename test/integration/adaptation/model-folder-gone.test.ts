/**
 * A project whose model is a folder on disk, reopened after the folder went away, was replaced
 * or damaged (a user's walkthrough: the folder moved with `mv`, the app said "Features Failed
 * 0 / 329" and offered a Resume that could only fail, while every feature was in the cache).
 * Through the request handlers with the real engine: the status says which, with the cached
 * count; Locate… takes the moved folder and the features are ready with nothing computed again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-shared/contract';
import { tempDir, writeImage } from '../../support/image-folder';
import { ReopenableWorkspace } from '../../support/reopenable-workspace';
import { saveModelFolder, tinyClassifier } from '../engine/save-model-folder';
import { hasMobileNet025, hasStarterModel, MISSING_MODEL_REASON, MOBILENET_025_DIR, STARTER_DIR } from '../engine/shared-material';

const IMAGES = 12;

let work: string;
let root: string;
let stateDir: string;
const host = new ReopenableWorkspace(() => stateDir);
const { call } = host;
const openProject = (folder = root): Promise<void> => host.open(folder);

function copyFolder(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const file of fs.readdirSync(from)) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

const settled = (what: string, state: EngineStatus['features']['state']): Promise<EngineStatus> => host.settled(what, state);

beforeAll(async () => {
  if (!hasMobileNet025) return;
  work = tempDir('adma-model-gone-');
  root = path.join(work, 'images');
  stateDir = path.join(work, 'state');
  fs.mkdirSync(root);
  for (let i = 0; i < IMAGES; i++) await writeImage(path.join(root, `img-${i}.png`), i);
});

afterAll(async () => {
  await host.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!hasMobileNet025)(`a project's model folder that went away (${hasMobileNet025 ? 'MobileNet v1 0.25' : MISSING_MODEL_REASON})`, () => {
  it('moved: says so with the cached count, offers no retry; Locate… makes the features ready with nothing computed again', async () => {
    const model = path.join(work, 'rvn-model');
    const moved = path.join(work, 'rvn-model-moved');
    copyFolder(MOBILENET_025_DIR, model);
    await openProject();
    // As the Adapt view does: inspect, then use the folder with the layers detected.
    const inspection = await call('engine:inspectFolder', { path: model });
    await call('engine:chooseModel', { choice: { kind: 'folder', path: model, layers: inspection.detected! } });
    const extracted = await settled('features extracted', 'complete');
    expect(extracted.features).toMatchObject({ done: IMAGES, total: IMAGES });
    const modelId = extracted.modelId;

    // Stop, move the folder, reopen.
    await host.close();
    fs.renameSync(model, moved);
    await openProject();
    const gone = await settled('the model folder found missing', 'unavailable');
    expect(gone.features).toMatchObject({ state: 'unavailable', done: IMAGES, total: IMAGES });
    expect(gone.modelProblem).toMatchObject({ kind: 'missing', path: model, cached: IMAGES, total: IMAGES, folderThere: false });
    expect(gone.modelProblem!.message).toBe(`Nothing is at ${model} now: the folder of ${extracted.modelName} was moved or renamed, or it is on a disk that is not connected.`);
    expect(gone.modelProblem!.message).not.toMatch(/No model\.json/);
    // No extraction was started: it could only fail.
    expect(host.counting.extractions).toBe(0);

    // Locate… a folder that holds another model: refused in words, nothing changed.
    const starterCopy = path.join(work, 'starter-copy');
    if (hasStarterModel) {
      copyFolder(STARTER_DIR, starterCopy);
      await expect(call('engine:locateModel', { path: starterCopy })).rejects.toThrow(/CONFLICT: .*starter-copy holds another model .*, not /);
      expect((await call('engine:status')).modelProblem?.path).toBe(model);
    }

    // Locate… the moved folder: the same model, its features ready from the cache.
    await call('engine:locateModel', { path: moved });
    const ready = await settled('features ready after Locate', 'complete');
    expect(ready.features).toMatchObject({ done: IMAGES, total: IMAGES, failed: 0 });
    expect(ready.modelId).toBe(modelId);
    expect(ready.choice).toMatchObject({ kind: 'folder', path: moved });
    expect(ready.modelProblem).toBeNull();
    expect(host.counting.extractions).toBe(1);
    expect(await host.counting.computed()).toBe(0);
  });

  it('replaced by another model, then damaged: each said in words; Try again works once the files are back', async () => {
    const folder = path.join(work, 'rvn-model-moved'); // the project's model folder now (located above)
    expect((await call('engine:status')).choice).toMatchObject({ path: folder });
    await host.close();

    if (hasStarterModel) {
      copyFolder(STARTER_DIR, folder);
      await openProject();
      const replaced = await settled('the model folder found replaced', 'unavailable');
      expect(replaced.modelProblem).toMatchObject({ kind: 'replaced', path: folder, cached: IMAGES, total: IMAGES, folderThere: true });
      expect(replaced.modelProblem!.message).toMatch(new RegExp(`^${folder} holds another model now \\(.+\\), not ${replaced.modelName!.replace(/[()]/g, '\\$&')}, which this project's features`));
      expect(host.counting.extractions).toBe(0);
      await host.close();
    }

    copyFolder(MOBILENET_025_DIR, folder);
    const json = path.join(folder, 'model.json');
    fs.writeFileSync(json, fs.readFileSync(json, 'utf8').slice(0, 2000));
    await openProject();
    const damaged = await settled('the model folder found damaged', 'unavailable');
    expect(damaged.modelProblem).toMatchObject({ kind: 'damaged', path: folder, cached: IMAGES, folderThere: true });
    expect(damaged.modelProblem!.message).toMatch(new RegExp(`^${folder} no longer holds a usable copy of .*: ${json} is not valid JSON: at line 1, column 2001: .* but the text ends there\\.`));
    expect(host.counting.extractions).toBe(0);

    // The files put back: Try again (resume) finds the model, and the cache serves.
    copyFolder(MOBILENET_025_DIR, folder);
    await call('engine:resumeFeatures');
    const ready = await settled('features ready after Try again', 'complete');
    expect(ready.features).toMatchObject({ done: IMAGES, total: IMAGES });
    expect(await host.counting.computed()).toBe(0);
  });

  it('a renamed folder of a model the product does not recognise (its folder name in its id) is located with its id and cache', async () => {
    await host.close();
    const project = path.join(work, 'tiny-project');
    fs.mkdirSync(project);
    for (let i = 0; i < 4; i++) await writeImage(path.join(project, `img-${i}.png`), 100 + i);
    const model = path.join(work, 'tiny');
    const renamed = path.join(work, 'tiny-renamed');
    await saveModelFolder(tinyClassifier({ softmax: true }), model);
    await openProject(project);
    const layers = { layerA: 'block_a', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' };
    await call('engine:chooseModel', { choice: { kind: 'folder', path: model, layers } });
    const extracted = await settled('features extracted', 'complete');
    expect(extracted.modelId).toMatch(/^tiny-[0-9a-f]{12}$/);

    await host.close();
    fs.renameSync(model, renamed);
    await openProject(project);
    expect((await settled('the model folder found missing', 'unavailable')).modelProblem).toMatchObject({ kind: 'missing', cached: 4, total: 4 });

    await call('engine:locateModel', { path: renamed });
    const ready = await settled('features ready after Locate', 'complete');
    expect(ready.modelId).toBe(extracted.modelId);
    expect(ready.choice).toMatchObject({ path: renamed, idFolderName: 'tiny' });
    expect(await host.counting.computed()).toBe(0);

    // Reopened, the renamed folder is the project's model as it is: no problem, nothing computed.
    await openProject(project);
    expect((await settled('features ready after reopening', 'complete')).modelId).toBe(extracted.modelId);
    expect(await host.counting.computed()).toBe(0);
  });
});
