/**
 * A downloaded model chosen while its copy in the model cache was changed since the download
 * (the engine refuses to load it: loadKnownModel, MODEL_INVALID): the choice downloads it again,
 * which replaces what changed, and loads it, instead of ending on "download it again" with
 * nothing in the app that would (the copy counts as installed: its record is there).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { EventHub } from '../../../src-main/core/event-hub';
import { KNOWN_MODELS } from '../../../src-main/engine/model/known-models';
import { DOWNLOAD_RECORD } from '../../../src-main/engine/model/model-download';
import { Project } from '../../../src-main/project/project';
import { AppError } from '../../../src-shared/app-error';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder } from '../../support/image-folder';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

describe('choosing a downloaded model whose copy changed in the cache', () => {
  it('downloads it again and loads it, once', async () => {
    const known = KNOWN_MODELS[0]!;
    const project = Project.open(await imageFolder(2), true);
    // Installed as far as the catalog can tell: the download's record is in the cache.
    const cacheRoot = await imageFolder(0);
    fs.mkdirSync(path.join(cacheRoot, known.id), { recursive: true });
    fs.writeFileSync(path.join(cacheRoot, known.id, DOWNLOAD_RECORD), JSON.stringify({ id: known.id, url: known.modelUrl, pinned: true, sha256: { 'model.json': 'aa' }, installedAt: '2026-01-01T00:00:00Z' }));
    const engine = new FakeEngine();
    engine.model = { id: known.id, name: known.name };
    const request = engine.request.bind(engine);
    const asked: string[] = [];
    engine.request = ((kind, args) => {
      asked.push(kind);
      // The copy as it is until downloaded again: changed since its download.
      if (kind === 'loadModel' && !asked.includes('downloadModel')) {
        return Promise.reject(new AppError('MODEL_INVALID', `The downloaded copy of ${known.name} in ${cacheRoot} was changed since it was downloaded (model.json is not the file downloaded): download it again, which replaces it.`));
      }
      // The download replaces the changed files (model-download.ts checks them against its record).
      if (kind === 'downloadModel') return Promise.resolve({ id: known.id, dir: path.join(cacheRoot, known.id), pinned: true, note: null, alreadyInstalled: false, bytesDownloaded: 1, resumedFromBytes: 0 });
      return request(kind, args);
    }) as FakeEngine['request'];
    const adaptation = new Adaptation({ project, engine: () => engine, events: new EventHub(), places: { cacheRoot }, log: () => {} });
    open.push({ project, adaptation });

    await adaptation.chooseModel({ kind: 'known', id: known.id });
    expect(asked.filter((kind) => ['loadModel', 'downloadModel'].includes(kind))).toEqual(['loadModel', 'downloadModel', 'loadModel']);
    expect(adaptation.status()).toMatchObject({ modelId: known.id, modelName: known.name });
  });
});
