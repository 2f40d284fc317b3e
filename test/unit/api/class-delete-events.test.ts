/**
 * A class delete through the requests is a label action like any other: answered with the
 * action, announced with the class list and the labels (so every window updates), and undone by
 * `labels:undo`, which announces the class coming back the same way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import type { ProjectChanged } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { handlerCaller } from '../../support/handler-calls';
import { imageFolder, tempDir } from '../../support/image-folder';

let workspace: Workspace | null = null;
afterEach(async () => {
  await workspace?.shutdown();
  workspace = null;
});

describe('classes:delete and labels:undo', () => {
  it('announce the class list and the labels, and undo brings the class back with its labels', async () => {
    const root = await imageFolder(3);
    const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
    workspace = ws;
    const seen: ProjectChanged[] = [];
    ws.events.subscribe((name, payload) => {
      if (name === 'project:changed') seen.push(payload as ProjectChanged);
    });
    const call = handlerCaller(() => createHandlers(ws));
    await ws.open(root, true);
    await ws.requireProject().rescan();
    const ant = await call('classes:create', { name: 'ant' });
    const bee = await call('classes:create', { name: 'bee' });
    await call('labels:set', { imageIds: [1, 2], classId: bee.id });
    await call('labels:set', { imageIds: [3], classId: ant.id });
    seen.length = 0;

    const deleted = await call('classes:delete', { id: bee.id });
    expect(deleted).toMatchObject({ imageIds: [1, 2], classIds: [null, null], classDeletion: { classId: bee.id, name: 'bee', restored: false } });
    const afterDelete = seen.splice(0);
    expect(afterDelete.map((e) => e.change)).toEqual(['classes', 'labels']);
    expect(afterDelete[1]).toMatchObject({ action: { actionId: deleted.actionId }, labeledCount: 1 });
    expect((afterDelete[1] as ProjectChanged & { change: 'labels' }).classes.map((c) => c.name)).toEqual(['ant']);

    // The History names the delete itself, above the images it unlabeled; one image's history has only its own rows.
    const history = await call('labels:history', { limit: 10 });
    expect(history.slice(0, 3)).toMatchObject([
      { subject: 'class', kind: 'class-deleted', classId: bee.id, oldName: 'bee', newName: null, images: 2, actionId: deleted.actionId },
      { subject: 'image', kind: 'class-deleted', oldClassName: 'bee' },
      { subject: 'image', kind: 'class-deleted', oldClassName: 'bee' },
    ]);
    expect(await call('labels:history', { imageId: 3, limit: 10 })).toMatchObject([{ subject: 'image', imageId: 3, newClassName: 'ant' }]);

    const undone = await call('labels:undo');
    expect(undone).toMatchObject({ actionId: deleted.actionId, classIds: [bee.id, bee.id], classDeletion: { restored: true } });
    const afterUndo = seen.splice(0);
    expect(afterUndo.map((e) => e.change)).toEqual(['classes', 'labels']);
    const labels = afterUndo[1] as ProjectChanged & { change: 'labels' };
    expect(labels.labeledCount).toBe(3);
    expect(labels.classes.map((c) => [c.name, c.hotkey, c.labelCount])).toEqual([
      ['ant', '1', 1],
      ['bee', '2', 2],
    ]);
    // A label undo after it announces labels only.
    await call('labels:undo');
    expect(seen.map((e) => e.change)).toEqual(['labels']);
  });
});
