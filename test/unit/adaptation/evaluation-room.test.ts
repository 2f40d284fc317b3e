/**
 * The evaluation set's room and its way back, over a real project database and a fake engine:
 * a sample may take at most half of the images that are not training labels (refused beyond,
 * nothing added); the unlabeled evaluation images can be returned to the loop's pool (the
 * labeled ones stay), and a loop that had found nothing to ask goes on; the undo of an
 * import's held-out split after a release brings back only what was not released.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { evaluationHandlers } from '../../../src-main/api/domains/evaluation';
import type { Workspace } from '../../../src-main/api/workspace';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import { AppError } from '../../../src-shared/app-error';
import type { RoundInfo } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder } from '../../support/image-folder';
import { until } from '../../support/until';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

async function setup() {
  const project = Project.open(await imageFolder(12), true);
  await project.rescan();
  const events = new EventHub();
  const changes: string[] = [];
  events.subscribe((event, payload) => {
    if (event === 'project:changed') changes.push((payload as { change: string }).change);
  });
  const engine = new FakeEngine();
  const adaptation = new Adaptation({ project, engine: () => engine, events, places: {}, log: () => {}, seed: 11 });
  open.push({ project, adaptation });
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  // The evaluation domain's handlers, as the shells call them (they only reach the adaptation).
  const handlers = evaluationHandlers({ adaptation: () => adaptation } as unknown as Workspace);
  const allIds = project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id);
  return { project, adaptation, handlers, ant, bee, changes, allIds };
}

async function refusal(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the evaluation set may hold at most half of the images that are not training labels', () => {
  it('refuses a larger sample with the numbers and adds nothing; a full set says so', async () => {
    const { project, adaptation, handlers, ant, allIds } = await setup();
    expect(adaptation.evaluation.room()).toEqual({ size: 0, labeled: 0, notTraining: 12, cap: 6, max: 6, candidates: 12, pool: 12, unsure: 0 });

    const tooMany = await refusal(() => handlers['evaluation:sample']({ count: 1000 }));
    expect(tooMany.code).toBe('BAD_ARGUMENT');
    expect(tooMany.message).toBe(
      'At most 6 images can be added now, not 1000: the evaluation set may hold at most half of the 12 images that are not training labels (6), so that as many stay for the loop to ask about. It holds 0.',
    );
    expect(adaptation.store.evaluationIds().size).toBe(0);

    expect(await handlers['evaluation:sample']({ count: 6 })).toEqual({ added: 6, size: 6 });
    const room = adaptation.evaluation.room();
    expect(room).toMatchObject({ size: 6, cap: 6, max: 0, pool: 6 });
    const full = await refusal(() => handlers['evaluation:sample']({ count: 1 }));
    expect(full.message).toMatch(/^The evaluation set is full: it holds 6 images and may hold at most half of the 12 images/);

    // Training labels shrink what is not a training label: the cap follows (the set is not cut).
    const training = allIds.filter((id) => !adaptation.store.evaluationIds().has(id)).slice(0, 2);
    project.setLabels(training, ant.id);
    expect(adaptation.evaluation.room()).toMatchObject({ size: 6, notTraining: 10, cap: 5, max: 0, pool: 4 });
    expect((await adaptation.evaluation.dashboard()).evaluation).toEqual(adaptation.evaluation.room());
  });

  it('counts present images only, unsure ones apart from the pool, queried ones apart from what a sample draws from', async () => {
    const { project, adaptation, handlers, ant, allIds } = await setup();
    adaptation.loop.updateSettings({ batchSize: 3 });
    const round = await adaptation.loop.nextRound();
    const queried = new Set(round.items.map((i) => i.imageId));
    const others = allIds.filter((id) => !queried.has(id));
    await handlers['evaluation:sample']({ count: 2 });
    const outside = others.filter((id) => !adaptation.store.evaluationIds().has(id));
    project.labels.setUnsure([outside[0]!], true, new Set(allIds));
    project.setLabels([outside[1]!, round.items[0]!.imageId], ant.id);
    // One image leaves the folder (its rows stay, not present).
    const gone = project.images.get(outside[2]!);
    fs.rmSync(path.join(project.root, gone.relPath));
    await project.rescan();
    // 11 present: 2 training labels, 2 in the set, 1 unsure; the pool 6, of which 2 were queried.
    expect(adaptation.evaluation.room()).toEqual({ size: 2, labeled: 0, notTraining: 9, cap: 4, max: 2, candidates: 4, pool: 6, unsure: 1 });
  });

  it('says when the images left to sample, not the cap, are the limit (queried images are no random pick)', async () => {
    const { adaptation, handlers } = await setup();
    adaptation.loop.updateSettings({ batchSize: 10 });
    await adaptation.loop.nextRound();
    expect(adaptation.evaluation.room()).toMatchObject({ cap: 6, candidates: 2, max: 2 });
    const error = await refusal(() => handlers['evaluation:sample']({ count: 3 }));
    expect(error.message).toBe('At most 2 images can be added now: only 2 unlabeled images are outside the evaluation set and never queried by the loop.');
  });
});

describe('returning evaluation images to the pool', () => {
  it('returns a random subset of the images without a label; the labeled ones always stay', async () => {
    const { project, adaptation, handlers, ant, changes } = await setup();
    await handlers['evaluation:sample']({ count: 6 });
    const evaluation = [...adaptation.store.evaluationIds()];
    const valid = new Set(evaluation);
    project.setLabels(evaluation.slice(0, 2), ant.id);
    project.labels.setUnsure([evaluation[2]!], true, valid);
    changes.length = 0;

    const some = handlers['evaluation:release']({ count: 2 }) as { released: number; room: ReturnType<typeof adaptation.evaluation.room> };
    expect(some.released).toBe(2);
    expect(some.room).toMatchObject({ size: 4, labeled: 2 });
    expect(changes).toEqual(['evaluation']);
    const left = adaptation.store.evaluationIds();
    expect(left.has(evaluation[0]!) && left.has(evaluation[1]!)).toBe(true);

    // The rest without a label (the unsure one too) go; the pool grows by them.
    const rest = adaptation.evaluation.release();
    expect(rest.released).toBe(2);
    expect(rest.room).toMatchObject({ size: 2, labeled: 2, pool: 12 - 2 - 1, unsure: 1 });
    expect([...adaptation.store.evaluationIds()].sort()).toEqual(evaluation.slice(0, 2).sort());
    // Their labels were never touched.
    expect(project.labels.unsureIds().has(evaluation[2]!)).toBe(true);
    changes.length = 0;
    expect(adaptation.evaluation.release().released).toBe(0);
    expect(changes).toEqual([]);
  });

  it('a loop that found nothing to ask says what to do, and goes on once images are returned', async () => {
    const { project, adaptation, handlers, ant, bee } = await setup();
    await handlers['evaluation:sample']({ count: 6 });
    adaptation.loop.updateSettings({ batchSize: 4 });
    const labelAll = (round: RoundInfo) => {
      round.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
      adaptation.loop.onLabelsChanged();
    };
    const first = await adaptation.loop.nextRound();
    labelAll(first);
    const second = await until(() => {
      const round = adaptation.loop.currentRound();
      return round && round.id !== first.id ? round : null;
    });
    expect(second.items).toHaveLength(2); // all that is left outside the evaluation set
    labelAll(second);
    // Trained on the second batch; its successor found nothing (the scheduler keeps quiet about that).
    await until(() => adaptation.status().modelVersion === 2 && !adaptation.loop.isTraining);
    expect(adaptation.evaluation.room().pool).toBe(0);
    const nothing = await refusal(() => adaptation.loop.nextRound());
    expect(nothing.code).toBe('CONFLICT');
    expect(nothing.message).toBe(
      "Every image with features is labeled, marked unsure or in the evaluation set: there is nothing left to query. To go on, return the evaluation set's 6 unlabeled images to the pool (Dashboard), or label them to measure accuracy; add images to the folder and rescan.",
    );

    const back = handlers['evaluation:release']({}) as { released: number };
    expect(back.released).toBe(6);
    const third = await until(() => {
      const round = adaptation.loop.currentRound();
      return round && round.id !== second.id ? round : null;
    });
    expect(third).toMatchObject({ index: 2, modelVersion: 2, labeled: 0 });
    expect(third.items).toHaveLength(4);
  });

  it('an open batch is left alone: returning images opens no round', async () => {
    const { adaptation, handlers } = await setup();
    await handlers['evaluation:sample']({ count: 4 });
    adaptation.loop.updateSettings({ batchSize: 4 });
    const open = await adaptation.loop.nextRound();
    handlers['evaluation:release']({});
    await adaptation.loop.refreshQueue(); // any query the release started has run by now (queries run one at a time)
    expect(adaptation.loop.currentRound()?.id).toBe(open.id);
  });

  it("after a release, undoing an import's held-out split takes out, and redoing puts back, only the images still in the set", async () => {
    const { project, adaptation, ant, allIds } = await setup();
    const valid = new Set(allIds);
    const held = allIds.slice(0, 3);
    // An import's held-out split: one label action whose images join the evaluation set with it.
    const imported = project.labels.setMany(held.map((imageId) => ({ imageId, classId: ant.id })), valid);
    adaptation.store.addEvaluation(held, imported.actionId);
    project.setLabels([held[0]!], null); // the expert clears one label: it has none now
    expect(adaptation.evaluation.release().released).toBe(1);
    expect([...adaptation.store.evaluationIds()].sort()).toEqual(held.slice(1).sort());

    project.labels.undo(); // the clear: the label is back, on an image no longer in the set (a training label)
    expect(adaptation.ctx.trainingLabels().get(held[0]!)).toBe(ant.id);
    project.labels.undo(); // the import: its images still in the set leave it
    expect(adaptation.store.evaluationIds().size).toBe(0);
    project.labels.redo();
    expect([...adaptation.store.evaluationIds()].sort()).toEqual(held.slice(1).sort());
  });
});
