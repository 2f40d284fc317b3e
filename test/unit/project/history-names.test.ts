/**
 * The History is an audit trail: each row names a class as it was named when the change was
 * made (a rename, a delete, a restore under " (restored)" later change nothing in it), and a
 * class's own changes are rows too: its delete with labels or none, the undo and redo of that
 * delete, its renames. Projects of schema 8 upgrade with their rows' names read back.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassHistoryEntry, HistoryItem } from '../../../src-shared/contract';
import { migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';
import { projectDbPath } from '../../../src-main/project/project-db';
import { Project } from '../../../src-main/project/project';
import { imageFolder } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** A class change's kind and names, or a label row's image and names: what the History shows. */
const shown = (items: HistoryItem[]) =>
  items.map((e) => (e.subject === 'class' ? ['class', e.kind, e.oldName, e.newName, e.images] : [e.imageId, e.kind, e.oldClassName, e.newClassName]));

const classRows = (items: HistoryItem[]): ClassHistoryEntry[] => items.filter((e): e is ClassHistoryEntry => e.subject === 'class');

describe('history names and class changes', () => {
  it('each row keeps the names of its classes at the time, through rename, delete and restore under another name', async () => {
    const { project, ids } = await scannedProject(4, projects);
    const bee = project.classes.create('bee', undefined);
    project.setLabels([ids[0]!], bee.id);
    project.classes.update(bee.id, { name: 'honeybee' });
    project.setLabels([ids[1]!], bee.id);
    project.deleteClass(bee.id);
    // A new class takes the name meanwhile: the undo brings the old one back as "honeybee (restored)".
    const other = project.classes.create('honeybee', undefined);
    const undone = project.labels.undo();
    expect(undone?.classDeletion?.notes.join(' ')).toMatch(/back as “honeybee \(restored\)”/);
    project.classes.update(bee.id, { name: 'Apis' });
    project.setLabels([ids[0]!], other.id);

    expect(shown(project.labels.history(ids[0], 10))).toEqual([
      [ids[0], 'set', 'Apis', 'honeybee'],
      [ids[0], 'undo', null, 'honeybee (restored)'],
      [ids[0], 'class-deleted', 'honeybee', null],
      [ids[0], 'set', null, 'bee'],
    ]);
    expect(project.labels.history(ids[0], 10).every((e) => !e.classNamesBackfilled)).toBe(true);

    // The whole History: the class's own changes among the label rows, each heading its images' rows.
    expect(shown(project.labels.changes(100))).toEqual([
      [ids[0], 'set', 'Apis', 'honeybee'],
      ['class', 'renamed', 'honeybee (restored)', 'Apis', 2],
      ['class', 'undo', 'honeybee', 'honeybee (restored)', 2],
      [ids[0], 'undo', null, 'honeybee (restored)'],
      [ids[1], 'undo', null, 'honeybee (restored)'],
      ['class', 'class-deleted', 'honeybee', null, 2],
      [ids[1], 'class-deleted', 'honeybee', null],
      [ids[0], 'class-deleted', 'honeybee', null],
      [ids[1], 'set', null, 'honeybee'],
      ['class', 'renamed', 'bee', 'honeybee', 1],
      [ids[0], 'set', null, 'bee'],
    ]);
    // A change of case only is a rename too; the same name again is none.
    project.classes.update(other.id, { name: 'HoneyBee' });
    project.classes.update(other.id, { name: 'HoneyBee' });
    expect(classRows(project.labels.changes(100)).filter((e) => e.kind === 'renamed').map((e) => [e.oldName, e.newName])).toEqual([
      ['honeybee', 'HoneyBee'],
      ['honeybee (restored)', 'Apis'],
      ['bee', 'honeybee'],
    ]);
  });

  it('a class deleted without labels, its undo and its redo, are History rows with who and when', async () => {
    const { project, ids } = await scannedProject(3, projects);
    const ant = project.classes.create('ant', undefined);
    const platelet = project.classes.create('platelet', undefined);
    project.setLabels([ids[0]!], ant.id);
    const deleted = project.deleteClass(platelet.id);
    expect(deleted.imageIds).toEqual([]);
    project.labels.undo();
    project.labels.redo();
    const items = project.labels.changes(100);
    expect(shown(items)).toEqual([
      ['class', 'redo', 'platelet', null, 0],
      ['class', 'undo', 'platelet', 'platelet', 0],
      ['class', 'class-deleted', 'platelet', null, 0],
      [ids[0], 'set', null, 'ant'],
    ]);
    for (const e of classRows(items)) {
      expect(e).toMatchObject({ actionId: deleted.actionId, classId: platelet.id, backfilled: false });
      expect(e.actor).toBeTruthy();
      expect(Date.parse(e.at)).not.toBeNaN();
    }
    // One image's history has only its own rows; a limit counts both kinds.
    expect(project.labels.history(ids[0], 10)).toHaveLength(1);
    expect(shown(project.labels.changes(2))).toEqual(shown(items.slice(0, 2)));
    // Undo and redo still work from the label action alone.
    expect(project.labels.undo()?.classDeletion).toMatchObject({ classId: platelet.id, restored: true });
    expect(project.classes.list().map((c) => c.name)).toEqual(['ant', 'platelet']);
  });
});

