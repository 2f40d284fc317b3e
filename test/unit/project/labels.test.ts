import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importLabelsCsv } from '../../../src-main/adaptation/labels-import';
import { Project } from '../../../src-main/project/project';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

async function setup(n = 6) {
  const { root, project, ids } = await scannedProject(n, projects);
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', '#123456');
  return { root, project, ids, ant, bee };
}

describe('classes', () => {
  it('assigns hotkeys 1–9 then letters, palette colours, and keeps names unique', async () => {
    const { project, ant, bee } = await setup(1);
    expect([ant.hotkey, bee.hotkey]).toEqual(['1', '2']);
    expect(bee.color).toBe('#123456');
    for (let i = 3; i <= 10; i++) project.classes.create(`c${i}`, undefined);
    expect(project.classes.list().map((c) => c.hotkey).slice(8)).toEqual(['9', 'a']);
    expect(() => project.classes.create('ANT', undefined)).toThrowError('“ant” is already a class (names that differ only in case count as one).')
    expect(() => project.classes.update(bee.id, { name: 'ant' })).toThrowError('“ant” is already a class.');
    expect(() => project.classes.update(ant.id, { color: 'red' })).toThrowError(/#rrggbb/);
  });

  it('counts names one class whatever the case in any script and however an accent is composed, in the store and in an import', async () => {
    const { root, project } = await setup(1);
    const eo = project.classes.create('Éosinophile', undefined);
    // SQLite's NOCASE folds ASCII only: "éosinophile" was a second class, and an import then put both classes' labels on one.
    expect(() => project.classes.create('éosinophile', undefined)).toThrowError('“Éosinophile” is already a class (names that differ only in case count as one).');
    const decomposed = 'E\u0301osinophile'; // "É" as a macOS folder name spells it
    expect(() => project.classes.create(decomposed, undefined)).toThrowError(/“Éosinophile” is already a class/);
    const csv = path.join(root, 'labels.csv');
    fs.writeFileSync(csv, `path,class\nimg-0000.png,${decomposed.toUpperCase()}\n`);
    expect(await importLabelsCsv(project, csv, true)).toMatchObject({ labeled: 1, createdClasses: [] });
    expect(project.images.list({ kind: 'class', classId: eo.id }, 0, 10).total).toBe(1);
    expect(project.classes.list()).toHaveLength(3);
  });

  it('gives a class named by one free key that key, case aside, and the next default key otherwise', async () => {
    const { project } = await setup(1); // ant has 1, bee has 2
    const made = ['0', '3', 'B', '2', 'x1', '9'].map((name) => project.classes.create(name, undefined).hotkey);
    // "2" is bee's already, so it and "x1" take the first free default keys (4, 5).
    expect(made).toEqual(['0', '3', 'b', '4', '5', '9']);
  });

  it('renames, recolours, swaps hotkeys and reorders', async () => {
    const { project, ant, bee } = await setup(1);
    expect(project.classes.update(ant.id, { name: 'Formicidae', color: '#00ff00' })).toMatchObject({ name: 'Formicidae', color: '#00FF00' });
    project.classes.update(ant.id, { hotkey: '2' });
    expect(project.classes.get(ant.id).hotkey).toBe('2');
    expect(project.classes.get(bee.id).hotkey).toBe('1');
    expect(project.classes.reorder([bee.id, ant.id]).map((c) => c.id)).toEqual([bee.id, ant.id]);
    expect(() => project.classes.reorder([bee.id])).toThrowError(/every class exactly once/);
  });

  it('deleting a class unlabels its images and records it in the history', async () => {
    const { project, ids, ant, bee } = await setup(4);
    project.setLabels([ids[0]!, ids[1]!], ant.id);
    project.setLabels([ids[2]!], bee.id);
    expect(project.classes.get(ant.id).labelCount).toBe(2);
    expect(project.deleteClass(ant.id)).toMatchObject({ imageIds: [ids[0], ids[1]], classIds: [null, null] });
    expect(project.classes.list().map((c) => c.name)).toEqual(['bee']);
    expect(project.summary().labeledCount).toBe(1);
    const history = project.labels.history(ids[0], 10);
    expect(history[0]).toMatchObject({ kind: 'class-deleted', oldClassName: 'ant', newClassId: null });
    // the name can be reused after deletion
    expect(project.classes.create('ant', undefined).hotkey).toBe('1');
  });
});

describe('labels, history, undo and redo', () => {
  it('commits each label with a history row saying who, when, old and new', async () => {
    const { project, ids, ant, bee } = await setup();
    project.setLabels([ids[0]!], ant.id);
    project.setLabels([ids[0]!], bee.id);
    const history = project.labels.history(ids[0], 10);
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ kind: 'set', oldClassName: 'ant', newClassName: 'bee', imageId: ids[0] });
    expect(history[0]!.actor).toBeTruthy();
    expect(Date.parse(history[0]!.at)).not.toBeNaN();
    expect(project.images.get(ids[0]!).classId).toBe(bee.id);
  });

  it('undoes and redoes whole actions as a stack, bulk actions included', async () => {
    const { project, ids, ant, bee } = await setup();
    const a1 = project.setLabels([ids[0]!], ant.id);
    const a2 = project.setLabels([ids[1]!, ids[2]!, ids[3]!], bee.id);
    project.setLabels([ids[0]!], bee.id);

    expect(project.labels.undo()).toMatchObject({ imageIds: [ids[0]], classIds: [ant.id] });
    expect(project.labels.undo()).toMatchObject({ actionId: a2.actionId, classIds: [null, null, null] });
    expect(project.summary().labeledCount).toBe(1);
    expect(project.labels.redo()).toMatchObject({ actionId: a2.actionId, classIds: [bee.id, bee.id, bee.id] });
    expect(project.labels.redo()).toMatchObject({ imageIds: [ids[0]], classIds: [bee.id] });
    expect(project.labels.redo()).toBeNull();

    project.labels.undo();
    project.labels.undo();
    // a new action drops what could have been redone
    project.setLabels([ids[5]!], ant.id);
    expect(project.labels.redo()).toBeNull();
    expect(project.labels.undo()).toMatchObject({ imageIds: [ids[5]] });
    expect(project.labels.undo()).toMatchObject({ actionId: a1.actionId, classIds: [null] });
    expect(project.labels.undo()).toBeNull();
    // nothing was erased: every change is in the history
    expect(project.labels.history(undefined, 100).length).toBe(20);
  });

  it('nextUndo names the change Ctrl+Z would undo; an undo of a named change refuses another that came since', async () => {
    const { project, ids, ant, bee } = await setup();
    expect(project.labels.nextUndo()).toBeNull();
    const valid = new Set(ids);
    const imported = project.labels.setMany([ids[0]!, ids[1]!, ids[2]!].map((imageId) => ({ imageId, classId: ant.id })), valid, { importedFrom: 'labels.csv' });
    expect(project.labels.nextUndo()).toEqual({
      actionId: imported.actionId,
      at: project.labels.doneAt(imported.actionId),
      images: 3,
      importedFrom: 'labels.csv',
      deletedClass: null,
      window: null,
      gave: { classes: ['ant'], unsure: 0, unlabeled: 0 },
      paths: [0, 1, 2].map((k) => project.images.get(ids[k]!).relPath),
    });
    // Another window labels meanwhile: the undo asked about the import undoes nothing.
    const later = project.setLabels([ids[3]!], bee.id);
    expect(() => project.labels.undo(imported.actionId)).toThrowError(/no longer the last one\. Nothing was undone/);
    expect(project.labels.nextUndo()).toMatchObject({ actionId: later.actionId, images: 1, importedFrom: null });
    expect(project.labels.undo(later.actionId)).toMatchObject({ actionId: later.actionId, classIds: [null] });
    expect(project.labels.undo(imported.actionId)).toMatchObject({ actionId: imported.actionId, classIds: [null, null, null] });
    expect(project.summary().labeledCount).toBe(0);
    // A redone action is the next undo again, its images counted once; a class deletion is named.
    project.labels.redo();
    expect(project.labels.nextUndo()).toMatchObject({ actionId: imported.actionId, images: 3, importedFrom: 'labels.csv' });
    const deleted = project.deleteClass(ant.id);
    expect(project.labels.nextUndo()).toMatchObject({ actionId: deleted.actionId, images: 3, deletedClass: 'ant', importedFrom: null });
    project.labels.undo();
    project.labels.undo();
    expect(project.labels.nextUndo()).toBeNull();
  });

  it('the previews name the window that made the change, what it gave and which images; a redo of a named change refuses another', async () => {
    const { project, ids, ant, bee } = await setup();
    const [windowA, windowB] = ['windowAAAAAAAAAAAAAAAA', 'windowBBBBBBBBBBBBBBBB'];
    const path = (k: number) => project.images.get(ids[k]!).relPath;
    expect(project.labels.nextRedo()).toBeNull();
    const valid = new Set(ids);
    project.labels.set([ids[0]!], ant.id, valid, true, windowA);
    const relabel = project.labels.setMany(
      [ids[4]!, ids[1]!, ids[2]!, ids[3]!].map((imageId, k) => ({ imageId, classId: k === 3 ? null : k === 0 ? ant.id : bee.id, unsure: k === 3 })),
      valid,
      { window: windowB },
    );
    expect(project.labels.nextUndo()).toMatchObject({
      actionId: relabel.actionId,
      window: windowB,
      images: 4,
      gave: { classes: ['ant', 'bee'], unsure: 1, unlabeled: 0 },
      paths: [path(4), path(1), path(2)],
    });
    // What redo would bring back is the same change, named the same way; a class renamed since is named as now.
    project.labels.undo(relabel.actionId);
    project.classes.update(bee.id, { name: 'wasp' });
    expect(project.labels.nextRedo()).toMatchObject({ actionId: relabel.actionId, window: windowB, gave: { classes: ['ant', 'wasp'] } });
    expect(project.labels.nextUndo()).toMatchObject({ window: windowA, images: 1, gave: { classes: ['ant'], unsure: 0, unlabeled: 0 }, paths: [path(0)] });
    // An undo meanwhile changes what redo would redo: the redo asked about refuses, nothing redone.
    project.labels.undo();
    expect(project.labels.nextRedo()).toMatchObject({ window: windowA });
    expect(() => project.labels.redo(relabel.actionId)).toThrowError(/no longer the one to redo\. Nothing was redone/);
    expect(project.summary().labeledCount).toBe(0);
    expect(project.labels.redo()).toMatchObject({ imageIds: [ids[0]] });
    expect(project.labels.redo(relabel.actionId)).toMatchObject({ actionId: relabel.actionId });
    expect(project.labels.nextRedo()).toBeNull();
    // A clear and a class delete keep their window; the delete's images are unlabeled ones.
    project.labels.set([ids[0]!], null, valid, true, windowA);
    expect(project.labels.nextUndo()).toMatchObject({ window: windowA, gave: { classes: [], unsure: 0, unlabeled: 1 } });
    project.labels.deleteClass(ant.id, windowB);
    expect(project.labels.nextUndo()).toMatchObject({ window: windowB, deletedClass: 'ant', images: 1, gave: { classes: [], unlabeled: 1 }, paths: [path(4)] });
  });

  it('an undo gives a label back with its own time and annotator, a redo with the action\'s: never the undo\'s (walkthrough 7)', async () => {
    const { project, ids, ant, bee } = await setup();
    const labeledAt = (id: number) => project.images.get(id).labeledAt;
    const at = (iso: string) => vi.setSystemTime(new Date(iso));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      at('2026-01-01T09:00:00.000Z');
      project.setLabels([ids[0]!, ids[1]!], ant.id);
      at('2026-01-01T10:00:00.000Z');
      project.setUnsure([ids[2]!], true);
      at('2026-01-01T11:00:00.000Z');
      project.setLabels([ids[0]!, ids[1]!, ids[2]!], bee.id); // a bulk relabel, mark included
      at('2026-01-01T12:00:00.000Z');
      project.labels.undo();
      expect([labeledAt(ids[0]!), labeledAt(ids[1]!)]).toEqual(['2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z']);
      expect(project.db.prepare('SELECT marked_at FROM unsure WHERE image_id = ?').pluck().get(ids[2])).toBe('2026-01-01T10:00:00.000Z');
      at('2026-01-01T13:00:00.000Z');
      project.labels.redo();
      expect(labeledAt(ids[0]!)).toBe('2026-01-01T11:00:00.000Z');

      // A class deleted and brought back: its labels keep their times.
      at('2026-01-01T14:00:00.000Z');
      project.deleteClass(bee.id);
      at('2026-01-01T15:00:00.000Z');
      project.labels.undo();
      expect([labeledAt(ids[0]!), labeledAt(ids[2]!)]).toEqual(['2026-01-01T11:00:00.000Z', '2026-01-01T11:00:00.000Z']);
      // The undo's own history rows still say when the undo was.
      expect(project.labels.history(ids[0], 1)[0]).toMatchObject({ kind: 'undo', at: '2026-01-01T15:00:00.000Z' });

      // History written before the times were kept (migration 7): the image's earlier row says when.
      at('2026-01-01T16:00:00.000Z');
      project.setLabels([ids[3]!], ant.id);
      at('2026-01-01T17:00:00.000Z');
      project.setLabels([ids[3]!], bee.id);
      project.db.prepare('UPDATE label_history SET old_at = NULL, old_actor = NULL WHERE image_id = ?').run(ids[3]);
      at('2026-01-01T18:00:00.000Z');
      project.labels.undo();
      expect(labeledAt(ids[3]!)).toBe('2026-01-01T16:00:00.000Z');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a bulk label records only the images whose class changes, in order, and leaves the others untouched', async () => {
    const { project, ids, ant, bee } = await setup();
    project.setLabels([ids[1]!], ant.id);
    project.setLabels([ids[2]!], bee.id);
    const before = project.images.get(ids[1]!).labeledAt;
    const historyBefore = project.labels.history(undefined, 100).length;
    const action = project.setLabels([ids[3]!, ids[1]!, ids[2]!, ids[0]!], ant.id);
    expect(action.imageIds).toEqual([ids[3], ids[1], ids[2], ids[0]]);
    const added = project.labels.history(undefined, 100).slice(0, -historyBefore).reverse();
    expect(added.map((h) => [h.imageId, h.oldClassId, h.newClassId, h.actionId])).toEqual([
      [ids[3], null, ant.id, action.actionId],
      [ids[2], bee.id, ant.id, action.actionId],
      [ids[0], null, ant.id, action.actionId],
    ]);
    expect(project.images.get(ids[1]!).labeledAt).toBe(before);
    // undo restores each changed image's own previous class, clearing the ones that had none
    expect(project.labels.undo()).toMatchObject({ imageIds: [ids[3], ids[2], ids[0]], classIds: [null, bee.id, null] });
    expect(ids.slice(0, 4).map((id) => project.images.get(id).classId)).toEqual([null, ant.id, bee.id, null]);
    // unlabeling everything in one action, then nothing left to change: no empty action
    expect(project.setLabels(ids, null).actionId).toBeGreaterThan(0);
    expect(project.setLabels(ids, null).actionId).toBe(0);
    expect(project.summary().labeledCount).toBe(0);
  });

  it('a project moved to another folder is called by its new name, its labels kept (walkthrough 7)', async () => {
    const { root, project, ids, ant } = await setup(2);
    project.setLabels([ids[0]!], ant.id);
    await project.close();
    projects.splice(projects.indexOf(project), 1);
    const moved = path.join(path.dirname(root), `${path.basename(root)} moved é`);
    fs.renameSync(root, moved);
    const reopened = Project.open(moved, false);
    projects.push(reopened);
    expect(reopened.summary()).toMatchObject({ name: path.basename(moved), path: moved, labeledCount: 1 });
  });

  it('survives closing and reopening: labels and the undo stack are on disk', async () => {
    const { root, project, ids, ant } = await setup();
    project.setLabels([ids[0]!], ant.id);
    project.setLabels([ids[1]!], ant.id);
    await project.close();
    projects.splice(projects.indexOf(project), 1);
    const reopened = Project.open(root, false);
    projects.push(reopened);
    expect(reopened.summary().labeledCount).toBe(2);
    expect(reopened.labels.undo()).toMatchObject({ imageIds: [ids[1]] });
    expect(reopened.summary().labeledCount).toBe(1);
  });

  it('rejects unknown images and classes without writing anything', async () => {
    const { project, ids, ant } = await setup();
    expect(() => project.setLabels([ids[0]!, 99999], ant.id)).toThrowError(/no longer in the project/);
    expect(() => project.setLabels([ids[0]!], 424242)).toThrowError(/does not exist/);
    expect(project.summary().labeledCount).toBe(0);
    expect(project.labels.history(undefined, 10)).toEqual([]);
  });

  it('filters images by labeled state and class', async () => {
    const { project, ids, ant, bee } = await setup();
    project.setLabels([ids[0]!, ids[1]!], ant.id);
    project.setLabels([ids[2]!], bee.id);
    expect(project.images.list({ kind: 'unlabeled' }, 0, 10).total).toBe(3);
    expect(project.images.list({ kind: 'labeled' }, 0, 10).total).toBe(3);
    expect(project.images.list({ kind: 'class', classId: ant.id }, 0, 10).items.map((i) => i.id)).toEqual([ids[0], ids[1]]);
    expect(project.images.list({ kind: 'all' }, 4, 10).items).toHaveLength(2);
  });

  it('undo after deleting a class brings the class back first, then the labels before it', async () => {
    const { project, ids, ant, bee } = await setup();
    project.setLabels([ids[0]!], ant.id);
    project.setLabels([ids[0]!], bee.id);
    project.deleteClass(ant.id);
    expect(project.labels.undo()).toMatchObject({ imageIds: [], classDeletion: { classId: ant.id, restored: true } });
    expect(project.labels.undo()).toMatchObject({ imageIds: [ids[0]], classIds: [ant.id] });
  });
});
