/**
 * Why trained versions are kept (walkthrough: the best version, v7 on MobileNet 0.75,
 * was deleted by thinning after three trainings on 0.25), and the export of a chosen kept
 * version (the dialog offered only the latest).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { keepReasons } from '../../../src-main/adaptation/model-versions';
import { EventHub } from '../../../src-main/core/event-hub';
import { Project } from '../../../src-main/project/project';
import { AppError } from '../../../src-shared/app-error';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder } from '../../support/image-folder';
import { LARGE, SMALL, versionRow } from '../../support/version-row';

const open: { project: Project; adaptation: Adaptation }[] = [];
afterEach(async () => {
  for (const { project, adaptation } of open.splice(0)) {
    await adaptation.close();
    await project.close();
  }
});

const version = versionRow;

describe('why a version is kept', () => {
  it('says why each version is kept', () => {
    const reasons = keepReasons([version(6, SMALL, 105, 26), version(7, LARGE, 105, 29), version(8, SMALL, 105, 28), version(9, SMALL, 50, 25), version(10, SMALL, 50, 25)], new Set([8]), 3, new Set());
    expect(Object.fromEntries(reasons)).toEqual({ 10: ['latest'], 9: ['recent'], 8: ['recent', 'round'], 7: ['best', 'backbone'], 6: [] });
    // Equal best scores: the latest of them is the one kept as best.
    const tie = keepReasons([version(1, SMALL, 10, 30), version(2, SMALL, 20, 30), version(3, SMALL, 30, 10), version(4, SMALL, 40, 10), version(5, SMALL, 50, 10)], new Set(), 3, new Set());
    expect(tie.get(2)).toEqual(['best']);
    expect(tie.get(1)).toEqual([]);
  });

  it('does not compare a score on part of the evaluation set (some images without features yet) with scores on all of it', () => {
    // v4 and v5 were scored on part of the set only (28 of 34 right on the 30 with features: 93%).
    const rows = [version(1, SMALL, 10, 20), version(2, SMALL, 20, 25), version(3, SMALL, 30, 22), version(4, SMALL, 40, 28, 30), version(5, SMALL, 50, 28, 30), version(6, SMALL, 60, 21)];
    const reasons = keepReasons(rows, new Set(), 3, new Set([4, 5]));
    // The best is v2 (25 of 34), among the versions scored on all; v4 is kept only as one of the latest.
    expect(Object.fromEntries(reasons)).toEqual({ 6: ['latest'], 5: ['recent'], 4: ['recent'], 3: [], 2: ['best'], 1: [] });
    // None scored on all: no best at all, rather than a partial one.
    expect([...keepReasons(rows.slice(3, 5), new Set(), 3, new Set([4, 5])).values()].flat()).not.toContain('best');
  });
});

async function project() {
  const root = await imageFolder(12);
  const p = Project.open(root, true);
  await p.rescan();
  const engine = new FakeEngine();
  const exported = engine.answerExports(['model.json']);
  const hub = new EventHub();
  const adaptation = new Adaptation({ project: p, engine: () => engine, events: hub, places: {}, log: () => {} });
  open.push({ project: p, adaptation });
  const ant = p.classes.create('ant', undefined);
  const bee = p.classes.create('bee', undefined);
  await adaptation.chooseModel({ kind: 'starter' });
  await adaptation.features.done;
  const ids = p.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id);
  return { root, project: p, adaptation, ids, ant, bee, exported, hub };
}

describe('exporting a kept version', () => {
  it('writes the version chosen, not the latest; one thinned, unknown or of another backbone is refused with why', async () => {
    const { project: p, adaptation, ids, ant, bee, exported } = await project();
    p.setLabels(ids.slice(0, 2), ant.id);
    p.setLabels(ids.slice(2, 4), bee.id);
    await adaptation.loop.train();
    p.setLabels(ids.slice(4, 6), bee.id);
    await adaptation.loop.train();
    expect(adaptation.store.latestVersion()?.version).toBe(2);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'adma-export-version-'));
    const base = { model: true, labelsCsv: false, labelsJson: false, imageFolder: false };
    const report = await adaptation.transfer.export({ ...base, destination: path.join(out, 'one'), modelVersion: 1 });
    expect(report.modelVersion).toBe(1);
    expect(path.basename(exported.at(-1)!.headDir)).toBe('v1');
    // The latest when none is chosen.
    expect((await adaptation.transfer.export({ ...base, destination: path.join(out, 'latest') })).modelVersion).toBe(2);
    expect(path.basename(exported.at(-1)!.headDir)).toBe('v2');
    // The list names every kept version with its backbone, labels and why it is kept.
    const listed = adaptation.transfer.versions();
    expect(listed.versions.map((v) => [v.version, v.trainingLabels, v.kept, v.notExportable])).toEqual([
      [2, 6, ['latest'], null],
      [1, 4, ['recent'], null],
    ]);
    const unknown = await adaptation.transfer.export({ ...base, destination: path.join(out, 'none'), modelVersion: 9 }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AppError);
    expect((unknown as AppError).code).toBe('NOT_FOUND');
    // A version trained on another backbone: its head sits on that backbone's features.
    adaptation.store.saveVersion(version(3, LARGE, 6, 0, 0), []);
    const other = await adaptation.transfer.export({ ...base, destination: path.join(out, 'other'), modelVersion: 3 }).catch((e: unknown) => e);
    expect((other as AppError).code).toBe('CONFLICT');
    expect((other as AppError).message).toMatch(/trained on MobileNet v1 0\.75 .*Choose MobileNet v1 0\.75 .* in Adapt to export it/);
    expect(fs.existsSync(path.join(out, 'other'))).toBe(false);
  });
});

describe('a version whose folder is a symbolic link', () => {
  it('is listed as not exportable, with why, while the other versions list and export as before', async () => {
    const { project: p, adaptation, ids, ant, bee } = await project();
    p.setLabels(ids.slice(0, 2), ant.id);
    p.setLabels(ids.slice(2, 4), bee.id);
    await adaptation.loop.train();
    p.setLabels(ids.slice(4, 6), bee.id);
    await adaptation.loop.train();
    const v1 = path.join(p.adminDir, 'models', 'v1');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'adma-outside-'));
    fs.rmSync(v1, { recursive: true });
    fs.symlinkSync(outside, v1);
    const listed = adaptation.transfer.versions();
    expect(listed.versions.map((v) => [v.version, v.notExportable === null])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(listed.versions[1]!.notExportable).toContain(`${v1} is a symbolic link`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'adma-export-version-'));
    const refused = await adaptation.transfer.export({ model: true, labelsCsv: false, labelsJson: false, imageFolder: false, destination: path.join(out, 'one'), modelVersion: 1 }).catch((e: unknown) => e);
    expect((refused as AppError).message).toMatch(/^Version 1 cannot be exported: .* is a symbolic link/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

describe('the engine status says what the classifier in use was trained on', () => {
  it('its backbone and labels, against the training labels now; a label change sends the status again', async () => {
    const { project: p, adaptation, ids, ant, bee, hub } = await project();
    const events: unknown[] = [];
    // The status before any training: no classifier.
    expect(adaptation.status().classifier ?? null).toBeNull();
    p.setLabels(ids.slice(0, 2), ant.id);
    p.setLabels(ids.slice(2, 4), bee.id);
    await adaptation.loop.train();
    p.setLabels(ids.slice(4, 7), bee.id);
    const status = adaptation.status();
    expect(status.classifier).toEqual({ version: 1, modelId: 'fake-model', backbone: 'Fake model', trainingLabels: 4 });
    expect(status.trainingLabels).toBe(7);
    hub.subscribe((event, payload) => {
      if (event === 'project:changed' && (payload as { change: string }).change === 'engine') events.push(payload);
    });
    adaptation.loop.onLabelsChanged();
    expect(events).toHaveLength(1);
    expect((events[0] as { status: { trainingLabels: number } }).status.trainingLabels).toBe(7);
  });
});
