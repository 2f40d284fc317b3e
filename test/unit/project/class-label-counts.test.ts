/**
 * The class list's label counts (kept in class_label_counts by triggers, class-label-counts.ts)
 * equal a count from the rows after every step of a random sequence of every way labels and
 * images change: a label, a relabel, an unlabel, an unsure mark, a bulk label (on the host and in
 * the label writer thread, the other connection), an import with a held-out split, undo and redo,
 * a class made, renamed, merged into another or deleted, an image gone from the folder and back
 * or moved (rescans), the evaluation set grown and shrunk, another window's change, and a write
 * that fails halfway. Dropping any one trigger makes the sequence find a wrong count, so each is
 * needed and the check can fail. Also: a crash (SIGKILL) in the middle of writes, the check when
 * the project opens, and the upgrade of a schema-11 project (its labels counted once, at the open).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { importLabelsCsv } from '../../../src-main/adaptation/labels-import';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { migrate, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';
import { Project } from '../../../src-main/project/project';
import { projectDbPath } from '../../../src-main/project/project-db';
import { FolderChurn } from '../../support/folder-churn';
import { firstWrongStepOf, type NamedWrite } from '../../support/random-writes';
import { imageFolder } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** Each live class's labels on present images, from the rows themselves. */
function fromRows(db: Database.Database): Map<number, number> {
  const live = db.prepare('SELECT id FROM classes WHERE deleted_at IS NULL').pluck().all() as number[];
  const counts = new Map(live.map((id) => [id, 0]));
  const rows = db.prepare('SELECT l.class_id AS classId, i.present AS present FROM labels l JOIN images i ON i.id = l.image_id').all() as { classId: number; present: number }[];
  for (const r of rows) if (r.present === 1 && counts.has(r.classId)) counts.set(r.classId, counts.get(r.classId)! + 1);
  return counts;
}
const listed = (project: Project): Map<number, number> => new Map(project.classes.list().map((c) => [c.id, c.labelCount]));

const TRIGGERS = ['class_label_counts_label_added', 'class_label_counts_label_removed', 'class_label_counts_label_changed', 'class_label_counts_image_presence'];

/**
 * A random sequence of `steps` writes on a fresh project of 24 images, checking the class list
 * against the rows after each; returns the first step (with what it did) whose counts differ,
 * or null. `drop`: a trigger dropped first (a deliberately broken maintenance).
 */
