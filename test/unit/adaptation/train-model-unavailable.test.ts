/**
 * A training while the project's model folder cannot be used (replaced here: the fake engine's
 * model is another than the one recorded). With the features `unavailable` it is refused in the
 * model problem's words before anything is asked of the engine; when only the engine finds out
 * (its load refused with MODEL_UNAVAILABLE), the folder is checked first and the refusal says
 * what was found. Nothing is recorded and every label stays; the batch-end training does not go
 * on to query as after "nothing to train".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder } from '../../support/image-folder';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

async function labeledOnFolderModel() {
  const project = Project.open(await imageFolder(8), true);
  await project.rescan();
  const engine = new FakeEngine();
  engine.model = { id: 'tiny-aaaa', name: 'tiny' };
  const adaptation = new Adaptation({ project, engine: () => engine, events: new EventHub(), places: {}, log: () => {} });
  open.push({ project, adaptation });
  const layers = { layerA: 'a', layerB: 'b', softmaxLayer: 's', cutLayer: 'c' };
  await adaptation.chooseModel({ kind: 'folder', path: '/models/tiny', layers });
  await adaptation.features.done;
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  project.images.list({ kind: 'all' }, 0, 8).items.forEach((image, k) => project.setLabels([image.id], k % 2 ? ant.id : bee.id));
  return { project, engine, adaptation };
}

const REFUSAL = /^Training needs the files of tiny: \/models\/tiny holds another model now \(other\), not tiny, .* Nothing was trained, and every label is kept: the classifier can be trained on them once the model is back \(Locate… or Try again, under Model in Adapt\)\.$/;

describe('a training while the model folder cannot be used', () => {
  it('with the features unavailable: refused in the problem\'s words, nothing asked of the engine, nothing recorded, every label kept', async () => {
    const { engine, adaptation } = await labeledOnFolderModel();
    engine.model = { id: 'other', name: 'other' };
    adaptation.features.start();
    await adaptation.features.done;
    expect(adaptation.status()).toMatchObject({ features: { state: 'unavailable' }, modelProblem: { kind: 'replaced' } });
    const asked = engine.calls.length;
    await expect(adaptation.loop.train()).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(REFUSAL) });
    expect(engine.calls.slice(asked).map((c) => c.kind)).toEqual([]);
    expect(adaptation.status()).toMatchObject({ modelVersion: 0, trainingLabels: 8 });
  });

  it('found by the engine (its load refused): the folder is checked, then refused in the words of what was found', async () => {
    const { engine, adaptation } = await labeledOnFolderModel();
    expect(adaptation.status().features.state).toBe('complete');
    engine.model = { id: 'other', name: 'other' };
    // The pool is loaded again for the training (as after a mode switch), and the engine finds the other files.
    adaptation.pool.invalidate();
    await expect(adaptation.loop.train()).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(REFUSAL) });
    expect(engine.count('loopTrain')).toBe(0);
    expect(adaptation.status()).toMatchObject({ modelVersion: 0, trainingLabels: 8, features: { state: 'unavailable' }, modelProblem: { kind: 'replaced', path: '/models/tiny' } });

    // The files back: it trains.
    engine.model = { id: 'tiny-aaaa', name: 'tiny' };
    adaptation.features.start();
    await adaptation.features.done;
    await adaptation.loop.train();
    expect(adaptation.status()).toMatchObject({ modelVersion: 1, features: { state: 'complete' } });
  });
});
