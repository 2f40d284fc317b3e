/**
 * Gallery pages from kept orders (image-order.ts) equal the OFFSET query's pages for every
 * filter, sort key and direction, with ties on every key; after labels, unsure marks, a commit
 * of another connection (as the writer threads commit) and a rescan that adds and removes
 * images between pages; an order is read by the thread once and then served from memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Project, currentActor } from '../../../src-main/project/project';
import { ImageOrders } from '../../../src-main/project/image-order';
import { projectDbPath } from '../../../src-main/project/project-db';
import { IMAGE_SORT_KEYS, type ImageFilter, type ImageSort } from '../../../src-shared/requests/images';
import { imageFolder, writeImage } from '../../support/image-folder';

const opened: { project: Project; orders: ImageOrders }[] = [];
afterEach(async () => {
  for (const { project, orders } of opened.splice(0)) {
    await orders.close();
    await project.close();
  }
});

const COUNT = 30;

async function setup() {
  const root = await imageFolder(COUNT, { subfolders: true });
  const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.png'));
  // Ties on the date: three dates for thirty files.
  files.forEach((f, k) => fs.utimesSync(path.join(root, f), new Date(2020, 0, 1 + (k % 3)), new Date(2020, 0, 1 + (k % 3))));
  const project = Project.open(root, true);
  await project.rescan();
  // Every page through the order reader thread (a threshold of 0 images).
  const orders = new ImageOrders(project.db, project.images, () => ({ dbFile: projectDbPath(root), actor: currentActor() }), () => COUNT, 0);
  opened.push({ project, orders });
  const ids = project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id);
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  // Predictions for all but the last five: two classes, four probabilities (ties on both keys).
  const predict = project.db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, ?)');
  ids.slice(0, -5).forEach((id, k) => predict.run(id, k % 2 ? ant.id : bee.id, [0.5, 0.7, 0.9, 0.7][k % 4]));
  // Query scores for every third image, three values, one image queried twice (its latest score counts).
  project.db.exec(`INSERT INTO rounds (id, round_index, model_id, strategy, schedule, batch_size, model_version, created_at)
    VALUES (1, 0, 'm', 'adma', '{}', 10, 0, 'x'), (2, 1, 'm', 'adma', '{}', 10, 0, 'y')`);
  const query = project.db.prepare('INSERT INTO round_items (round_id, position, image_id, score, reason) VALUES (?, ?, ?, ?, ?)');
  ids.filter((_, k) => k % 3 === 0).forEach((id, k) => query.run(1, k, id, [0.2, 0.4, 0.2][k % 3], 'r'));
  query.run(2, 0, ids[3], 0.9, 'r');
  project.setLabels(ids.slice(0, 6), ant.id);
  project.setLabels(ids.slice(6, 9), bee.id);
  project.setUnsure([ids[10]!, ids[11]!], true);
  project.db.prepare('INSERT INTO evaluation_images (image_id, added_at) VALUES (?, ?)').run(ids[12], 'x');
  return { root, project, orders, ids, ant, bee };
}

function filtersOf(ant: { id: number }, bee: { id: number }): ImageFilter[] {
  return [
    { kind: 'all' },
    { kind: 'unlabeled' },
    { kind: 'labeled' },
    { kind: 'unsure' },
    { kind: 'class', classId: ant.id },
    { kind: 'evaluation' },
    { kind: 'predicted', classId: bee.id },
  ];
}

const SORTS: ImageSort[] = IMAGE_SORT_KEYS.flatMap((key) => [
  { key, descending: false },
  { key, descending: true },
]);

/** Page through with `limit`, checking each page against OFFSET; `between` runs after each page. */
async function expectSamePages(project: Project, orders: ImageOrders, filter: ImageFilter, sort: ImageSort, limit: number, between: (page: number) => void | Promise<void> = () => undefined): Promise<void> {
  for (let offset = 0, page = 0; offset <= COUNT + limit; offset += limit, page++) {
    const listed = await orders.list(filter, offset, limit, sort);
    expect(listed, `${JSON.stringify(filter)} ${sort.key}${sort.descending ? ' desc' : ''} @${offset}`).toEqual(project.images.list(filter, offset, limit, sort));
    await between(page);
  }
}

