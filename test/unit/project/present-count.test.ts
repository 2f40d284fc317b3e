/**
 * The count of present images (PRESENT_IMAGE_COUNT, image-index.ts: every image less those not
 * present, where it used to walk every present image's index entry) equals a count from the rows
 * through every way an image's presence changes: files gone, back, moved, new and made unreadable,
 * each followed by a rescan, alongside labels, unsure marks, class deletes, evaluation samples, a
 * write rolled back and fresh planner statistics. Every reader of the count agrees: presentCount,
 * counts() (the project summary and the scan's report) and AdaptationStore.placeCounts (the
 * dashboard's room). Also: exactly `present = 1` is present, whatever else the column holds, and
 * the count does not search images_present for the present images (what cost 3–40 ms at 100,000).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { PRESENT_IMAGE_COUNT } from '../../../src-main/project/image-index';
import { migrate } from '../../../src-main/project/migrations';
import { Project } from '../../../src-main/project/project';
import { refreshPlannerStatistics } from '../../../src-main/project/project-db';
import { FolderChurn } from '../../support/folder-churn';
import { firstWrongStepOf, type NamedWrite } from '../../support/random-writes';
import { writeImage } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

const fromRows = (db: Database.Database): number => db.prepare('SELECT COUNT(*) FROM images WHERE present = 1').pluck().get() as number;

/** What each reader says, next to the rows' count. */
function readers(project: Project): Record<string, number> {
  return {
    rows: fromRows(project.db),
    presentCount: project.images.presentCount(),
    counts: project.images.counts().images,
    summary: project.summary().imageCount,
    placeCounts: new AdaptationStore(project.db).placeCounts().present,
  };
}

/** A random sequence of `steps` changes on a scanned project; the first step whose counts differ, or null. */
async function firstWrongStep(seed: number, steps: number): Promise<string | null> {
  const { root, project } = await scannedProject(12, projects);
  const store = new AdaptationStore(project.db);
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const present = (): number[] => project.db.prepare('SELECT id FROM images WHERE present = 1 ORDER BY id').pluck().all() as number[];
  const some = (share: number): number[] => present().filter(() => random() < share);
  const churn = new FolderChurn(project, root, random);
  const relPath = (id: number): string => churn.relPath(id);
  let made = 0;
  const classes = [project.classes.create('a', undefined).id, project.classes.create('b', undefined).id];
  const writes: NamedWrite[] = [
    ['files gone, rescan', () => churn.gone(some(0.25))],
    ['files back, rescan', () => churn.back()],
    [
      'a file moved within the folder, rescan',
      () => {
        const ids = present();
        return ids.length === 0 ? undefined : churn.moved(pick(ids));
      },
    ],
    [
      'new files, rescan',
      async () => {
        for (let k = 0; k < 1 + Math.floor(random() * 3); k++) await writeImage(path.join(root, `new-${seed}-${made++}.png`), 1000 + seed * 100 + made);
        return project.rescan();
      },
    ],
    [
      'a file made unreadable, rescan',
      () => {
        const ids = present();
        if (ids.length === 0) return undefined;
        fs.writeFileSync(path.join(root, relPath(pick(ids))), 'not an image any more');
        return project.rescan();
      },
    ],
    ['label', () => project.writeLabels({ kind: 'set', imageIds: some(0.4), classId: pick(classes) })],
    ['unlabel', () => project.writeLabels({ kind: 'set', imageIds: some(0.3), classId: null })],
    ['mark unsure', () => project.writeLabels({ kind: 'setUnsure', imageIds: some(0.2), unsure: true })],
    ['undo', () => project.writeLabels({ kind: 'undo' })],
    ['delete a class and make another', async () => {
      await project.writeLabels({ kind: 'deleteClass', classId: classes.shift()! });
      classes.push(project.classes.create(`c${made++}`, undefined).id);
    }],
    ['evaluation set grows', () => store.addEvaluation(some(0.2).filter((id) => !store.evaluationIds().has(id)))],
    [
      'a presence change rolled back',
      () => {
        try {
          project.db.transaction(() => {
            project.db.prepare('UPDATE images SET present = 1 - present WHERE id IN (SELECT id FROM images ORDER BY random() LIMIT 3)').run();
            throw new Error('stopped halfway');
          })();
        } catch {
          // expected: nothing of it stays
        }
      },
    ],
    ['planner statistics refreshed', () => refreshPlannerStatistics(project.db, 'all-tables')],
  ];
  return firstWrongStepOf(writes, steps, random, () => {
    const said = readers(project);
    return Object.values(said).some((n) => n !== said.rows) ? JSON.stringify(said) : null;
  });
}

describe('the count of present images', () => {
  it('equals a count from the rows in every reader after every step of random sequences of scans and label writes', async () => {
    for (const seed of [1, 2, 3]) expect(await firstWrongStep(seed, 40), `seed ${seed}`).toBeNull();
  }, 120_000);

  it('counts exactly the images whose present is 1, whatever else the column was given from outside', () => {
    const db = new Database(':memory:');
    migrate(db);
    const image = db.prepare("INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, present, added_at) VALUES (?, 1, 1, ?, 2, 2, 'png', ?, 'now')");
    const values: unknown[] = [1, 0, 1, 2, -1, 1, 0.5, 'yes', 1, Buffer.from([1]), '1', 1.0];
    values.forEach((present, k) => image.run(`${k}.png`, `h${k}`, present));
    // '1' and 1.0 are stored as the integer 1 (the column's integer affinity): 6 of 12 are present.
    expect(fromRows(db)).toBe(6);
    expect(db.prepare(PRESENT_IMAGE_COUNT).pluck().get()).toBe(6);
    db.close();
  });

  it('finds the images not present through images_present and never searches it for the present ones', () => {
    const db = new Database(':memory:');
    migrate(db);
    const image = db.prepare("INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, present, added_at) VALUES (?, 1, 1, ?, 2, 2, 'png', ?, 'now')");
    db.transaction(() => {
      for (let k = 0; k < 5000; k++) image.run(`${k}.png`, `h${k}`, k % 100 === 0 ? 0 : 1);
    })();
    for (const statistics of [false, true]) {
      if (statistics) refreshPlannerStatistics(db, 'all-tables');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${PRESENT_IMAGE_COUNT}`).all() as { detail: string }[]).map((p) => p.detail);
      expect(plan.filter((d) => d.includes('images_present')), `statistics: ${statistics}`).toEqual([
        'SEARCH images USING COVERING INDEX images_present (present<?)',
        'SEARCH images USING COVERING INDEX images_present (present>?)',
      ]);
      expect(db.prepare(PRESENT_IMAGE_COUNT).pluck().get()).toBe(4950);
    }
    db.close();
  });
});
