/**
 * Renderer stores against a fake API: each store changes its state through its own methods,
 * from request answers and from the project changes it declares in `follows`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { useBridge } from '../../../src-renderer/api/bridge';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { dashboard } from '../../../src-renderer/stores/dashboard.svelte';
import { duplicates } from '../../../src-renderer/stores/duplicates.svelte';
import { setLabels } from '../../../src-renderer/orchestration/label-commands';
import { engine } from '../../../src-renderer/stores/engine.svelte';
import { HistoryStore } from '../../../src-renderer/stores/history.svelte';
import { labeling as session } from '../../../src-renderer/stores/labeling.svelte';
import { LoopStore } from '../../../src-renderer/stores/loop.svelte';
import { project } from '../../../src-renderer/stores/project.svelte';
import { closeProject } from '../../../src-renderer/orchestration/project-lifecycle';
import { UiStore } from '../../../src-renderer/stores/ui.svelte';
import type { Leakage } from '../../../src-shared/requests/duplicates';
import type { ClassInfo, Dashboard, DuplicateReport, EvaluationRoom, EngineStatus, ImageItem, OpenProjectSummary, ProjectSummary, QueueItem, RawApi } from '../../../src-shared/contract';
import { windowSession } from '../../../src-renderer/api/session';
import { roundInfo as round } from '../../support/round-info';
import { until } from '../../support/until';

const sent: string[] = [];
const answers = new Map<string, (args: unknown) => unknown>();

function fakeApi(): RawApi {
  return new Proxy({} as RawApi, {
    get: (_target, key) => {
      if (key === 'on') return () => () => undefined;
      return async (args: unknown) => {
        sent.push(String(key));
        const answer = answers.get(String(key));
        if (!answer) return { ok: false, error: { code: 'INTERNAL', message: `no fake answer for ${String(key)}` } };
        try {
          // An answer may come later (a promise): a request in flight.
          return { ok: true, value: await answer(args) };
        } catch (error) {
          // An answer that throws (or rejects with) an AppError is the back end's failure with that code.
          if (error instanceof AppError) return { ok: false, error: error.toData() };
          throw error;
        }
      };
    },
  });
}
useBridge({ raw: fakeApi(), kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });

const item = (imageId: number, classId: number | null = null): QueueItem => ({
  imageId,
  relPath: `img-${imageId}.png`,
  width: 48,
  height: 48,
  size: 100,
  mtimeMs: 0,
  hash: `h${imageId}`,
  classId,
  labeledAt: null,
  unsure: false,
  evaluation: false,
  distinctiveness: 0.5,
  uncertainty: null,
  score: 0.5,
  scoreKind: 'ranking',
  reason: 'test',
  suggestion: null,
});
const cls = (id: number, labelCount: number): ClassInfo => ({ id, name: `c${id}`, color: '#112233', hotkey: String(id), position: id, labelCount, evaluationCount: 0 });

beforeEach(() => {
  sent.length = 0;
  answers.clear();
});

describe('loop store', () => {
  it('applies the answer of "next round" and keeps it first in the history, with one request', async () => {
    const loop = new LoopStore();
    answers.set('loop:nextRound', () => round(2, [item(3), item(4)]));
    const answered = await loop.nextRound();
    expect(sent).toEqual(['loop:nextRound']);
    expect(loop.round).toEqual(answered);
    expect(loop.rounds.map((r) => r.id)).toEqual([2]);
    expect(loop.querying).toBe(false);
  });

  it('follows announced rounds and label actions without asking', () => {
    const loop = new LoopStore();
    expect(loop.follows).toEqual(['round', 'labels']);
    loop.follow({ change: 'round', round: round(1, [item(1), item(2)]) });
    loop.follow({ change: 'round', round: round(2, [item(3), item(4)]) });
    loop.follow({ change: 'labels', action: { actionId: 1, imageIds: [3], classIds: [7], unsure: [false] }, origin: null, imported: 0, labeledCount: 1, unsureCount: 0, classes: [] });
    expect(loop.round?.labeled).toBe(1);
    expect(loop.round?.items[0]?.classId).toBe(7);
    expect(loop.rounds.map((r) => [r.id, r.labeled])).toEqual([
      [2, 1],
      [1, 0],
    ]);
    expect(sent).toEqual([]);
  });

  it('marks the round stale after a change without an action, and reads it again on request', async () => {
    const loop = new LoopStore();
    loop.follow({ change: 'labels', action: null, origin: null, imported: 0, labeledCount: 5, unsureCount: 0, classes: [] });
    expect(loop.stale).toBe(true);
    answers.set('loop:currentRound', () => round(1, [item(1, 2)]));
    answers.set('loop:rounds', () => [round(1, [item(1, 2)])]);
    await loop.refreshRound();
    expect(loop.stale).toBe(false);
    expect(loop.round?.labeled).toBe(1);
    expect(sent.sort()).toEqual(['loop:currentRound', 'loop:rounds']);
  });
});

describe('classes, project and engine stores', () => {
  it("split the project's labels from the class list it follows, for the header and the gallery (training, then evaluation)", () => {
    classes.follow({ change: 'labels', action: null, origin: null, imported: 0, labeledCount: 4, unsureCount: 0, classes: [{ ...cls(1, 3), evaluationCount: 1 }, cls(2, 1)] });
    expect(classes.labelSplit).toEqual({ training: 3, evaluation: 1 });
    classes.follow({ change: 'classes', classes: [cls(2, 1)] });
    expect(classes.labelSplit).toEqual({ training: 1, evaluation: 0 });
  });

  it('take the class list, counts and engine status from the changes they follow', () => {
    const summary: ProjectSummary = { path: '/p', name: 'p', createdAt: '', schemaVersion: 1, imageCount: 10, unreadableCount: 0, labeledCount: 0, unsureCount: 0, importedSuggestionCount: 0, classCount: 0 };
    answers.set('project:current', () => summary);
    classes.follow({ change: 'classes', classes: [cls(1, 0), cls(2, 0)] });
    expect(classes.byId.get(2)?.name).toBe('c2');
    project.follow({ change: 'labels', action: null, origin: null, imported: 0, labeledCount: 3, unsureCount: 0, classes: [cls(1, 3)] });
    expect(project.summary).toBeNull(); // no project open: nothing to count
    return project.refreshSummary().then(() => {
      project.follow({ change: 'labels', action: { actionId: 1, imageIds: [1, 2, 3], classIds: [1, 1, 1], unsure: [false, false, false] }, origin: null, imported: 0, labeledCount: 3, unsureCount: 0, classes: [cls(1, 3), cls(2, 0)] });
      classes.follow({ change: 'labels', action: null, origin: null, imported: 0, labeledCount: 3, unsureCount: 0, classes: [cls(1, 3), cls(2, 0)] });
      expect(project.summary).toMatchObject({ labeledCount: 3, classCount: 2, imageCount: 10 });
      expect(classes.byId.get(1)?.labelCount).toBe(3);
      const status: EngineStatus = {
        choice: { kind: 'starter' },
        modelId: 'm',
        modelName: 'M',
        backend: 'cpu',
        backendNotes: [],
      backendSlow: null,
        features: { state: 'complete', done: 10, total: 10, failed: 0, message: null },
        modelVersion: 2,
        training: false,
      };
      expect(engine.follows).toEqual(['engine']);
      engine.follow({ change: 'engine', status });
      expect(engine.featuresReady).toBe(true);
      expect(engine.status?.modelVersion).toBe(2);
      expect(sent).toEqual(['project:current']);
    });
  });

  it('asks for the model of a created project, not of an existing one that "Create" opened', async () => {
    const summary = { path: '/p', name: 'p', createdAt: '', schemaVersion: 1, imageCount: 10, unreadableCount: 0, labeledCount: 0, unsureCount: 0, importedSuggestionCount: 0, classCount: 0, session: 's1' };
    const status = (choice: EngineStatus['choice']): EngineStatus => ({
      choice,
      modelId: choice ? 'm' : null,
      modelName: choice ? 'M' : null,
      backend: 'cpu',
      backendNotes: [],
      backendSlow: null,
      features: { state: 'complete', done: 10, total: 10, failed: 0, message: null },
      modelVersion: choice ? 6 : 0,
      training: false,
    });
    answers.set('project:open', () => summary);
    answers.set('engine:status', () => status(null));
    await project.open('/p', true);
    expect(project.askModel).toBe(true);
    project.modelAsked();
    // The folder already held a project with its model: opened, and its model kept.
    answers.set('engine:status', () => status({ kind: 'folder', path: '/models/mobilenet' }));
    await project.open('/p', true);
    expect(project.askModel).toBe(false);
    // Opening is never asked either.
    await project.open('/p', false);
    expect(project.askModel).toBe(false);
    expect(sent.filter((c) => c === 'engine:status')).toHaveLength(2);
  });
});

describe('engine store: answers and events', () => {
  it('keeps the status an event brought over an answer that was in flight when it came', async () => {
    const status = (state: 'running' | 'complete', done: number): EngineStatus => ({
      choice: { kind: 'starter' },
      modelId: 'm',
      modelName: 'M',
      backend: 'cpu',
      backendNotes: [],
      backendSlow: null,
      features: { state, done, total: 10, failed: 0, message: null },
      modelVersion: 0,
      training: false,
    });
    let answer!: (value: EngineStatus) => void;
    answers.set('engine:status', () => new Promise<EngineStatus>((resolve) => (answer = resolve)));
    const slow = engine.refresh();
    await until('the status request to reach the back end', () => sent.includes('engine:status'));
    engine.follow({ change: 'engine', status: status('complete', 10) });
    answer(status('running', 3)); // read before extraction finished, delivered after its event
    await slow;
    expect(engine.status?.features).toMatchObject({ state: 'complete', done: 10 });
    // with no event meanwhile, the answer is taken
    answers.set('engine:status', () => status('running', 4));
    await engine.refresh();
    expect(engine.status?.features).toMatchObject({ state: 'running', done: 4 });
  });
});

describe('engine store: ONNX model folders', () => {
  it('sends the ONNX preprocessing with the folder choice, and leaves it out for TF.js folders', async () => {
    const chosen: unknown[] = [];
    answers.set('engine:chooseModel', (args) => {
      chosen.push(args);
      return null;
    });
    const layers = { layerA: 'relu', layerB: 'flat', softmaxLayer: 'probs', cutLayer: 'flat' };
    const onnx = { height: 224, width: 224, scaling: 'imagenet', channelOrder: 'RGB', layout: 'NCHW' } as const;
    expect(await engine.chooseFolder('/models/resnet', layers, onnx)).toBe(true);
    expect(await engine.chooseFolder('/models/tfjs', layers)).toBe(true);
    expect(chosen).toEqual([{ choice: { kind: 'folder', path: '/models/resnet', layers, onnx } }, { choice: { kind: 'folder', path: '/models/tfjs', layers } }]);
  });
});

describe('ui and history stores', () => {
  it('change through their methods only', async () => {
    const ui = new UiStore();
    ui.show('gallery');
    ui.setHelpOpen(true);
    ui.openDialog();
    expect([ui.view, ui.helpOpen, ui.dialogOpen]).toEqual(['gallery', true, true]);
    expect(Object.getOwnPropertyDescriptor(UiStore.prototype, 'view')?.set).toBeUndefined();

    const history = new HistoryStore();
    answers.set('labels:history', () => [{ id: 1 }]);
    await history.load();
    expect(history.entries).toHaveLength(1);
    history.clear();
    expect(history.entries).toEqual([]);
    expect(sent).toEqual(['labels:history']);
  });
});

const EMPTY_ROOM: EvaluationRoom = { size: 0, labeled: 0, notTraining: 0, cap: 0, max: 0, candidates: 0, pool: 0, unsure: 0 };

describe('dashboard store', () => {
  const board = (trainingLabels: number): Dashboard => ({
    trainingLabels,
    evaluation: EMPTY_ROOM,
    accuracyKnown: false,
    curve: [],
    latest: null,
    perClass: [],
    confusion: null,
    plateau: null,
    calibration: null,
    scoring: [],
    withoutFeatures: 0,
    scoringFailed: null,
  });

  it('keeps a failed load as an error (not an endless loading) and a retry clears it', async () => {
    dashboard.clear();
    await dashboard.load(); // no fake answer: the request fails
    expect(dashboard.loading).toBe(false);
    expect(dashboard.data).toBeNull();
    expect(dashboard.error).toMatch(/no fake answer/);
    answers.set('dashboard:get', () => board(4));
    await dashboard.load();
    expect(dashboard.error).toBeNull();
    expect(dashboard.data?.trainingLabels).toBe(4);
  });

  it('applies only the latest of overlapping loads', async () => {
    dashboard.clear();
    let release: (() => void) | null = null;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    answers.set('dashboard:get', () => (++calls === 1 ? gate.then(() => board(1)) : board(2)));
    const first = dashboard.load();
    await dashboard.load();
    release!();
    await first;
    expect(dashboard.data?.trainingLabels).toBe(2);
    expect(dashboard.loading).toBe(false);
  });

  it('reads the room alone, and a release returns the new room and reads the shown dashboard again', async () => {
    dashboard.clear();
    const full: EvaluationRoom = { ...EMPTY_ROOM, size: 12, labeled: 2, notTraining: 24, cap: 12, pool: 0 };
    const after: EvaluationRoom = { ...full, size: 2, pool: 10, max: 10, candidates: 10 };
    answers.set('evaluation:room', () => full);
    await dashboard.loadRoom();
    expect(dashboard.room).toEqual(full);
    expect(dashboard.data).toBeNull();
    const asked: unknown[] = [];
    answers.set('evaluation:release', (args) => {
      asked.push(args);
      return { released: 10, room: after };
    });
    // No dashboard shown: the release does not read it.
    expect(await dashboard.release()).toBe(10);
    expect(dashboard.room).toEqual(after);
    expect(dashboard.releasing).toBe(false);
    answers.set('dashboard:get', () => ({ ...board(3), evaluation: after }));
    await dashboard.load();
    await dashboard.release(4);
    expect(asked).toEqual([{}, { count: 4 }]);
    expect(dashboard.data?.evaluation).toEqual(after);
    dashboard.clear();
    expect(dashboard.room).toBeNull();
  });
});

describe('closing a project', () => {
  it('leaves the project views (no image left loading) before the close request', async () => {
    const board: Dashboard = { trainingLabels: 1, evaluation: EMPTY_ROOM, accuracyKnown: false, curve: [], latest: null, perClass: [], confusion: null, plateau: null, calibration: null, scoring: [], withoutFeatures: 0, scoringFailed: null };
    answers.set('dashboard:get', () => board);
    await dashboard.load();
    const seenAtClose: unknown[] = [];
    answers.set('project:close', () => {
      seenAtClose.push(dashboard.data);
      return null;
    });
    answers.set('project:recent', () => []);
    await closeProject();
    expect(seenAtClose).toEqual([null]);
  });
});

describe('labeling session', () => {
  const image = (id: number, classId: number | null = null): ImageItem => ({ id, relPath: `img-${id}.png`, width: 48, height: 48, size: 100, mtimeMs: 0, hash: `h${id}`, classId, labeledAt: null, unsure: false, evaluation: false, suggestion: null });
  /** A folder of `count` unlabeled images listed in pages, as the server would while a scan has found `count` so far. */
  const serve = (count: number) =>
    answers.set('images:list', (args) => {
      const { offset, limit } = args as { offset: number; limit: number };
      return { total: count, items: Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, k) => image(offset + k + 1)) };
    });

  it('keeps the unlabeled queue\'s length live: a scan that found more images, labels here and elsewhere', async () => {
    session.reset();
    serve(200); // the first page was read while the scan had found 200 of 300 images
    await session.start({ kind: 'queue' });
    expect(session.total).toBe(200);
    serve(300);
    session.recount({ imageCount: 300, labeledCount: 0, unsureCount: 0, classes: [] });
    expect(session.total).toBe(300);

    // Labeling the image on screen: the answer and the event, in either order, leave the length alone.
    answers.set('labels:set', () => ({ actionId: 1, imageIds: [1], classIds: [7], unsure: [false] }));
    await session.label(7);
    expect(session.total).toBe(300);
    session.followLabels({ actionId: 1, imageIds: [1], classIds: [7], unsure: [false] }, { imageCount: 300, labeledCount: 1, unsureCount: 0, classes: [cls(7, 1)] });
    expect(session.total).toBe(300);
    session.followLabels({ actionId: 2, imageIds: [2], classIds: [7], unsure: [false] }, { imageCount: 300, labeledCount: 2, unsureCount: 0, classes: [cls(7, 2)] });
    expect(session.total).toBe(300);
    expect(session.index).toBe(1);
    answers.set('labels:set', () => ({ actionId: 2, imageIds: [2], classIds: [7], unsure: [false] }));
    await session.label(7); // its event came first
    expect(session.total).toBe(300);
    expect(session.index).toBe(2);

    // Labels given elsewhere (the gallery, another window) to images not loaded yet shorten the queue.
    session.followLabels({ actionId: 3, imageIds: [250, 251], classIds: [7, 7], unsure: [false, false] }, { imageCount: 300, labeledCount: 4, unsureCount: 0, classes: [cls(7, 4)] });
    expect(session.total).toBe(298);
    expect(`${session.index + 1} / ${session.total}`).toBe('3 / 298');
  });

  it('loads the images ahead when the scan finds more, before any key (a session started on the first image found)', async () => {
    session.reset();
    serve(1); // the scan had committed its first image when the label view opened
    await session.start({ kind: 'queue' });
    expect(session.items.map((i) => i.id)).toEqual([1]);
    serve(24);
    session.recount({ imageCount: 24, labeledCount: 0, unsureCount: 0, classes: [] });
    await session.sourceGrew();
    // The view prefetches from these: without them nothing ahead is loaded until the labeler moves.
    expect(session.items).toHaveLength(24);
    expect(session.index).toBe(0);
  });

  it('counts a browse through labeled images from the label counts', async () => {
    session.reset();
    answers.set('images:list', () => ({ total: 2, items: [image(4, 7), image(9, 7)] }));
    await session.start({ kind: 'browse', filter: { kind: 'labeled' }, title: 'Labeled images' });
    expect(session.total).toBe(2);
    session.followLabels({ actionId: 1, imageIds: [12], classIds: [7], unsure: [false] }, { imageCount: 20, labeledCount: 3, unsureCount: 0, classes: [cls(7, 3)] });
    expect(session.total).toBe(3);
  });
});

