/**
 * Deleting a class is one undoable action on the labels' undo stack: Ctrl+Z right after it
 * brings the class back (name, colour, key, place in the order) with every label it had,
 * training and evaluation alike; redo deletes it again. A name or key taken since the delete
 * never gives two live classes one name or one key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLASS_PALETTE } from '../../../src-main/project/class-store';
import { BULK_LABEL_IMAGES, Project } from '../../../src-main/project/project';
import { scannedProject } from '../../support/scanned-project';
import { addSyntheticImages } from '../../support/synthetic-images';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

async function setup(n = 8) {
  const { root, project, ids } = await scannedProject(n, projects);
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', '#123456');
  const wasp = project.classes.create('wasp', '#ABCDEF');
  return { root, project, ids, ant, bee, wasp };
}

const classOf = (project: Project, id: number): number | null => project.images.get(id).classId;
const names = (project: Project): string[] => project.classes.list().map((c) => c.name);
const evaluationIds = (project: Project): number[] => project.db.prepare('SELECT image_id FROM evaluation_images ORDER BY image_id').pluck().all() as number[];

describe('deleting a class, undo and redo', () => {
  it('an unknown or already deleted class is refused and leaves no action behind', async () => {
    const { project, ids, ant, bee } = await setup();
    const labeled = project.setLabels([ids[0]!], ant.id);
    project.deleteClass(bee.id);
    project.labels.undo();
    project.labels.redo();
    // bee is deleted now: deleting it again, or a class that never was, changes nothing.
    expect(() => project.deleteClass(bee.id)).toThrow(/does not exist/);
    expect(() => project.deleteClass(9999)).toThrow(/does not exist/);
    expect(project.labels.undo()?.classDeletion?.restored).toBe(true);
    expect(project.labels.undo()?.actionId).toBe(labeled.actionId);
  });

  it('undo right after the delete brings the class back with every label it had, training and evaluation; redo deletes it again', async () => {
    const { project, ids, ant, bee, wasp } = await setup();
    // An older, unrelated label: the undo of the delete must not touch it.
    project.setLabels([ids[0]!], ant.id);
    project.setLabels([ids[1]!, ids[2]!, ids[3]!], bee.id);
    project.db.prepare("INSERT INTO evaluation_images (image_id, added_at) VALUES (?, 'x'), (?, 'x')").run(ids[2], ids[3]);
    project.setLabels([ids[4]!], wasp.id);

    const deleted = project.deleteClass(bee.id);
    expect(deleted.actionId).toBeGreaterThan(0);
    expect(deleted.imageIds).toEqual([ids[1], ids[2], ids[3]]);
    expect(deleted.classIds).toEqual([null, null, null]);
    expect(deleted.classDeletion).toEqual({ classId: bee.id, name: 'bee', restored: false, notes: [] });
    expect(names(project)).toEqual(['ant', 'wasp']);
    expect(project.summary().labeledCount).toBe(2);

    const undone = project.labels.undo();
    expect(undone).toMatchObject({ actionId: deleted.actionId, imageIds: [ids[1], ids[2], ids[3]], classIds: [bee.id, bee.id, bee.id] });
    expect(undone?.classDeletion).toEqual({ classId: bee.id, name: 'bee', restored: true, notes: [] });
    // Name, colour, key and place in the order as before, every label back; the older labels untouched.
    expect(project.classes.list().map((c) => [c.name, c.color, c.hotkey, c.labelCount])).toEqual([
      ['ant', ant.color, '1', 1],
      ['bee', '#123456', '2', 3],
      ['wasp', '#ABCDEF', '3', 1],
    ]);
    expect(classOf(project, ids[0]!)).toBe(ant.id);
    expect(classOf(project, ids[4]!)).toBe(wasp.id);
    expect(evaluationIds(project)).toEqual([ids[2], ids[3]]);
    expect(project.images.list({ kind: 'evaluation' }, 0, 10).items.map((i) => i.classId)).toEqual([bee.id, bee.id]);

    const redone = project.labels.redo();
    expect(redone).toMatchObject({ actionId: deleted.actionId, classIds: [null, null, null], classDeletion: { classId: bee.id, restored: false } });
    expect(names(project)).toEqual(['ant', 'wasp']);
    expect(project.summary().labeledCount).toBe(2);
    expect(project.labels.redo()).toBeNull();
    // And back again; then the undo after it is the wasp label, as the stack says.
    expect(project.labels.undo()?.classDeletion?.restored).toBe(true);
    expect(project.labels.undo()).toMatchObject({ imageIds: [ids[4]], classIds: [null] });
    expect(project.classes.get(bee.id).labelCount).toBe(3);
  });

  it('a class without labels is one action too: undo brings it back, not an older label', async () => {
    const { project, ids, ant, bee, wasp } = await setup();
    project.setLabels([ids[0]!], ant.id);
    const deleted = project.deleteClass(bee.id);
    expect(deleted).toMatchObject({ imageIds: [], classIds: [], classDeletion: { classId: bee.id, restored: false } });
    expect(deleted.actionId).toBeGreaterThan(0);
    const undone = project.labels.undo();
    expect(undone).toMatchObject({ actionId: deleted.actionId, imageIds: [], classDeletion: { classId: bee.id, name: 'bee', restored: true } });
    expect(project.classes.list().map((c) => [c.id, c.hotkey])).toEqual([
      [ant.id, '1'],
      [bee.id, '2'],
      [wasp.id, '3'],
    ]);
    expect(classOf(project, ids[0]!)).toBe(ant.id);
  });

  it('a new class with the name taken since: the undo brings the class back renamed, with a key that is free', async () => {
    const { project, ids, bee } = await setup();
    project.setLabels([ids[1]!, ids[2]!], bee.id);
    project.deleteClass(bee.id);
    // The expert adds "Bee" again: it takes the free key 2.
    const again = project.classes.create('Bee', undefined);
    expect(again.hotkey).toBe('2');
    const undone = project.labels.undo();
    expect(undone?.classDeletion).toEqual({
      classId: bee.id,
      name: 'bee',
      restored: true,
      notes: [
        'A class named “Bee” was added after the delete, so this one is back as “bee (restored)”.',
        'Its key 2 belongs to “Bee” now, so it has key 4.',
      ],
    });
    const live = project.classes.list();
    expect(live.map((c) => [c.name, c.hotkey, c.labelCount])).toEqual([
      ['ant', '1', 0],
      ['bee (restored)', '4', 2],
      ['wasp', '3', 0],
      ['Bee', '2', 0],
    ]);
    expect(new Set(live.map((c) => c.name.toLowerCase())).size).toBe(live.length);
    // Deleted and restored again, the restored name is taken by nothing: it stays.
    expect(project.labels.redo()?.classDeletion).toMatchObject({ name: 'bee (restored)', restored: false });
    expect(project.labels.undo()?.classDeletion).toMatchObject({ name: 'bee (restored)', notes: [] });
  });

  it('a key taken since the delete: the class comes back under its name with the first free key', async () => {
    const { project, ant, wasp } = await setup();
    project.deleteClass(ant.id);
    project.classes.update(wasp.id, { hotkey: '1' });
    const undone = project.labels.undo();
    expect(undone?.classDeletion).toMatchObject({ name: 'ant', notes: ['Its key 1 belongs to “wasp” now, so it has key 3.'] });
    expect(project.classes.list().map((c) => [c.name, c.hotkey])).toEqual([
      ['ant', '3'],
      ['bee', '2'],
      ['wasp', '1'],
    ]);
  });

  it('refuses the undo, changing nothing, when every key belongs to another class', async () => {
    const { project, ant } = await setup(1);
    project.deleteClass(ant.id);
    // 36 live classes: every default key and 0.
    for (let i = 0; i < 32; i++) project.classes.create(`c${i}`, undefined);
    const last = project.classes.create('last', undefined);
    project.classes.update(last.id, { hotkey: '0' });
    project.classes.create('one more', undefined);
    expect(project.classes.list()).toHaveLength(36);
    expect(() => project.labels.undo()).toThrowError(/“ant” cannot come back: each of the 36 keys belongs to another class.*Nothing was changed/);
    expect(project.classes.list()).toHaveLength(36);
    expect(project.db.prepare("SELECT COUNT(*) FROM label_actions WHERE state = 'done'").pluck().get()).toBe(1);
  });

  it('the delete drops what could have been redone, like any new action', async () => {
    const { project, ids, ant, bee } = await setup();
    project.setLabels([ids[0]!], ant.id);
    project.labels.undo();
    project.deleteClass(bee.id);
    expect(project.labels.redo()).toBeNull();
  });

  it('the history names the delete and its undo and redo as a class deletion, with the action', async () => {
    const { project, ids, bee } = await setup();
    project.setLabels([ids[1]!], bee.id);
    const deleted = project.deleteClass(bee.id);
    project.labels.undo();
    project.labels.redo();
    const rows = project.labels.history(ids[1], 10);
    expect(rows.map((r) => [r.kind, r.actionId, r.classDeletion, r.oldClassName, r.newClassName])).toEqual([
      ['redo', deleted.actionId, true, 'bee', null],
      ['undo', deleted.actionId, true, null, 'bee'],
      ['class-deleted', deleted.actionId, true, 'bee', null],
      ['set', expect.any(Number), false, null, 'bee'],
    ]);
  });

  it('survives closing and reopening: the undo after a reopen still brings the class back', async () => {
    const { root, project, ids, bee } = await setup();
    project.setLabels([ids[1]!], bee.id);
    project.deleteClass(bee.id);
    await project.close();
    projects.splice(projects.indexOf(project), 1);
    const reopened = Project.open(root, false);
    projects.push(reopened);
    expect(reopened.labels.undo()?.classDeletion).toMatchObject({ classId: bee.id, restored: true });
    expect(reopened.classes.get(bee.id).labelCount).toBe(1);
  });

  it('undo of a label whose class was deleted before deletes were undoable leaves the image unlabeled', async () => {
    const { project, ids, ant, bee } = await setup();
    project.setLabels([ids[0]!], ant.id);
    project.setLabels([ids[0]!], bee.id);
    // An older version's delete: no action, only the soft delete.
    project.db.prepare("UPDATE classes SET deleted_at = 'x' WHERE id = ?").run(ant.id);
    expect(project.labels.undo()).toMatchObject({ imageIds: [ids[0]], classIds: [null] });
  });

  it('runs in the label writer thread in a big project, in order with the labels around it', async () => {
    const { project, ids, bee } = await setup(2);
    addSyntheticImages(project.db, BULK_LABEL_IMAGES + 10);
    const labeled = project.writeLabels({ kind: 'setMatching', filter: { kind: 'all' }, exceptIds: [ids[0]!], classId: bee.id });
    const deleting = project.writeLabels({ kind: 'deleteClass', classId: bee.id });
    expect((await labeled).imageIds).toHaveLength(BULK_LABEL_IMAGES + 11);
    expect((await deleting).imageIds).toHaveLength(BULK_LABEL_IMAGES + 11);
    expect(project.summary().labeledCount).toBe(0);
    const undone = await project.writeLabels({ kind: 'undo' });
    expect(undone?.classDeletion).toMatchObject({ classId: bee.id, restored: true });
    expect(project.classes.get(bee.id).labelCount).toBe(BULK_LABEL_IMAGES + 11);
  });

  it('a class added after a delete gets a colour no live class has', async () => {
    const { project, bee, wasp } = await setup(1);
    project.classes.update(bee.id, { color: CLASS_PALETTE[3]! });
    project.classes.update(wasp.id, { color: CLASS_PALETTE[2]! });
    const fly = project.classes.create('fly', undefined);
    project.deleteClass(fly.id);
    // Three live classes, but the fourth palette colour is bee's: the next free one.
    expect(project.classes.create('moth', undefined).color).toBe(CLASS_PALETTE[1]);
  });
});
