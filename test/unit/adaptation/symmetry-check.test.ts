/**
 * The host's check for "No up or down" (symmetry-check.ts) over a real project database and a
 * fake engine: it runs in the background at 50 and at 80 training labels while the setting is
 * off in light mode, once per check point and model (kept across a restart), is cancelled with
 * the project, and its numbers reach the engine status; "Not now" answers one check's suggestion.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { checkPointFor } from '../../../src-main/adaptation/symmetry-check';
import { symmetrySuggestion } from '../../../src-renderer/logic/symmetry-suggestion';
import { EventHub } from '../../../src-main/core/event-hub';
import type { LoopSymmetryCheckArgs, LoopSymmetryCheckResult } from '../../../src-main/engine/loop/loop-jobs';
import { Project } from '../../../src-main/project/project';
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

const EVIDENCE = { n: 50, plainAccuracy: 0.61, viewsAccuracy: 0.68, plainLogLoss: 1.1, viewsLogLoss: 0.9, meanDifference: -0.2, standardError: 0.05, suggest: true };

/** A fake engine that also answers loopSymmetryCheck (recording its arguments), after `gate` when set. */
function checkingEngine() {
  const engine = new FakeEngine();
  const checks: LoopSymmetryCheckArgs[] = [];
  const state: { gate: Promise<void> | null; signals: AbortSignal[] } = { gate: null, signals: [] };
  const request = engine.request.bind(engine);
  engine.request = ((kind, args, options) => {
    if (kind !== 'loopSymmetryCheck') return request(kind, args, options);
    const a = args as LoopSymmetryCheckArgs;
    checks.push(a);
    const signal = options?.signal;
    if (signal) state.signals.push(signal);
    const answer: LoopSymmetryCheckResult = { evidence: { ...EVIDENCE, n: a.labels.length }, millis: 3 };
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
      void (state.gate ?? Promise.resolve()).then(() => resolve(answer));
    });
  }) as FakeEngine['request'];
  return { engine, checks, state };
}

async function openAdaptation(root: string, fresh: boolean, engine: FakeEngine) {
  const project = Project.open(root, fresh);
  await project.rescan();
  const adaptation = new Adaptation({ project, engine: () => engine, events: new EventHub(), places: {}, log: () => {} });
  open.push({ project, adaptation });
  return { project, adaptation };
}

async function setup(images = 90) {
  const root = await imageFolder(images);
  const fake = checkingEngine();
  const { project, adaptation } = await openAdaptation(root, true, fake.engine);
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  const ids = project.images.itemsOf(Array.from({ length: images }, (_, k) => k + 1)).map((image) => image.id);
  /** Label images `from`..`to` - 1 (alternating classes), as the labels handlers do (the loop hears of it). */
  const label = (from: number, to: number, a: Adaptation = adaptation, p: Project = project): void => {
    for (let k = from; k < to; k++) p.setLabels([ids[k] as number], k % 2 ? ant.id : bee.id);
    a.loop.onLabelsChanged();
  };
  return { root, project, adaptation, label, ...fake };
}

