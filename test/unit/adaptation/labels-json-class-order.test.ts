/**
 * The exported labels.json lists the project's classes in the project's order; importing it
 * into a fresh project creates its classes in that order (they were created by first mention
 * in the entries, which are in image-name order), after any classes the project has, then
 * any class only the entries name, by first mention; a listed class with no label comes too.
 * COCO's categories list gives the order too, but only the categories its entries use are created.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLabelsJson } from '../../../src-main/adaptation/label-formats';
import { importFile } from '../../../src-main/adaptation/labels-import';
import type { Project } from '../../../src-main/project/project';
import { exportService } from '../../faults/support/export-service';
import { tempDir } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const opened: Project[] = [];
afterEach(async () => {
  for (const p of opened.splice(0)) await p.close();
});

const classNames = (project: Project): string[] => project.classes.list().map((c) => c.name);

function writeJson(value: unknown): string {
  const file = path.join(tempDir('adma-order-'), 'labels.json');
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

describe("a labels.json's class order on import", () => {
  it('an export imported into a fresh project of the same images keeps the class order', async () => {
    const { project, ids } = await scannedProject(4, opened);
    // Project order zebra, ant, moth; the entries (image-name order) name ant first, then zebra, moth.
    const [zebra, ant, moth] = ['zebra', 'ant', 'moth', 'wasp'].map((name) => project.classes.create(name, undefined).id) as [number, number, number];
    const pairs = [ant, zebra, moth, ant].map((classId, i) => ({ imageId: ids[i]!, classId }));
    project.labels.setMany(pairs, project.images.existingIds(ids));
    const destination = path.join(tempDir(), 'export');
    await exportService(project).export({ destination, model: false, labelsCsv: false, labelsJson: true, imageFolder: false });

    // imageFolder(4) makes the same files (names and contents) every time.
    const fresh = (await scannedProject(4, opened)).project;
    const report = await importFile(fresh, path.join(destination, 'labels.json'), 'labels', true);
    expect(report.unmatched).toEqual([]);
    // "wasp" has no label yet: it comes back all the same (it was lost before).
    expect(report.createdClasses).toEqual(['zebra', 'ant', 'moth', 'wasp']);
    expect(classNames(fresh)).toEqual(['zebra', 'ant', 'moth', 'wasp']);
    expect(report.labeled).toBe(4);
  });

  it('creates new classes after the existing ones, listed ones first (one per name key), then the rest by first mention', async () => {
    const { project, root } = await scannedProject(4, opened);
    project.classes.create('Moth', undefined);
    const names = fs.readdirSync(root).filter((f) => f.endsWith('.png')).sort();
    const file = writeJson({
      formatVersion: 1,
      // "moth" is the project's "Moth" (classNameKey); "Zebra" and "zebra" are one class; "wasp" names no image but is created.
      classes: ['moth', 'Zebra', 'wasp', 'ant', 'zebra', 7],
      images: [
        { path: names[0], class: 'bee' },
        { path: names[1], class: 'ant' },
        { path: names[2], class: 'zebra' },
        { path: names[3], class: 'moth' },
      ],
    });
    const report = await importFile(project, file, 'labels', true);
    expect(report.createdClasses).toEqual(['zebra', 'wasp', 'ant', 'bee']);
    expect(classNames(project)).toEqual(['Moth', 'zebra', 'wasp', 'ant', 'bee']);
    expect(report.labeled).toBe(4);
    // The bad class name is reported, and loses no label.
    expect(report.unmatched).toEqual([{ line: 0, path: '', className: '', reason: 'malformed: classes[5] is not a class name: left out of the class order' }]);
  });

  it("reads COCO's categories as the class order", () => {
    const parsed = parseLabelsJson(
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg' }, { id: 2, file_name: 'b.jpg' }],
        categories: [{ id: 5, name: 'wasp' }, { id: 2, name: 'bee' }],
        annotations: [{ image_id: 1, category_id: 2 }, { image_id: 2, category_id: 5 }],
      }),
      'coco.json',
    );
    expect(parsed.classOrder).toEqual(['wasp', 'bee']);
  });

  it("creates only the COCO categories the file's annotations use, in the categories' order", async () => {
    const { project, root } = await scannedProject(2, opened);
    const names = fs.readdirSync(root).filter((f) => f.endsWith('.png')).sort();
    const file = writeJson({
      images: [{ id: 1, file_name: names[0] }, { id: 2, file_name: names[1] }],
      // A taxonomy's categories: "moth" is used by no annotation here.
      categories: [{ id: 5, name: 'wasp' }, { id: 7, name: 'moth' }, { id: 2, name: 'bee' }],
      annotations: [{ image_id: 1, category_id: 2 }, { image_id: 2, category_id: 5 }],
    });
    const report = await importFile(project, file, 'labels', true);
    expect(report.createdClasses).toEqual(['wasp', 'bee']);
    expect(report.labeled).toBe(2);
  });
});
