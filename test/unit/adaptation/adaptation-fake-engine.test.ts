/**
 * The adaptation modules over a real project database and a fake engine (no TF.js): the pool
 * is loaded into the worker once and rebuilt only when the image set, model or mode change;
 * a labeled batch trains a version and queries the next batch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { KNOWN_MODELS } from '../../../src-main/engine/model/known-models';
import { AppError } from '../../../src-shared/app-error';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import type { EngineStatus, ProjectChanged, RoundInfo } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder, tempDir, writeImage } from '../../support/image-folder';
import { ManualTimers } from '../../support/manual-timers';
import { until } from '../../support/until';
import { classifierStaleness, classifierStalenessShort } from '../../../src-renderer/logic/model-versions';
import { queueScoreWords, roundModelWords, roundScoreWords } from '../../../src-renderer/logic/loop-format';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

async function setup(timers?: ManualTimers) {
  const root = await imageFolder(12);
  const project = Project.open(root, true);
  await project.rescan();
  const engine = new FakeEngine();
  const events = new EventHub();
  const changes: string[] = [];
  /** The messages of failed jobs (as the windows show them) and the log's lines. */
  const failedJobs: string[] = [];
  const logged: string[] = [];
  events.subscribe((event, payload) => {
    if (event === 'project:changed') changes.push((payload as { change: string }).change);
    if (event === 'job:failed') failedJobs.push((payload as { error: { message: string } }).error.message);
  });
  const adaptation = new Adaptation({ project, engine: () => engine, events, places: {}, log: (message) => logged.push(message), timers });
  open.push({ project, adaptation });
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  return { root, project, engine, events, adaptation, ant, bee, changes, failedJobs, logged };
}

/** A version trained on a first batch of 4 labels, then an evaluation set of 2 sampled (not labeled: that version has no score yet); its image ids. */
async function trainedThenEvaluationSampled({ project, adaptation, ant, bee }: Awaited<ReturnType<typeof setup>>): Promise<number[]> {
  adaptation.loop.updateSettings({ batchSize: 4 });
  const first = await adaptation.loop.nextRound();
  first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
  await adaptation.loop.train();
  await adaptation.duplicates.sampleEvaluation(2);
  return [...adaptation.store.evaluationIds()];
}

/** A version trained on a first batch of 4 labels (v1), and the next batch opened with it, nothing in it labeled. */
async function trainedWithOpenBatch() {
  const context = await setup();
  const { project, adaptation, ant, bee } = context;
  adaptation.loop.updateSettings({ batchSize: 4 });
  const first = await adaptation.loop.nextRound();
  first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
  await adaptation.loop.train();
  const open = await adaptation.loop.nextRound();
  expect(open).toMatchObject({ modelVersion: 1, rerankedWith: null });
  return { ...context, open };
}

/** Close the project and its adaptation, then open both again with a fresh engine, as a restart does (the opening scan too). */
async function reopen(root: string, before: { project: Project; adaptation: Adaptation }, timers?: ManualTimers) {
  const chosen = before.adaptation.store.model();
  await before.adaptation.close();
  await before.project.close();
  open.splice(open.findIndex((o) => o.project === before.project), 1);
  const project = Project.open(root, false);
  await project.rescan();
  const engine = new FakeEngine();
  // The worker loads the project's chosen model (its pool is that model's).
  if (chosen?.modelId) engine.model = { id: chosen.modelId, name: chosen.modelName ?? chosen.modelId };
  const adaptation = new Adaptation({ project, engine: () => engine, events: new EventHub(), places: {}, log: () => {}, timers });
  open.push({ project, adaptation });
  return { project, adaptation, engine };
}

/**
 * With the loop's timers driven by hand: run every due timer and deferred step until the loop is
 * idle (no clock involved). Whatever the loop scheduled has then run, so a training it should
 * not have started is counted.
 */
async function drainLoop(timers: ManualTimers, adaptation: Adaptation): Promise<void> {
  for (let quiet = 0; quiet < 3; ) {
    const busy = timers.timeouts.size > 0 || timers.deferred.length > 0 || adaptation.loop.isTraining;
    timers.fireTimeouts();
    timers.runDeferred();
    await new Promise((resolve) => setImmediate(resolve));
    quiet = busy ? 0 : quiet + 1;
  }
}

/**
 * Only Date is faked (timers run for real), so label, round and training times are distinct and
 * ordered without a clock race: `at(s)` sets the clock to second s of 2026-01-01.
 */
function fakeClock(): (second: number) => void {
  vi.useFakeTimers({ toFake: ['Date'] });
  return (second) => vi.setSystemTime(new Date(Date.UTC(2026, 0, 1, 0, 0, second)));
}

