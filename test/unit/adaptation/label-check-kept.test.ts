/**
 * The last label check kept by the project (meta 'label-check', AdaptationStore.labelCheck): a
 * row that is not a check (damaged, or written by hand in another shape) counts as none kept,
 * said once in the log, so the Suspect labels view still opens; checking labels writes it anew.
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

async function setup() {
  const root = await imageFolder(8);
  const project = Project.open(root, true);
  await project.rescan();
  const engine = new FakeEngine();
  const logged: string[] = [];
  const adaptation = new Adaptation({ project, engine: () => engine, events: new EventHub(), places: {}, log: (message) => logged.push(message) });
  open.push({ project, adaptation });
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  const ids = project.images.list({ kind: 'all' }, 0, 4).items.map((i) => i.id);
  project.setLabels(ids.slice(0, 2), ant.id);
  project.setLabels(ids.slice(2, 4), bee.id);
  const keep = (value: string): void => {
    project.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('label-check', value);
  };
  return { project, adaptation, logged, keep };
}

describe('the kept label check', () => {
  it('a damaged row counts as none kept, said once; checking labels writes it anew', async () => {
    const { adaptation, logged, keep } = await setup();
    keep('{"items": [');
    expect(adaptation.labelCheck.last()).toBeNull();
    expect(adaptation.labelCheck.last()).toBeNull();
    expect(logged.filter((line) => line.startsWith('label check:'))).toEqual([
      "label check: the project's kept check is damaged; none is shown until labels are checked again",
    ]);
    const checked = await adaptation.labelCheck.suspects();
    expect(adaptation.labelCheck.last()).toEqual(checked);
  });

  it('a row of another shape counts as none kept: not a check, a suspect without its image, a probability that is text', async () => {
    const { adaptation, keep } = await setup();
    const good = { items: [{ imageId: 1, givenClassId: 1, suggestedClassId: 2, givenProbability: 0.2, suggestedProbability: 0.8 }], judged: 4, folds: 5, modelId: 'starter', millis: 3, checkedAt: '2026-12-03T00:00:00.000Z' };
    keep(JSON.stringify(good));
    expect(adaptation.labelCheck.last()).toMatchObject({ judged: 4, folds: 5, items: [{ givenClassId: 1, suggestedClassId: 2 }] });
    for (const shape of [[good], { ...good, items: undefined }, { ...good, items: [{ ...good.items[0], imageId: undefined }] }, { ...good, items: [{ ...good.items[0], givenProbability: '0.2' }] }, null]) {
      keep(JSON.stringify(shape));
      expect(adaptation.labelCheck.last()).toBeNull();
    }
  });
});