describe('gallery pages from kept orders', () => {
  it('equal the OFFSET pages for every filter, sort key and direction (ties on every key), reading each order once', async () => {
    const { project, orders, ant, bee } = await setup();
    for (const filter of filtersOf(ant, bee)) {
      for (const sort of SORTS) {
        const before = orders.threadReads;
        await expectSamePages(project, orders, filter, sort, 7);
        expect(orders.threadReads - before).toBe(1); // the first page read the order, the others sliced it
      }
    }
  });

  it('stay equal when labels, unsure marks, another connection and a rescan change the project between pages', async () => {
    const { root, project, orders, ids, ant, bee } = await setup();
    const other = new Database(projectDbPath(root));
    let added = 0;
    try {
      const changes: (() => void | Promise<void>)[] = [
        () => void project.setLabels([ids[20]!], bee.id),
        () => void project.setUnsure([ids[21]!], true),
        // A commit of another connection, as the label and version writer threads commit.
        () => void other.prepare('INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, ?, ?, ?)').run(ids[22], ant.id, 'x', 'y'),
        () => void other.prepare('UPDATE predictions SET probability = 0.1, class_id = ? WHERE image_id = ?').run(bee.id, ids[1]),
        async () => {
          // One image removed, two added (first and last by name), all between two pages.
          added++;
          fs.rmSync(path.join(root, project.images.list({ kind: 'all' }, 14, 1).items[0]!.relPath));
          await writeImage(path.join(root, 'group-0', `aaa-added-${added}.png`), 500 + added);
          await writeImage(path.join(root, `zzz-added-${added}.png`), 600 + added);
          await project.rescan();
        },
        () => void project.setLabels([ids[20]!, ids[22]!], null),
      ];
      let step = 0;
      for (const filter of filtersOf(ant, bee)) {
        for (const sort of [SORTS[0]!, SORTS[3]!, SORTS[5]!, SORTS[8]!]) {
          await expectSamePages(project, orders, filter, sort, 11, async (page) => {
            if (page % 2 === 0) await changes[step++ % changes.length]!();
          });
        }
      }
      expect(added).toBeGreaterThan(1);
    } finally {
      other.close();
    }
  });

  it('page a small project with OFFSET on the host, without the thread', async () => {
    const { project, ant, bee } = await setup();
    const small = new ImageOrders(project.db, project.images, () => ({ dbFile: projectDbPath(project.root), actor: currentActor() }), () => COUNT);
    try {
      for (const filter of filtersOf(ant, bee)) await expectSamePages(project, small, filter, SORTS[4]!, 13);
      expect(small.threadReads).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('read the prediction once in an OFFSET page that sorts or filters by it; an evaluation image sorts by its prediction and shows no suggestion', async () => {
    const { project, ids, ant, bee } = await setup();
    const evaluation = ids[12]!; // predicted bee at 0.5, in the evaluation set
    const prepared: string[] = [];
    const prepare = project.db.prepare.bind(project.db);
    vi.spyOn(project.db, 'prepare').mockImplementation((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    });
    const cases: [ImageFilter, ImageSort][] = [
      [{ kind: 'all' }, { key: 'prediction', descending: false }],
      [{ kind: 'all' }, { key: 'confidence', descending: true }],
      [{ kind: 'unlabeled' }, { key: 'confidence', descending: false }],
      [{ kind: 'predicted', classId: bee.id }, { key: 'name', descending: false }],
    ];
    for (const [filter, sort] of cases) {
      prepared.length = 0;
      const page = project.images.list(filter, 0, 100, sort);
      const sql = prepared.find((text) => text.includes('OFFSET')) ?? '';
      expect(sql.match(/JOIN predictions\b/g), `${filter.kind} ${sort.key}`).toHaveLength(1);
      const shown = page.items.find((item) => item.id === evaluation);
      expect(shown, `${filter.kind} ${sort.key}`).toBeDefined();
      expect(shown!.suggestion).toBeNull();
      // Among the predicted images, not with the unpredicted ones at the end.
      expect(page.items.findIndex((item) => item.id === evaluation)).toBeLessThan(page.items.length - 5);
      // The other unlabeled predicted images keep the model's suggestion.
      const other = page.items.find((item) => item.id === ids[14]);
      if (other) expect(other.suggestion).toEqual({ classId: bee.id, probability: 0.9, source: 'model' });
    }
    // A deleted class's prediction is no suggestion and sorts with the unpredicted images.
    project.deleteClass(ant.id);
    const page = project.images.list({ kind: 'all' }, 0, 100, { key: 'prediction', descending: false });
    const antPredicted = ids[13]!;
    expect(page.items.find((item) => item.id === antPredicted)!.suggestion).toBeNull();
    expect(page.items.findIndex((item) => item.id === antPredicted)).toBeGreaterThanOrEqual(page.items.filter((item) => item.suggestion !== null || item.id === evaluation).length);
  });
});

describe("the present images' folders (images:folders)", () => {
  it('are read by the thread in a large project, on the host in a small one, each folder once, and kept while nothing changes', async () => {
    const { root, project, orders } = await setup();
    const sorted = (folders: string[]): string[] => [...folders].sort();
    await writeImage(path.join(root, 'top.png'), 700);
    await writeImage(path.join(root, 'group-0', 'deeper', 'x.png'), 701);
    await project.rescan();
    const before = orders.threadReads;
    const folders = await orders.folders();
    expect(orders.threadReads - before).toBe(1);
    expect(sorted(folders)).toEqual(['', 'group-0', 'group-0/deeper', 'group-1', 'group-2']);
    // Nothing changed: the list kept, no read.
    expect(await orders.folders()).toBe(folders);
    expect(orders.threadReads - before).toBe(1);

    // A folder whose images are all gone is no longer listed.
    fs.rmSync(path.join(root, 'group-0', 'deeper'), { recursive: true });
    await project.rescan();
    expect(sorted(await orders.folders())).toEqual(['', 'group-0', 'group-1', 'group-2']);
    expect(orders.threadReads - before).toBe(2);

    const small = new ImageOrders(project.db, project.images, () => ({ dbFile: projectDbPath(project.root), actor: currentActor() }), () => COUNT);
    try {
      expect(sorted(await small.folders())).toEqual(['', 'group-0', 'group-1', 'group-2']);
      expect(small.threadReads).toBe(0);
    } finally {
      await small.close();
    }
  });
});
