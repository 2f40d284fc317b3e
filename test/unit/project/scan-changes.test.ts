/**
 * What a scan tells about labeled images: a labeled file whose content changed is named with
 * its label's class and split, keeps its label and loses the model output made from its old
 * pixels; a labeled file that went is named, its label kept until it comes back; a file only
 * touched is unchanged. The scan at a project's opening keeps its report for the windows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { Project } from '../../../src-main/project/project';
import { SCAN_NAMES_LISTED } from '../../../src-shared/requests/project';
import { FakeEngine } from '../../support/fake-engine';
import { handlerCaller } from '../../support/handler-calls';
import { imageFolder, tempDir, writeImage } from '../../support/image-folder';

const projects: Project[] = [];
let workspace: Workspace | null = null;
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
  await workspace?.shutdown();
  workspace = null;
});

/** Give the file new content (another image) and a later date, as an overwrite does. */
async function overwrite(file: string, seed: number): Promise<void> {
  await writeImage(file, seed);
  fs.utimesSync(file, new Date(), new Date(Date.now() + 10_000));
}

/** Same bytes, a later date: what `touch` or a copy that keeps the content does. */
function touch(file: string): void {
  fs.utimesSync(file, new Date(), new Date(Date.now() + 20_000));
}

describe('a rescan names the labeled images it found changed, gone or back', () => {
  it('lists changed and removed labeled files with class and split, drops their model output, keeps their labels', async () => {
    const root = await imageFolder(7);
    const project = Project.open(root, true);
    projects.push(project);
    const first = await project.rescan();
    expect(first).toMatchObject({ first: true, added: 7, labeledChanged: [], labeledRemoved: [], changedFiles: [], removedFiles: [] });
    const id = (name: string): number => project.images.list({ kind: 'all' }, 0, 100).items.find((i) => i.relPath === name)!.id;
    const [cat, dog] = [project.classes.create('cat', undefined), project.classes.create('dog', undefined)];
    const ids = ['img-0000.png', 'img-0001.png', 'img-0002.png', 'img-0003.png', 'img-0004.png', 'img-0005.png', 'img-0006.png'].map(id);
    const [catImage, dogEvaluation, unsureImage, unlabeled, touched, goneDog] = ids as [number, number, number, number, number, number];
    project.setLabels([catImage], cat.id);
    project.setLabels([dogEvaluation, goneDog], dog.id);
    project.setUnsure([unsureImage], true);
    project.db.prepare("INSERT INTO evaluation_images (image_id, added_at) VALUES (?, 'now')").run(dogEvaluation);
    // Model output for the images: the project model's predictions and another model's suggestion.
    const predict = project.db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, 0.98)');
    for (const image of [catImage, unlabeled, touched]) predict.run(image, cat.id);
    project.db.prepare("INSERT INTO imported_suggestions (image_id, class_id, probability, source, imported_at) VALUES (?, ?, 0.9, 'other.csv', 'now')").run(catImage, dog.id);
    expect(project.images.get(catImage).suggestion).toMatchObject({ classId: dog.id, source: 'imported' });

    await overwrite(path.join(root, 'img-0000.png'), 500);
    await overwrite(path.join(root, 'img-0001.png'), 501);
    await overwrite(path.join(root, 'img-0002.png'), 502);
    await overwrite(path.join(root, 'img-0003.png'), 503);
    touch(path.join(root, 'img-0004.png'));
    const goneBytes = fs.readFileSync(path.join(root, 'img-0005.png'));
    fs.rmSync(path.join(root, 'img-0005.png'));
    await writeImage(path.join(root, 'new', 'fresh.png'), 900);

    const report = await project.rescan();
    expect(report).toMatchObject({ first: false, added: 1, removed: 1, changed: 4, unchanged: 2, total: 7 });
    expect(report.changedFiles).toEqual(['img-0000.png', 'img-0001.png', 'img-0002.png', 'img-0003.png']);
    expect(report.removedFiles).toEqual(['img-0005.png']);
    expect(report.addedFiles).toEqual(['new/fresh.png']);
    expect(report.labeledChanged).toEqual([
      { imageId: catImage, relPath: 'img-0000.png', classId: cat.id, className: 'cat', unsure: false, evaluation: false },
      { imageId: dogEvaluation, relPath: 'img-0001.png', classId: dog.id, className: 'dog', unsure: false, evaluation: true },
      { imageId: unsureImage, relPath: 'img-0002.png', classId: null, className: null, unsure: true, evaluation: false },
    ]);
    expect(report.labeledRemoved).toEqual([{ imageId: goneDog, relPath: 'img-0005.png', classId: dog.id, className: 'dog', unsure: false, evaluation: false }]);
    expect(report.labeledReturned).toEqual([]);

    // The labels are the expert's: kept. The model output made from the old pixels is gone.
    expect(project.images.get(catImage)).toMatchObject({ classId: cat.id, suggestion: null });
    expect(project.images.get(dogEvaluation)).toMatchObject({ classId: dog.id, evaluation: true });
    expect(project.images.get(unlabeled).suggestion).toBeNull();
    const predicted = project.db.prepare('SELECT image_id FROM predictions ORDER BY image_id').pluck().all();
    expect(predicted).toEqual([touched]);
    expect(project.images.get(touched).suggestion).toMatchObject({ classId: cat.id, source: 'model' });
    expect(project.db.prepare('SELECT COUNT(*) FROM imported_suggestions').pluck().get()).toBe(0);
    expect(project.summary()).toMatchObject({ labeledCount: 2, unsureCount: 1, importedSuggestionCount: 0 });

    // The file comes back as it was: named as back, with its label.
    fs.writeFileSync(path.join(root, 'img-0005.png'), goneBytes);
    const back = await project.rescan();
    expect(back).toMatchObject({ added: 1, removed: 0, changed: 0, addedFiles: ['img-0005.png'], labeledChanged: [] });
    expect(back.labeledReturned).toEqual([{ imageId: goneDog, relPath: 'img-0005.png', classId: dog.id, className: 'dog', unsure: false, evaluation: false }]);
    expect(project.images.get(goneDog).classId).toBe(dog.id);
  });

  it('names a labeled file that comes back with other content as changed, and one that turned unreadable as removed', async () => {
    const root = await imageFolder(3);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const cls = project.classes.create('cat', undefined);
    const [a, b] = project.images.list({ kind: 'all' }, 0, 10).items;
    project.setLabels([a!.id, b!.id], cls.id);
    fs.rmSync(path.join(root, a!.relPath));
    fs.writeFileSync(path.join(root, b!.relPath), 'overwritten by text');
    const gone = await project.rescan();
    expect(gone.labeledRemoved.map((i) => i.relPath)).toEqual([a!.relPath, b!.relPath]);
    expect(gone.unreadable.map((u) => u.relPath)).toEqual([b!.relPath]);

    await writeImage(path.join(root, a!.relPath), 777);
    const back = await project.rescan();
    expect(back).toMatchObject({ added: 1, labeledReturned: [] });
    expect(back.labeledChanged).toEqual([{ imageId: a!.id, relPath: a!.relPath, classId: cls.id, className: 'cat', unsure: false, evaluation: false }]);
  });

  it('lists at most SCAN_NAMES_LISTED names of each kind, with the whole count', async () => {
    const root = tempDir();
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const source = path.join(root, 'seed.png');
    await writeImage(source, 1);
    for (let i = 0; i < SCAN_NAMES_LISTED + 5; i++) fs.copyFileSync(source, path.join(root, `copy-${String(i).padStart(4, '0')}.png`));
    fs.rmSync(source);
    const report = await project.rescan();
    expect(report.added).toBe(SCAN_NAMES_LISTED + 5);
    expect(report.addedFiles).toHaveLength(SCAN_NAMES_LISTED);
    expect(report.addedFiles[0]).toBe('copy-0000.png');
  });
});

