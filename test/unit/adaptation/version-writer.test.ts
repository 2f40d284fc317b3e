/**
 * A version of a large pool (THREAD_PREDICTIONS predictions or more) is recorded by the
 * version writer thread on its own connection: the same rows as `AdaptationStore.saveVersion`
 * writes on the host's, the old predictions replaced, and none of it through the host's
 * connection (the predictions' buffers moved to the thread, not copied). A small pool's version is written on the host's thread as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationContext } from '../../../src-main/adaptation/adaptation-context';
import type { VersionRow } from '../../../src-main/adaptation/adaptation-store';
import { THREAD_PREDICTIONS } from '../../../src-main/adaptation/version-writer';
import { EventHub } from '../../../src-main/core/event-hub';
import type { PoolPredictions } from '../../../src-main/engine/loop/loop-jobs';
import type { Project } from '../../../src-main/project/project';
import { FakeEngine } from '../../support/fake-engine';
import { scannedProject } from '../../support/scanned-project';
import { addSyntheticImages } from '../../support/synthetic-images';

const projects: Project[] = [];
const contexts: AdaptationContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.closeWriters();
  for (const p of projects.splice(0)) await p.close();
});

function packed(rows: { imageId: number; classIndex: number; probability: number }[]): PoolPredictions {
  return {
    imageIds: Int32Array.from(rows, (r) => r.imageId),
    classIndexes: Int32Array.from(rows, (r) => r.classIndex),
    probabilities: Float64Array.from(rows, (r) => r.probability),
  };
}

const hostChanges = (project: Project): number => project.db.prepare('SELECT total_changes()').pluck().get() as number;

function versionRow(version: number, classes: { id: number; name: string }[]): VersionRow {
  return { version, modelId: 'm', mode: 'light', classes, trainingLabels: 2, evalLabeled: 0, evalCorrect: 0, confusion: null, metrics: { millis: 1 }, trainedAt: '2026-11-30T00:00:00Z' };
}

describe('the version writer thread', () => {
  it('records a large pool’s version and predictions off the host connection, replacing the old ones', async () => {
    const { project } = await scannedProject(2, projects);
    addSyntheticImages(project.db, THREAD_PREDICTIONS + 498);
    const engine = new FakeEngine();
    const ctx = new AdaptationContext(project, () => engine, new EventHub(), {}, () => {}, 1);
    contexts.push(ctx);
    const classes = [project.classes.create('ant', undefined), project.classes.create('bee', undefined)].map((c) => ({ id: c.id, name: c.name }));
    const ids = project.images.idsMatching({ kind: 'all' });
    expect(ids.length).toBe(THREAD_PREDICTIONS + 500);
    const rowsOf = (shift: number) => ids.map((imageId, i) => ({ imageId, classIndex: (i + shift) % 2, probability: 0.5 + ((i * 7) % 50) / 100 }));
    const predictions = (shift: number) => packed(rowsOf(shift));

    const before = hostChanges(project);
    await ctx.saveVersion(versionRow(1, classes), predictions(0));
    const sent = predictions(1);
    await ctx.saveVersion(versionRow(2, classes), sent);
    expect(hostChanges(project)).toBe(before);
    // Moved to the thread, not copied: the host's arrays are empty now.
    expect([sent.imageIds.length, sent.classIndexes.length, sent.probabilities.length]).toEqual([0, 0, 0]);

    expect(ctx.store.latestVersion()?.version).toBe(2);
    const rows = project.db.prepare('SELECT image_id, model_version, class_id, probability FROM predictions ORDER BY image_id').all() as {
      image_id: number;
      model_version: number;
      class_id: number;
      probability: number;
    }[];
    expect(rows).toHaveLength(ids.length);
    const expected = rowsOf(1);
    const byId = new Map(expected.map((p) => [p.imageId, p]));
    for (const row of rows) {
      const p = byId.get(row.image_id)!;
      expect(row).toEqual({ image_id: p.imageId, model_version: 2, class_id: classes[p.classIndex]!.id, probability: p.probability });
    }
  });

  it('writes a small pool’s version on the host connection', async () => {
    const { project, ids } = await scannedProject(3, projects);
    const engine = new FakeEngine();
    const ctx = new AdaptationContext(project, () => engine, new EventHub(), {}, () => {}, 1);
    contexts.push(ctx);
    const classes = [project.classes.create('ant', undefined), project.classes.create('bee', undefined)].map((c) => ({ id: c.id, name: c.name }));
    const before = hostChanges(project);
    await ctx.saveVersion(versionRow(1, classes), packed(ids.map((imageId) => ({ imageId, classIndex: 0, probability: 0.9 }))));
    expect(hostChanges(project)).toBeGreaterThan(before);
    expect(ctx.store.latestVersion()?.version).toBe(1);
  });
});
