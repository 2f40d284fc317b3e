/**
 * Labels from a CSV of `path,class` rows: paths relative to the project folder, absolute
 * paths inside it, or bare file names when unique. The whole file is planned before anything
 * changes: rows that cannot be matched (no such image, ambiguous name, unknown class) are
 * reported with their line and reason and the rest are applied; rows whose class could not be
 * created (too many classes, a name too long) refuse the whole import, with every such row
 * reported and nothing changed. What is applied is one transaction and one undoable action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import type { ImportReport } from '../../src-shared/contract';
import { isInside } from '../media/path-containment';
import { DEFAULT_HOTKEYS, MAX_CLASS_NAME } from '../project/class-store';
import { parseLabelsCsv, type LabelLine } from '../project/labels-csv';
import type { Project } from '../project/project';
import { errnoReason } from '../core/storage-errors';

type ImageRow = ReturnType<Project['images']['list']>['items'][number];

function lineList(lines: readonly number[]): string {
  const shown = lines.slice(0, 10).join(', ');
  return lines.length > 10 ? `${shown} and ${lines.length - 10} more` : shown;
}

function findImage(project: Project, line: LabelLine, byRel: Map<string, ImageRow>, byName: Map<string, ImageRow[]>): ImageRow | string {
  let rel = line.path.replace(/\\/g, '/');
  if (path.isAbsolute(line.path)) {
    if (!isInside(project.root, line.path)) return 'outside the project folder';
    rel = path.relative(project.root, line.path).split(path.sep).join('/');
  }
  rel = rel.replace(/^\.\//, '');
  const exact = byRel.get(rel);
  if (exact) return exact;
  if (rel.includes('/')) return 'no such image in the project (rescan if it was added recently)';
  const candidates = byName.get(rel) ?? [];
  if (candidates.length > 1) {
    return `ambiguous: ${candidates.length} images are named ${rel} (${candidates.slice(0, 3).map((c) => c.relPath).join(', ')}${candidates.length > 3 ? ', …' : ''}); give the path relative to the project folder`;
  }
  return candidates[0] ?? 'no such image in the project (rescan if it was added recently)';
}

export function importLabelsCsv(project: Project, csvPath: string, createClasses: boolean): ImportReport {
  let text: string;
  try {
    text = fs.readFileSync(csvPath, 'utf8');
  } catch (error) {
    throw new AppError('UNREADABLE', `Cannot read ${csvPath}: ${errnoReason(error)}.`);
  }
  const lines = parseLabelsCsv(text, csvPath);
  const images = project.images.list({ kind: 'all' }, 0, 10_000_000).items;
  const byRel = new Map(images.map((i) => [i.relPath, i]));
  const byName = new Map<string, ImageRow[]>();
  for (const image of images) {
    const name = image.relPath.split('/').pop() as string;
    byName.set(name, [...(byName.get(name) ?? []), image]);
  }
  const live = project.classes.list();
  const classes = new Map(live.map((c) => [c.name.toLowerCase(), c.id]));
  const report: ImportReport = { rows: lines.length, labeled: 0, unchanged: 0, createdClasses: [], unmatched: [] };

  // 1. Plan, without writing.
  const planned: { line: LabelLine; image: ImageRow; className: string }[] = [];
  const newClasses = new Map<string, { name: string; lines: number[] }>();
  for (const line of lines) {
    const miss = (reason: string) => report.unmatched.push({ line: line.line, path: line.path, className: line.className, reason });
    const image = findImage(project, line, byRel, byName);
    if (typeof image === 'string') {
      miss(image);
      continue;
    }
    const key = line.className.toLowerCase();
    if (!classes.has(key)) {
      if (!createClasses) {
        miss(`no class named "${line.className}"`);
        continue;
      }
      const entry = newClasses.get(key) ?? { name: line.className, lines: [] };
      entry.lines.push(line.line);
      newClasses.set(key, entry);
    }
    planned.push({ line, image, className: line.className });
  }

  // 2. Refuse the whole import when a class cannot be created.
  const blocking: string[] = [];
  const tooLong = [...newClasses.values()].filter((c) => c.name.length > MAX_CLASS_NAME);
  for (const c of tooLong) blocking.push(`lines ${lineList(c.lines)}: the class name "${c.name.slice(0, 40)}…" has ${c.name.length} characters; at most ${MAX_CLASS_NAME} are allowed`);
  const room = DEFAULT_HOTKEYS.length - live.length;
  const creatable = [...newClasses.values()].filter((c) => c.name.length <= MAX_CLASS_NAME);
  if (creatable.length > room) {
    const over = creatable.slice(room);
    blocking.push(
      `the file names ${newClasses.size} new classes but the project has ${live.length} of at most ${DEFAULT_HOTKEYS.length}: ` +
        `lines ${lineList(over.flatMap((c) => c.lines).sort((a, b) => a - b))} would need classes ${over.length > 3 ? `${over.slice(0, 3).map((c) => `"${c.name}"`).join(', ')} and ${over.length - 3} more` : over.map((c) => `"${c.name}"`).join(', ')} beyond that`,
    );
  }
  if (blocking.length > 0) {
    throw new AppError('CONFLICT', `Nothing was imported from ${csvPath}; no class or label was changed:\n  ${blocking.join('\n  ')}`);
  }

  // 3. Apply: one transaction, one undoable action.
  project.db.transaction(() => {
    for (const c of newClasses.values()) {
      classes.set(c.name.toLowerCase(), project.classes.create(c.name, undefined).id);
      report.createdClasses.push(c.name);
    }
    const pairs: { imageId: number; classId: number }[] = [];
    for (const p of planned) {
      const classId = classes.get(p.className.toLowerCase()) as number;
      if (p.image.classId === classId) report.unchanged++;
      else pairs.push({ imageId: p.image.id, classId });
    }
    if (pairs.length > 0) {
      const action = project.labels.setMany(pairs, project.images.existingIds(pairs.map((p) => p.imageId)));
      report.labeled = action.imageIds.length;
    }
  }).immediate();
  return report;
}
