/**
 * Migration 10: each label action keeps the window whose request made it, so Ctrl+Z and
 * Ctrl+Shift+Z in one window can ask before taking back or bringing back another window's change.
 * A schema-10 project upgrades with its actions kept and made by no known window (null: undone at
 * once, as before); the actions made after the upgrade carry their window, undo and redo keep it.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';
import { projectDbPath } from '../../../src-main/project/project-db';
import { Project } from '../../../src-main/project/project';
import { imageFolder } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

const WINDOW = 'aWindowIdOf22Letters__';
const windowColumn = (db: Database.Database): boolean =>
  (db.prepare('PRAGMA table_info(label_actions)').all() as { name: string }[]).some((c) => c.name === 'window_id');

/** A project labeled by schema 10 (what the previous version wrote): two actions, the second undone. */
async function schema10Project(): Promise<string> {
  const root = await imageFolder(3);
  const made = Project.open(root, true);
  await made.rescan();
  const ant = made.classes.create('ant', undefined);
  made.setLabels([1, 2], ant.id);
  made.setLabels([3], ant.id);
  made.labels.undo();
  await made.close();
  const db = new Database(projectDbPath(root));
  db.exec('ALTER TABLE label_actions DROP COLUMN window_id');
  db.pragma('user_version = 10');
  db.close();
  return root;
}

describe('migration 11: the window that made a label action', () => {
  it('is among the migrations', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(11);
  });

  it('upgrades a schema-10 project: its actions are no window’s, undo and redo work as before, new actions keep their window', async () => {
    const root = await schema10Project();
    const project = Project.open(root, false);
    projects.push(project);
    expect(schemaVersion(project.db)).toBe(SCHEMA_VERSION);
    expect(project.summary().labeledCount).toBe(2);
    expect(project.labels.nextUndo()).toMatchObject({ images: 2, window: null });
    expect(project.labels.nextRedo()).toMatchObject({ images: 1, window: null });
    expect(project.labels.redo()).toMatchObject({ imageIds: [3] });

    // A label this window gives after the upgrade is its own; its undo and redo do not change whose it is.
    const given = project.labels.set([1], null, new Set([1, 2, 3]), true, WINDOW);
    expect(project.labels.nextUndo()).toMatchObject({ actionId: given.actionId, window: WINDOW });
    project.labels.undo();
    expect(project.labels.nextRedo()).toMatchObject({ actionId: given.actionId, window: WINDOW });
    project.labels.redo();
    expect(project.labels.nextUndo()).toMatchObject({ actionId: given.actionId, window: WINDOW });
    expect(project.db.prepare('SELECT window_id FROM label_actions ORDER BY id').pluck().all()).toEqual([null, null, WINDOW]);
  });

  it('adds only the column, with nothing else of the schema changed', () => {
    const db = new Database(':memory:');
    migrate(db, 10);
    const before = db.prepare("SELECT name, sql FROM sqlite_master WHERE name <> 'label_actions' ORDER BY name").all();
    db.transaction(() => migrations[10]!(db))();
    expect(windowColumn(db)).toBe(true);
    expect(db.prepare("SELECT name, sql FROM sqlite_master WHERE name <> 'label_actions' ORDER BY name").all()).toEqual(before);
    db.close();
  });
});
