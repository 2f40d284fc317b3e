/**
 * Issue 14.5 on real photos (../shared/data/hymenoptera): every export that has an importer
 * (labels CSV, labels.json, the split ImageFolder, the Hugging Face layout) imported into a
 * fresh project of the same photos restores every label (and labels.json every unsure mark);
 * an expert's half-sorted class folders, Label Studio and COCO files label the photos they
 * name and report every entry they cannot apply; a prediction CSV becomes suggestions only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { labeledImages } from '../../../src-main/adaptation/labels-export';
import { clearImportedSuggestions, importedSuggestionSources, importFile } from '../../../src-main/adaptation/labels-import';
import { Project } from '../../../src-main/project/project';
import { exportService } from '../../faults/support/export-service';
import { tempDir } from '../../support/image-folder';

const HYMENOPTERA = path.resolve(__dirname, '../../../../shared/data/hymenoptera/val');
const haveData = fs.existsSync(path.join(HYMENOPTERA, 'ants')) && fs.existsSync(path.join(HYMENOPTERA, 'bees'));
const PER_CLASS = 12;

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** The first photos of each class, copied flat into a new project folder as `photos/<name>` (no class in the path). */
function photoNames(): { file: string; cls: 'ants' | 'bees' }[] {
  return (['ants', 'bees'] as const).flatMap((cls) =>
    fs
      .readdirSync(path.join(HYMENOPTERA, cls))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .slice(0, PER_CLASS)
      .map((file) => ({ file, cls })),
  );
}

async function photoProject(): Promise<Project> {
  const root = tempDir('adma-formats-');
  for (const { file, cls } of photoNames()) {
    fs.mkdirSync(path.join(root, 'photos'), { recursive: true });
    fs.copyFileSync(path.join(HYMENOPTERA, cls, file), path.join(root, 'photos', file));
  }
  const project = Project.open(root, true);
  projects.push(project);
  await project.rescan();
  return project;
}

const truth = new Map(haveData ? photoNames().map(({ file, cls }) => [`photos/${file}`, cls]) : []);
const idOf = (project: Project, rel: string): number => project.images.list({ kind: 'all' }, 0, 1000).items.find((i) => i.relPath === rel)!.id;
const labelsOf = (project: Project): [string, string][] => labeledImages(project, new Set()).map((i) => [i.relPath, i.className]);

/** A labeled project: every photo its true class but two unsure, a quarter in the evaluation set. */
async function labeledProject(): Promise<{ project: Project; unsure: string[] }> {
  const project = await photoProject();
  const ants = project.classes.create('ants', undefined);
  const bees = project.classes.create('bees', undefined);
  const paths = [...truth.keys()];
  const unsure = [paths[3]!, paths[PER_CLASS + 3]!];
  const pairs = paths.filter((p) => !unsure.includes(p)).map((p) => ({ imageId: idOf(project, p), classId: truth.get(p) === 'ants' ? ants.id : bees.id }));
  project.labels.setMany(pairs, project.images.existingIds(pairs.map((p) => p.imageId)));
  project.setUnsure(unsure.map((p) => idOf(project, p)), true);
  new AdaptationStore(project.db).addEvaluation(paths.filter((_, i) => i % 4 === 0).map((p) => idOf(project, p)));
  return { project, unsure };
}