describe('the scan at a project opening', () => {
  it('keeps its report for the windows when the folder changed while the project was closed, until dismissed', async () => {
    const root = await imageFolder(3);
    const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
    workspace = ws;
    const call = handlerCaller(() => createHandlers(ws));
    await ws.open(root, true);
    await ws.rescan();
    // A new project's first scan is no news.
    expect((await call('project:scans')).opening).toBeNull();
    const cls = await call('classes:create', { name: 'cat' });
    const item = (await call('images:list', { filter: { kind: 'all' }, offset: 0, limit: 10 })).items[0]!;
    await call('labels:set', { imageIds: [item.id], classId: cls.id });
    await call('project:close');

    await overwrite(path.join(root, item.relPath), 321);
    await ws.open(root, false);
    await ws.rescan(); // the opening's scan, shared
    const { opening: report, latest } = await call('project:scans');
    expect(latest).toEqual(report);
    expect(report).toMatchObject({ changed: 1, changedFiles: [item.relPath], labeledChanged: [{ imageId: item.id, className: 'cat', evaluation: false }] });
    // An explicit rescan right after finds nothing new; the opening's report stays until dismissed.
    expect(await call('project:rescan')).toMatchObject({ changed: 0, labeledChanged: [] });
    expect(await call('project:scans')).toMatchObject({ opening: { changed: 1 }, latest: { changed: 0 } });
    expect(await call('images:byIds', { ids: [item.id] })).toMatchObject([{ id: item.id, classId: cls.id, suggestion: null }]);
    await call('project:dismissOpenScan');
    expect((await call('project:scans')).opening).toBeNull();

    // Reopened with nothing changed: nothing to tell.
    await call('project:close');
    await ws.open(root, false);
    await ws.rescan();
    expect((await call('project:scans')).opening).toBeNull();
  });
});
