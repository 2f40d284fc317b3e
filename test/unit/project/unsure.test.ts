/**
 * Issue 14.6: the unsure mark. An image is unlabeled, labeled or unsure, never two at once;
 * the mark goes through the history and undo like a label, has its own filter and count, and
 * never reaches training.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { projectDbPath } from '../../../src-main/project/project-db';
import { Project } from '../../../src-main/project/project';
import { SCHEMA_VERSION } from '../../../src-main/project/migrations';
import { imageFolder } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

async function setup(n = 5) {
  const { root, project, ids } = await scannedProject(n, projects);
  const ant = project.classes.create('ant', undefined);
  return { root, project, ids, ant };
}

const rowsOf = (project: Project, id: number) => ({
  label: project.db.prepare('SELECT class_id FROM labels WHERE image_id = ?').get(id) ?? null,
  unsure: project.db.prepare('SELECT 1 AS x FROM unsure WHERE image_id = ?').get(id) ?? null,
});

describe('the unsure mark', () => {
  it('marks an image unsure, counts and filters it apart from labeled and unlabeled images', async () => {
    const { project, ids, ant } = await setup();
    project.setLabels([ids[0]!], ant.id);
    const action = project.setUnsure([ids[1]!, ids[2]!], true);
    expect(action).toMatchObject({ imageIds: [ids[1], ids[2]], classIds: [null, null], unsure: [true, true] });
    expect(project.summary()).toMatchObject({ imageCount: 5, labeledCount: 1, unsureCount: 2 });
    expect(project.images.list({ kind: 'unsure' }, 0, 10).items.map((i) => i.id)).toEqual([ids[1], ids[2]]);
    expect(project.images.list({ kind: 'unlabeled' }, 0, 10).items.map((i) => i.id)).toEqual([ids[3], ids[4]]);
    expect(project.images.list({ kind: 'labeled' }, 0, 10).total).toBe(1);
    expect(project.images.get(ids[1]!)).toMatchObject({ classId: null, unsure: true });
  });

  it('ends when the image gets a class, and undo gives the mark back', async () => {
    const { project, ids, ant } = await setup();
    project.setUnsure([ids[0]!], true);
    const labeled = project.setLabels([ids[0]!], ant.id);
    expect(labeled).toMatchObject({ classIds: [ant.id], unsure: [false] });
    expect(rowsOf(project, ids[0]!)).toEqual({ label: { class_id: ant.id }, unsure: null });
    expect(project.summary()).toMatchObject({ labeledCount: 1, unsureCount: 0 });

    expect(project.labels.undo()).toMatchObject({ imageIds: [ids[0]], classIds: [null], unsure: [true] });
    expect(rowsOf(project, ids[0]!)).toEqual({ label: null, unsure: { x: 1 } });
    expect(project.labels.undo()).toMatchObject({ classIds: [null], unsure: [false] });
    expect(rowsOf(project, ids[0]!)).toEqual({ label: null, unsure: null });
    expect(project.labels.redo()).toMatchObject({ unsure: [true] });
    expect(project.labels.redo()).toMatchObject({ classIds: [ant.id], unsure: [false] });
    expect(rowsOf(project, ids[0]!)).toEqual({ label: { class_id: ant.id }, unsure: null });
  });

  it('marking a labeled image unsure takes its class away, and the history says so', async () => {
    const { project, ids, ant } = await setup();
    project.setLabels([ids[0]!], ant.id);
    project.setUnsure([ids[0]!], true);
    expect(rowsOf(project, ids[0]!)).toEqual({ label: null, unsure: { x: 1 } });
    const [latest] = project.labels.history(ids[0], 10);
    expect(latest).toMatchObject({ kind: 'set', oldClassId: ant.id, newClassId: null, oldUnsure: false, newUnsure: true });
    // Taking the mark away leaves the image unlabeled; asking twice changes nothing.
    project.setUnsure([ids[0]!], false);
    expect(project.setUnsure([ids[0]!], false).actionId).toBe(0);
    expect(rowsOf(project, ids[0]!)).toEqual({ label: null, unsure: null });
  });

  it('marks every image a filter matches unsure but the excepted ones (the gallery\'s Ctrl+A), as one action, and takes the marks away the same way', async () => {
    const { project, ids, ant } = await setup(6);
    project.setLabels([ids[0]!], ant.id);
    const action = await project.writeLabels({ kind: 'setUnsureMatching', filter: { kind: 'unlabeled' }, exceptIds: [ids[5]!], unsure: true });
    // Ids follow the parallel scan's order, not the file names': compare as sets.
    const byId = (a: number, b: number): number => a - b;
    const marked = ids.slice(1, 5).sort(byId);
    expect([...action.imageIds].sort(byId)).toEqual(marked);
    expect(project.images.list({ kind: 'unsure' }, 0, 10).items.map((i) => i.id).sort(byId)).toEqual(marked);
    expect(rowsOf(project, ids[0]!).unsure).toBeNull(); // labeled: not matched by the filter
    expect(rowsOf(project, ids[5]!).unsure).toBeNull(); // excepted
    // one action: one undo takes every mark away
    await project.writeLabels({ kind: 'undo' });
    expect(project.images.list({ kind: 'unsure' }, 0, 10).total).toBe(0);
    await project.writeLabels({ kind: 'redo' });
    const cleared = await project.writeLabels({ kind: 'setUnsureMatching', filter: { kind: 'unsure' }, exceptIds: [], unsure: false });
    expect(cleared.imageIds).toHaveLength(4);
    expect(project.images.list({ kind: 'unsure' }, 0, 10).total).toBe(0);
    expect(project.images.list({ kind: 'unlabeled' }, 0, 10).total).toBe(5);
  });

  it('keeps unsure images out of the training labels', async () => {
    const { project, ids, ant } = await setup();
    project.setLabels([ids[0]!, ids[1]!], ant.id);
    project.setUnsure([ids[2]!], true);
    const store = new AdaptationStore(project.db);
    expect([...store.labels().keys()].sort()).toEqual([ids[0], ids[1]].sort());
    expect(project.labels.unsureIds()).toEqual(new Set([ids[2]]));
  });

  it('a project of schema 4 opens at the current schema with its labels and history, and can mark unsure', async () => {
    const root = await imageFolder(2);
    const old = Project.open(root, true);
    await old.rescan();
    await old.close();
    // Take the database back to schema 4 (what the previous version wrote), with a label in it.
    const db = new Database(projectDbPath(root));
    db.exec('ALTER TABLE label_actions DROP COLUMN window_id; ALTER TABLE label_actions DROP COLUMN imported_from;');
    db.exec('ALTER TABLE label_history DROP COLUMN old_at; ALTER TABLE label_history DROP COLUMN old_actor;');
    db.exec('DROP TABLE evaluation_undone; DROP INDEX evaluation_images_action; ALTER TABLE evaluation_images DROP COLUMN action_id;');
    db.exec('DROP TABLE unsure; DROP TABLE imported_suggestions; ALTER TABLE label_history DROP COLUMN old_unsure; ALTER TABLE label_history DROP COLUMN new_unsure;');
    db.pragma('user_version = 4');
    db.prepare("INSERT INTO classes (name, color, hotkey, position, created_at) VALUES ('ant', '#000000', '1', 0, 'now')").run();
    db.prepare("INSERT INTO label_actions (state, created_at, state_changed_at) VALUES ('done', 'now', 'now')").run();
    db.prepare("INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (1, 1, 'now', 'me')").run();
    db.prepare("INSERT INTO label_history (action_id, image_id, old_class_id, new_class_id, kind, actor, at) VALUES (1, 1, NULL, 1, 'set', 'me', 'now')").run();
    db.close();
    const project = Project.open(root, false);
    projects.push(project);
    expect(project.summary()).toMatchObject({ schemaVersion: SCHEMA_VERSION, labeledCount: 1, unsureCount: 0 });
    expect(project.labels.history(1, 5)[0]).toMatchObject({ newClassId: 1, oldUnsure: false, newUnsure: false });
    project.setUnsure([2], true);
    expect(project.labels.undo()).toMatchObject({ unsure: [false] });
    expect(project.labels.undo()).toMatchObject({ imageIds: [1], classIds: [null] });
    expect(fs.existsSync(path.join(root, '.adma'))).toBe(true);
  });
});