describe.skipIf(!haveData)(`label formats on real photos${haveData ? '' : ' — SKIPPED: ../shared/data/hymenoptera is absent'}`, () => {
  it('exports CSV, JSON, a split ImageFolder and a Hugging Face layout, and each import into a fresh project restores every label', async () => {
    const { project, unsure } = await labeledProject();
    const destination = path.join(tempDir(), 'export');
    const report = await exportService(project).export({ destination, model: false, labelsCsv: true, labelsJson: true, imageFolder: true, splitImageFolder: true, huggingFace: true });
    const expected = labelsOf(project);
    expect(expected).toHaveLength(2 * PER_CLASS - 2);

    // The split ImageFolder: the evaluation set apart, never with training images; unsure images in neither.
    const evaluationIds = new AdaptationStore(project.db).evaluationIds();
    const evaluationNames = new Set([...truth.keys()].filter((p) => evaluationIds.has(idOf(project, p))).map((p) => p.split('/').join('__')));
    const imageFiles = report.files.filter((f) => f.startsWith(`images${path.sep}`)).map((f) => f.split(path.sep));
    expect(imageFiles.length).toBe(expected.length);
    for (const [, split, cls, name] of imageFiles) {
      expect(split).toBe(evaluationNames.has(name!) ? 'evaluation' : 'train');
      expect(cls).toBe(truth.get(name!.replace('__', '/')));
    }
    for (const u of unsure) expect(report.files.some((f) => f.endsWith(u.split('/').join('__')))).toBe(false);
    expect(fs.readFileSync(path.join(destination, 'unsure.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(unsure.sort());

    // The Hugging Face layout: train/ and test/, each with a metadata.csv of file_name and label.
    const trainMeta = fs.readFileSync(path.join(destination, 'huggingface', 'train', 'metadata.csv'), 'utf8').trim().split('\n');
    const testMeta = fs.readFileSync(path.join(destination, 'huggingface', 'test', 'metadata.csv'), 'utf8').trim().split('\n');
    expect(trainMeta[0]).toBe('file_name,label,path,sha256');
    expect(trainMeta.length - 1 + testMeta.length - 1).toBe(expected.length);
    for (const line of [...trainMeta.slice(1), ...testMeta.slice(1)]) {
      const [fileName, label] = line.split(',');
      const split = testMeta.includes(line) ? 'test' : 'train';
      expect(fs.existsSync(path.join(destination, 'huggingface', split, fileName!))).toBe(true);
      expect(label).toBe(truth.get(fileName!.replace('__', '/')));
    }

    for (const [what, file] of [
      ['labels CSV', path.join(destination, 'labels.csv')],
      ['labels.json', path.join(destination, 'labels.json')],
      ['split ImageFolder', path.join(destination, 'images')],
      ['Hugging Face', path.join(destination, 'huggingface')],
    ] as const) {
      const fresh = await photoProject();
      const imported = await importFile(fresh, file, 'labels', true);
      expect(imported.unmatched, what).toEqual([]);
      expect(imported.labeled, what).toBe(expected.length);
      expect(labelsOf(fresh), what).toEqual(expected);
      expect(fresh.summary().unsureCount, what).toBe(what === 'labels.json' ? 2 : 0);
      // The evaluation split comes back as the evaluation set (labels.json: the unsure one in it too).
      const held = [...new AdaptationStore(fresh.db).evaluationIds()].map((id) => fresh.images.get(id).relPath).sort();
      const heldBefore = [...evaluationIds].map((id) => project.images.get(id).relPath).filter((p) => what === 'labels.json' || !unsure.includes(p)).sort();
      expect(held, what).toEqual(heldBefore);
      expect(imported.evaluation, what).toBe(heldBefore.length);
    }
  });

  it("labels an expert's half-sorted class folders by content, and reports the files it cannot place", async () => {
    const project = await photoProject();
    const sorted = tempDir('adma-sorted-');
    const names = photoNames();
    // Half of each class sorted into folders under other names; one stray file in the root; one photo not in the project.
    for (const [i, { file, cls }] of names.entries()) {
      if (i % 2 === 1) continue;
      fs.mkdirSync(path.join(sorted, cls, 'batch 1'), { recursive: true });
      fs.copyFileSync(path.join(HYMENOPTERA, cls, file), path.join(sorted, cls, 'batch 1', `renamed-${i}.jpg`));
    }
    fs.copyFileSync(path.join(HYMENOPTERA, 'ants', names[0]!.file), path.join(sorted, 'stray.jpg'));
    const outsider = fs.readdirSync(path.join(HYMENOPTERA, 'bees')).filter((f) => f.endsWith('.jpg')).sort()[PER_CLASS + 5]!;
    fs.copyFileSync(path.join(HYMENOPTERA, 'bees', outsider), path.join(sorted, 'bees', outsider));

    const report = await importFile(project, sorted, 'labels', true);
    expect(report.format).toBe('class folders, matched by content');
    expect(report.labeled).toBe(PER_CLASS);
    expect(report.createdClasses.sort()).toEqual(['ants', 'bees']);
    for (const [rel, cls] of labelsOf(project)) expect(cls).toBe(truth.get(rel));
    expect(report.unmatched.map((u) => [u.path, u.reason])).toEqual(
      expect.arrayContaining([
        ['stray.jpg', 'not inside a class folder'],
        [`bees/${outsider}`, 'no image in the project has the same content (rescan if it was added recently)'],
      ]),
    );
    expect(report.rows).toBe(PER_CLASS + 2);
    // One undoable action.
    project.labels.undo();
    expect(project.summary().labeledCount).toBe(0);
  });

  it('imports Label Studio and COCO files of the photos, reporting unknown images, unknown classes and conflicts', async () => {
    const project = await photoProject();
    project.classes.create('ants', undefined);
    project.classes.create('bees', undefined);
    const entries: [string, string][] = [...truth.entries()];
    const tasks = entries.slice(0, 6).map(([rel, cls], i) => ({
      id: i + 1,
      data: { image: i % 2 === 0 ? `/data/local-files/?d=${encodeURIComponent(`mnt/${rel}`)}` : `/data/upload/7/0a1b2c3d-${rel.split('/')[1]}` },
      annotations: [{ result: [{ type: 'choices', value: { choices: [cls] } }] }],
    }));
    tasks.push({ id: 7, data: { image: '/data/upload/7/0a1b2c3d-missing.jpg' }, annotations: [{ result: [{ type: 'choices', value: { choices: ['ants'] } }] }] });
    tasks.push({ id: 8, data: { image: `/data/local-files/?d=${entries[6]![0]}` }, annotations: [{ result: [{ type: 'choices', value: { choices: ['wasps'] } }] }] });
    const lsFile = path.join(tempDir(), 'project-1-at-2026.json');
    fs.writeFileSync(lsFile, JSON.stringify(tasks));
    const ls = await importFile(project, lsFile, 'labels', false);
    expect(ls.format).toBe('Label Studio JSON export');
    expect(ls.labeled).toBe(6);
    expect(ls.unmatched.map((u) => [u.line, u.reason])).toEqual([
      [7, 'no such image in the project (rescan if it was added recently)'],
      [8, 'no class named "wasps"'],
    ]);

    const coco = {
      images: entries.map(([rel], i) => ({ id: i + 1, file_name: rel })),
      categories: [
        { id: 1, name: 'ants' },
        { id: 2, name: 'bees' },
      ],
      annotations: entries.map(([, cls], i) => ({ id: i + 1, image_id: i + 1, category_id: cls === 'ants' ? 1 : 2 })),
    };
    // One image annotated twice with different classes: a conflict, neither applied.
    coco.annotations.push({ id: 999, image_id: 8, category_id: entries[7]![1] === 'ants' ? 2 : 1 });
    const cocoFile = path.join(tempDir(), 'coco.json');
    fs.writeFileSync(cocoFile, JSON.stringify(coco));
    const imported = await importFile(project, cocoFile, 'labels', false);
    expect(imported.format).toBe('COCO-style classification JSON');
    expect(imported.unchanged).toBe(6);
    expect(imported.labeled).toBe(entries.length - 6 - 1);
    expect(imported.unmatched.map((u) => u.line).sort((a, b) => a - b)).toEqual([8, entries.length + 1]);
    expect(imported.unmatched[0]!.reason).toMatch(/^conflicting answers for photos\/.*: none applied$/);
    expect(project.images.get(idOf(project, entries[7]![0])).classId).toBeNull();
  });

  it('imports a prediction CSV as suggestions with their probability, never as labels', async () => {
    const project = await photoProject();
    const ants = project.classes.create('ants', undefined);
    project.classes.create('bees', undefined);
    const entries = [...truth.entries()];
    const csv = ['path,class,probability', ...entries.map(([rel, cls], i) => `${rel.split('/')[1]},${cls},${(0.5 + i / 100).toFixed(2)}`), 'gone.jpg,ants,0.9', `${entries[0]![0]},moths,0.99`].join('\n');
    const file = path.join(tempDir(), 'predictions.csv');
    fs.writeFileSync(file, csv);
    const report = await importFile(project, file, 'suggestions', false);
    expect(report).toMatchObject({ suggested: entries.length, labeled: 0 });
    expect(report.unmatched.map((u) => [u.line, u.reason])).toEqual([
      [entries.length + 2, 'no such image in the project (rescan if it was added recently)'],
      [entries.length + 3, 'no class named "moths" (suggestions never create classes)'],
    ]);
    expect(project.summary().labeledCount).toBe(0);
    const store = new AdaptationStore(project.db);
    expect(store.suggestion(idOf(project, entries[0]![0]))).toEqual({ classId: ants.id, probability: 0.5, source: 'imported' });
    // The evaluation set is labeled blind: no suggestion, imported or not.
    store.addEvaluation([idOf(project, entries[0]![0])]);
    expect(store.suggestion(idOf(project, entries[0]![0]))).toBeNull();
  });

  it('clears imported suggestions of one import or all of them, leaving labels and the other import alone', async () => {
    const project = await photoProject();
    const ants = project.classes.create('ants', undefined);
    project.classes.create('bees', undefined);
    const entries = [...truth.entries()];
    const dir = tempDir();
    const write = (name: string, rows: [string, string][]): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, ['path,class,probability', ...rows.map(([rel, cls]) => `${rel},${cls},0.7`)].join('\n'));
      return file;
    };
    await importFile(project, write('first.csv', entries.slice(0, 10)), 'suggestions', false);
    await importFile(project, write('second.csv', entries.slice(10, 14)), 'suggestions', false);
    const labeledId = idOf(project, entries[0]![0]);
    project.setLabels([labeledId], ants.id);
    expect(importedSuggestionSources(project).map((s) => [s.source, s.count]).sort()).toEqual([['first.csv', 10], ['second.csv', 4]]);

    expect(clearImportedSuggestions(project, 'first.csv')).toBe(10);
    const store = new AdaptationStore(project.db);
    expect(store.suggestion(idOf(project, entries[1]![0]))).toBeNull();
    expect(store.suggestion(idOf(project, entries[10]![0]))).toMatchObject({ source: 'imported', probability: 0.7 });
    expect(importedSuggestionSources(project).map((s) => s.source)).toEqual(['second.csv']);
    expect(clearImportedSuggestions(project, 'no-such.csv')).toBe(0);

    expect(clearImportedSuggestions(project)).toBe(4);
    expect(importedSuggestionSources(project)).toEqual([]);
    expect(project.summary().importedSuggestionCount).toBe(0);
    expect(project.images.get(labeledId).classId).toBe(ants.id);
  });
});

