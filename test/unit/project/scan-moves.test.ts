/**
 * A file moved or renamed is the same image (scan-project.ts, the rule): gone from its path, its
 * content (same hash) at a path the project did not know, it keeps its id and so its label,
 * unsure mark, evaluation place, history, round items and predictions, and takes the new path;
 * counted as moved, neither removed nor added. One to one only: a copy beside a file still there,
 * and identical content that cannot be told apart, stay added (and removed). A "check every file"
 * rescan reads every file, and finds one replaced with the same size and its old date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labeledImages } from '../../../src-main/adaptation/labels-export';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { Project } from '../../../src-main/project/project';
import { pairMoves } from '../../../src-main/project/scan-project';
import { naturalNameKey } from '../../../src-shared/natural-name';
import { FakeEngine } from '../../support/fake-engine';
import { handlerCaller } from '../../support/handler-calls';
import { imageFolder, tempDir, writeImage } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
let workspace: Workspace | null = null;
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
  await workspace?.shutdown();
  workspace = null;
});

const name = (i: number): string => `img-${String(i).padStart(4, '0')}.png`;

/** Move `from` to `to` inside `root`, as a file manager does (the date stays). */
function move(root: string, from: string, to: string): void {
  fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
  fs.renameSync(path.join(root, from), path.join(root, to));
}

function idOf(project: Project, relPath: string): number | undefined {
  return project.images.list({ kind: 'all' }, 0, 1000).items.find((i) => i.relPath === relPath)?.id;
}