describe('adaptation with a fake engine', () => {
  it('an extraction started anew (a rescan, deep mode) owns the status: the one it cancelled does not overwrite it', async () => {
    const { engine, adaptation } = await setup();
    let release!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (release = resolve)) };
    adaptation.features.start();
    const first = adaptation.features.done;
    adaptation.features.start(); // cancels the first
    await first;
    expect(adaptation.features.status.state).toBe('checking');
    release();
    await adaptation.features.done;
    expect(adaptation.features.status).toMatchObject({ state: 'complete', done: 12, total: 12 });
  });

  it('an extraction is "checking" until the engine says some image lacks features; with none missing it never says "running"', async () => {
    const { engine, adaptation } = await setup();
    const changes: string[] = [];
    const status = (): string => adaptation.features.status.state;
    // Every feature stored (a reopened project): checking, then complete.
    let release!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (release = resolve)) };
    adaptation.features.start();
    changes.push(status());
    engine.progress('extractFeatures', 'extract', 0, 0); // the engine's first report: nothing to compute
    changes.push(status());
    expect(adaptation.features.status).toMatchObject({ done: 12, total: 12 });
    release();
    await adaptation.features.done;
    changes.push(status());
    expect(changes).toEqual(['checking', 'checking', 'complete']);

    // Some images lack features (a rescan found new ones): running from the first report on, counted over the project.
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (release = resolve)) };
    adaptation.features.start();
    expect(status()).toBe('checking');
    engine.progress('extractFeatures', 'extract', 0, 5);
    expect(adaptation.features.status).toMatchObject({ state: 'running', done: 7, total: 12 });
    engine.progress('extractFeatures', 'extract', 5, 5);
    expect(adaptation.features.status).toMatchObject({ state: 'running', done: 12 });
    release();
    await adaptation.features.done;
    expect(status()).toBe('complete');
  });

  it('keeps a label that lands while a re-rank is being ranked: the image stays in the batch, with the labeled ones first', async () => {
    const { project, engine, adaptation, ant } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const round = await adaptation.loop.nextRound();
    const [first, , , second] = round.items;
    const valid = new Set(project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id));
    project.labels.set([first!.imageId], ant.id, valid, true);
    // The engine ranks slowly; meanwhile the expert labels the last item of the batch.
    let release!: () => void;
    engine.hold = { kind: 'loopSelect', until: new Promise<void>((resolve) => (release = resolve)) };
    const reranked = adaptation.loop.refreshQueue();
    await until(() => engine.holding === 1 || null);
    project.labels.set([second!.imageId], ant.id, valid, true);
    release();
    const after = await reranked;
    expect(after.id).toBe(round.id);
    expect(after.items.slice(0, 2).map((i) => [i.imageId, i.classId])).toEqual([
      [first!.imageId, ant.id],
      [second!.imageId, ant.id],
    ]);
    expect(after.items).toHaveLength(4);
    expect(new Set(after.items.map((i) => i.imageId)).size).toBe(4);
    expect(after.items.slice(2).every((i) => i.classId === null)).toBe(true);
  });

  it('a re-rank is recorded as made by the version whose head the engine ranked with, not by a training recorded while its answer was on its way', async () => {
    const { engine, adaptation, open } = await trainedWithOpenBatch();
    // The engine ranks the open batch with v1's head; v2 is trained and recorded before its answer arrives.
    let release!: () => void;
    engine.hold = { kind: 'loopSelect', until: new Promise<void>((resolve) => (release = resolve)) };
    const reranked = adaptation.loop.refreshQueue();
    await until('the ranking asked of the engine', () => engine.holding === 1);
    engine.hold = null;
    await adaptation.loop.train(); // v2
    expect(adaptation.store.latestVersion()!.version).toBe(2);
    release();
    expect(await reranked).toMatchObject({ id: open.id, modelVersion: 1, rerankedWith: 1 });
  });

  it('a re-rank is recorded as made by a training the engine already ranks with, once its version is recorded', async () => {
    const { engine, adaptation, open } = await trainedWithOpenBatch();
    // The worker ranks with a training's new head before the training answers (adaptation-pool.ts fineTune).
    let release!: () => void;
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (release = resolve)) };
    const training = adaptation.loop.train(); // v2
    await until('the training asked of the engine', () => engine.holding === 1);
    engine.hold = null;
    const selects = engine.count('loopSelect');
    const during = adaptation.loop.refreshQueue();
    await until('the ranking answered by the engine', () => engine.count('loopSelect') === selects + 1);
    // Not recorded before v2 is: until then no version of that number exists.
    expect(adaptation.store.latestRound()).toMatchObject({ id: open.id, rerankedWith: null });
    release();
    await training;
    expect(await during).toMatchObject({ id: open.id, modelVersion: 1, rerankedWith: 2 });
    expect(engine.count('loopSelect')).toBe(selects + 1);
    expect(adaptation.store.latestVersion()!.version).toBe(2);
    expect(roundModelWords(adaptation.loop.currentRound()!).text).toBe('re-chosen by model v2 (opened with v1)');
  });

  it('a typical-first pick shows its score as a typicality whatever its reason says, after a reopen too; a pick of another strategy without λ does not', async () => {
    const { root, project, engine, adaptation } = await setup();
    adaptation.loop.updateSettings({ batchSize: 3, strategy: 'typiclust' });
    // TypiClust's picks carry no λ; a reason in words the queue never knew.
    engine.picks = { lambda: null, reason: 'stands for 68 look-alikes' };
    const typical = await adaptation.loop.nextRound();
    const shown = (round: RoundInfo | null) => round?.items.map((item) => [item.scoreKind, queueScoreWords(item).unit]);
    expect(shown(typical)).toEqual(Array.from({ length: 3 }, () => ['typicality', 'typicality']));
    expect(roundScoreWords(typical).text).toBe('typicality 0.500');
    // Random picks carry no λ either: their score is what the strategy ranked by.
    adaptation.loop.updateSettings({ strategy: 'random' });
    project.setLabels([typical.items[0]!.imageId], project.classes.list()[0]!.id);
    const random = await adaptation.loop.nextRound();
    expect(shown(random)).toEqual(Array.from({ length: 3 }, () => ['ranking', 'score']));
    const { adaptation: again } = await reopen(root, { project, adaptation });
    expect(again.store.rounds(2).map(shown)).toEqual([shown(random), shown(typical)]);
  });

  it('a training whose version could not be recorded (the host failed to save it) ranks no later batch: they name the version before', async () => {
    const { project, engine, adaptation, ant, bee, open } = await trainedWithOpenBatch();
    open.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    vi.spyOn(adaptation.ctx, 'saveVersion').mockRejectedValueOnce(new AppError('DISK_FULL', 'The disk is full.'));
    await expect(adaptation.loop.train()).rejects.toThrow('The disk is full.');
    expect(adaptation.store.latestVersion()!.version).toBe(1);
    // The engine had ranked with v2's head since it trained it: the pool is loaded again with v1's.
    const next = await adaptation.loop.nextRound();
    expect(next.modelVersion).toBe(1);
    expect(engine.calls.filter((c) => c.kind === 'loopPrepare').at(-1)!.args).toMatchObject({ headDir: adaptation.ctx.headDir(1) });
    // The next training is v2: the round names none of its heads.
    next.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    await adaptation.loop.train();
    expect(adaptation.store.latestVersion()!.version).toBe(2);
    expect(adaptation.store.latestRound()).toMatchObject({ id: next.id, modelVersion: 1 });
  });

  it('a batch ranked by a training whose version then fails to be recorded is ranked again, by the version recorded', async () => {
    const { project, engine, adaptation, ant, bee, open } = await trainedWithOpenBatch();
    open.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    vi.spyOn(adaptation.ctx, 'saveVersion').mockRejectedValueOnce(new AppError('DISK_FULL', 'The disk is full.'));
    let release!: () => void;
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (release = resolve)) };
    const training = adaptation.loop.train(); // v2, never recorded
    await until('the training asked of the engine', () => engine.holding === 1);
    engine.hold = null;
    const selects = engine.count('loopSelect');
    const next = adaptation.loop.nextRound();
    await until('the ranking answered by the engine (with v2\'s head)', () => engine.count('loopSelect') === selects + 1);
    release();
    await expect(training).rejects.toThrow('The disk is full.');
    expect(await next).toMatchObject({ modelVersion: 1 });
    expect(engine.count('loopSelect')).toBe(selects + 2);
    expect(adaptation.store.latestVersion()!.version).toBe(1);
  });

  it('a pool loaded again during a training ranks with that training\'s head once its version is recorded, not with the head before', async () => {
    const { project, engine, adaptation, ant, bee, open } = await trainedWithOpenBatch();
    open.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    const lastLoad = () => engine.calls.filter((c) => c.kind === 'loopPrepare').at(-1)!.args;
    let release!: () => void;
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (release = resolve)) };
    const training = adaptation.loop.train(); // v2
    await until('the training asked of the engine', () => engine.holding === 1);
    engine.hold = null;
    // A scan changed the image set meanwhile (Adaptation.onScanned): the pool is loaded again, with the head recorded then.
    adaptation.pool.invalidate();
    await adaptation.pool.prepare();
    expect(lastLoad()).toMatchObject({ headDir: adaptation.ctx.headDir(1) });
    release();
    await training;
    expect(adaptation.store.latestVersion()!.version).toBe(2);
    const next = await adaptation.loop.nextRound();
    expect(next.modelVersion).toBe(2);
    expect(lastLoad()).toMatchObject({ headDir: adaptation.ctx.headDir(2) });
  });

  it('counts for the batch a label on an image a re-rank took out of it (the page had shown it as part of the batch)', async () => {
    const { project, engine, adaptation, ant } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const round = await adaptation.loop.nextRound();
    const valid = new Set(project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id));
    const [first, shown] = round.items;
    project.labels.set([first!.imageId], ant.id, valid, true);
    // The new model ranks other images first: the re-rank keeps the labeled one and takes the
    // three undecided ones out, among them the image the page still shows.
    engine.reorderPool((ids) => [...ids].reverse());
    const reranked = await adaptation.loop.refreshQueue();
    expect(reranked.items.map((i) => i.imageId)).not.toContain(shown!.imageId);
    // The expert labels it before the page learns of the re-rank.
    project.labels.set([shown!.imageId], ant.id, valid, true);
    adaptation.loop.onLabelsChanged();
    const now = adaptation.loop.currentRound()!;
    expect(now.id).toBe(round.id);
    expect(now.items).toHaveLength(4);
    expect(now.items.slice(0, 2).map((i) => [i.imageId, i.classId])).toEqual([
      [first!.imageId, ant.id],
      [shown!.imageId, ant.id],
    ]);
    expect(now.labeled).toBe(2);
    // the re-rank's first undecided picks keep the places left
    expect(now.items.slice(2).map((i) => i.imageId)).toEqual(reranked.items.slice(1, 3).map((i) => i.imageId));
    // an image that never was in the batch does not join it
    const outsider = [...valid].find((id) => !round.items.some((i) => i.imageId === id) && !reranked.items.some((i) => i.imageId === id))!;
    project.labels.set([outsider], ant.id, valid, true);
    adaptation.loop.onLabelsChanged();
    expect(adaptation.loop.currentRound()!.items.map((i) => i.imageId)).not.toContain(outsider);
  });

  it('loads the pool once, and again only after the image set, the mode or the model changed', async () => {
    const { root, project, engine, adaptation } = await setup();
    // A batch with nothing decided would come back unchanged (refused): decide one first.
    const labelOneOfTheBatch = () => project.setLabels([adaptation.loop.currentRound()!.items.at(-1)!.imageId], project.classes.list()[0]!.id);
    expect(adaptation.status().features.state).toBe('complete');
    expect(engine.count('loopPrepare')).toBe(1); // after extraction
    adaptation.loop.updateSettings({ batchSize: 3 });
    await adaptation.loop.nextRound();
    labelOneOfTheBatch(); // an untouched batch with nothing changed gets no successor
    await adaptation.loop.nextRound();
    expect(engine.count('loopPrepare')).toBe(1);

    // Labels and the evaluation set do not rebuild the pool.
    const round = adaptation.loop.currentRound()!;
    project.setLabels([round.items[0]!.imageId], project.classes.list()[0]!.id);
    await adaptation.duplicates.sampleEvaluation(2);
    await adaptation.loop.nextRound();
    expect(engine.count('loopPrepare')).toBe(1);

    await writeImage(path.join(root, 'new-image.png'), 99);
    const added = await project.rescan();
    expect(added.added).toBe(1);
    adaptation.onScanned(added);
    await adaptation.features.done;
    labelOneOfTheBatch();
    await adaptation.loop.nextRound();
    expect(engine.count('loopPrepare')).toBe(2); // rebuilt once the new image's features are extracted
    const lastPrepare = engine.calls.filter((c) => c.kind === 'loopPrepare').at(-1)!.args as { items: unknown };
    expect(lastPrepare.items).toBe('project'); // listed by the worker, not posted by the host
    expect(engine.poolSize).toBe(13);

    adaptation.loop.updateSettings({ mode: 'deep' });
    await adaptation.features.done;
    labelOneOfTheBatch();
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

  it('a batch trained half labeled (Train now) trains again when its last label is given, and the next round opens (verify 8: it never did)', async () => {
    const at = fakeClock();
    at(1);
    const { project, engine, adaptation, ant, bee } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    at(2);
    const first = await adaptation.loop.nextRound();
    at(3);
    project.setLabels([first.items[0]!.imageId], ant.id);
    project.setLabels([first.items[1]!.imageId], bee.id);
    at(4);
    await adaptation.loop.train(); // Train now, half the batch labeled
    expect(engine.count('loopTrain')).toBe(1);
    // Every label given so far is learned; the two still to come are not.
    expect(adaptation.store.latestRound()).toMatchObject({ id: first.id, trained: true });
    at(5);
    project.setLabels([first.items[2]!.imageId, first.items[3]!.imageId], ant.id);
    expect(adaptation.store.latestRound()).toMatchObject({ id: first.id, labeled: 4, trained: false });
    adaptation.loop.onLabelsChanged();
    const next = await until<RoundInfo>(() => {
      const round = adaptation.loop.currentRound();
      return round && round.id !== first.id ? round : null;
    });
    expect(engine.count('loopTrain')).toBe(2);
    expect(next).toMatchObject({ index: 1, modelVersion: 2 });
    // The second training learned the whole batch.
    const learned = (engine.calls.filter((call) => call.kind === 'loopTrain').at(-1)!.args as { labels: { imageId: number }[] }).labels.map((l) => l.imageId);
    expect(learned).toEqual(expect.arrayContaining(first.items.map((i) => i.imageId)));
  });

  it('a batch labeled to its end but closed before its training trains on reopen, once the features are ready, and the next round opens', async () => {
    const { root, project, adaptation, ant, bee } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    // The last label lands and the project closes before the scheduler runs (no onLabelsChanged).
    first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    const { adaptation: again, engine } = await reopen(root, { project, adaptation });
    expect(again.loop.currentRound()).toMatchObject({ id: first.id, labeled: 4 });
    again.features.start();
    const next = await until<RoundInfo>(() => {
      const round = again.loop.currentRound();
      return round && round.id !== first.id ? round : null;
    });
    expect(engine.count('loopTrain')).toBe(1);
    expect(next).toMatchObject({ index: 1, modelVersion: 1, labeled: 0 });
  });

  it('a batch trained on but closed before its next query gets its next round on reopen, once the features are ready, without training again', async () => {
    const { root, project, adaptation, ant, bee } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    // The last label lands, the training on it is recorded, and the project closes before the query.
    first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    await adaptation.loop.train();
    const { adaptation: again, engine } = await reopen(root, { project, adaptation });
    expect(again.loop.currentRound()).toMatchObject({ id: first.id, labeled: 4, trained: true });
    again.features.start();
    const next = await until<RoundInfo>(() => {
      const round = again.loop.currentRound();
      return round && round.id !== first.id ? round : null;
    });
    expect(engine.count('loopTrain')).toBe(0);
    expect(next).toMatchObject({ index: 1, modelVersion: 1, labeled: 0 });
    expect(again.store.roundCount()).toBe(2);
  });

  it('continuous mode: a batch labeled to its end but closed before it was replaced gets its next round on reopen, and its untrained labels are trained on', async () => {
    const { root, project, adaptation, ant, bee } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    adaptation.store.saveSettings({ ...adaptation.loop.settings(), continuous: true });
    first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    const timers = new ManualTimers();
    const { adaptation: again, engine } = await reopen(root, { project, adaptation }, timers);
    again.features.start();
    await again.features.done;
    const next = await until<RoundInfo>(() => {
      timers.fireTimeouts();
      timers.runDeferred();
      const round = again.loop.currentRound();
      return round && round.id !== first.id ? round : null;
    });
    expect(next).toMatchObject({ index: 1, labeled: 0 });
    await drainLoop(timers, again);
    expect(engine.count('loopTrain')).toBe(1);
    expect(again.store.latestVersion()?.trainingLabels).toBe(4);
    // The training re-ranked the open batch: still one round after the finished one.
    expect(again.store.roundCount()).toBe(2);
  });

  it('refuses a next round while the open batch is untouched and nothing changed, even when a draw would differ; any change lets it through', async () => {
    const { project, engine, adaptation, ant } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    await expect(adaptation.loop.nextRound()).rejects.toThrow(/only be another draw.*Label some of its images or mark them unsure/);
    // A strategy drawing at random would pick others: still refused, nothing was answered or changed.
    engine.reorderPool((ids) => [...ids].reverse());
    await expect(adaptation.loop.nextRound()).rejects.toThrow(/another draw/);
    expect(adaptation.loop.currentRound()?.id).toBe(first.id);
    expect(adaptation.store.roundCount()).toBe(1);
    expect(engine.count('loopSelect')).toBe(1); // refused before the engine is asked
    // A setting changed: the request opens a round.
    adaptation.loop.updateSettings({ batchSize: 5 });
    const second = await adaptation.loop.nextRound();
    expect(second.id).not.toBe(first.id);
    // Untouched again: refused; an unsure mark elsewhere is a change (and this draw picks others).
    await expect(adaptation.loop.nextRound()).rejects.toThrow(/another draw/);
    const outside = project.images.list({ kind: 'all' }, 0, 100).items.find((i) => !second.items.some((q) => q.imageId === i.id))!;
    project.setUnsure([outside.id], true);
    engine.reorderPool((ids) => [...ids].reverse());
    const unsureNext = await adaptation.loop.nextRound();
    expect(unsureNext.id).not.toBe(second.id);
    // One image of the open batch decided: the next round leaves that one out, so it is a new batch.
    project.setLabels([unsureNext.items[0]!.imageId], ant.id);
    const fourth = await adaptation.loop.nextRound();
    expect(fourth.items.map((i) => i.imageId)).not.toContain(unsureNext.items[0]!.imageId);
    // A label outside the open batch, the model not trained since: the same images, refused.
    const elsewhere = project.images.list({ kind: 'unlabeled' }, 0, 100).items.find((i) => !fourth.items.some((q) => q.imageId === i.id))!;
    project.setLabels([elsewhere.id], ant.id);
    await expect(adaptation.loop.nextRound()).rejects.toThrow(/would ask for the same images.*ranks the images as it did/);
  });

  it('reopening with the batch still open trains nothing: only a finished batch resumes', async () => {
    const { root, project, adaptation, ant } = await setup();
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    project.setLabels([first.items[0]!.imageId], ant.id);
    const timers = new ManualTimers();
    const { adaptation: again, engine } = await reopen(root, { project, adaptation }, timers);
    again.features.start();
    await again.features.done;
    // The features are complete (the moment a finished batch resumes): nothing was scheduled,
    // and running whatever the loop has scheduled trains nothing.
    expect([timers.timeouts.size, timers.deferred.length]).toEqual([0, 0]);
    await drainLoop(timers, again);
    expect(again.loop.isTraining).toBe(false);
    expect(engine.count('loopTrain')).toBe(0);
    expect(again.loop.currentRound()).toMatchObject({ id: first.id, labeled: 1 });
  });

  it('keeps the last label check: shown again after a reopen, each image as it is now, removed images left out', async () => {
    const at = fakeClock();
    at(1);
    const { root, project, adaptation, ant, bee } = await setup();
    expect(adaptation.labelCheck.last()).toBeNull();
    const ids = project.images.list({ kind: 'all' }, 0, 4).items.map((i) => i.id);
    project.setLabels(ids.slice(0, 2), ant.id);
    project.setLabels(ids.slice(2, 4), bee.id);
    const checked = await adaptation.labelCheck.suspects();
    expect(checked.items).toHaveLength(1);
    expect(adaptation.labelCheck.last()).toEqual(checked);
    expect(checked.changesSince).toBe(0);
    // Relabeled since: the suspect reads its class now; its given class is the one checked.
    const suspect = checked.items[0]!;
    at(2);
    project.setLabels([suspect.image.id], suspect.suggestedClassId);
    const { project: reopened, adaptation: again } = await reopen(root, { project, adaptation });
    const last = again.labelCheck.last()!;
    expect(last).toMatchObject({ judged: 4, folds: 5, checkedAt: checked.checkedAt, changesSince: 1 });
    expect(last.items).toEqual([{ ...suspect, image: { ...suspect.image, classId: suspect.suggestedClassId, labeledAt: expect.any(String) } }]);
    // The file is gone: the suspect is left out.
    const file = path.join(root, suspect.image.relPath);
    fs.rmSync(file);
    await reopened.rescan();
    expect(again.labelCheck.last()!.items).toEqual([]);
  });

  it('an undo of labels the model in use learned from retrains it; an undo of labels newer than the model does not', async () => {
    const at = fakeClock();
    at(1);
    const timers = new ManualTimers();
    const { project, engine, adaptation, ant, bee } = await setup(timers);
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    const [a, b, c, d] = first.items.map((i) => i.imageId) as [number, number, number, number];
    project.setLabels([a], ant.id);
    project.setLabels([b], bee.id);
    // One bulk label finishes the batch: it trains at once (v1, later than the label) and the next round opens.
    const bulk = project.setLabels([c, d], ant.id);
    at(2);
    adaptation.loop.onLabelsChanged();
    await drainLoop(timers, adaptation);
    await until(() => (adaptation.status().modelVersion === 1 && adaptation.loop.currentRound()?.id !== first.id ? true : null));
    expect(engine.count('loopTrain')).toBe(1);

    // Its undo takes back labels v1 learned from: v2 is trained without them.
    at(3);
    const undone = (await project.writeLabels({ kind: 'undo' }))!;
    expect(undone.actionId).toBe(bulk.actionId);
    adaptation.loop.labelsReplayed(undone);
    await drainLoop(timers, adaptation);
    await until(() => (adaptation.status().modelVersion === 2 && !adaptation.loop.isTraining ? true : null));
    const trainedOn = (engine.calls.filter((call) => call.kind === 'loopTrain').at(-1)!.args as { labels: { imageId: number }[] }).labels.map((l) => l.imageId);
    expect(trainedOn.sort((x, y) => x - y)).toEqual([a, b].sort((x, y) => x - y));

    // A label given after v2, then undone, was never learned from: nothing is scheduled, and
    // running whatever the loop has scheduled trains nothing.
    at(4);
    const later = project.setLabels([c], bee.id);
    const undoLater = (await project.writeLabels({ kind: 'undo' }))!;
    expect(undoLater.actionId).toBe(later.actionId);
    adaptation.loop.labelsReplayed(undoLater);
    expect([timers.timeouts.size, timers.deferred.length]).toEqual([0, 0]);
    await drainLoop(timers, adaptation);
    expect(adaptation.loop.isTraining).toBe(false);
    expect(engine.count('loopTrain')).toBe(2);
  });

  it('the dashboard curve has one point per training-label count, from the latest version at that count', async () => {
    const { project, adaptation, ant, bee } = await setup();
    await adaptation.duplicates.sampleEvaluation(2);
    const evaluation = [...adaptation.store.evaluationIds()];
    project.setLabels(evaluation, ant.id);
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    await adaptation.loop.train();
    await adaptation.loop.train(); // Train now again, without new labels
    expect(adaptation.store.versions().map((v) => v.trainingLabels)).toEqual([4, 4]);
    const board = await adaptation.evaluation.dashboard();
    expect(board.curve.map((p) => [p.labels, p.modelVersion])).toEqual([[4, 2]]);
    expect(board).toMatchObject({ trainingLabels: 4, evaluation: { size: 2, labeled: 2 }, accuracyKnown: true });
  });

  it('the dashboard never waits for the engine: while it scores versions on the evaluation set, the counts answer and name the versions; a scores change follows', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant, changes } = context;
    const evaluation = await trainedThenEvaluationSampled(context);
    // The evaluation labels change after the training: its version is to be scored again, and the engine is busy.
    let release = (): void => undefined;
    engine.hold = { kind: 'loopEvaluate', until: new Promise<void>((resolve) => (release = resolve)) };
    project.setLabels(evaluation, ant.id);
    const during = await adaptation.evaluation.dashboard();
    const version = adaptation.store.latestVersion()!.version;
    expect(during).toMatchObject({ trainingLabels: 4, evaluation: { size: 2, labeled: 2 }, scoring: [version], latest: null });
    expect(during.perClass.map((c) => c.evaluation)).toEqual([2, 0]);
    await until('the scoring asked of the engine', () => engine.holding === 1);
    // A second read while it runs shares it: one scoring at a time.
    expect((await adaptation.evaluation.dashboard()).scoring).toEqual([version]);
    expect(changes).not.toContain('scores');
    release();
    await until('the scores change', () => changes.includes('scores'));
    expect(engine.count('loopEvaluate')).toBe(1);
    const after = await adaptation.evaluation.dashboard();
    expect(after).toMatchObject({ scoring: [], accuracyKnown: true, latest: { modelVersion: version, evaluated: 2, accuracy: 1 } });
    expect(after.calibration?.modelVersion).toBe(version);
  });

  it('a scoring that fails is said on the dashboard and not asked again until the evaluation labels change', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant, bee, changes, logged } = context;
    const request = engine.request.bind(engine);
    let failing = true;
    let evaluations = 0;
    engine.request = ((kind, args) => {
      if (kind !== 'loopEvaluate') return request(kind, args);
      evaluations++;
      return failing ? Promise.reject(new AppError('UNREADABLE', 'The head of version 2 is damaged.')) : request(kind, args);
    }) as typeof engine.request;
    const evaluation = await trainedThenEvaluationSampled(context);
    project.setLabels(evaluation, ant.id);
    const version = adaptation.store.latestVersion()!.version;
    expect((await adaptation.evaluation.dashboard()).scoring).toEqual([version]);
    await until('the failure announced', () => changes.includes('scores'));
    const failed = await adaptation.evaluation.dashboard();
    expect(failed).toMatchObject({ scoring: [], scoringFailed: 'The head of version 2 is damaged.', latest: null });
    expect(logged).toContain('evaluation: The head of version 2 is damaged.');
    // Read again: not asked of the engine again (it would say "measuring" and fail at every read).
    await adaptation.evaluation.scorePending();
    expect(evaluations).toBe(1);
    // The labels change: asked again, and scored.
    failing = false;
    project.setLabels([evaluation[0]!], bee.id);
    expect((await adaptation.evaluation.dashboard()).scoring).toEqual([version]);
    await adaptation.evaluation.scorePending();
    expect(evaluations).toBe(2);
    expect(await adaptation.evaluation.dashboard()).toMatchObject({ scoring: [], scoringFailed: null, latest: { modelVersion: version, evaluated: 2, accuracy: 0.5 } });
  });

  it('closing the project while the engine chooses a batch: the batch is refused in words (CANCELLED), nothing is recorded or logged', async () => {
    const { project, engine, adaptation, logged } = await setup();
    let release = (): void => undefined;
    engine.hold = { kind: 'loopSelect', until: new Promise<void>((resolve) => (release = resolve)) };
    const asked = adaptation.loop.nextRound();
    const outcome = asked.then(
      () => null,
      (error: unknown) => error,
    );
    await until('the batch asked of the engine', () => engine.holding === 1);
    open.splice(open.findIndex((o) => o.adaptation === adaptation), 1);
    const closing = adaptation.close();
    release();
    await closing;
    const error = await outcome;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CANCELLED', message: 'The project was closed while the batch was being chosen: no batch was recorded.' });
    await project.close();
    expect(logged).toEqual([]);
  });

  it('closing the project during a scoring: it stops there, nothing more is asked of the engine or saved, nothing is logged', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant, bee, logged } = context;
    const evaluation = await trainedThenEvaluationSampled(context);
    let release = (): void => undefined;
    engine.hold = { kind: 'loopEvaluate', until: new Promise<void>((resolve) => (release = resolve)) };
    project.setLabels(evaluation, ant.id);
    await adaptation.evaluation.dashboard();
    await until('the scoring asked of the engine', () => engine.holding === 1);
    // The labels change during the pass: a second pass would be due.
    project.setLabels([evaluation[0]!], bee.id);
    open.splice(open.findIndex((o) => o.adaptation === adaptation), 1);
    const closing = adaptation.close();
    release();
    await closing;
    await project.close();
    expect(engine.count('loopEvaluate')).toBe(1);
    expect(logged.filter((line) => line.startsWith('evaluation:'))).toEqual([]);
  });

  it('a training that could not predict an evaluation image (it had no features) leaves its version to the background pass', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant } = context;
    project.setLabels(await trainedThenEvaluationSampled(context), ant.id);
    await adaptation.evaluation.scorePending(); // v1
    const request = engine.request.bind(engine);
    engine.request = (async (kind, args) => {
      const answer = await request(kind, args);
      if (kind !== 'loopTrain') return answer;
      // The first evaluation image asked has no features in the pool: -1, as the worker answers it.
      const { evaluation } = answer as unknown as { evaluation: { classIndex: number[]; confidence: number[]; rawConfidence: number[] } };
      evaluation.classIndex[0] = -1;
      evaluation.confidence[0] = -1;
      evaluation.rawConfidence[0] = -1;
      return answer;
    }) as typeof engine.request;
    await adaptation.loop.train(); // v2
    expect((await adaptation.evaluation.dashboard()).scoring).toEqual([2]);
    await adaptation.evaluation.scorePending();
    const evaluated = engine.calls.filter((c) => c.kind === 'loopEvaluate').map((c) => (c.args as { heads: { version: number }[] }).heads.map((h) => h.version));
    expect(evaluated).toEqual([[1], [2]]);
    expect((await adaptation.evaluation.dashboard()).latest).toMatchObject({ modelVersion: 2, evaluated: 2, accuracy: 1 });
  });

  it('a version the engine could not predict every evaluation image for (one without features) is scored on part of them and said so, not asked again at every read, and scored on all once features are extracted', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant, changes } = context;
    const evaluation = await trainedThenEvaluationSampled(context);
    project.setLabels(evaluation, ant.id);
    // One labeled evaluation image has no features in the pool (not extracted yet, or unreadable).
    engine.withoutFeatures.add(evaluation[0]!);
    await adaptation.evaluation.scorePending(); // v1, trained before they were labeled: scored in the background
    const partial = await adaptation.evaluation.dashboard();
    expect(partial).toMatchObject({ scoring: [], latest: { modelVersion: 1, evaluated: 1, accuracy: 1 }, withoutFeatures: 1, evaluation: { labeled: 2 } });
    // A training that could not predict it either: its version shows no score on part of the set meanwhile.
    await adaptation.loop.train(); // v2
    expect(await adaptation.evaluation.dashboard()).toMatchObject({ scoring: [2], latest: null, withoutFeatures: 0 });
    await adaptation.evaluation.scorePending();
    expect(await adaptation.evaluation.dashboard()).toMatchObject({ scoring: [], latest: { modelVersion: 2, evaluated: 1 }, withoutFeatures: 1 });
    // Read again: nothing asked of the engine (it would be asked at every read, and answer the same).
    await adaptation.evaluation.scorePending();
    const evaluated = (): number[][] => engine.calls.filter((c) => c.kind === 'loopEvaluate').map((c) => (c.args as { heads: { version: number }[] }).heads.map((h) => h.version));
    expect(evaluated()).toEqual([[1], [2]]);

    // Its features are extracted: both versions are scored again, on every labeled evaluation image, by themselves.
    engine.withoutFeatures.clear();
    changes.length = 0;
    adaptation.features.start();
    await adaptation.features.done;
    await until('the versions scored again', () => changes.includes('scores'));
    expect(evaluated()).toEqual([[1], [2], [1, 2]]);
    const after = await adaptation.evaluation.dashboard();
    expect(after).toMatchObject({ scoring: [], latest: { modelVersion: 2, evaluated: 2, accuracy: 1 }, withoutFeatures: 0 });
    expect(after.curve.map((p) => p.evaluated)).toEqual([2]);
  });

  it('a version scored on part of the evaluation set is not compared for the best: thinning keeps the best scored on all, and the version list says what the partial score leaves out', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant, bee, changes } = context;
    const evaluation = await trainedThenEvaluationSampled(context);
    // The fake head says ant for every image: v1, scored on both, is right on one (50%).
    project.setLabels([evaluation[0]!], ant.id);
    project.setLabels([evaluation[1]!], bee.id);
    await adaptation.evaluation.scorePending();
    expect(adaptation.store.version(1)).toMatchObject({ evalLabeled: 2, evalCorrect: 1 });
    // The image it got wrong has no features now: the versions after are scored on the other alone (100% of 1).
    engine.withoutFeatures.add(evaluation[1]!);
    for (let k = 0; k < 4; k++) {
      await adaptation.loop.train(); // v2 … v5, the versions before thinned after each
      await adaptation.evaluation.scorePending();
    }
    // v1 stays as the best: a score on part of the set is not compared with one on all of it.
    expect(adaptation.store.versions().map((v) => v.version)).toEqual([1, 3, 4, 5]);
    expect(adaptation.transfer.versions().versions.map((v) => [v.version, v.kept, v.accuracy?.evaluated, v.accuracy?.withoutFeatures])).toEqual([
      [5, ['latest'], 1, 1],
      [4, ['recent'], 1, 1],
      [3, ['recent'], 1, 1],
      [1, ['best'], 2, 0],
    ]);

    // Features extracted: the partial versions are scored on all and compared again (50% each; the
    // latest of equals is the best). The labeled batch gets its next round, asked with v5.
    engine.withoutFeatures.clear();
    changes.length = 0;
    adaptation.features.start();
    await adaptation.features.done;
    await until('the versions scored again', () => changes.includes('scores'));
    await until('the next round asked', () => adaptation.store.latestRound()?.modelVersion === 5);
    await adaptation.evaluation.scorePending();
    expect(adaptation.transfer.versions().versions.map((v) => [v.version, v.kept, v.accuracy?.evaluated, v.accuracy?.withoutFeatures])).toEqual([
      [5, ['latest', 'best', 'round'], 2, 0],
      [4, ['recent'], 2, 0],
      [3, ['recent'], 2, 0],
      [1, [], 2, 0],
    ]);
  });

  it('the model card of a version scored on part of the evaluation set says how many labeled evaluation images were left out, and why', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant, bee } = context;
    const exports = engine.answerExports();
    const exportModel = (): Promise<unknown> => adaptation.transfer.export({ model: true, labelsCsv: false, labelsJson: false, imageFolder: false, destination: path.join(tempDir('adma-export-'), 'out') });
    const evaluation = await trainedThenEvaluationSampled(context);
    project.setLabels([evaluation[0]!], ant.id);
    project.setLabels([evaluation[1]!], bee.id);
    engine.withoutFeatures.add(evaluation[1]!);
    await exportModel(); // v1, scored by the export's wait on the one image with features
    expect(exports[0]!.metrics['evaluation accuracy']).toMatch(/^100\.0% \(95% CI .*, 1 of 2 labeled images\)$/);
    expect(exports[0]!.metrics['evaluation images left out']).toBe('1 of 2: it had no image features yet when the version was scored (not extracted, or unreadable), so the accuracy is on the other 1 only');
    // The per-class section is on the scored image alone, and says how many it leaves out.
    expect(exports[0]!.evaluation).toEqual({ classes: ['ant', 'bee'], modelClasses: 2, counts: [[1, 0], [0, 0]], leftOut: 1 });
    // Scored on all once features are extracted: no such row.
    engine.withoutFeatures.clear();
    adaptation.features.start();
    await adaptation.features.done;
    await exportModel();
    expect(exports[1]!.metrics['evaluation accuracy']).toMatch(/^50\.0% \(95% CI .*, 2 images\)$/);
    expect(exports[1]!.metrics).not.toHaveProperty('evaluation images left out');
    // The fake head says ant for every image: the bee is counted as predicted ant.
    expect(exports[1]!.evaluation).toEqual({ classes: ['ant', 'bee'], modelClasses: 2, counts: [[1, 0], [1, 0]], leftOut: 0 });
  });

  it('a version scored on part of the evaluation set stays so after a reopen (not asked again, the dashboard and the version list say so), and a pass on all after the next extraction clears it for good', async () => {
    const context = await setup();
    const { root, project, engine, adaptation, ant } = context;
    const evaluation = await trainedThenEvaluationSampled(context);
    project.setLabels(evaluation, ant.id);
    engine.withoutFeatures.add(evaluation[0]!);
    await adaptation.evaluation.scorePending(); // v1, on the one image with features
    const leftOut = (a: Adaptation) => a.transfer.versions().versions.map((v) => [v.version, v.accuracy?.evaluated, v.accuracy?.withoutFeatures]);
    expect(leftOut(adaptation)).toEqual([[1, 1, 1]]);

    // A restart: the score is still on part of the set, said so before anything is scored, and not asked for again.
    const first = await reopen(root, { project, adaptation });
    first.engine.withoutFeatures.add(evaluation[0]!);
    expect(first.adaptation.evaluation.partialScores()).toEqual(new Map([[1, 1]]));
    expect(leftOut(first.adaptation)).toEqual([[1, 1, 1]]);
    expect(await first.adaptation.evaluation.dashboard()).toMatchObject({ scoring: [], latest: { modelVersion: 1, evaluated: 1 }, withoutFeatures: 1 });
    expect(first.engine.count('loopEvaluate')).toBe(0);

    // Its features extracted: scored on all, and the mark is gone from the project too.
    first.engine.withoutFeatures.clear();
    first.adaptation.features.start();
    await first.adaptation.features.done;
    await until('v1 scored on every label', () => first.adaptation.store.version(1)?.evalLabeled === 2);
    expect(first.adaptation.evaluation.partialScores()).toEqual(new Map());
    const second = await reopen(root, first);
    expect(second.adaptation.evaluation.partialScores()).toEqual(new Map());
    expect(leftOut(second.adaptation)).toEqual([[1, 2, 0]]);
  });

  it('a version whose labels changed while the project was closed is scored again on reopen, its partial score not shown for the new labels', async () => {
    const context = await setup();
    const { root, project, engine, adaptation, ant, bee } = context;
    const evaluation = await trainedThenEvaluationSampled(context);
    project.setLabels(evaluation, ant.id);
    engine.withoutFeatures.add(evaluation[0]!);
    await adaptation.evaluation.scorePending();
    // Another label on the evaluation set, given while the app was closed (as the command line gives it).
    project.setLabels([evaluation[1]!], bee.id);
    const again = await reopen(root, { project, adaptation });
    again.engine.withoutFeatures.add(evaluation[0]!);
    expect(await again.adaptation.evaluation.dashboard()).toMatchObject({ scoring: [1], withoutFeatures: 0 });
    await again.adaptation.evaluation.scorePending();
    expect(again.engine.count('loopEvaluate')).toBe(1);
    expect(await again.adaptation.evaluation.dashboard()).toMatchObject({ scoring: [], latest: { modelVersion: 1, evaluated: 1, accuracy: 0 }, withoutFeatures: 1 });
  });

  it('a search for duplicates stopped by a newer search or by a cancel fails saying which (the window that asked may not be the one that stopped it)', async () => {
    const { engine, adaptation } = await setup();
    let release = (): void => undefined;
    engine.hold = { kind: 'loopDuplicates', until: new Promise<void>((resolve) => (release = resolve)) };
    const outcome = (search: Promise<unknown>): Promise<unknown> => search.then(() => null, (error: unknown) => error);
    const first = outcome(adaptation.duplicates.groups());
    await until('the first search asked of the engine', () => engine.holding === 1);
    const second = outcome(adaptation.duplicates.groups());
    expect(await first).toMatchObject({ code: 'CANCELLED', message: 'This search for duplicates was replaced by a newer one (asked in another window, or here): find again to see the groups.' });
    await until('the second search asked of the engine', () => engine.holding === 2);
    expect(adaptation.duplicates.cancel()).toBe(true);
    expect(await second).toMatchObject({ code: 'CANCELLED', message: 'This search for duplicates was cancelled (in another window, or here): find again to see the groups.' });
    expect(adaptation.duplicates.cancel()).toBe(false);
    release();
  });

  it('a search for duplicates cancelled, or replaced by a newer one, while the image features still load stops there: no engine job, CANCELLED saying which', async () => {
    const { engine, adaptation } = await setup();
    let release = (): void => undefined;
    // The pool is loaded again (a rescan changed the images, say) and the load is slow.
    adaptation.pool.invalidate();
    engine.hold = { kind: 'loopPrepare', until: new Promise<void>((resolve) => (release = resolve)) };
    const outcome = (search: Promise<unknown>): Promise<unknown> => search.then(() => null, (error: unknown) => error);
    const first = outcome(adaptation.duplicates.groups());
    await until('the features being loaded', () => engine.holding === 1);
    const second = outcome(adaptation.duplicates.groups());
    const cancelled = adaptation.duplicates.cancel();
    try {
      expect(cancelled).toBe(true);
      // Both fail while the load still runs (it goes on for its other callers).
      expect(await Promise.all([first, second])).toMatchObject([
        { code: 'CANCELLED', message: 'This search for duplicates was replaced by a newer one (asked in another window, or here): find again to see the groups.' },
        { code: 'CANCELLED', message: 'This search for duplicates was cancelled (in another window, or here): find again to see the groups.' },
      ]);
      expect(adaptation.duplicates.cancel()).toBe(false);
    } finally {
      release();
    }
    // Once it has loaded, neither search asks the engine for pairs.
    await adaptation.pool.prepare();
    expect(engine.count('loopDuplicates')).toBe(0);
  });

  it('the model card states the score the export waited for: a version trained before its evaluation set was labeled', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant } = context;
    const exports = engine.answerExports(['model.json']);
    project.setLabels(await trainedThenEvaluationSampled(context), ant.id);
    expect(adaptation.store.latestVersion()!.evalLabeled).toBe(0);
    await adaptation.transfer.export({ model: true, labelsCsv: false, labelsJson: false, imageFolder: false, destination: path.join(tempDir('adma-export-'), 'out') });
    expect(adaptation.store.latestVersion()!.evalLabeled).toBe(2);
    expect(exports[0]!.metrics['evaluation accuracy']).toMatch(/^100\.0% \(95% CI/);
  });

  it('a training scores its own version on the evaluation set: one request to the engine (the training), none after it, and its score and reliability show at once', async () => {
    const context = await setup();
    const { project, engine, adaptation, ant, bee } = context;
    const exports = engine.answerExports();
    const evaluation = await trainedThenEvaluationSampled(context);
    project.setLabels(evaluation, ant.id);
    await adaptation.evaluation.scorePending(); // v1, trained before they were labeled: scored in the background
    expect(engine.count('loopEvaluate')).toBe(1);
    /** The versions each scoring request asked the engine about. */
    const evaluated = (): number[][] => engine.calls.filter((c) => c.kind === 'loopEvaluate').map((c) => (c.args as { heads: { version: number }[] }).heads.map((h) => h.version));
    const trainedOn = (): number[] => (engine.calls.filter((c) => c.kind === 'loopTrain').at(-1)!.args as { evaluationIds: number[] }).evaluationIds;

    await adaptation.loop.train(); // v2
    // The training predicted the evaluation images with the head it saved: the version's score and
    // reliability are known as soon as it is, and no other request scores it.
    const board = await adaptation.evaluation.dashboard();
    expect(board).toMatchObject({ scoring: [], latest: { modelVersion: 2, evaluated: 2, accuracy: 1 } });
    expect(board.calibration).toMatchObject({ modelVersion: 2, evaluated: 2 });
    await adaptation.evaluation.scorePending();
    await adaptation.transfer.export({ model: true, labelsCsv: false, labelsJson: false, imageFolder: false, destination: path.join(tempDir('adma-export-'), 'out') });
    expect(exports[0]!.metrics['evaluation accuracy']).toMatch(/^100\.0% \(95% CI/);
    expect(evaluated()).toEqual([[1]]);
    expect([...trainedOn()].sort((a, b) => a - b)).toEqual([...evaluation].sort((a, b) => a - b));

    // An evaluation label changed during a training: its version is scored on the labels as they are
    // after it; the background pass asks only about the versions before it.
    let release!: () => void;
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (release = resolve)) };
    const training = adaptation.loop.train(); // v3
    await until('the training asked of the engine', () => engine.holding === 1);
    project.setLabels([evaluation[0]!], bee.id);
    release();
    await training;
    expect(await adaptation.evaluation.dashboard()).toMatchObject({ scoring: [1, 2], latest: { modelVersion: 3, evaluated: 2, accuracy: 0.5 } });
    await adaptation.evaluation.scorePending();
    expect(evaluated()).toEqual([[1], [1, 2]]);

    // An evaluation image sampled and labeled during a training was not predicted by it: that
    // version is scored by the background pass, as every version is on the new labels.
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (release = resolve)) };
    const another = adaptation.loop.train(); // v4
    await until('the training asked of the engine', () => engine.holding === 1);
    await adaptation.duplicates.sampleEvaluation(1);
    const added = [...adaptation.store.evaluationIds()].filter((id) => !evaluation.includes(id));
    expect(added).toHaveLength(1);
    project.setLabels(added, ant.id);
    release();
    await another;
    // (v1 is thinned by now: the latest three versions are kept.)
    expect((await adaptation.evaluation.dashboard()).scoring).toEqual([2, 3, 4]);
    await adaptation.evaluation.scorePending();
    expect(evaluated()).toEqual([[1], [1, 2], [2, 3, 4]]);
    const after = await adaptation.evaluation.dashboard();
    expect(after).toMatchObject({ scoring: [], latest: { modelVersion: 4, evaluated: 3 } });
    expect(after.calibration).toMatchObject({ modelVersion: 4, evaluated: 3 });
  });

  it('continuous mode: a round is one batch (retrains re-rank the open batch), and stored versions are thinned', async () => {
    const timers = new ManualTimers();
    const { project, adaptation, ant, bee } = await setup(timers);
    const drain = () => drainLoop(timers, adaptation);
    adaptation.loop.updateSettings({ batchSize: 4 });
    await adaptation.loop.nextRound();
    adaptation.loop.updateSettings({ continuous: true });
    await drain();
    let reranked = 0;
    for (let k = 0; k < 12; k++) {
      const open = adaptation.loop.currentRound()!;
      const next = open.items.find((q) => q.classId === null)!;
      project.setLabels([next.imageId], k % 2 ? ant.id : bee.id);
      adaptation.loop.onLabelsChanged();
      await drain();
      const after = adaptation.loop.currentRound()!;
      // A re-rank keeps the labeled items where they were: the open batch starts with them.
      expect(after.items.slice(0, after.labeled).every((q) => q.classId !== null)).toBe(true);
      // The open batch's unlabeled images were chosen by the latest version (after every
      // training, or before any with one class labeled): the one the round was opened with, or
      // the one whose re-rank chose them again, and the queue says which.
      if (after.labeled === after.items.length) continue;
      const latest = adaptation.store.latestVersion()?.version ?? 0;
      expect(after.rerankedWith ?? after.modelVersion).toBe(latest);
      if (after.rerankedWith === null || after.rerankedWith === after.modelVersion) continue;
      reranked++;
      expect(after.modelVersion).toBeLessThan(latest);
      expect(roundModelWords(after).text).toBe(`re-chosen by model v${latest} (opened with v${after.modelVersion})`);
    }
    expect(reranked).toBeGreaterThan(4);
    const rounds = adaptation.store.rounds(100);
    // 12 images, 12 labels: three batches, and nothing is left to query after the third.
    expect(rounds.map((r) => [r.index, r.labeled])).toEqual([
      [2, 4],
      [1, 4],
      [0, 4],
    ]);
    const versions = adaptation.store.versions().map((v) => v.version);
    const latest = versions.at(-1)!;
    expect(latest).toBeGreaterThan(8); // retrained after (nearly) every label
    // Kept: the latest three and each version a round was opened with.
    const opened = new Set(rounds.map((r) => r.modelVersion).filter((v) => v > 0));
    expect(versions).toEqual([...new Set([...opened, latest - 2, latest - 1, latest])].sort((a, b) => a - b));
    const onDisk = fs.readdirSync(path.dirname(adaptation.ctx.headDir(1))).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    expect(onDisk).toEqual(versions.map((v) => `v${v}`));
  });

  it('t of the trade-off counts query rounds, not labels made outside the queue', async () => {
    const { project, engine, adaptation, ant, bee } = await setup();
    adaptation.loop.updateSettings({ batchSize: 2 });
    const first = await adaptation.loop.nextRound();
    const queued = new Set(first.items.map((q) => q.imageId));
    const outside = adaptation.ctx.project.images.list({ kind: 'all' }, 0, 100_000).items.filter((i) => !queued.has(i.id)).slice(0, 8);
    outside.forEach((image, k) => project.setLabels([image.id], k % 2 ? ant.id : bee.id));
    await adaptation.loop.train();
    engine.reorderPool((ids) => [...ids].reverse()); // the trained model ranks anew
    expect(adaptation.loop.nextQuery()).toEqual({ t: 1, lambda: 0.5, held: null });
    const second = await adaptation.loop.nextRound();
    const rounds = engine.calls.filter((c) => c.kind === 'loopSelect').map((c) => (c.args as { round: number }).round);
    expect(rounds).toEqual([0, 1]);
    expect(second.index).toBe(1);
  });

  it('never suggests a class for an evaluation image, however it is reached (the honest estimate stays unbiased)', async () => {
    const { project, adaptation, ant, bee } = await setup();
    await adaptation.duplicates.sampleEvaluation(3);
    const evaluation = project.images.list({ kind: 'evaluation' }, 0, 100).items.map((i) => i.id);
    expect(evaluation).toHaveLength(3);
    adaptation.loop.updateSettings({ batchSize: 4 });
    const first = await adaptation.loop.nextRound();
    first.items.forEach((item, k) => project.setLabels([item.imageId], k % 2 ? ant.id : bee.id));
    await adaptation.loop.train();
    expect(adaptation.status().modelVersion).toBe(1);
    const others = project.images.list({ kind: 'unlabeled' }, 0, 100).items.map((i) => i.id).filter((id) => !evaluation.includes(id));
    expect(adaptation.loop.suggestion(others[0]!)).not.toBeNull();
    for (const id of evaluation) expect(adaptation.loop.suggestion(id)).toBeNull();
  });

  it('passes an offline download error on as the engine words it, saying each thing once', async () => {
    const root = await imageFolder(2);
    const project = Project.open(root, true);
    const offline = new AppError(
      'NETWORK',
      'Could not download https://example.test/model.json (ENOTFOUND). Check the internet connection or proxy and retry: the download resumes where it stopped. Offline, choose the built-in starter model, or copy the model folder to this computer and open it from disk.',
    );
    const engine = new FakeEngine();
    const request = engine.request.bind(engine);
    engine.request = ((kind, args) => (kind === 'downloadModel' ? Promise.reject(offline) : request(kind, args))) as FakeEngine['request'];
    const cacheRoot = await imageFolder(0);
    const adaptation = new Adaptation({ project, engine: () => engine, events: new EventHub(), places: { cacheRoot }, log: () => {} });
    open.push({ project, adaptation });
    const error = await adaptation.chooseModel({ kind: 'known', id: KNOWN_MODELS[0]!.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe(offline.message);
  });

  it('the round history counts, per round, the classes with a training label after it (labels before the next round opened)', async () => {
    const at = fakeClock();
    at(1);
    const { project, adaptation, ant, bee } = await setup();
    const wasp = project.classes.create('wasp', undefined);
    await adaptation.duplicates.sampleEvaluation(2);
    const evaluation = [...adaptation.store.evaluationIds()];
    project.setLabels(evaluation, wasp.id); // evaluation labels are not training labels
    adaptation.loop.updateSettings({ batchSize: 3 });
    at(2);
    const first = await adaptation.loop.nextRound();
    expect(adaptation.store.rounds(10).map((r) => r.classesLabeled)).toEqual([0]);
    at(3);
    project.setLabels(first.items.map((q) => q.imageId), bee.id);
    at(4);
    await adaptation.loop.nextRound();
    at(5);
    const second = adaptation.loop.currentRound()!;
    project.setLabels([second.items[0]!.imageId], ant.id);
    // Newest first: round 1 has bee and ant by now; round 0 closed with bee only.
    expect(adaptation.store.rounds(10).map((r) => [r.index, r.classesLabeled])).toEqual([
      [1, 2],
      [0, 1],
    ]);
    expect(adaptation.store.rounds(1).map((r) => r.classesLabeled)).toEqual([2]);
  });

  it('a closed round keeps its record when files of its batch go missing: count, labels, scores and classes (walkthrough 7)', async () => {
    const at = fakeClock();
    at(1);
    const { root, project, adaptation, bee } = await setup();
    adaptation.loop.updateSettings({ batchSize: 3 });
    at(2);
    const first = await adaptation.loop.nextRound();
    at(3);
    project.setLabels(first.items.map((q) => q.imageId), bee.id);
    at(4);
    await adaptation.loop.nextRound();
    const before = adaptation.store.rounds(10)[1]!;
    expect(before).toMatchObject({ index: 0, labeled: 3, asked: { count: 3, distinctiveness: 0.5, score: 0.5 }, classesLabeled: 1 });
    // Every file of the batch goes, and a rescan finds them gone.
    for (const q of first.items) fs.rmSync(path.join(root, q.relPath));
    await project.rescan();
    const after = adaptation.store.rounds(10)[1]!;
    expect(after.items).toHaveLength(0); // nothing of it is left to label
    expect(after).toMatchObject({ index: 0, labeled: 3, asked: before.asked, classesLabeled: 1 });
  });

  it('the round history counts a closed round\'s labels made before the next round opened, not later ones', async () => {
    const at = fakeClock();
    at(1);
    const { project, adaptation, ant, bee } = await setup();
    adaptation.loop.updateSettings({ batchSize: 3 });
    at(2);
    const first = await adaptation.loop.nextRound();
    at(3);
    project.setLabels([first.items[0]!.imageId], bee.id);
    at(4);
    await adaptation.loop.nextRound(); // round 0 closes with one of its three decided
    at(5);
    // Its other two are labeled now, while round 1 is open (as when round 1 queries them again).
    project.setLabels(first.items.slice(1).map((q) => q.imageId), bee.id);
    const [latest, closed] = adaptation.store.rounds(10);
    expect(closed?.index).toBe(0);
    expect(closed?.labeled).toBe(1);
    expect(latest?.index).toBe(1);

    // The label it had when it closed, corrected later (or undone and redone): still its label.
    at(6);
    project.setLabels([first.items[0]!.imageId], ant.id);
    expect(adaptation.store.rounds(10)[1]?.labeled).toBe(1);
    at(7);
    project.labels.undo(); // the correction: back to bee, written now
    project.labels.undo(); // the two labeled at 5
    at(8);
    project.labels.redo(); // the two again
    expect(adaptation.store.rounds(10)[1]?.labeled).toBe(1);
    // Unlabeled now: no longer counted anywhere.
    project.setLabels([first.items[0]!.imageId], null);
    expect(adaptation.store.rounds(10)[1]?.labeled).toBe(0);
  });

  it('counts features in images, as the header does: a byte-identical copy is one more image, though it shares its feature row', async () => {
    const { root, project, adaptation } = await setup();
    const [first] = project.images.list({ kind: 'all' }, 0, 1).items;
    fs.copyFileSync(path.join(root, first!.relPath), path.join(root, 'copy-of-first.png'));
    adaptation.onScanned(await project.rescan());
    await adaptation.features.done;
    expect(project.summary().imageCount).toBe(13);
    expect(adaptation.status().features).toMatchObject({ state: 'complete', done: 13, total: 13, failed: 0 });
  });

  it('samples the evaluation set without copies of training images: same content always, near duplicates from the engine', async () => {
    const { root, project, engine, adaptation, ant } = await setup();
    const images = () => project.images.list({ kind: 'all' }, 0, 100).items;
    // A byte-identical copy of the first image; the fake engine calls the second image a near copy of the third.
    const [first, second, third] = images();
    fs.copyFileSync(path.join(root, first!.relPath), path.join(root, 'copy-of-first.png'));
    adaptation.onScanned(await project.rescan());
    const copy = images().find((i) => i.relPath === 'copy-of-first.png')!;
    engine.nearCopies.set(second!.id, third!.id);
    const valid = new Set(images().map((i) => i.id));
    project.labels.set([first!.id, third!.id], ant.id, valid, true);
    // Every unlabeled image but the two copies.
    const sample = await adaptation.duplicates.sampleEvaluation(100);
    const evaluation = adaptation.store.evaluationIds();
    expect(sample).toEqual({ added: 13 - 2 - 2, size: 13 - 2 - 2 });
    expect(evaluation.has(copy.id)).toBe(false);
    expect(evaluation.has(second!.id)).toBe(false);
    expect((await adaptation.duplicates.leakage()).pairs).toEqual([]);
  });
});