async function firstWrongStep(seed: number, steps: number, drop?: string): Promise<string | null> {
  const { root, project, ids } = await scannedProject(24, projects);
  if (drop !== undefined) project.db.exec(`DROP TRIGGER ${drop}`);
  const store = new AdaptationStore(project.db);
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Labels are given to present images (a write naming one gone is refused whole); images gone keep theirs.
  const present = (): number[] => project.db.prepare('SELECT id FROM images WHERE present = 1 ORDER BY id').pluck().all() as number[];
  const some = (share: number): number[] => present().filter(() => random() < share);
  const one = (): number => pick(present());
  const live = (): number[] => project.classes.list().map((c) => c.id);
  const classOrNull = (): number | null => (random() < 0.15 ? null : pick(live()));
  const churn = new FolderChurn(project, root, random);
  const relPath = (id: number): string => churn.relPath(id);
  let made = 0;
  const newClass = (): number => project.classes.create(`class ${seed}-${made++}`, undefined).id;
  newClass();
  newClass();
  const writes: NamedWrite[] = [
    ['label one image', () => project.writeLabels({ kind: 'set', imageIds: [one()], classId: pick(live()) })],
    [
      'relabel a labeled image',
      () => {
        const labeled = project.db.prepare('SELECT image_id FROM labels').pluck().all() as number[];
        const others = live();
        if (labeled.length > 0 && others.length > 1) return project.writeLabels({ kind: 'set', imageIds: [pick(labeled)], classId: pick(others) });
        return undefined;
      },
    ],
    ['unlabel', () => project.writeLabels({ kind: 'set', imageIds: some(0.2).concat(one()), classId: null })],
    ['mark unsure', () => project.writeLabels({ kind: 'setUnsure', imageIds: some(0.15).concat(one()), unsure: random() < 0.8 })],
    ['bulk label (host)', () => project.writeLabels({ kind: 'set', imageIds: some(0.5).concat(one()), classId: classOrNull() })],
    // Another thread's write sends label writes to the label writer thread: its own connection.
    ['bulk label (writer thread)', () => project.whileOtherThreadWrites(() => project.writeLabels({ kind: 'setMatching', filter: { kind: 'all' }, exceptIds: some(0.5), classId: classOrNull() }))],
    ['undo', () => project.writeLabels({ kind: 'undo' })],
    ['redo', () => project.writeLabels({ kind: 'redo' })],
    ['undo (writer thread)', () => project.whileOtherThreadWrites(() => project.writeLabels({ kind: 'undo' }))],
    ['redo (writer thread)', () => project.whileOtherThreadWrites(() => project.writeLabels({ kind: 'redo' }))],
    ['another window labels', () => project.writeLabels({ kind: 'set', imageIds: some(0.2).concat(one()), classId: pick(live()), window: 'W'.repeat(22) })],
    [
      'import a CSV with a held-out split',
      async () => {
        const file = path.join(churn.aside, `labels-${made}.csv`);
        const chosen = some(0.4).concat(one());
        const name = random() < 0.3 ? `imported ${made++}` : pick(project.classes.list()).name;
        fs.writeFileSync(file, `path,class,split\n${chosen.map((id) => `${relPath(id)},"${name}",${random() < 0.3 ? 'test' : 'train'}`).join('\n')}\n`);
        return importLabelsCsv(project, file, true);
      },
    ],
    ['make a class', () => (live().length < 6 ? newClass() : undefined)],
    ['rename a class', () => project.classes.update(pick(live()), { name: `renamed ${made++}` })],
    [
      'merge a class into another (its images relabeled, then it is deleted)',
      async () => {
        const [from, into] = [pick(live()), pick(live())];
        if (from === into || live().length < 3) return;
        // As the gallery's class filter shows them: its present images (those gone keep their label and are deleted with the class).
        const images = project.db.prepare('SELECT l.image_id FROM labels l JOIN images i ON i.id = l.image_id WHERE l.class_id = ? AND i.present = 1').pluck().all(from) as number[];
        if (images.length > 0) await project.writeLabels({ kind: 'set', imageIds: images, classId: into });
        await project.writeLabels({ kind: 'deleteClass', classId: from });
      },
    ],
    ['delete a class', () => (live().length > 2 ? project.writeLabels({ kind: 'deleteClass', classId: pick(live()) }) : undefined)],
    [
      'delete a class (writer thread)',
      () => (live().length > 2 ? project.whileOtherThreadWrites(() => project.writeLabels({ kind: 'deleteClass', classId: pick(live()) })) : undefined),
    ],
    ['images gone from the folder, rescan', () => churn.gone(some(0.15))],
    ['images back in the folder, rescan', () => churn.back()],
    ['an image moved within the folder, rescan', () => churn.moved(one())],
    [
      'relabel, images gone, then undo and redo (labels of absent images change)',
      async () => {
        const labeled = project.db.prepare('SELECT l.image_id FROM labels l JOIN images i ON i.id = l.image_id WHERE i.present = 1').pluck().all() as number[];
        if (labeled.length === 0) return;
        const chosen = labeled.filter(() => random() < 0.5).concat(pick(labeled));
        await project.writeLabels({ kind: 'set', imageIds: chosen, classId: pick(live()) });
        await churn.gone(chosen.filter(() => random() < 0.5));
        await project.writeLabels({ kind: 'undo' });
        if (random() < 0.5) await project.writeLabels({ kind: 'redo' });
      },
    ],
    ['evaluation set grows', () => store.addEvaluation(some(0.2).filter((id) => !store.evaluationIds().has(id)))],
    ['evaluation set shrinks', () => store.removeEvaluation([...store.evaluationIds()].filter(() => random() < 0.5))],
    [
      'a write that fails halfway (rolled back)',
      () => {
        try {
          project.db.transaction(() => {
            project.labels.set(some(0.5).concat(one()), pick(live()), new Set(ids), true);
            project.db.prepare('UPDATE images SET present = 1 - present WHERE id = ?').run(one());
            throw new Error('stopped halfway');
          })();
        } catch {
          // expected: nothing of it stays
        }
      },
    ],
  ];
  return firstWrongStepOf(writes, steps, random, () => {
    const counted = fromRows(project.db);
    const shown = listed(project);
    return JSON.stringify([...shown].sort()) === JSON.stringify([...counted].sort()) ? null : `listed ${JSON.stringify([...shown])}, counted ${JSON.stringify([...counted])}`;
  });
}

