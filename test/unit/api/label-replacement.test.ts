/**
 * `labels:replaced`: what a gallery write would replace, asked before a large one. It counts the
 * labels of another class among the present images of the selection (listed or Ctrl+A's filter
 * less exceptions), per class, and those of evaluation images; it writes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import type { GallerySelection } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { handlerCaller } from '../../support/handler-calls';
import { imageFolder, tempDir } from '../../support/image-folder';

let workspace: Workspace | null = null;
afterEach(async () => {
  await workspace?.shutdown();
  workspace = null;
});

/** A workspace with a scanned project of `count` images, and a caller of its requests. */
async function openFolder(count: number) {
  const root = await imageFolder(count);
  const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
  workspace = ws;
  const call = handlerCaller(() => createHandlers(ws));
  await ws.open(root, true);
  await ws.requireProject().rescan();
  return { ws, root, call };
}

describe('labels:replaced', () => {
  it('counts the labels of other classes a write would change, per class, evaluation ones too, and changes nothing', async () => {
    const { ws, root, call } = await openFolder(8);
    const ant = await call('classes:create', { name: 'ant' });
    const bee = await call('classes:create', { name: 'bee' });
    await call('labels:set', { imageIds: [1, 2, 3], classId: bee.id });
    await call('labels:set', { imageIds: [4], classId: ant.id });
    await call('labels:setUnsure', { imageIds: [5], unsure: true });
    ws.requireProject().db.prepare("INSERT INTO evaluation_images (image_id, added_at) VALUES (3, 'now'), (6, 'now')").run();

    const all: GallerySelection = { kind: 'matching', filter: { kind: 'all' }, exceptIds: [] };
    expect(await call('labels:replaced', { selection: all, classId: ant.id })).toEqual({ images: 8, replaced: [{ classId: bee.id, count: 3 }], evaluation: 1, evaluationLabeled: 1 });
    // Clearing replaces every label; the most replaced class first.
    expect(await call('labels:replaced', { selection: all, classId: null })).toEqual({
      images: 8,
      replaced: [
        { classId: bee.id, count: 3 },
        { classId: ant.id, count: 1 },
      ],
      evaluation: 1,
      evaluationLabeled: 0,
    });
    // Ctrl+A less the exceptions; a listed selection; a class filter.
    expect(await call('labels:replaced', { selection: { ...all, exceptIds: [1, 3] }, classId: ant.id })).toEqual({ images: 6, replaced: [{ classId: bee.id, count: 1 }], evaluation: 0, evaluationLabeled: 1 });
    expect(await call('labels:replaced', { selection: { kind: 'ids', imageIds: [4, 5, 6] }, classId: bee.id })).toEqual({ images: 3, replaced: [{ classId: ant.id, count: 1 }], evaluation: 0, evaluationLabeled: 1 });
    expect(await call('labels:replaced', { selection: { kind: 'matching', filter: { kind: 'class', classId: bee.id }, exceptIds: [] }, classId: bee.id })).toEqual({ images: 3, replaced: [], evaluation: 0, evaluationLabeled: 0 });

    // An image removed from the folder no longer counts.
    fs.rmSync(path.join(root, fs.readdirSync(root).filter((f) => f.endsWith('.png')).sort()[0]!));
    await ws.requireProject().rescan();
    const after = await call('labels:replaced', { selection: { kind: 'ids', imageIds: [1, 2] }, classId: ant.id });
    expect(after.images).toBe(1);
    expect(after.replaced).toEqual([{ classId: bee.id, count: 1 }]);
    // Nothing was written.
    expect((await call('labels:history', { limit: 100 })).length).toBe(5);
  });

  it('refuses a selection of an unknown kind or with stray fields', async () => {
    const { call } = await openFolder(1);
    await expect(call('labels:replaced', { selection: { kind: 'everything' }, classId: null } as never)).rejects.toThrow(/selection\.kind/);
    await expect(call('labels:replaced', { selection: { kind: 'ids', imageIds: [1], filter: { kind: 'all' } }, classId: null } as never)).rejects.toThrow(/filter/);
  });
});