describe('a switch of the pre-trained model trains a classifier on the new one by itself', () => {
  const other = (name: string): { kind: 'folder'; path: string } => ({ kind: 'folder', path: `/models/${name}` });

  /** A project whose classifier (v1) was trained on the fake model, on two labels of each of two classes. */
  async function trained(labels: 'two classes' | 'one class' = 'two classes') {
    const setupDone = await setup();
    const { project, adaptation, ant, bee } = setupDone;
    const ids = project.images.list({ kind: 'all' }, 0, 4).items.map((i) => i.id);
    project.setLabels(ids.slice(0, 2), ant.id);
    project.setLabels(ids.slice(2, 4), bee.id);
    await adaptation.loop.train();
    expect(adaptation.store.latestVersion()).toMatchObject({ version: 1, modelId: 'fake-model' });
    if (labels === 'one class') project.setLabels(ids.slice(2, 4), null);
    return { ...setupDone, ids };
  }

  /** Switch to another model (the engine loads `id`), as the Adapt view's choice does. */
  async function switchTo(setupDone: { engine: FakeEngine; adaptation: Adaptation }, id: string): Promise<void> {
    setupDone.engine.model = { id, name: `Model ${id}` };
    await setupDone.adaptation.chooseModel(other(id));
  }

  const settled = (adaptation: Adaptation, modelId: string) => () => {
    const latest = adaptation.store.latestVersion();
    return latest?.modelId === modelId && !adaptation.loop.isTraining ? latest : null;
  };

  it('once the new model\'s features are extracted, a version on it is trained on every label so far, with no label or Train now; the status says so meanwhile', async () => {
    const s = await trained();
    const { engine, events, adaptation, changes } = s;
    const announced: EngineStatus[] = [];
    events.subscribe((event, payload) => {
      const changed = payload as ProjectChanged;
      if (event === 'project:changed' && changed.change === 'engine') announced.push(changed.status);
    });
    let release!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (release = resolve)) };
    await switchTo(s, 'model-b');
    // Extracting: the classifier in use is still the old model's, and the status says a new one comes by itself.
    expect(adaptation.status()).toMatchObject({ modelId: 'model-b', classifier: { version: 1, modelId: 'fake-model' }, backboneRetrain: true, training: false });
    expect(engine.count('loopTrain')).toBe(1);
    changes.length = 0;
    release();
    const version = await until(settled(adaptation, 'model-b'));
    expect(version).toMatchObject({ version: 2, modelId: 'model-b', trainingLabels: 4 });
    expect(engine.count('loopTrain')).toBe(2);
    // Trained from scratch on the new model, not on the old model's head.
    expect((engine.calls.filter((c) => c.kind === 'loopTrain').at(-1)!.args as { previousDir: string | null }).previousDir).toBeNull();
    expect(adaptation.status()).toMatchObject({ classifier: { version: 2, modelId: 'model-b', backbone: 'Model model-b' }, backboneRetrain: false, training: false });
    // As after any training: the windows reload the model's suggestions.
    expect(changes).toContain('model');
    // Every status the windows were sent on the way promised the new classifier (never Train now), and said when it trained.
    const afterSwitch = announced.filter((status) => status.modelId === 'model-b');
    expect(afterSwitch.every((status) => status.backboneRetrain === true || status.classifier?.modelId === 'model-b')).toBe(true);
    expect(afterSwitch.some((status) => status.training && status.backboneRetrain)).toBe(true);
    expect(afterSwitch.at(-1)).toMatchObject({ classifier: { modelId: 'model-b' }, training: false, backboneRetrain: false });
  });

  /**
   * An open batch of 4 asked of the old classifier (v1), which ranked the images last first,
   * with its first image labeled; the rounds the windows are sent from now on.
   */
  async function openBatch(s: Awaited<ReturnType<typeof trained>>) {
    const { engine, events, adaptation, project, ant } = s;
    adaptation.loop.updateSettings({ batchSize: 4 });
    engine.reorderPool((ids) => [...ids].reverse());
    const round = await adaptation.loop.nextRound();
    project.setLabels([round.items[0]!.imageId], ant.id);
    adaptation.loop.onLabelsChanged();
    const announced: RoundInfo[] = [];
    events.subscribe((event, payload) => {
      const changed = payload as ProjectChanged;
      if (event === 'project:changed' && changed.change === 'round') announced.push(changed.round);
    });
    return { round, announced };
  }

  /** The open batch re-chosen by the new model: same round, size and t, its label kept first, its other places the new model's picks. */
  function expectRechosen(after: RoundInfo, before: RoundInfo, newRanking: readonly number[], ant: number): void {
    expect(after).toMatchObject({ id: before.id, index: before.index, batchSize: 4, labeled: 1 });
    expect(after.items.map((i) => [i.imageId, i.classId])).toEqual([
      [before.items[0]!.imageId, ant],
      ...newRanking.slice(0, 3).map((id) => [id, null]),
    ]);
  }

  it('the open batch\'s unlabeled images are chosen again by the classifier on the new model once it is in use; its labels stay', async () => {
    const s = await trained();
    const { project, engine, adaptation, ant, ids } = s;
    const { round, announced } = await openBatch(s);
    // The new model (its pool in project order here) ranks first the images the old one ranked last.
    const labeled = new Set([...ids, round.items[0]!.imageId]);
    const newRanking = project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id).filter((id) => !labeled.has(id));
    expect(round.items.slice(1).map((i) => i.imageId)).not.toEqual(newRanking.slice(0, 3));
    await switchTo(s, 'model-b');
    await until(settled(adaptation, 'model-b'));
    // The windows are sent the re-ranked round (they follow it as after continuous mode's re-ranks, keeping the image on screen).
    const rechosen = await until('the re-ranked batch sent to the windows', () => announced.find((r) => r.id === round.id));
    expectRechosen(rechosen, round, newRanking, ant.id);
    expectRechosen(adaptation.loop.currentRound()!, round, newRanking, ant.id);
    // Opened with v1 (on the old model), its unlabeled images chosen again by v2 (on the new one): the queue says both.
    expect(round).toMatchObject({ modelVersion: 1, rerankedWith: null });
    expect(rechosen).toMatchObject({ modelVersion: 1, rerankedWith: 2 });
    expect(adaptation.loop.currentRound()).toMatchObject({ modelVersion: 1, rerankedWith: 2 });
    expect(roundModelWords(rechosen).text).toBe('re-chosen by model v2 (opened with v1)');
    // Asked of the new classifier: after its training, with the round's own t.
    const kinds = engine.calls.map((c) => c.kind);
    expect(kinds.lastIndexOf('loopSelect')).toBeGreaterThan(kinds.lastIndexOf('loopTrain'));
    expect(engine.calls.filter((c) => c.kind === 'loopSelect').at(-1)!.args).toMatchObject({ batchSize: 3, round: round.index });
    expect(adaptation.store.roundCount()).toBe(1);
  });

  it('the running training keeps its own model\'s name in the status when the expert switches during it; the new model\'s follows, named so', async () => {
    const s = await trained();
    const { engine, adaptation } = s;
    let releaseOld!: () => void;
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (releaseOld = resolve)) };
    const old = adaptation.loop.train(); // Train now, on the fake model
    await until(() => engine.holding === 1 || null);
    expect(adaptation.status().trainingOn).toEqual({ modelId: 'fake-model', backbone: 'Fake model' });
    await switchTo(s, 'model-b');
    await adaptation.features.done;
    // Model B chosen and its features ready, the fake model's training still running: both named
    // by the names they were chosen under (the project remembers every model it used), not by id.
    const during = adaptation.status();
    expect(during).toMatchObject({ modelId: 'model-b', training: true, trainingOn: { modelId: 'fake-model', backbone: 'Fake model' }, backboneRetrain: true });
    expect(classifierStaleness(during)).toBe(
      "Classifier version 1 was trained on Fake model, not on Model model-b: a training on Fake model, begun before the switch, is finishing; a classifier on Model model-b is trained on the labels so far right after it; until it is ready, the suggestions are the old model's.",
    );
    expect(classifierStalenessShort(during)).toBe('trained on Fake model — training on Fake model, then on Model model-b');
    // Its version is the fake model's; then model B's training runs, and the status names B.
    let releaseNew!: () => void;
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (releaseNew = resolve)) };
    releaseOld();
    await old;
    expect(adaptation.store.latestVersion()).toMatchObject({ version: 2, modelId: 'fake-model' });
    // Each training tells the engine the model its version is recorded on (the engine refuses another model's pool).
    const trainedOn = (): string => (engine.calls.filter((c) => c.kind === 'loopTrain').at(-1)!.args as { modelId: string }).modelId;
    expect(trainedOn()).toBe('fake-model');
    await until(() => engine.holding === 1 || null);
    const retraining = adaptation.status();
    expect(retraining).toMatchObject({ training: true, trainingOn: { modelId: 'model-b', backbone: 'Model model-b' }, backboneRetrain: true });
    expect(classifierStalenessShort(retraining)).toBe('trained on Fake model — training on Model model-b…');
    engine.hold = null;
    releaseNew();
    await until(settled(adaptation, 'model-b'));
    expect(adaptation.status()).toMatchObject({ training: false, trainingOn: null, classifier: { version: 3, modelId: 'model-b' } });
    expect(trainedOn()).toBe('model-b');
  });

  it('every model the project used keeps its name once another is chosen: status, curve, version list and export say it, after a reopen too', async () => {
    const s = await setup();
    const { root, project, adaptation, ant, bee } = s;
    await adaptation.duplicates.sampleEvaluation(2);
    const evaluation = adaptation.store.evaluationIds();
    project.setLabels([...evaluation], ant.id);
    const training = project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id).filter((id) => !evaluation.has(id)).slice(0, 4);
    project.setLabels(training.slice(0, 2), ant.id);
    project.setLabels(training.slice(2), bee.id);
    await adaptation.loop.train();
    // Two model folders one after the other, each retrained on by itself.
    await switchTo(s, 'model-b');
    await until(settled(adaptation, 'model-b'));
    await switchTo(s, 'model-c');
    await until(settled(adaptation, 'model-c'));
    const names = (a: Adaptation) => a.transfer.versions().versions.map((v) => [v.version, v.backbone]);
    const listed = [
      [3, 'Model model-c'],
      [2, 'Model model-b'],
      [1, 'Fake model'],
    ];
    expect(names(adaptation)).toEqual(listed);
    // A version on a folder model no longer in use: named, and where its folder is said (the Adapt view lists only the folder in use).
    const refusal = adaptation.transfer.versions().versions.find((v) => v.version === 2)!.notExportable;
    expect(refusal).toBe('it was trained on Model model-b, and Model model-c is in use. Choose Model model-b in Adapt (its model folder: /models/model-b) to export it.');
    const curve = async (a: Adaptation) => (await a.evaluation.dashboard()).curve.map((p) => [p.modelVersion, p.backbone]);
    expect(await curve(adaptation)).toEqual([
      [1, 'Fake model'],
      [2, 'Model model-b'],
      [3, 'Model model-c'],
    ]);
    // Kept in the project: the same names after a reopen.
    const { adaptation: again } = await reopen(root, { project, adaptation });
    expect(names(again)).toEqual(listed);
    expect(await curve(again)).toEqual([
      [1, 'Fake model'],
      [2, 'Model model-b'],
      [3, 'Model model-c'],
    ]);
  });

  it('a training whose model\'s features were replaced by the new model\'s before it could start fails, saying why; no version on the wrong model, and the new model\'s retrain follows', async () => {
    const s = await trained();
    const { engine, adaptation, failedJobs } = s;
    // Train now while the fake model's pool is being loaded again (a rescan changed a file).
    adaptation.pool.invalidate();
    let releasePrepare!: () => void;
    engine.hold = { kind: 'loopPrepare', until: new Promise<void>((resolve) => (releasePrepare = resolve)) };
    const old = adaptation.loop.train();
    await until(() => engine.holding === 1 || null);
    engine.hold = null; // that load stays held; later ones are answered
    expect(adaptation.status().trainingOn).toEqual({ modelId: 'fake-model', backbone: 'Fake model' });
    // The expert chooses model B meanwhile; the engine has B's pool loaded when the training asks to start.
    await switchTo(s, 'model-b');
    await adaptation.features.done;
    releasePrepare();
    // Both models said by the names the expert knows them by (backboneName), not by their ids.
    await expect(old).rejects.toThrow(/to be made on the pre-trained model Fake model, but the features of another pre-trained model \(Model model-b\) were loaded/);
    expect(failedJobs.some((message) => message.includes('pre-trained model Fake model'))).toBe(true);
    expect(failedJobs.some((message) => message.includes('fake-model'))).toBe(false);
    // Model B's retrain follows, on B's pool: the next version is B's, and none is recorded on the wrong model.
    expect(await until(settled(adaptation, 'model-b'))).toMatchObject({ version: 2, modelId: 'model-b' });
    expect(adaptation.store.versions().map((v) => [v.version, v.modelId])).toEqual([
      [1, 'fake-model'],
      [2, 'model-b'],
    ]);
  });

  it('on open: a switch whose retrain the app was closed before is completed (the batch re-chosen too); a project back on its classifier\'s model trains nothing', async () => {
    // Closed while the new model's features were extracted: the switch's retrain is owed.
    const s = await trained();
    const { root, project, engine, adaptation, ant, ids } = s;
    const { round } = await openBatch(s);
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>(() => undefined) };
    await switchTo(s, 'model-b');
    const { project: reopened, adaptation: again } = await reopen(root, { project, adaptation });
    expect(again.status()).toMatchObject({ modelId: 'model-b', classifier: { modelId: 'fake-model' }, backboneRetrain: true });
    again.features.start(); // as the opening scan does
    expect(await until(settled(again, 'model-b'))).toMatchObject({ version: 2, trainingLabels: 5 });
    const labeled = new Set([...ids, round.items[0]!.imageId]);
    const newRanking = reopened.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id).filter((id) => !labeled.has(id));
    const rechosen = await until('the batch re-chosen', () => {
      const now = again.loop.currentRound();
      return now && now.items[1]?.imageId === newRanking[0] ? now : null;
    });
    expectRechosen(rechosen, round, newRanking, ant.id);

    // Back on the model its classifier was trained on (the expert chose it again, e.g. to export
    // one of its versions, as the export dialog says): retrained then, in the session; nothing on open.
    const back = await trained();
    await switchTo(back, 'model-b');
    await until(settled(back.adaptation, 'model-b'));
    back.engine.model = { id: 'fake-model', name: 'Fake model' };
    await back.adaptation.chooseModel({ kind: 'starter' });
    await until(settled(back.adaptation, 'fake-model'));
    expect(back.adaptation.store.versions().map((v) => [v.version, v.modelId])).toEqual([
      [1, 'fake-model'],
      [2, 'model-b'],
      [3, 'fake-model'],
    ]);
    const { adaptation: backAgain, engine: backEngine } = await reopen(back.root, back);
    backAgain.features.start();
    await backAgain.features.done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(backEngine.count('loopTrain')).toBe(0);
    expect(backAgain.status()).toMatchObject({ modelId: 'fake-model', classifier: { version: 3 }, backboneRetrain: false, training: false });
    // The version the expert came back for is kept and can be exported with this model.
    expect(backAgain.transfer.versions().versions.find((v) => v.version === 1)).toMatchObject({ notExportable: null });
  });

  it('trains nothing when the switch is to the same model, without a classifier, or with labels of one class only', async () => {
    // The same model again.
    const same = await trained();
    await same.adaptation.chooseModel({ kind: 'starter' });
    await same.adaptation.features.done;
    expect(same.engine.count('loopTrain')).toBe(1);
    expect(same.adaptation.status().backboneRetrain).toBe(false);

    // Labels of one class left: no classifier can be trained (Train now would refuse too).
    const one = await trained('one class');
    await switchTo(one, 'model-b');
    await one.adaptation.features.done;
    expect(one.engine.count('loopTrain')).toBe(1);
    expect(one.adaptation.status()).toMatchObject({ backboneRetrain: false, training: false });

    // Labels of two classes but no classifier yet (batch mode trains when the batch is done).
    const none = await setup();
    const ids = none.project.images.list({ kind: 'all' }, 0, 2).items.map((i) => i.id);
    none.project.setLabels([ids[0]!], none.ant.id);
    none.project.setLabels([ids[1]!], none.bee.id);
    await switchTo(none, 'model-b');
    await none.adaptation.features.done;
    expect(none.engine.count('loopTrain')).toBe(0);
    expect(none.adaptation.status()).toMatchObject({ backboneRetrain: false, training: false });
  });

  it.each([
    ['to a third model', 'model-c'],
    ['back to the model the classifier before was trained on (its older version is not the latest)', 'fake-model'],
  ])('a second switch while the first one\'s training runs, %s: the last model chosen is the one in use at the end', async (_, second) => {
    const s = await trained();
    const { engine, adaptation } = s;
    let release!: () => void;
    engine.hold = { kind: 'loopTrain', until: new Promise<void>((resolve) => (release = resolve)) };
    await switchTo(s, 'model-b');
    await adaptation.features.done;
    await until(() => engine.holding === 1 || null); // model B's training runs
    expect(adaptation.status()).toMatchObject({ training: true, backboneRetrain: true });
    await switchTo(s, second);
    await adaptation.features.done; // the second model's features are ready while B's training still runs
    engine.hold = null;
    release();
    const version = await until(settled(adaptation, second));
    expect(version.version).toBe(3);
    expect(adaptation.store.versions().map((v) => [v.version, v.modelId])).toEqual([
      [1, 'fake-model'],
      [2, 'model-b'],
      [3, second],
    ]);
    expect(adaptation.status()).toMatchObject({ modelId: second, classifier: { modelId: second }, backboneRetrain: false });
  });

  it('a cancelled or failed extraction trains nothing until the features are complete; closing the project mid-way neither', async () => {
    const s = await trained();
    const { engine, adaptation } = s;
    // Cancelled: nothing trains; the status still promises the training, once the extraction is resumed.
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>(() => undefined) };
    await switchTo(s, 'model-b');
    adaptation.features.cancel();
    await adaptation.features.done;
    expect(adaptation.status()).toMatchObject({ features: { state: 'cancelled' }, backboneRetrain: true, training: false });
    expect(engine.count('loopTrain')).toBe(1);
    // Resumed and complete: it trains.
    engine.hold = null;
    adaptation.features.start();
    await until(settled(adaptation, 'model-b'));
    expect(engine.count('loopTrain')).toBe(2);

    // The pool cannot be loaded after the extraction (the extraction fails): no training, no crash.
    const failing = await trained();
    const request = failing.engine.request.bind(failing.engine);
    failing.engine.request = ((kind, args) =>
      kind === 'loopPrepare' ? Promise.reject(new AppError('IO_ERROR', 'The feature cache could not be read.')) : request(kind, args)) as FakeEngine['request'];
    await switchTo(failing, 'model-b');
    await failing.adaptation.features.done;
    expect(failing.adaptation.status()).toMatchObject({ features: { state: 'failed' }, training: false });
    expect(failing.engine.count('loopTrain')).toBe(1);

    // Closed while the new model's features are extracted: the extraction ends, nothing trains.
    const closing = await trained();
    let release!: () => void;
    closing.engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (release = resolve)) };
    await switchTo(closing, 'model-b');
    const closed = closing.adaptation.close();
    release();
    await closed;
    expect(closing.engine.count('loopTrain')).toBe(1);
    expect(closing.adaptation.store.latestVersion()?.modelId).toBe('fake-model');
  });

  it('a training error after the switch is reported as any training\'s (the job fails), and leaves the old classifier in use', async () => {
    const s = await trained();
    const { engine, adaptation, failedJobs, logged } = s;
    const request = engine.request.bind(engine);
    engine.request = ((kind, args) => (kind === 'loopTrain' ? Promise.reject(new AppError('INTERNAL', 'Out of memory while training.')) : request(kind, args))) as FakeEngine['request'];
    await switchTo(s, 'model-b');
    await adaptation.features.done;
    await until(() => (logged.length > 0 && !adaptation.loop.isTraining ? logged : null));
    expect(failedJobs).toEqual(['Out of memory while training.']);
    expect(logged).toEqual(['active loop: Out of memory while training.']);
    // Not promised any more: the model panel says Train now again.
    expect(adaptation.status()).toMatchObject({ classifier: { version: 1, modelId: 'fake-model' }, backboneRetrain: false, training: false });
  });
});