describe('a rescan keeps the identity of a moved or renamed file', () => {
  it('moves labeled, unsure, evaluation and unlabeled images with everything they hold; exports use the new paths', async () => {
    const root = await imageFolder(8);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const [cat, dog] = [project.classes.create('cat', undefined), project.classes.create('dog', undefined)];
    const ids = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => idOf(project, name(i))!);
    const [catImage, dogEvaluation, unsureImage, unlabeled, relabeled] = ids as [number, number, number, number, number];
    project.setLabels([catImage], cat.id);
    project.setLabels([dogEvaluation], dog.id);
    project.setLabels([relabeled], cat.id);
    project.setLabels([relabeled], dog.id);
    project.setUnsure([unsureImage], true);
    project.db.prepare("INSERT INTO evaluation_images (image_id, added_at) VALUES (?, 'now')").run(dogEvaluation);
    project.db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, 0.9)').run(unlabeled, cat.id);
    project.db.prepare("INSERT INTO rounds (id, round_index, model_id, strategy, schedule, batch_size, model_version, created_at) VALUES (1, 0, 'm', 's', 'x', 2, 1, 'now')").run();
    project.db.prepare("INSERT INTO round_items (round_id, position, image_id, reason) VALUES (1, 0, ?, 'r')").run(unlabeled);
    const historyBefore = project.labels.history(relabeled, 10).length;
    const counts = project.summary();

    // Into a sub-folder: two under their own names, three renamed.
    move(root, name(0), `moved/${name(0)}`);
    move(root, name(1), 'moved/evaluation-dog.png');
    move(root, name(2), `moved/${name(2)}`);
    move(root, name(3), 'moved/renamed.png');
    move(root, name(4), 'renamed-here.png');

    const report = await project.rescan();
    expect(report).toMatchObject({ moved: 5, added: 0, removed: 0, changed: 0, unchanged: 3, total: 8, addedFiles: [], removedFiles: [], labeledRemoved: [] });
    expect(report.movedFiles).toEqual([
      { imageId: dogEvaluation, from: name(1), to: 'moved/evaluation-dog.png', labeled: true },
      { imageId: catImage, from: name(0), to: `moved/${name(0)}`, labeled: true },
      { imageId: unsureImage, from: name(2), to: `moved/${name(2)}`, labeled: true },
      { imageId: unlabeled, from: name(3), to: 'moved/renamed.png', labeled: false },
      { imageId: relabeled, from: name(4), to: 'renamed-here.png', labeled: true },
    ]);
    // Same ids, new paths, everything kept.
    expect(project.images.get(catImage)).toMatchObject({ relPath: `moved/${name(0)}`, classId: cat.id });
    expect(project.images.get(dogEvaluation)).toMatchObject({ relPath: 'moved/evaluation-dog.png', classId: dog.id, evaluation: true });
    expect(project.images.get(unsureImage)).toMatchObject({ relPath: `moved/${name(2)}`, unsure: true, classId: null });
    expect(project.images.get(unlabeled)).toMatchObject({ relPath: 'moved/renamed.png', classId: null, suggestion: { classId: cat.id, source: 'model' } });
    expect(project.db.prepare('SELECT image_id FROM round_items').pluck().all()).toEqual([unlabeled]);
    const history = project.labels.history(relabeled, 10);
    expect(history).toHaveLength(historyBefore);
    expect(history.every((entry) => entry.relPath === 'renamed-here.png')).toBe(true);
    expect(project.summary()).toMatchObject({ imageCount: counts.imageCount, labeledCount: counts.labeledCount, unsureCount: counts.unsureCount });
    expect(project.db.prepare('SELECT COUNT(*) FROM images').pluck().get()).toBe(8);
    // The labeled images are not asked for again.
    expect(project.images.list({ kind: 'unlabeled' }, 0, 100).items.map((i) => i.relPath).sort()).toEqual([name(5), name(6), name(7), 'moved/renamed.png']);
    // Exports name the files where they are now, in their split.
    expect(labeledImages(project, new Set([dogEvaluation])).map((i) => [i.relPath, i.className, i.split])).toEqual([
      ['moved/evaluation-dog.png', 'dog', 'evaluation'],
      [`moved/${name(0)}`, 'cat', 'training'],
      ['renamed-here.png', 'dog', 'training'],
    ]);

    // Nothing moves again: the next rescan finds nothing new.
    expect(await project.rescan()).toMatchObject({ moved: 0, added: 0, removed: 0, changed: 0, unchanged: 8 });
  });

  it('a copy made while the original is still there is a new image, and a known duplicate stays as it was', async () => {
    const { root, project, ids } = await scannedProject(3, projects);
    const cls = project.classes.create('cat', undefined);
    const original = idOf(project, name(0))!;
    project.setLabels([original], cls.id);
    fs.mkdirSync(path.join(root, 'copies'));
    fs.copyFileSync(path.join(root, name(0)), path.join(root, 'copies', name(0)));
    const copied = await project.rescan();
    expect(copied).toMatchObject({ moved: 0, added: 1, removed: 0, addedFiles: [`copies/${name(0)}`] });
    const copy = idOf(project, `copies/${name(0)}`)!;
    expect(copy).not.toBe(original);
    expect(project.images.get(copy).classId).toBeNull();
    expect(project.images.get(original)).toMatchObject({ relPath: name(0), classId: cls.id });

    // Now the two are known duplicates. One of them moves: only it takes the new path.
    move(root, `copies/${name(0)}`, `elsewhere/${name(0)}`);
    const moved = await project.rescan();
    expect(moved).toMatchObject({ moved: 1, added: 0, removed: 0 });
    expect(moved.movedFiles).toEqual([{ imageId: copy, from: `copies/${name(0)}`, to: `elsewhere/${name(0)}`, labeled: false }]);
    expect(project.images.get(original)).toMatchObject({ relPath: name(0), classId: cls.id });
    expect(project.images.get(copy)).toMatchObject({ relPath: `elsewhere/${name(0)}`, classId: null });
    expect(project.summary().imageCount).toBe(ids.length + 1);
  });

  it('leaves identical content that cannot be paired one to one as removed and added', async () => {
    const { root, project } = await scannedProject(2, projects);
    const cls = project.classes.create('cat', undefined);
    const gone = idOf(project, name(0))!;
    project.setLabels([gone], cls.id);
    // Gone, and back as two copies under other names: which one is it? Neither.
    fs.copyFileSync(path.join(root, name(0)), path.join(root, 'first.png'));
    move(root, name(0), 'second.png');
    const report = await project.rescan();
    expect(report).toMatchObject({ moved: 0, added: 2, removed: 1, addedFiles: ['first.png', 'second.png'], removedFiles: [name(0)] });
    expect(report.labeledRemoved.map((i) => i.imageId)).toEqual([gone]);
    expect(idOf(project, 'first.png')).not.toBe(gone);
    expect(idOf(project, 'second.png')).not.toBe(gone);
  });

  it('pairs identical content by file name when the name is unique on both sides', () => {
    const gone = [
      { id: 1, relPath: 'a/x.png' },
      { id: 2, relPath: 'a/y.png' },
    ];
    // A folder of two duplicates moved: each keeps its own identity.
    expect(pairMoves(gone, ['b/x.png', 'b/y.png'])).toEqual([
      { id: 1, from: 'a/x.png', to: 'b/x.png' },
      { id: 2, from: 'a/y.png', to: 'b/y.png' },
    ]);
    // Renamed as well: no way to tell, nothing paired.
    expect(pairMoves(gone, ['b/1.png', 'b/2.png'])).toEqual([]);
    // One gone, moved and copied under another name: the same name is the moved one.
    expect(pairMoves([{ id: 3, relPath: 'a/z.png' }], ['b/z.png', 'b/z copy.png'])).toEqual([{ id: 3, from: 'a/z.png', to: 'b/z.png' }]);
    // Two arrivals of the same name: ambiguous.
    expect(pairMoves([{ id: 3, relPath: 'a/z.png' }], ['b/z.png', 'c/z.png'])).toEqual([]);
    // One and one: a move whatever the names.
    expect(pairMoves([{ id: 4, relPath: 'a.png' }], ['q/r.png'])).toEqual([{ id: 4, from: 'a.png', to: 'q/r.png' }]);
    expect(pairMoves([], ['q/r.png'])).toEqual([]);
  });

  it('keeps the labels of duplicates moved together under their names', async () => {
    const root = tempDir();
    await writeImage(path.join(root, 'a', 'x.png'), 5);
    fs.copyFileSync(path.join(root, 'a', 'x.png'), path.join(root, 'a', 'y.png'));
    await writeImage(path.join(root, 'other.png'), 6);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const [cat, dog] = [project.classes.create('cat', undefined), project.classes.create('dog', undefined)];
    const [x, y] = [idOf(project, 'a/x.png')!, idOf(project, 'a/y.png')!];
    project.setLabels([x], cat.id);
    project.setLabels([y], dog.id);
    fs.renameSync(path.join(root, 'a'), path.join(root, 'b'));
    const report = await project.rescan();
    expect(report).toMatchObject({ moved: 2, added: 0, removed: 0 });
    expect(project.images.get(x)).toMatchObject({ relPath: 'b/x.png', classId: cat.id });
    expect(project.images.get(y)).toMatchObject({ relPath: 'b/y.png', classId: dog.id });
  });

  it('gives an image gone in an earlier scan back its identity when its content comes back at a new path', async () => {
    const { root, project } = await scannedProject(2, projects);
    const cls = project.classes.create('cat', undefined);
    const id = idOf(project, name(0))!;
    project.setLabels([id], cls.id);
    const bytes = fs.readFileSync(path.join(root, name(0)));
    fs.rmSync(path.join(root, name(0)));
    expect(await project.rescan()).toMatchObject({ removed: 1, labeledRemoved: [{ imageId: id }] });
    fs.mkdirSync(path.join(root, 'back'));
    fs.writeFileSync(path.join(root, 'back', 'found.png'), bytes);
    const report = await project.rescan();
    expect(report).toMatchObject({ moved: 1, added: 0, removed: 0 });
    expect(report.movedFiles).toEqual([{ imageId: id, from: name(0), to: 'back/found.png', labeled: true }]);
    expect(project.images.get(id)).toMatchObject({ relPath: 'back/found.png', classId: cls.id });
  });

  it('the scan at opening finds moves made while the project was closed, and tells the windows', async () => {
    const root = await imageFolder(3);
    const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
    workspace = ws;
    const call = handlerCaller(() => createHandlers(ws));
    await ws.open(root, true);
    await ws.rescan();
    const cls = await call('classes:create', { name: 'cat' });
    const id = (await call('images:list', { filter: { kind: 'all' }, offset: 0, limit: 10 })).items.find((i) => i.relPath === name(1))!.id;
    await call('labels:set', { imageIds: [id], classId: cls.id });
    await call('project:close');

    move(root, name(1), 'sorted/cat-1.png');
    await ws.open(root, false);
    await ws.rescan(); // the opening's scan, shared
    const { opening } = await call('project:scans');
    expect(opening).toMatchObject({ moved: 1, added: 0, removed: 0, movedFiles: [{ imageId: id, from: name(1), to: 'sorted/cat-1.png', labeled: true }] });
    expect(await call('images:byIds', { ids: [id] })).toMatchObject([{ id, relPath: 'sorted/cat-1.png', classId: cls.id }]);
  });

  it('puts a moved or renamed image at its new name in name order, and reports moves and additions in name order', async () => {
    const root = await imageFolder(0);
    for (const [k, file] of ['img-2.png', 'img-3.png', 'img-10.png', 'img-11.png'].entries()) await writeImage(path.join(root, file), k);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const byName = (): string[] => project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.relPath);
    expect(byName()).toEqual(['img-2.png', 'img-3.png', 'img-10.png', 'img-11.png']);
    const renamed = idOf(project, 'img-2.png')!;
    const moved = idOf(project, 'img-3.png')!;
    move(root, 'img-2.png', 'img-30.png');
    move(root, 'img-3.png', 'Sub/img-9.png');
    for (const [k, file] of ['new-10.png', 'new-9.png'].entries()) await writeImage(path.join(root, file), 100 + k);

    const report = await project.rescan();
    expect(report.moved).toBe(2);
    // Binary order listed Sub/ (capital S) and img-30 first.
    expect(report.movedFiles.map((m) => m.to)).toEqual(['img-30.png', 'Sub/img-9.png']);
    expect(report.addedFiles).toEqual(['new-9.png', 'new-10.png']);
    expect(byName()).toEqual(['img-10.png', 'img-11.png', 'img-30.png', 'new-9.png', 'new-10.png', 'Sub/img-9.png']);
    const keyOf = (id: number): string => project.db.prepare('SELECT name_key FROM images WHERE id = ?').pluck().get(id) as string;
    expect(keyOf(renamed)).toBe(naturalNameKey('img-30.png'));
    expect(keyOf(moved)).toBe(naturalNameKey('Sub/img-9.png'));
  });
});