describe('class_label_counts: the class list counts every write path exactly', () => {
  it('equal a count from the rows after every step of random sequences of every write path', async () => {
    for (const seed of [1, 2, 3]) expect(await firstWrongStep(seed, 70), `seed ${seed}`).toBeNull();
  }, 120_000);

  it('each trigger is needed: without any one of them the same sequences find a wrong count', async () => {
    for (const trigger of TRIGGERS) {
      let found: string | null = null;
      for (const seed of [1, 2, 3]) {
        found ??= await firstWrongStep(seed, 70, trigger);
        for (const p of projects.splice(0)) await p.close();
      }
      expect(found, `${trigger} dropped`).not.toBeNull();
    }
  }, 240_000);

  it('are checked and set right when the project opens, whatever the file says, a trigger dropped made again', async () => {
    const { root, project, ids } = await scannedProject(6, projects);
    const [a, b] = [project.classes.create('a', undefined), project.classes.create('b', undefined)];
    project.setLabels(ids.slice(0, 4), a.id);
    project.setLabels(ids.slice(4), b.id);
    // What no write of the app does: the counts edited from outside, one row gone.
    project.db.prepare('UPDATE class_label_counts SET labels = 99 WHERE class_id = ?').run(a.id);
    project.db.prepare('DELETE FROM class_label_counts WHERE class_id = ?').run(b.id);
    project.db.exec('DROP TRIGGER class_label_counts_image_presence');
    expect(listed(project)).toEqual(new Map([[a.id, 99], [b.id, 0]]));
    await projects.splice(0)[0]!.close();
    const again = Project.open(root, false);
    projects.push(again);
    expect(listed(again)).toEqual(new Map([[a.id, 4], [b.id, 2]]));
    // The trigger is back: an image gone is no longer counted.
    again.db.prepare('UPDATE images SET present = 0 WHERE id = ?').run(ids[0]);
    expect(listed(again)).toEqual(new Map([[a.id, 3], [b.id, 2]]));
  });

  it('a schema-11 project upgrades with its counts from its rows, labels of absent images not counted', async () => {
    const root = await imageFolder(0);
    fs.mkdirSync(path.join(root, '.adma'));
    const old = new Database(projectDbPath(root));
    migrate(old, 11);
    const image = old.prepare("INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, present, added_at) VALUES (?, 1, 1, ?, 2, 2, 'png', ?, 'now')");
    for (let k = 0; k < 5; k++) image.run(`${k}.png`, `h${k}`, k === 4 ? 0 : 1);
    old.prepare("INSERT INTO classes (name, color, hotkey, position, created_at) VALUES ('a', '#000000', '1', 0, 'now'), ('b', '#111111', '2', 1, 'now'), ('c', '#222222', '3', 2, 'now')").run();
    old.prepare("INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (1, 1, 'now', 'me'), (2, 1, 'now', 'me'), (3, 2, 'now', 'me'), (5, 2, 'now', 'me')").run();
    // The labels are counted once on the upgrade: migration 12 makes the table and its triggers,
    // the check that follows every migration at open fills it (it also filled it in the migration).
    const copy = new Database(old.serialize());
    migrate(copy, 12);
    expect(copy.prepare('SELECT COUNT(*) FROM class_label_counts').pluck().get()).toBe(0);
    expect(copy.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all()).toEqual([...TRIGGERS].sort());
    copy.close();
    old.close();
    const project = Project.open(root, false);
    projects.push(project);
    expect(schemaVersion(project.db)).toBe(SCHEMA_VERSION);
    expect(listed(project)).toEqual(new Map([[1, 2], [2, 1], [3, 0]]));
    project.setLabels([4], 3);
    expect(listed(project)).toEqual(fromRows(project.db));
  });

  it('a process killed in the middle of its writes leaves counts that match the rows (the triggers are in its transactions)', async () => {
    const { root, project, ids } = await scannedProject(30, projects);
    const classes = [project.classes.create('a', undefined).id, project.classes.create('b', undefined).id, project.classes.create('c', undefined).id];
    project.setLabels(ids, classes[0]!);
    await projects.splice(0)[0]!.close();
    const dbFile = projectDbPath(root);
    // Another process writes as fast as it can (labels changed, added, removed and images gone
    // or back, several statements per transaction) and says each commit; killed after a few.
    const writer = `
      const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(dbFile)});
      db.pragma('busy_timeout = 5000');
      const ids = ${JSON.stringify(ids)}, classes = ${JSON.stringify(classes)};
      let seed = 7; const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const pick = (xs) => xs[Math.floor(random() * xs.length)];
      const write = db.transaction(() => {
        for (let k = 0; k < 40; k++) {
          const id = pick(ids), r = random();
          if (r < 0.4) db.prepare('INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, ?, 0, 0) ON CONFLICT(image_id) DO UPDATE SET class_id = excluded.class_id').run(id, pick(classes));
          else if (r < 0.6) db.prepare('DELETE FROM labels WHERE image_id = ?').run(id);
          else db.prepare('UPDATE images SET present = ? WHERE id = ?').run(random() < 0.5 ? 1 : 0, id);
        }
      });
      for (let n = 1; ; n++) { write.immediate(); process.stdout.write(n + '\\n'); }`;
    for (const commits of [3, 20, 60]) {
      const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve) => {
        let seen = '';
        child.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.split('\n').length > commits) resolve();
        });
      });
      child.kill('SIGKILL');
      await exited;
      // Before any check could set them right: as the last commit left them.
      const raw = new Database(dbFile);
      const kept = new Map(raw.prepare('SELECT class_id, labels FROM class_label_counts').raw().all() as [number, number][]);
      expect(new Map(classes.map((id) => [id, kept.get(id) ?? 0])), `after ${commits} commits`).toEqual(fromRows(raw));
      raw.close();
    }
    const reopened = Project.open(root, false);
    projects.push(reopened);
    expect(listed(reopened)).toEqual(fromRows(reopened.db));
  });
});
