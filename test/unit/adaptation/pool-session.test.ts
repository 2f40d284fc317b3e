/**
 * PoolSession over a real project and the fake engine, whose loads of the pool are answered in
 * the order a test chooses (FakeEngine.hold; the fake keeps the newest load asked for as its
 * pool, as the worker does: pool-slot.ts). A prepare superseded by invalidate() (the model, mode
 * or image set changed while it ran) does not resolve as if it were current: its callers wait
 * for the newest load and go on with that pool, named by its model. A load's notices (a damaged
 * cache file set aside and made again) are shown as the extraction's are, whatever became of the
 * load; when it set the chosen model's feature cache aside, the features are extracted again by
 * themselves (before, the expert had to click Resume), never by two extractions at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import type { EngineStatus, ProjectChanged } from '../../../src-shared/contract';
import { COMPUTING_AGAIN } from '../../../src-main/adaptation/feature-extraction';
import { appErrorOf } from '../../support/error-of';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder } from '../../support/image-folder';
import { until } from '../../support/until';

const open: { project: Project; adaptation: Adaptation }[] = [];
/** The releases of the loads held (holdNextLoad): a test that fails midway leaves none waiting. */
const held: (() => void)[] = [];
afterEach(async () => {
  for (const release of held.splice(0)) release();
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
  /** The engine statuses announced to the windows. */
  const statuses: EngineStatus[] = [];
  events.subscribe((event, payload) => {
    const change = payload as ProjectChanged;
    if (event === 'project:changed' && change.change === 'engine') statuses.push(change.status);
  });
  const adaptation = new Adaptation({ project, engine: () => engine, events, places: {}, log: () => {} });
  open.push({ project, adaptation });
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  return { project, engine, adaptation, statuses };
}

/** Hold the next load of the pool the fake is asked for (each held load keeps its own release); `release` answers it. */
function holdNextLoad(engine: FakeEngine): { release: () => void; waiting: () => Promise<unknown> } {
  const before = engine.holding;
  let release!: () => void;
  engine.hold = { kind: 'loopPrepare', until: new Promise<void>((resolve) => (release = resolve)) };
  held.push(release);
  return { release, waiting: () => until(() => engine.holding > before || null) };
}

/** Release a held load and wait until the fake answered it. */
async function answer(engine: FakeEngine, release: () => void): Promise<void> {
  const answered = engine.count('loopPrepare');
  release();
  await until(() => engine.count('loopPrepare') > answered || null);
}

/** Let every pending promise and immediate run (no clock involved). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A load of the fake model's pool begins (a rescan changed a file) and is held; `start` asks for
 * the pool meanwhile. The expert then chooses model B: its features are extracted and its pool's
 * load begins, held too. Returns both loads' releases and what `start` gave.
 */
async function staleAndNewerLoads<T>(s: Awaited<ReturnType<typeof setup>>, start: () => Promise<T>) {
  const { engine, adaptation } = s;
  const stale = holdNextLoad(engine);
  adaptation.pool.invalidate();
  const caller = start();
  let settled = false;
  caller.then(
    () => (settled = true),
    () => (settled = true),
  );
  await stale.waiting();
  const newer = holdNextLoad(engine);
  engine.model = { id: 'model-b', name: 'Model B' };
  await adaptation.chooseModel({ kind: 'folder', path: '/models/model-b' });
  await newer.waiting();
  engine.hold = null;
  return { caller, releaseStale: stale.release, releaseNewer: newer.release, settled: () => settled };
}

describe('a prepare superseded by invalidate()', () => {
  it.each(['last', 'first'] as const)('waits for the newest load and resolves to its model, the stale load answering %s', async (order) => {
    const s = await setup();
    const { engine, adaptation } = s;
    const { caller, releaseStale, releaseNewer, settled } = await staleAndNewerLoads(s, () => adaptation.pool.prepare());
    const answered = engine.count('loopPrepare');
    if (order === 'first') {
      await answer(engine, releaseStale);
      await settle();
      expect(settled()).toBe(false); // the stale load's answer is not the caller's
      releaseNewer();
    } else {
      await answer(engine, releaseNewer);
      releaseStale();
    }
    expect(await caller).toBe('model-b');
    // Chained to the newest load: no third load was asked for.
    expect(engine.count('loopPrepare')).toBe(answered + 2);
    expect(await adaptation.pool.prepare()).toBe('model-b');
    expect(engine.count('loopPrepare')).toBe(answered + 2);
  });

  it('a batch asked for while the old pool loaded is chosen on the newest pool, naming its model to the engine', async () => {
    const s = await setup();
    const { engine, adaptation } = s;
    const { caller, releaseStale, releaseNewer } = await staleAndNewerLoads(s, () => adaptation.loop.nextRound());
    await answer(engine, releaseNewer);
    releaseStale();
    const round = await caller;
    expect(round.items).toHaveLength(adaptation.loop.settings().batchSize);
    const selects = engine.calls.filter((c) => c.kind === 'loopSelect');
    expect(selects).toHaveLength(1);
    expect(selects[0]!.args).toMatchObject({ modelId: 'model-b' });
    // Asked for after both loads were answered: on the pool the engine kept, model B's.
    expect(engine.calls.findIndex((c) => c.kind === 'loopSelect')).toBeGreaterThan(engine.calls.findLastIndex((c) => c.kind === 'loopPrepare'));
  });
});

describe("a load's notices", () => {
  it('are shown where the extraction says its own, once', async () => {
    const { engine, adaptation, statuses } = await setup();
    expect(adaptation.status().features).toMatchObject({ state: 'complete', message: null });
    const notice =
      'The thumbnail-hash cache /p/.adma/perceptual.db could not be read (the file is damaged), so ADMA Studio moved it aside, as perceptual.db.damaged-2026-12-02T07-40-34Z in the same folder, and made a new one: what it held is computed again from the images, which takes time but loses nothing. You may delete the damaged file.';
    engine.prepareNotices = [notice];
    adaptation.pool.invalidate();
    statuses.length = 0;
    await adaptation.pool.prepare();
    expect(adaptation.status().features).toMatchObject({ state: 'complete', message: notice });
    expect(statuses.at(-1)?.features.message).toBe(notice); // the windows are told
    engine.prepareNotices = [];
    adaptation.pool.invalidate();
    await adaptation.pool.prepare();
    expect(adaptation.status().features.message).toBe(notice);
  });
});

describe('a load that set the feature cache aside (its features gone: the new cache is empty)', () => {
  const NOTICE =
    'The feature cache /p/.adma/features/fake-model.db could not be read (the file is damaged), so ADMA Studio moved it aside, as fake-model.db.damaged-2026-12-02T07-40-34Z in the same folder, and made a new one: what it held is computed again from the images, which takes time but loses nothing. You may delete the damaged file.';

  /** Wait until the extraction under way (if any) has ended, the pool loaded after it included. */
  const extractionEnded = (adaptation: Adaptation) => until(() => adaptation.features.done === undefined || null);

  it('superseded here before it failed: its notice still reaches the expert, and the features are computed again by themselves', async () => {
    const { engine, adaptation, statuses } = await setup();
    const extractions = engine.count('extractFeatures');
    const stale = holdNextLoad(engine);
    adaptation.pool.invalidate();
    const caller = adaptation.pool.prepare();
    await stale.waiting();
    engine.hold = null;
    adaptation.pool.invalidate(); // the image set changed meanwhile: that load is no longer the one wanted
    engine.setAsideFeatures = NOTICE;
    statuses.length = 0;
    stale.release();
    // The failure of the superseded load is not the caller's: it goes on with the newest load's pool.
    expect(await caller).toBe('fake-model');
    // Told at once, with what happens now; the extraction starts by itself (no Resume to click).
    expect(statuses.find((status) => status.features.message?.includes(NOTICE))?.features).toMatchObject({ state: 'checking', message: `${NOTICE} ${COMPUTING_AGAIN}` });
    await extractionEnded(adaptation);
    expect(engine.count('extractFeatures')).toBe(extractions + 1);
    // Said with the outcome of the extraction that computed them again.
    expect(adaptation.status().features).toMatchObject({ state: 'complete', message: NOTICE });
    expect(await adaptation.pool.prepare()).toBe('fake-model');
  });

  it("the load asked for now: its failure says the notice, and the extraction starts by itself, saying so; a model's no longer chosen is only told", async () => {
    const s = await setup();
    const { engine, adaptation } = s;
    const extractions = engine.count('extractFeatures');
    let releaseExtraction!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (releaseExtraction = resolve)) };
    held.push(releaseExtraction);
    engine.setAsideFeatures = NOTICE;
    adaptation.pool.invalidate();
    const failed = await appErrorOf(adaptation.pool.prepare());
    expect(failed.code).toBe('NOT_FOUND');
    expect(failed.message).toBe(`No image has features yet: wait for feature extraction to make progress. ${NOTICE}`);
    expect(adaptation.status().features).toMatchObject({ state: 'checking', message: `${NOTICE} ${COMPUTING_AGAIN}` });
    await until(() => engine.holding === 1 || null);
    engine.hold = null;
    releaseExtraction();
    await extractionEnded(adaptation);
    expect(engine.count('extractFeatures')).toBe(extractions + 1);
    expect(adaptation.status().features).toMatchObject({ state: 'complete', message: NOTICE });

    // The feature cache of a model no longer chosen (its load superseded by the switch to B's): nothing is computed for it.
    const { caller, releaseStale, releaseNewer } = await staleAndNewerLoads(s, () => adaptation.pool.prepare());
    const afterSwitch = engine.count('extractFeatures');
    const other = NOTICE.replace('computed again', 'computed again (fake model)');
    engine.setAsideFeatures = other;
    await answer(engine, releaseStale);
    releaseNewer();
    expect(await caller).toBe('model-b');
    await settle();
    expect(engine.count('extractFeatures')).toBe(afterSwitch);
    expect(adaptation.status().features).toMatchObject({ state: 'complete', message: other });
  });

  it('while an extraction runs: it is not doubled; one more runs once it ended (it may have written to the file set aside)', async () => {
    const { engine, adaptation } = await setup();
    const extractions = engine.count('extractFeatures');
    let releaseExtraction!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (releaseExtraction = resolve)) };
    held.push(releaseExtraction);
    adaptation.features.start(); // e.g. a scan found new images
    await until(() => engine.holding === 1 || null);
    engine.setAsideFeatures = NOTICE;
    adaptation.pool.invalidate();
    await expect(adaptation.pool.prepare()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await settle();
    expect(engine.holding).toBe(1); // no second extraction beside the one under way
    expect(adaptation.status().features.message).toBe(`${NOTICE} ${COMPUTING_AGAIN}`);
    engine.hold = null;
    releaseExtraction();
    await until(() => engine.count('extractFeatures') === extractions + 2 || null);
    await extractionEnded(adaptation);
    expect(engine.count('extractFeatures')).toBe(extractions + 2);
    expect(adaptation.status().features).toMatchObject({ state: 'complete', message: NOTICE });
  });

  it('the run under way when the cache was set aside says no outcome and loads no pool (the new cache lacks what it computed): the run after it does', async () => {
    const { engine, adaptation, statuses } = await setup();
    const extractions = engine.count('extractFeatures');
    let releaseExtraction!: () => void;
    engine.hold = { kind: 'extractFeatures', until: new Promise<void>((resolve) => (releaseExtraction = resolve)) };
    held.push(releaseExtraction);
    adaptation.features.start();
    await until(() => engine.holding === 1 || null);
    engine.setAsideFeatures = NOTICE;
    adaptation.pool.invalidate();
    await expect(adaptation.pool.prepare()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const loads = engine.count('loopPrepare');
    statuses.length = 0;
    engine.hold = null;
    releaseExtraction();
    await until(() => engine.count('extractFeatures') === extractions + 2 || null);
    await extractionEnded(adaptation);
    // The model panel goes from the run under way to the next one and says its outcome only: no 'complete' between.
    const states = statuses.map((status) => status.features.state).filter((state, k, all) => state !== all[k - 1]);
    expect(states).toEqual(['checking', 'complete']);
    // The pool is loaded once, from the features the run after it completed (the loop resumes on those).
    expect(engine.count('loopPrepare')).toBe(loads + 1);
  });
});
