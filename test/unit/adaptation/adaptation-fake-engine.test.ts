/**
 * The adaptation modules over a real project database and a fake engine (no TF.js): the pool
 * is loaded into the worker once and rebuilt only when the image set, model or mode change;
 * a labeled batch trains a version and queries the next batch.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import type { RoundInfo } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder, writeImage } from '../../support/image-folder';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

async function setup() {
  const root = await imageFolder(12);
  const project = Project.open(root, true);
  await project.rescan();
  const engine = new FakeEngine();
  const events = new EventHub();
  const changes: string[] = [];
  events.subscribe((event, payload) => {
    if (event === 'project:changed') changes.push((payload as { change: string }).change);
  });
  const adaptation = new Adaptation({ project, engine: () => engine, events, places: {}, log: () => {} });
  open.push({ project, adaptation });
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  return { root, project, engine, adaptation, ant, bee, changes };
}

async function until<T>(probe: () => T | null): Promise<T> {
  for (;;) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('adaptation with a fake engine', () => {
  it('loads the pool once, and again only after the image set, the mode or the model changed', async () => {
    const { root, project, engine, adaptation } = await setup();
    expect(adaptation.status().features.state).toBe('complete');
    expect(engine.count('loopPrepare')).toBe(1); // after extraction
    adaptation.loop.updateSettings({ batchSize: 3 });
    await adaptation.loop.nextRound();
    await adaptation.loop.nextRound();
    expect(engine.count('loopPrepare')).toBe(1);

    // Labels and the evaluation set do not rebuild the pool.
    const round = adaptation.loop.currentRound()!;
    project.setLabels([round.items[0]!.imageId], project.classes.list()[0]!.id);
    adaptation.evaluation.sample(2);
    await adaptation.loop.nextRound();
    expect(engine.count('loopPrepare')).toBe(1);

    await writeImage(path.join(root, 'new-image.png'), 99);
    const added = await project.rescan();
    expect(added.added).toBe(1);
    adaptation.onScanned(added);
    await adaptation.features.done;
    await adaptation.loop.nextRound();
    expect(engine.count('loopPrepare')).toBe(2); // rebuilt once the new image's features are extracted
    const lastPrepare = engine.calls.filter((c) => c.kind === 'loopPrepare').at(-1)!.args as { items: unknown[] };
    expect(lastPrepare.items).toHaveLength(13);

    adaptation.loop.updateSettings({ mode: 'deep' });
    await adaptation.features.done;
    await adaptation.loop.nextRound();
    expect(engine.count('loopPrepare')).toBe(3); // rebuilt with the deep features
  });

  it('refuses deep mode for an ONNX model folder and keeps the settings as they were', async () => {
    const { adaptation } = await setup();
    const onnx = { height: 224, width: 224, scaling: 'imagenet', channelOrder: 'RGB', layout: 'NCHW' } as const;
    const layers = { layerA: 'a', layerB: 'b', softmaxLayer: 'probs', cutLayer: 'c' };
    await adaptation.chooseModel({ kind: 'folder', path: '/models/resnet', layers, onnx });
    expect(() => adaptation.loop.updateSettings({ mode: 'deep' })).toThrow(/Deep mode is not available with an ONNX model.*Use light mode/);
    expect(adaptation.loop.settings().mode).toBe('light');
  });

  it('a labeled batch trains a version and queries the next batch; the new round is announced', async () => {
    const { project, engine, adaptation, ant, bee, changes } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    expect(first.items).toHaveLength(4);
    first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    adaptation.loop.onLabelsChanged();
    const next = await until<RoundInfo>(() => {
      const round = adaptation.loop.currentRound();
      return round && round.id !== first.id ? round : null;
    });
    expect(engine.count('loopTrain')).toBe(1);
    expect(adaptation.status().modelVersion).toBe(1);
    expect(next).toMatchObject({ index: 1, modelVersion: 1, labeled: 0 });
    expect(next.items.some((i) => first.items.some((f) => f.imageId === i.imageId))).toBe(false);
    expect(changes).toContain('model');
    expect(changes.filter((c) => c === 'round')).toHaveLength(2);
  });
});
