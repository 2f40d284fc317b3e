/**
 * The project database's planner statistics (project-db.ts refreshPlannerStatistics): gathered
 * when a project without them opens, after a scan (the images table from nothing to all of them)
 * and at close (tables that grew while open), by the host's connection; and the gallery's
 * "Labeled" order, with statistics, looks up the labeled images instead of walking every image.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PLANNER_STATISTICS_EVERY_MS, Project } from '../../../src-main/project/project';
import { projectDbPath, refreshPlannerStatistics } from '../../../src-main/project/project-db';
import { imageFolder } from '../../support/image-folder';
import { addSyntheticImages } from '../../support/synthetic-images';

const opened: Project[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const project of opened.splice(0)) await project.close();
});

function open(root: string, create: boolean): Project {
  const project = Project.open(root, create);
  opened.push(project);
  return project;
}

/** Rows the statistics give each table (the first number of its indexes' stat), read by a connection of its own. */
function analysedRows(root: string): Record<string, number> {
  const db = new Database(projectDbPath(root), { readonly: true });
  try {
    const has = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get() as number;
    if (!has) return {};
    const rows = db.prepare('SELECT tbl, stat FROM sqlite_stat1').all() as { tbl: string; stat: string }[];
    return Object.fromEntries(rows.map((row) => [row.tbl, Number(row.stat.split(' ')[0])]));
  } finally {
    db.close();
  }
}

/** Images rows without files (the plan only needs their number); ids of the new rows. */
function addImageRows(project: Project, count: number): number[] {
  const insert = project.db.prepare(
    "INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, orientation, present, added_at) VALUES (?, 1, ?, ?, 10, 10, 'png', 1, 1, 'x')",
  );
  return project.db.transaction(() => Array.from({ length: count }, (_, k) => Number(insert.run(`rows/${String(k).padStart(5, '0')}.png`, k, `row-${k}`).lastInsertRowid)))();
}

describe('planner statistics', () => {
  it('are gathered by a first scan, at close for tables that grew, and again when a project without them opens', async () => {
    const root = await imageFolder(12);
    const project = open(root, true);
    expect(analysedRows(root).images ?? 0).toBe(0);
    await project.rescan();
    expect(analysedRows(root).images).toBe(12);

    const ids = addImageRows(project, 3000);
    project.setLabels(ids.slice(0, 30), project.classes.create('ant', undefined).id);
    project.images.order({ kind: 'labeled' });
    await project.close();
    const closed = analysedRows(root);
    expect(closed.images).toBeGreaterThan(2000); // sampled under SQLite's analysis limit: near 3,012
    expect(closed.labels).toBe(30);

    // A project from before (no statistics): opening gathers them.
    const db = new Database(projectDbPath(root));
    db.exec('DELETE FROM sqlite_stat1');
    db.close();
    expect(analysedRows(root)).toEqual({});
    open(root, false);
    expect(analysedRows(root).images).toBeGreaterThan(2000);
    expect(analysedRows(root).labels).toBe(30);
  });

  it('are refreshed every few hours while the project stays open', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const root = await imageFolder(3);
    const project = open(root, true);
    await project.rescan();
    const ids = addImageRows(project, 3000);
    project.setLabels(ids.slice(0, 40), project.classes.create('ant', undefined).id);
    project.images.order({ kind: 'labeled' });
    expect(analysedRows(root)).toMatchObject({ images: 3 });
    expect(analysedRows(root).labels).toBeUndefined();
    vi.advanceTimersByTime(PLANNER_STATISTICS_EVERY_MS);
    expect(analysedRows(root).images).toBeGreaterThan(2000);
    expect(analysedRows(root).labels).toBe(40);
  });

  it('never wait for another connection holding the write lock: kept as they were until the next refresh', async () => {
    const root = await imageFolder(3);
    const project = open(root, true);
    await project.rescan();
    addImageRows(project, 3000);
    project.images.order({ kind: 'all' });
    const writer = new Database(projectDbPath(root));
    try {
      writer.exec('BEGIN IMMEDIATE'); // as a writer thread holds it through a large write
      refreshPlannerStatistics(project.db, 'used-tables');
      expect(analysedRows(root).images).toBe(3);
      expect(project.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      writer.exec('COMMIT');
    } finally {
      writer.close();
    }
    refreshPlannerStatistics(project.db, 'used-tables');
    expect(analysedRows(root).images).toBeGreaterThan(2000);
  });

  it('let the natural name order (the gallery\'s, the label view\'s folder order) walk its index both ways at 100,000 images, not sort them', async () => {
    const root = await imageFolder(2);
    const project = open(root, true);
    await project.rescan();
    addSyntheticImages(project.db, 100_000);
    refreshPlannerStatistics(project.db, 'all-tables'); // as at the next open
    const prepared: string[] = [];
    const prepare = project.db.prepare.bind(project.db);
    vi.spyOn(project.db, 'prepare').mockImplementation((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    });
    for (const filter of [{ kind: 'all' }, { kind: 'unlabeled' }] as const) {
      for (const descending of [false, true]) {
        const page = project.images.list(filter, 0, 3, { key: 'name', descending });
        expect(page.items.map((i) => i.relPath)).toEqual(descending ? ['synthetic/0100000.png', 'synthetic/0099999.png', 'synthetic/0099998.png'] : ['img-0000.png', 'img-0001.png', 'synthetic/0000001.png']);
        const plan = (prepare(`EXPLAIN QUERY PLAN ${prepared.at(-1)!}`).all(3, 0) as { detail: string }[]).map((row) => row.detail);
        expect(plan.join('\n')).toMatch(/^SCAN i USING INDEX images_name$/m);
        expect(plan.filter((step) => step.includes('TEMP B-TREE FOR ORDER BY')), plan.join('\n')).toEqual([]);
      }
    }
  });

  it('let the "Labeled" order look up the few labeled images, not walk every image', async () => {
    const root = await imageFolder(2);
    let project = open(root, true);
    const ids = addImageRows(project, 3000);
    const ant = project.classes.create('ant', undefined);
    project.setLabels(ids.filter((_, k) => k % 100 === 7), ant.id);
    await project.close();
    opened.splice(0);
    project = open(root, false); // analysed at open
    expect(analysedRows(root).labels).toBe(30);

    const prepared: string[] = [];
    const prepare = project.db.prepare.bind(project.db);
    vi.spyOn(project.db, 'prepare').mockImplementation((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    });
    const order = project.images.order({ kind: 'labeled' }, { key: 'name', descending: false });
    expect(Array.from(order)).toEqual(ids.filter((_, k) => k % 100 === 7));
    const plan = (prepare(`EXPLAIN QUERY PLAN ${prepared.at(-1)!}`).all() as { detail: string }[]).map((row) => row.detail);
    expect(plan.filter((step) => /^SCAN i\b/.test(step) || step.includes('images_present')), plan.join('\n')).toEqual([]);
  });
});