describe('duplicates store', () => {
  const image = (id: number, classId: number | null = null): ImageItem => ({ id, relPath: `img-${id}.png`, width: 48, height: 48, size: 100, mtimeMs: 0, hash: `h${id}`, classId, labeledAt: null, unsure: false, evaluation: false, suggestion: null });
  const report = (minSimilarity: number): DuplicateReport => ({
    minSimilarity,
    maxHammingDistance: 16,
    minThumbnailCorrelation: 0.97,
    groups: [{ kind: 'near', minSimilarity: 0.93, maxSimilarity: 0.97, items: [image(1), image(2), image(3)], evaluationIds: [3] }],
    compared: 10,
    images: 10,
    millis: 1,
  });

  it('groups at a threshold, and labels made anywhere reach the groups and "more like this"', async () => {
    duplicates.clear();
    answers.set('duplicates:groups', (args) => report((args as { minSimilarity?: number }).minSimilarity ?? 0.8));
    await duplicates.load(0.9);
    expect(duplicates.report?.minSimilarity).toBe(0.9);
    answers.set('duplicates:similar', () => [{ ...image(2), similarity: 0.95, duplicate: true }, { ...image(5), similarity: 0.4, duplicate: false }]);
    await duplicates.findSimilar(1, 'img-1.png');
    expect(duplicates.similar?.items.map((i) => i.id)).toEqual([2, 5]);

    sent.length = 0;
    answers.set('labels:set', () => ({ actionId: 4, imageIds: [1, 2, 3], classIds: [7, 7, 7], unsure: [false, false, false] }));
    await setLabels([1, 2, 3], 7);
    expect(sent).toEqual(['labels:set']);
    expect(duplicates.report?.groups[0]?.items.map((i) => i.classId)).toEqual([7, 7, 7]);
    expect(duplicates.similar?.items.map((i) => i.classId)).toEqual([7, null]);

    duplicates.closeSimilar();
    expect(duplicates.similar).toBeNull();
  });

  it("drops a leakage answer asked before the project was left, and an older one overtaken by a newer", async () => {
    duplicates.clear();
    const leakage = (id: number): Leakage => ({ pairs: [], leakedEvaluationIds: [id], nearChecked: true });
    let answer: (value: Leakage) => void = () => undefined;
    answers.set('duplicates:leakage', () => new Promise<Leakage>((resolve) => (answer = resolve)));
    const closedProjects = duplicates.loadLeakage();
    duplicates.clear(); // the project is left while its check is on its way
    answer(leakage(1));
    await closedProjects;
    expect(duplicates.leakage).toBeNull();

    const answers2: ((value: Leakage) => void)[] = [];
    answers.set('duplicates:leakage', () => new Promise<Leakage>((resolve) => answers2.push(resolve)));
    const older = duplicates.loadLeakage();
    const newer = duplicates.loadLeakage();
    await until(() => answers2.length === 2);
    answers2[1]!(leakage(3));
    await newer;
    answers2[0]!(leakage(2));
    await older;
    expect(duplicates.leakage?.leakedEvaluationIds).toEqual([3]);
  });

  it('keeps a failed search as an error, and a failed "more like this" closes it', async () => {
    duplicates.clear();
    answers.delete('duplicates:groups');
    await duplicates.load();
    expect(duplicates.error).toMatch(/no fake answer/);
    expect(duplicates.loading).toBe(false);
    answers.delete('duplicates:similar');
    await expect(duplicates.findSimilar(1, 'img-1.png')).rejects.toThrow();
    expect(duplicates.similar).toBeNull();
  });

  /** Answer the next search for groups only when `answer` is called (a search in flight). */
  const searchInFlight = (): { fail: (error: AppError) => void } => {
    const search = { fail: (_error: AppError): void => undefined };
    answers.set('duplicates:groups', () => new Promise((_, reject) => (search.fail = reject)));
    return search;
  };

  it('a search the expert cancels ends quietly as cancelled, keeping the groups shown before; cancel asks the back end', async () => {
    duplicates.clear();
    answers.set('duplicates:groups', () => report(0.8));
    await duplicates.load();
    const search = searchInFlight();
    // The back end stops the search: it fails with CANCELLED (here before the cancel's own answer).
    answers.set('duplicates:cancel', () => {
      search.fail(new AppError('CANCELLED', 'This search for duplicates was cancelled (in another window, or here): find again to see the groups.'));
      return { cancelled: true };
    });
    sent.length = 0;
    const searching = duplicates.load(0.75);
    expect(duplicates.loading).toBe(true);
    await duplicates.cancel();
    await searching;
    expect(sent).toEqual(['duplicates:groups', 'duplicates:cancel']);
    expect(duplicates.cancelled).toBe(true);
    expect(duplicates.error).toBeNull();
    expect(duplicates.loading).toBe(false);
    expect(duplicates.report?.minSimilarity).toBe(0.8);
    answers.set('duplicates:groups', () => report(0.75));
    await duplicates.load(0.75);
    expect(duplicates.cancelled).toBe(false);
    expect(duplicates.report?.minSimilarity).toBe(0.75);
  });

  it('a CANCELLED the back end answers by itself ("nothing was done, try again") is said in words, even after a search the expert cancelled; a request this window called off is quiet', async () => {
    duplicates.clear();
    answers.set('duplicates:groups', () => report(0.8));
    await duplicates.load();
    const tryAgain = 'These image features were unloaded (another pre-trained model or training mode was chosen, or the project was closed): nothing was done. Try again.';
    // The expert cancels a search; the next one, not cancelled, is given up on by the back end.
    const search = searchInFlight();
    answers.set('duplicates:cancel', () => {
      search.fail(new AppError('CANCELLED', 'This search for duplicates was cancelled (in another window, or here): find again to see the groups.'));
      return { cancelled: true };
    });
    const searching = duplicates.load(0.75);
    await duplicates.cancel();
    await searching;
    expect([duplicates.cancelled, duplicates.error]).toEqual([true, null]);
    answers.set('duplicates:groups', () => {
      throw new AppError('CANCELLED', tryAgain);
    });
    await duplicates.load(0.75);
    expect([duplicates.cancelled, duplicates.error]).toEqual([false, tryAgain]);
    expect(duplicates.report?.minSimilarity).toBe(0.8);
    answers.set('duplicates:groups', () => report(0.75));
    await duplicates.load(0.75);
    expect(duplicates.error).toBeNull();

    // This window closed or opened a project before the answer (CameTooLate): nothing failed, nothing to say.
    answers.set('duplicates:groups', () => {
      windowSession.adopt({ session: 'another opening', name: 'other' } as OpenProjectSummary);
      throw new AppError('PROJECT_CHANGED', 'Another project is open now.');
    });
    try {
      await duplicates.load(0.75);
      expect([duplicates.cancelled, duplicates.error, duplicates.loading]).toEqual([false, null, false]);
      expect(windowSession.stale).toBeNull();
    } finally {
      windowSession.reset();
    }
  });

  it('a search cancelled after the back end finished it (its answer came before the cancel\'s) ends as cancelled: its groups are not shown (unless the cancel itself failed)', async () => {
    duplicates.clear();
    answers.set('duplicates:groups', () => report(0.8));
    await duplicates.load();
    let answer = (_report: DuplicateReport): void => undefined;
    answers.set('duplicates:groups', () => new Promise((resolve) => (answer = resolve)));
    // The search ends in the back end just before the cancel arrives: it had none running.
    answers.set('duplicates:cancel', () => {
      answer(report(0.75));
      return { cancelled: false };
    });
    const searching = duplicates.load(0.75);
    await duplicates.cancel();
    await searching;
    expect([duplicates.cancelled, duplicates.error, duplicates.loading]).toEqual([true, null, false]);
    expect(duplicates.report?.minSimilarity).toBe(0.8);

    // A cancel that failed (the expert is told so) leaves the search going: its groups are shown when it answers.
    answers.set('duplicates:groups', () => new Promise((resolve) => (answer = resolve)));
    answers.delete('duplicates:cancel');
    const going = duplicates.load(0.75);
    await expect(duplicates.cancel()).rejects.toThrow(/no fake answer/);
    answer(report(0.75));
    await going;
    expect([duplicates.cancelled, duplicates.error, duplicates.report?.minSimilarity]).toEqual([false, null, 0.75]);
  });

  it('a failed search\'s error gives way to a later search the expert cancels (it says cancelled, not the old failure)', async () => {
    duplicates.clear();
    answers.set('duplicates:groups', () => {
      throw new AppError('INTERNAL', 'The feature cache could not be read.');
    });
    await duplicates.load();
    expect(duplicates.error).toBe('The feature cache could not be read.');
    const search = searchInFlight();
    answers.set('duplicates:cancel', () => {
      search.fail(new AppError('CANCELLED', 'This search for duplicates was cancelled (in another window, or here): find again to see the groups.'));
      return { cancelled: true };
    });
    const searching = duplicates.load();
    await duplicates.cancel();
    await searching;
    expect([duplicates.cancelled, duplicates.error, duplicates.loading]).toEqual([true, null, false]);
  });

  it('reads the leakage again after its fix', async () => {
    duplicates.clear();
    let leaked = [3];
    answers.set('duplicates:leakage', () => ({ pairs: [], leakedEvaluationIds: leaked, nearChecked: true }));
    answers.set('duplicates:fixLeakage', () => {
      leaked = [];
      return { removed: 1, added: 1, size: 40 };
    });
    await duplicates.loadLeakage();
    expect(duplicates.leakage?.leakedEvaluationIds).toEqual([3]);
    expect(await duplicates.fixLeakage()).toEqual({ removed: 1, added: 1, size: 40 });
    expect(duplicates.leakage?.leakedEvaluationIds).toEqual([]);
    expect(duplicates.fixing).toBe(false);
  });
});
