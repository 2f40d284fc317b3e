/** Labels written for other tools: CSV, JSON, and an ImageFolder copy (one sub-folder per class). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { toCsv } from '../project/csv-field';
import type { Project } from '../project/project';
import { resolveInside } from '../media/path-containment';

export interface LabeledImage {
  relPath: string;
  hash: string;
  className: string;
  labeledAt: string;
  actor: string;
  split: 'training' | 'evaluation';
}

export function labeledImages(project: Project, evaluation: ReadonlySet<number>): LabeledImage[] {
  const rows = project.db
    .prepare(
      `SELECT i.id, i.rel_path, i.hash, c.name, l.labeled_at, l.actor FROM labels l
       JOIN images i ON i.id = l.image_id JOIN classes c ON c.id = l.class_id
       WHERE i.present = 1 AND c.deleted_at IS NULL ORDER BY i.rel_path`,
    )
    .all() as { id: number; rel_path: string; hash: string; name: string; labeled_at: string; actor: string }[];
  return rows.map((r) => ({
    relPath: r.rel_path,
    hash: r.hash,
    className: r.name,
    labeledAt: r.labeled_at,
    actor: r.actor,
    split: evaluation.has(r.id) ? 'evaluation' : 'training',
  }));
}

export function labelsCsv(images: readonly LabeledImage[]): string {
  return toCsv([['path', 'class', 'split', 'labeled_at', 'annotator'], ...images.map((i) => [i.relPath, i.className, i.split, i.labeledAt, i.actor])]);
}

export function labelsJson(images: readonly LabeledImage[], classes: readonly string[], projectName: string): string {
  return `${JSON.stringify(
    {
      formatVersion: 1,
      project: projectName,
      exportedAt: new Date().toISOString(),
      classes,
      images: images.map((i) => ({ path: i.relPath, class: i.className, split: i.split, sha256: i.hash, labeledAt: i.labeledAt, annotator: i.actor })),
    },
    null,
    2,
  )}\n`;
}

/** A file-system-safe folder name for a class. */
export function classFolderName(name: string): string {
  const safe = [...name]
    .map((ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '_' : ch))
    .join('')
    .replace(/^\.+/, '_')
    .trim();
  return safe || 'unnamed';
}

/** Copy every labeled image into `<dest>/<class>/`, flattening sub-folders into the file name. */
export async function copyImageFolder(root: string, dest: string, images: readonly LabeledImage[], onProgress: (done: number) => void): Promise<string[]> {
  const written: string[] = [];
  for (const [i, image] of images.entries()) {
    const rel = path.join(classFolderName(image.className), image.relPath.split('/').join('__'));
    const target = path.join(dest, rel);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(await resolveInside(root, image.relPath), target, fs.constants.COPYFILE_EXCL);
    written.push(rel);
    onProgress(i + 1);
  }
  return written;
}
