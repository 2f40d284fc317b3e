/**
 * Labels from a CSV of `path,class` rows: paths relative to the project folder, absolute
 * paths inside it, or bare file names when unique. Every row that cannot be applied is
 * reported with its line and reason; the rest become one undoable action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import type { ImportReport } from '../../src-shared/contract';
import { isInside } from '../media/path-containment';
import { parseLabelsCsv } from '../project/labels-csv';
import type { Project } from '../project/project';

export function importLabelsCsv(project: Project, csvPath: string, createClasses: boolean): ImportReport {
  let text: string;
  try {
    text = fs.readFileSync(csvPath, 'utf8');
  } catch (error) {
    throw new AppError('UNREADABLE', `Cannot read ${csvPath}: ${(error as Error).message}`);
  }
  const lines = parseLabelsCsv(text, csvPath);
  const images = project.images.list({ kind: 'all' }, 0, 10_000_000).items;
  const byRel = new Map(images.map((i) => [i.relPath, i]));
  const byName = new Map<string, (typeof images)[number][]>();
  for (const image of images) {
    const name = image.relPath.split('/').pop() as string;
    byName.set(name, [...(byName.get(name) ?? []), image]);
  }
  const classes = new Map(project.classes.list().map((c) => [c.name.toLowerCase(), c.id]));
  const report: ImportReport = { rows: lines.length, labeled: 0, unchanged: 0, createdClasses: [], unmatched: [] };
  const pairs: { imageId: number; classId: number }[] = [];

  for (const line of lines) {
    const miss = (reason: string) => report.unmatched.push({ line: line.line, path: line.path, className: line.className, reason });
    let rel = line.path.replace(/\\/g, '/');
    if (path.isAbsolute(line.path)) {
      if (!isInside(project.root, line.path)) {
        miss('outside the project folder');
        continue;
      }
      rel = path.relative(project.root, line.path).split(path.sep).join('/');
    }
    rel = rel.replace(/^\.\//, '');
    let image = byRel.get(rel);
    if (!image && !rel.includes('/')) {
      const candidates = byName.get(rel) ?? [];
      if (candidates.length > 1) {
        miss(`${candidates.length} images are named ${rel}; give the path relative to the project folder`);
        continue;
      }
      image = candidates[0];
    }
    if (!image) {
      miss('no such image in the project (rescan if it was added recently)');
      continue;
    }
    let classId = classes.get(line.className.toLowerCase());
    if (classId === undefined) {
      if (!createClasses) {
        miss(`no class named "${line.className}"`);
        continue;
      }
      classId = project.classes.create(line.className, undefined).id;
      classes.set(line.className.toLowerCase(), classId);
      report.createdClasses.push(line.className);
    }
    if (image.classId === classId) report.unchanged++;
    else pairs.push({ imageId: image.id, classId });
  }
  if (pairs.length > 0) {
    const action = project.labels.setMany(pairs, project.images.existingIds(pairs.map((p) => p.imageId)));
    report.labeled = action.imageIds.length;
  }
  return report;
}
