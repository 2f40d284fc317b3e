/**
 * The worker's loaded models against their folder's files (loaded-models.ts): kept while the
 * files are unchanged, loaded again when they changed, and then the one loaded before is kept
 * when the files are the same model (re-copied), or refused for what was computed on it when
 * they are another model or gone. The loader here reads the files' bytes as the real one does
 * (their hashes decide the model), without TF.js.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelDescriptor } from '../../../src-main/engine/model/descriptor';
import type { LoadedModel } from '../../../src-main/engine/model/load-model';
import { filesStamp, LoadedModels, modelFileNames, UNSETTLED } from '../../../src-main/engine/model/loaded-models';
import type { ModelSource } from '../../../src-main/engine/model/model-source';
import { tempDir } from '../../support/image-folder';

const FILES = ['model.json', 'group1-shard1of1.bin'];

function writeModel(dir: string, weights: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology":{}}');
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), weights);
}

/** A loader of the folder at source.path that counts its loads and the models it disposed. */
function counted(onLoad: (dir: string) => void = () => undefined) {
  const disposed: LoadedModel[] = [];
  let loads = 0;
  const load = async (source: ModelSource): Promise<LoadedModel> => {
    if (source.kind !== 'folder') throw new Error('folders only here');
    loads++;
    const dir = source.path;
    const fileHashes: Record<string, string> = {};
    for (const file of FILES) fileHashes[file] = createHash('sha256').update(await fs.promises.readFile(path.join(dir, file))).digest('hex');
    onLoad(dir);
    const id = `m-${fileHashes['group1-shard1of1.bin']!.slice(0, 8)}`;
    const loaded: LoadedModel = {
      descriptor: { id, name: `model ${id}` } as ModelDescriptor,
      model: null,
      features: { model: null, outputIndex: { a: 0, b: 1, softmax: 2, cut: 3 }, shapes: { a: [1], b: [1], cut: [1] }, classCount: 1 },
      dir,
      fileHashes,
      knownModel: undefined,
      dispose: () => disposed.push(loaded),
    };
    return loaded;
  };
  return { load, disposed, loads: () => loads };
}

/** Wait until the folder's files are older than the time grain (a stamp taken now is settled), by their times, not a clock. */
async function settledFiles(dir: string): Promise<void> {
  const loaded = { dir, fileHashes: Object.fromEntries(FILES.map((f) => [f, ''])), descriptor: {} } as LoadedModel;
  const since = Date.now();
  // Backdate the files: a load begun now then finds them written before it (no waiting on the clock).
  for (const file of FILES) fs.utimesSync(path.join(dir, file), new Date(since - 10_000), new Date(since - 10_000));
  expect(await filesStamp(dir, modelFileNames(loaded), since)).not.toBe(UNSETTLED);
}

/** A model folder holding `weights`, loaded once by a counting loader (`onLoad`: run in each load, after the files are read). */
async function loadedOnce(weights: string, onLoad?: (dir: string) => void) {
  const dir = path.join(tempDir('adma-loaded-'), 'model');
  writeModel(dir, weights);
  await settledFiles(dir);
  const counter = counted(onLoad);
  const models = new LoadedModels(counter.load);
  const source: ModelSource = { kind: 'folder', path: dir };
  const first = await models.get(source);
  return { dir, counter, models, source, first };
}

describe('the worker keeps a loaded model folder while its files are unchanged', () => {
  it('loads once for any number of uses of unchanged files', async () => {
    const { counter, models, source, first } = await loadedOnce('weights A');
    expect(await models.get(source)).toBe(first);
    expect(await models.get(source)).toBe(first);
    await models.requireCurrent(first);
    expect(counter.loads()).toBe(1);
  });

  it('the same bytes copied again: loaded again once, the model loaded before kept (its copy freed), and what was computed on it goes on', async () => {
    const { dir, counter, models, source, first } = await loadedOnce('weights A');
    writeModel(dir, 'weights A');
    await settledFiles(dir);
    expect(await models.get(source)).toBe(first);
    expect(counter.loads()).toBe(2);
    expect(counter.disposed.map((m) => m.descriptor.id)).toEqual([first.descriptor.id]);
    expect(counter.disposed[0]).not.toBe(first);
    await models.requireCurrent(first);
    expect(counter.loads()).toBe(2);
  });

  it('another model copied over it (the same size): the new one is used, and what was computed on the old one is refused in words', async () => {
    const { dir, models, source, first } = await loadedOnce('weights A');
    writeModel(dir, 'weights B');
    await settledFiles(dir);
    const now = await models.get(source);
    expect(now.descriptor.id).not.toBe(first.descriptor.id);
    await expect(models.requireCurrent(first)).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: `The model folder ${dir} is not ${first.descriptor.name} as it was when its features were loaded: it holds another model now (${now.descriptor.name}). Nothing was computed with it.`,
    });
    // The files of the first put back: it is that model again, whatever object holds it now.
    writeModel(dir, 'weights A');
    await settledFiles(dir);
    await models.requireCurrent(first);
  });

  it('the folder gone: what was computed on it is refused, saying why', async () => {
    const { dir, models, first } = await loadedOnce('weights A');
    fs.rmSync(dir, { recursive: true });
    await expect(models.requireCurrent(first)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} no longer holds model m-.* as it was when its features were loaded: .*ENOENT`)) });
  });

  it('a file written while the folder was loaded: loaded again at the next use (the load may have read the file before)', async () => {
    let rewrite = true;
    // The weights change just after the load read them: the model loaded is A's, the files B's.
    const { counter, models, source, first } = await loadedOnce('weights A', (at) => {
      if (rewrite) fs.writeFileSync(path.join(at, 'group1-shard1of1.bin'), 'weights B');
      rewrite = false;
    });
    const next = await models.get(source);
    expect(counter.loads()).toBe(2);
    expect(next.descriptor.id).not.toBe(first.descriptor.id);
  });

  it('a model that is not a folder is not checked', async () => {
    const counter = counted();
    const models = new LoadedModels(async (source) => counter.load({ kind: 'folder', path: (source as { resourcesDir: string }).resourcesDir }));
    const dir = path.join(tempDir('adma-loaded-'), 'model');
    writeModel(dir, 'weights A');
    const source: ModelSource = { kind: 'starter', resourcesDir: dir };
    const first = await models.get(source);
    writeModel(dir, 'weights B');
    expect(await models.get(source)).toBe(first);
    await models.requireCurrent(first);
    expect(counter.loads()).toBe(1);
  });
});