/** A whole-second date, which every file system keeps exactly (a nanosecond date read back in milliseconds may not be set again). */
const OLD_DATE = new Date('2026-01-02T03:04:05Z');

/** Another content of exactly the same size (one byte in the middle: the probe reads the header and the end), with the old date back. */
function replaceSameSize(file: string): void {
  const bytes = fs.readFileSync(file);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle]! + 1) % 256;
  fs.writeFileSync(file, bytes);
  fs.utimesSync(file, OLD_DATE, OLD_DATE);
}

describe('a scan that checks every file', () => {
  it('finds a file replaced with the same size and its old date, which a rescan does not', async () => {
    const { root, project } = await scannedProject(3, projects);
    const cls = project.classes.create('cat', undefined);
    const id = idOf(project, name(1))!;
    project.setLabels([id], cls.id);
    const hashBefore = project.images.get(id).hash;
    fs.utimesSync(path.join(root, name(1)), OLD_DATE, OLD_DATE);
    expect(await project.rescan()).toMatchObject({ changed: 0, unchanged: 3 });
    replaceSameSize(path.join(root, name(1)));

    expect(await project.rescan()).toMatchObject({ changed: 0, unchanged: 3, checkedEveryFile: false });
    const report = await project.rescan(undefined, { checkEveryFile: true });
    expect(report).toMatchObject({ changed: 1, unchanged: 2, checkedEveryFile: true, changedFiles: [name(1)] });
    expect(report.labeledChanged).toEqual([{ imageId: id, relPath: name(1), classId: cls.id, className: 'cat', unsure: false, evaluation: false }]);
    expect(project.images.get(id).hash).not.toBe(hashBefore);
    // Nothing else to find the next time.
    expect(await project.rescan(undefined, { checkEveryFile: true })).toMatchObject({ changed: 0, unchanged: 3 });
  });

  it('is a request of its own, which waits for a rescan running and then reads every file', async () => {
    const root = await imageFolder(3);
    const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
    workspace = ws;
    const call = handlerCaller(() => createHandlers(ws));
    await ws.open(root, true);
    fs.utimesSync(path.join(root, name(2)), OLD_DATE, OLD_DATE);
    await ws.rescan();
    replaceSameSize(path.join(root, name(2)));
    const plain = call('project:rescan');
    const checked = call('project:rescan', { checkEveryFile: true });
    expect(await plain).toMatchObject({ changed: 0, checkedEveryFile: false });
    expect(await checked).toMatchObject({ changed: 1, changedFiles: [name(2)], checkedEveryFile: true });
  });
});