/** Take a project's database back to schema 8 (what that version wrote): no names in the history, no class_history, no action's window. */
function toSchema8(db: Database.Database): void {
  db.exec(`
    ALTER TABLE label_actions DROP COLUMN window_id;
    DROP TABLE class_history;
    ALTER TABLE label_history DROP COLUMN old_class_name;
    ALTER TABLE label_history DROP COLUMN new_class_name;
    ALTER TABLE label_history DROP COLUMN class_names_backfilled;
  `);
  db.pragma('user_version = 8');
}

const T = (n: number): string => `2026-01-0${n}T10:00:00.000Z`;

/**
 * A schema-8 project's rows as that version wrote them: an older version's delete of "moth"
 * (with a label) and of "gnat" (without: only deleted_at), a labeled "bee" deleted and brought
 * back as "bee (restored)" because a new "bee" was made meanwhile (its undo then dropped by a
 * newer action), "platelet" deleted without labels, "wasp" deleted without labels and undone,
 * a label of a class the expert named "moss (restored)" (an older version's row, no action).
 */
function schema8Rows(db: Database.Database): void {
  const cls = db.prepare('INSERT INTO classes (id, name, color, hotkey, position, created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  cls.run(1, 'ant', '#000000', '1', 0, T(1), null);
  cls.run(2, 'bee (restored)', '#000000', '2', 1, T(1), null);
  cls.run(3, 'platelet', '#000000', '3', 2, T(1), T(4));
  cls.run(4, 'moth', '#000000', '4', 3, T(1), T(1));
  cls.run(5, 'bee', '#000000', '5', 4, '2026-01-02T11:00:00.000Z', null);
  cls.run(6, 'gnat', '#000000', '6', 5, T(1), '2025-12-03T10:00:00.000Z');
  cls.run(7, 'wasp', '#000000', '7', 6, T(1), null);
  cls.run(8, 'moss (restored)', '#000000', '8', 7, T(1), null); // so named by the expert: no "moss" was made while it was deleted
  const action = db.prepare('INSERT INTO label_actions (id, state, created_at, state_changed_at) VALUES (?, ?, ?, ?)');
  action.run(1, 'done', T(1), T(1));
  action.run(2, 'dropped', T(2), T(4));
  action.run(3, 'done', T(4), T(4));
  action.run(4, 'undone', T(5), T(6));
  const row = db.prepare('INSERT INTO label_history (id, action_id, image_id, old_class_id, new_class_id, kind, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  row.run(1, null, 4, null, 4, 'set', 'old', '2025-12-01T10:00:00.000Z');
  row.run(2, null, 4, 4, null, 'class-deleted', 'old', '2025-12-02T10:00:00.000Z');
  row.run(3, 1, 1, null, 1, 'set', 'me', T(1));
  row.run(4, 1, 2, null, 2, 'set', 'me', T(1));
  row.run(5, 1, 3, null, 2, 'set', 'me', T(1));
  row.run(6, 2, 2, 2, null, 'class-deleted', 'me', T(2));
  row.run(7, 2, 3, 2, null, 'class-deleted', 'me', T(2));
  row.run(8, 2, 2, null, 2, 'undo', 'you', T(3));
  row.run(9, 2, 3, null, 2, 'undo', 'you', T(3));
  row.run(10, null, 4, null, 8, 'set', 'old', T(7));
  const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  meta.run('deleted-class:2', JSON.stringify({ classId: 2, index: 1 }));
  meta.run('deleted-class:3', JSON.stringify({ classId: 3, index: 2 }));
  meta.run('deleted-class:4', JSON.stringify({ classId: 7, index: 5 }));
  db.exec("INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (1, 1, '2026-01-01T10:00:00.000Z', 'me'), (2, 2, '2026-01-01T10:00:00.000Z', 'me'), (3, 2, '2026-01-01T10:00:00.000Z', 'me'), (4, 8, '2026-01-07T10:00:00.000Z', 'old')");
}

async function schema8Project(): Promise<string> {
  const root = await imageFolder(4);
  const made = Project.open(root, true);
  await made.rescan();
  await made.close();
  const db = new Database(projectDbPath(root));
  toSchema8(db);
  schema8Rows(db);
  db.close();
  return root;
}

describe('migration 9: history names and class changes from a schema-8 project', () => {
  it('is migration 9 (of the schema versions up to SCHEMA_VERSION)', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(9);
    expect(migrations[8]).toBeDefined();
  });

  it('upgrades with the names read back, marked so, and the class changes the old rows tell', async () => {
    const root = await schema8Project();
    const project = Project.open(root, false);
    projects.push(project);
    expect(schemaVersion(project.db)).toBe(SCHEMA_VERSION);
    expect(project.summary().labeledCount).toBe(4);

    // "bee" was deleted before another "bee" was made, so its "(restored)" came from the undo:
    // its rows until then name it "bee". "moss (restored)" has no such evidence and keeps its name.
    const items = project.labels.changes(100);
    expect(shown(items)).toEqual([
      [4, 'set', null, 'moss (restored)'],
      ['class', 'undo', 'wasp', 'wasp', 0],
      ['class', 'class-deleted', 'wasp', null, 0],
      ['class', 'class-deleted', 'platelet', null, 0],
      ['class', 'undo', 'bee', 'bee (restored)', 2],
      [3, 'undo', null, 'bee (restored)'],
      [2, 'undo', null, 'bee (restored)'],
      ['class', 'class-deleted', 'bee', null, 2],
      [3, 'class-deleted', 'bee', null],
      [2, 'class-deleted', 'bee', null],
      [3, 'set', null, 'bee'],
      [2, 'set', null, 'bee'],
      [1, 'set', null, 'ant'],
      ['class', 'class-deleted', 'gnat', null, 0],
      ['class', 'class-deleted', 'moth', null, 1],
      [4, 'class-deleted', 'moth', null],
      [4, 'set', null, 'moth'],
    ]);
    // Who and when come from the rows; a change no row tells has no "who".
    const classes = classRows(items);
    expect(classes.map((e) => [e.actionId, e.actor, e.at, e.backfilled])).toEqual([
      [4, null, T(6), true],
      [4, null, T(5), true],
      [3, null, T(4), true],
      [2, 'you', T(3), true],
      [2, 'me', T(2), true],
      [null, null, '2025-12-03T10:00:00.000Z', true],
      [null, 'old', '2025-12-02T10:00:00.000Z', true],
    ]);
    expect(items.filter((e) => e.subject === 'image').every((e) => e.subject === 'image' && e.classNamesBackfilled)).toBe(true);

    // From now on the names are frozen: a rename after the upgrade leaves the older rows as they were.
    project.classes.update(1, { name: 'formica' });
    project.setLabels([4], 1);
    const after = project.labels.changes(3);
    expect(shown(after)).toEqual([
      [4, 'set', 'moss (restored)', 'formica'],
      ['class', 'renamed', 'ant', 'formica', 1],
      [4, 'set', null, 'moss (restored)'],
    ]);
    expect(after[0]).toMatchObject({ classNamesBackfilled: false });
    expect(project.labels.history(1, 5)).toMatchObject([{ newClassName: 'ant', classNamesBackfilled: true }]);
    // Undo still reads the label actions alone: the newest done action is the rename-free label of image 4.
    expect(project.labels.undo()).toMatchObject({ imageIds: [4], classIds: [8] });
  });

  it('is idempotent: run again, it adds and changes nothing', async () => {
    const root = await schema8Project();
    const project = Project.open(root, false);
    projects.push(project);
    const dump = () => [
      project.db.prepare('SELECT * FROM class_history ORDER BY id').all(),
      project.db.prepare('SELECT * FROM label_history ORDER BY id').all(),
    ];
    const before = dump();
    project.db.transaction(() => migrations[8]!(project.db))();
    migrate(project.db);
    expect(dump()).toEqual(before);
    expect(schemaVersion(project.db)).toBe(SCHEMA_VERSION);
  });

  it('is atomic: when it fails, the project stays at schema 8 with nothing added', async () => {
    const root = await schema8Project();
    const db = new Database(projectDbPath(root));
    // A table in its way (not one the app makes) makes the migration fail after its first steps.
    db.exec('CREATE TABLE class_history (x)');
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(8);
    const columns = (db.prepare('PRAGMA table_info(label_history)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('old_class_name');
    expect(db.prepare('SELECT COUNT(*) FROM label_history').pluck().get()).toBe(10);
    db.close();
  });

  it('a project from a newer version is still refused, untouched', async () => {
    const root = await schema8Project();
    const db = new Database(projectDbPath(root));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Project.open(root, false)).toThrowError(/newer version of ADMA Studio/);
    const again = new Database(projectDbPath(root));
    expect(schemaVersion(again)).toBe(SCHEMA_VERSION + 1);
    expect((again.prepare('PRAGMA table_info(label_history)').all() as { name: string }[]).map((c) => c.name)).not.toContain('old_class_name');
    again.close();
  });
});