describe('the check for no up or down', () => {
  it('check points: none below 50, 50 up to 79, 80 from there', () => {
    expect([0, 49, 50, 79, 80, 500].map(checkPointFor)).toEqual([null, null, 50, 50, 80, 80]);
  });

  it('runs once at 50 labels with every training label and the files of their views, and its numbers reach the status', async () => {
    const { adaptation, label, checks } = await setup();
    label(0, 49);
    expect(checks).toHaveLength(0);
    expect(adaptation.status().symmetryCheck ?? null).toBeNull();
    label(49, 50);
    await until(() => adaptation.status().symmetryCheck?.last !== null && adaptation.status().symmetryCheck?.last !== undefined);
    expect(checks).toHaveLength(1);
    expect(checks[0]?.labels).toHaveLength(50);
    expect(checks[0]?.classCount).toBe(2);
    expect(checks[0]?.symmetryFiles.map((f) => f.imageId).sort((a, b) => a - b)).toEqual(checks[0]?.labels.map((l) => l.imageId).sort((a, b) => a - b));
    expect(adaptation.status().symmetryCheck).toEqual({
      running: null,
      last: { at: 50, n: 50, plainAccuracy: 0.61, viewsAccuracy: 0.68, meanDifference: -0.2, standardError: 0.05, suggest: true, checkedAt: expect.any(String) as string },
    });
    label(50, 60);
    expect(checks).toHaveLength(1);
  });

  it('is kept across a restart: not run again at the same check point, run once at 80', async () => {
    const { root, project, adaptation, label, checks } = await setup();
    label(0, 55);
    await until(() => adaptation.status().symmetryCheck?.last?.at === 50);
    const modelId = adaptation.store.model()?.modelId as string;
    await adaptation.close();
    await project.close();
    open.splice(0);
    const again = checkingEngine();
    again.engine.model = { id: modelId, name: 'starter' };
    const reopened = await openAdaptation(root, false, again.engine);
    reopened.adaptation.start();
    reopened.adaptation.features.start();
    await reopened.adaptation.features.done;
    reopened.adaptation.loop.onLabelsChanged();
    expect(reopened.adaptation.status().symmetryCheck?.last?.at).toBe(50);
    expect(again.checks).toHaveLength(0);
    label(55, 80, reopened.adaptation, reopened.project);
    await until(() => reopened.adaptation.status().symmetryCheck?.last?.at === 80);
    expect(again.checks).toHaveLength(1);
    expect(again.checks[0]?.labels).toHaveLength(80);
    expect(checks).toHaveLength(1);
  });

  it('"Not now" to the 50 check\'s suggestion (as the Adapt view answers it) leaves the 80 check\'s suggestion to be shown', async () => {
    const { adaptation, label } = await setup();
    label(0, 50);
    await until(() => adaptation.status().symmetryCheck?.last?.at === 50);
    const at50 = symmetrySuggestion(adaptation.loop.settings(), adaptation.status().symmetryCheck);
    expect(at50?.at).toBe(50);
    adaptation.loop.updateSettings({ symmetriesSuggestionDismissed: at50?.at });
    expect(symmetrySuggestion(adaptation.loop.settings(), adaptation.status().symmetryCheck)).toBeNull();
    label(50, 80);
    await until(() => adaptation.status().symmetryCheck?.last?.at === 80);
    const at80 = symmetrySuggestion(adaptation.loop.settings(), adaptation.status().symmetryCheck);
    expect(at80?.words).toContain('each of 80 labels');
    adaptation.loop.updateSettings({ symmetriesSuggestionDismissed: at80?.at });
    expect(symmetrySuggestion(adaptation.loop.settings(), adaptation.status().symmetryCheck)).toBeNull();
    expect(adaptation.loop.settings().symmetriesSuggestionDismissed).toBe(80);
  });

  it('a damaged row of kept checks counts as none kept: labeling goes on, the check runs and the row is written anew', async () => {
    const { project, adaptation, label, checks } = await setup();
    project.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('symmetry-checks', '{"not": "a list"');
    expect(() => label(0, 55)).not.toThrow();
    await until(() => adaptation.status().symmetryCheck?.last?.at === 50);
    expect(checks).toHaveLength(1);
    const kept = JSON.parse(project.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('symmetry-checks') as string) as { at: number }[];
    expect(kept.map((c) => c.at)).toEqual([50]);
  });

  it('does not run with the setting on or in deep mode', async () => {
    const { adaptation, label, checks } = await setup();
    adaptation.loop.updateSettings({ symmetries: true });
    label(0, 50);
    adaptation.loop.updateSettings({ symmetries: false, mode: 'deep' });
    label(50, 55);
    expect(checks).toHaveLength(0);
    expect(adaptation.status().symmetryCheck ?? null).toBeNull();
  });

  it('is cancelled when the setting is turned on while it runs, and when the project closes, keeping nothing; it runs again when due', async () => {
    const { root, project, adaptation, label, checks, state } = await setup();
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    label(0, 50);
    await until(() => checks.length === 1);
    expect(adaptation.status().symmetryCheck).toEqual({ running: 50, last: null });
    adaptation.loop.updateSettings({ symmetries: true });
    expect(state.signals[0]?.aborted).toBe(true);
    await until(() => adaptation.status().symmetryCheck === null);
    adaptation.loop.updateSettings({ symmetries: false });
    await until(() => checks.length === 2);
    const modelId = adaptation.store.model()?.modelId as string;
    await adaptation.close();
    expect(state.signals[1]?.aborted).toBe(true);
    release();
    await project.close();
    open.splice(0);
    const again = checkingEngine();
    again.engine.model = { id: modelId, name: 'starter' };
    const reopened = await openAdaptation(root, false, again.engine);
    reopened.adaptation.features.start();
    await reopened.adaptation.features.done;
    reopened.adaptation.loop.onLabelsChanged();
    await until(() => reopened.adaptation.status().symmetryCheck?.last?.at === 50);
    expect(again.checks).toHaveLength(1);
  });
});
