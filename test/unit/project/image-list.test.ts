/**
 * The gallery's list queries: sorted by file name, date, predicted class, confidence and the
 * last query score (images without a value last), the predicted-class filter, and every id a
 * filter matches (a Ctrl+A selection resolved here).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { labeledImages } from '../../../src-main/adaptation/labels-export';
import { Project } from '../../../src-main/project/project';
import { imageFolder, writeImage } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

async function setup() {
  const root = await imageFolder(5);
  const files = fs.readdirSync(root).filter((f) => !f.startsWith('.')).sort();
  // File dates in the reverse order of the names.
  files.forEach((f, k) => fs.utimesSync(path.join(root, f), new Date(2020, 0, 10 - k), new Date(2020, 0, 10 - k)));
  const project = Project.open(root, true);
  projects.push(project);
  await project.rescan();
  const ids = project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id);
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  // Predictions for the first four images (the fifth has none); the third is labeled.
  const predict = project.db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, ?)');
  predict.run(ids[0], bee.id, 0.9);
  predict.run(ids[1], ant.id, 0.4);
  predict.run(ids[2], ant.id, 0.7);
  predict.run(ids[3], bee.id, 0.6);
  project.setLabels([ids[2]!], ant.id);
  // Two rounds: image 4 was queried in both (its latest score counts), image 1 once.
  project.db.exec(`INSERT INTO rounds (id, round_index, model_id, strategy, schedule, batch_size, model_version, created_at)
    VALUES (1, 0, 'm', 'adma', '{}', 2, 0, 'x'), (2, 1, 'm', 'adma', '{}', 1, 0, 'y')`);
  const query = project.db.prepare('INSERT INTO round_items (round_id, position, image_id, score, reason) VALUES (?, ?, ?, ?, ?)');
  query.run(1, 0, ids[3], 0.1, 'r');
  query.run(1, 1, ids[0], 0.5, 'r');
  query.run(2, 0, ids[3], 0.8, 'r');
  return { project, ids, ant, bee };
}

describe('image list sorts and filters', () => {
  it('sorts by name, date, prediction, confidence and query score; images without a value come last', async () => {
    const { project, ids } = await setup();
    const order = (key: 'name' | 'date' | 'prediction' | 'confidence' | 'score', descending = false): number[] =>
      project.images.list({ kind: 'all' }, 0, 100, { key, descending }).items.map((i) => ids.indexOf(i.id));
    expect(order('name')).toEqual([0, 1, 2, 3, 4]);
    expect(order('name', true)).toEqual([4, 3, 2, 1, 0]);
    expect(order('date')).toEqual([4, 3, 2, 1, 0]);
    expect(order('confidence')).toEqual([1, 3, 2, 0, 4]);
    expect(order('confidence', true)).toEqual([0, 2, 3, 1, 4]);
    // ant before bee (class ids in creation order), ties by name.
    expect(order('prediction')).toEqual([1, 2, 0, 3, 4]);
    expect(order('score', true)).toEqual([3, 0, 1, 2, 4]);
    expect(order('score')).toEqual([0, 3, 1, 2, 4]);
    // Paging keeps the order and the total.
    const page = project.images.list({ kind: 'all' }, 1, 2, { key: 'confidence', descending: true });
    expect([page.total, page.items.map((i) => ids.indexOf(i.id))]).toEqual([5, [2, 3]]);
  });

  it('filters unlabeled images by predicted class and resolves every id of a filter', async () => {
    const { project, ids, ant, bee } = await setup();
    expect(project.images.list({ kind: 'predicted', classId: ant.id }, 0, 10).items.map((i) => ids.indexOf(i.id))).toEqual([1]);
    expect(project.images.list({ kind: 'predicted', classId: bee.id }, 0, 10).total).toBe(2);
    expect(project.images.idsMatching({ kind: 'unlabeled' })).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(project.images.idsMatching({ kind: 'class', classId: ant.id })).toEqual([ids[2]]);
  });
});

describe('suggestions read with the images', () => {
  it('carry the model’s prediction, an imported one first, none for an evaluation image or a deleted class, alike from every read path', async () => {
    const { project, ids, ant, bee } = await setup();
    const wasp = project.classes.create('wasp', undefined);
    project.db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, ?)').run(ids[4], wasp.id, 0.55);
    // Image 1 also has an imported suggestion (bee), which comes before the model's (ant).
    project.db
      .prepare("INSERT INTO imported_suggestions (image_id, class_id, probability, source, imported_at) VALUES (?, ?, ?, 'other.csv', 'x')")
      .run(ids[1], bee.id, 0.8);
    // Image 3 is in the evaluation set: nothing may sway its label.
    project.db.prepare("INSERT INTO evaluation_images (image_id, added_at) VALUES (?, 'x')").run(ids[3]);
    project.classes.markDeleted(wasp.id, 'x');
    const expected = [
      { classId: bee.id, probability: 0.9, source: 'model' },
      { classId: bee.id, probability: 0.8, source: 'imported' },
      { classId: ant.id, probability: 0.7, source: 'model' },
      null,
      null,
    ];
    expect(ids.map((id) => project.images.get(id).suggestion)).toEqual(expected);
    expect(project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.suggestion)).toEqual(expected);
    // Sorted by the prediction, the suggestion columns do not clash with the sort's join.
    const byConfidence = project.images.list({ kind: 'all' }, 0, 100, { key: 'confidence', descending: true }).items;
    expect(byConfidence.map((i) => i.suggestion)).toEqual(byConfidence.map((i) => expected[ids.indexOf(i.id)]));
    // The sort reads the same predictions: the deleted class's (image 4, 0.55) counts as none, last.
    expect(byConfidence.map((i) => ids.indexOf(i.id))).toEqual([0, 2, 3, 1, 4]);
    expect(project.images.itemsOf(Int32Array.from(ids)).map((i) => i.suggestion)).toEqual(expected);
    const store = new AdaptationStore(project.db);
    expect(ids.map((id) => store.suggestion(id))).toEqual(expected);
  });
});

describe('label counts (sent with every label change)', () => {
  it('equal the summary counts (and the class list its per-class counts) after labels, unsure marks and a labeled image removed by a rescan', async () => {
    const { project, ids, ant } = await setup();
    project.setLabels([ids[0]!, ids[1]!], ant.id);
    project.setUnsure([ids[4]!], true);
    const counts = () => ({ labeled: project.images.counts().labeled, unsure: project.images.counts().unsure });
    expect(project.images.labelCounts()).toEqual({ labeled: 3, unsure: 1 });
    expect(project.classes.get(ant.id).labelCount).toBe(3);
    expect(project.images.labelCounts()).toEqual(counts());
    fs.rmSync(path.join(project.root, project.images.get(ids[0]!).relPath));
    await project.rescan();
    expect(project.images.labelCounts()).toEqual({ labeled: 2, unsure: 1 });
    // The class list counts labels of present images only, too.
    expect(project.classes.list().find((c) => c.id === ant.id)?.labelCount).toBe(2);
    expect(project.images.labelCounts()).toEqual(counts());
  });
});

describe('image files for extraction and the pool', () => {
  it('lists every present image with its path and hash, in the listing order, without removed ones', async () => {
    const { root, project } = await scannedProject(6, projects);
    const removed = fs.readdirSync(root).filter((f) => !f.startsWith('.')).sort()[2]!;
    fs.rmSync(path.join(root, removed));
    await project.rescan();
    const listed = project.images.list({ kind: 'all' }, 0, 100).items;
    expect(listed).toHaveLength(5);
    // The scan's format, read from the content (the 16-bit clean-up reads no JPEG: high-bit-depth.ts decodedOtherwiseAmong).
    expect(project.images.files()).toEqual(listed.map((i) => ({ id: i.id, relPath: i.relPath, hash: i.hash, format: 'png' })));
  });
});

describe('natural file-name order', () => {
  it('lists unpadded numbers by value and names without case, folder first, in every list read by name', async () => {
    const root = await imageFolder(0);
    const names = ['img-10.png', 'img-2.png', 'img-1.png', 'IMG-3.png', 'img-100.png', 'img-7.png', 'img-007.png', 'Scan_B.png', 'scan_a.png', 'a-b/x.png', 'a/z.png'];
    for (const [k, name] of names.entries()) await writeImage(path.join(root, name), k);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    // Binary order was a-b/x, a/z, img-007, img-1, img-10, img-100, img-2, img-7, IMG-3 first of all, Scan_B before scan_a.
    const natural = ['a/z.png', 'a-b/x.png', 'img-1.png', 'img-2.png', 'IMG-3.png', 'img-007.png', 'img-7.png', 'img-10.png', 'img-100.png', 'scan_a.png', 'Scan_B.png'];
    const byName = (descending: boolean): string[] => project.images.list({ kind: 'all' }, 0, 100, { key: 'name', descending }).items.map((i) => i.relPath);
    expect(byName(false)).toEqual(natural);
    expect(byName(true)).toEqual([...natural].reverse());
    const idOf = new Map(project.images.list({ kind: 'all' }, 0, 100).items.map((i) => [i.relPath, i.id]));
    const ids = natural.map((name) => idOf.get(name));
    // The label view's folder order (the default sort), the order reader's whole order, Ctrl+A, extraction.
    expect(project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.relPath)).toEqual(natural);
    expect(Array.from(project.images.order({ kind: 'all' }))).toEqual(ids);
    expect(project.images.idsMatching({ kind: 'unlabeled' })).toEqual(ids);
    // The pool's order is the simulator's, by path (project-images.test.ts), not a list anyone reads.
    expect(project.images.files().map((f) => f.relPath)).toEqual([...natural].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Ties of another sort key by name: the same confidence for every image.
    const ant = project.classes.create('ant', undefined);
    for (const id of ids) project.db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, 0.5)').run(id, ant.id);
    expect(project.images.list({ kind: 'all' }, 0, 100, { key: 'confidence', descending: true }).items.map((i) => i.relPath)).toEqual(natural);
    // Exports list labels in it too.
    project.setLabels(ids.map((id) => id!), ant.id);
    expect(labeledImages(project, new Set()).map((i) => i.relPath)).toEqual(natural);
  });
});

describe('the gallery\'s File name sort and folders', () => {
  it('lists by folder, then by name in it: one slide\'s files together, same-named files of two slides apart', async () => {
    const root = await imageFolder(0);
    const names = ['slide10/cell_001.png', 'slide2/cell_002.png', 'slide01/cell_010.png', 'slide2/cell_001.png', 'slide01/cell_002.png', 'slide01/cell_001.png', 'overview.png', 'slide10/cell_2.png'];
    for (const [k, name] of names.entries()) await writeImage(path.join(root, name), k);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const byName = project.images.list({ kind: 'all' }, 0, 100, { key: 'name', descending: false }).items.map((i) => i.relPath);
    // Folders in natural order (slide01, slide2, slide10), each one's files together in natural order.
    expect(byName).toEqual([
      'overview.png',
      'slide01/cell_001.png',
      'slide01/cell_002.png',
      'slide01/cell_010.png',
      'slide2/cell_001.png',
      'slide2/cell_002.png',
      'slide10/cell_001.png',
      'slide10/cell_2.png',
    ]);
  });
});

describe('the file-name search', () => {
  it('lists the images whose path contains the text, ignoring case; % and _ are plain characters; Ctrl+A resolves the same set', async () => {
    const root = await imageFolder(0);
    for (const [k, name] of ['Cell_0142.jpg', 'cell-0143.png', 'sub/CELL_99.png', '50%_crop.png', 'other.png'].entries()) await writeImage(path.join(root, name), k);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const names = (text: string): string[] => project.images.list({ kind: 'name', text }, 0, 100).items.map((i) => i.relPath);
    expect(names('cell_')).toEqual(['Cell_0142.jpg', 'sub/CELL_99.png']);
    expect(names('CELL')).toEqual(['Cell_0142.jpg', 'cell-0143.png', 'sub/CELL_99.png']);
    expect(names('%')).toEqual(['50%_crop.png']);
    expect(names('sub/')).toEqual(['sub/CELL_99.png']);
    expect(names('nothing')).toEqual([]);
    expect(project.images.list({ kind: 'name', text: 'cell' }, 0, 100).total).toBe(3);
    expect(project.images.idsMatching({ kind: 'name', text: 'cell_' })).toEqual(project.images.list({ kind: 'name', text: 'cell_' }, 0, 100).items.map((i) => i.id));
  });
});
