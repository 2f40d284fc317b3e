/**
 * Labels written for other tools: CSV, JSON, an ImageFolder copy (one sub-folder per class,
 * optionally split into `train/` and `evaluation/`), and a Hugging Face `imagefolder` layout.
 *
 * Unsure images (the expert could not decide) have no class, so no class folder and no
 * labels row holds them: the image copies leave them out, labels.json lists them apart in
 * its `unsure` list (and restores them on import), and `unsure.csv` lists them beside any
 * export of labels or images, so nothing the expert did is lost. Their split is `evaluation`
 * for an unsure image of the evaluation set and `none` for any other: an unsure image is never
 * trained on, so it is in no split (`training` would say it was learned from).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { neutralise, toCsv } from '../project/csv-field';
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

/** Labels (of live classes) kept on images whose files are missing from the folder: not exportable with a file. */
export function missingLabelCount(project: Project): number {
  return project.db
    .prepare('SELECT COUNT(*) FROM labels l JOIN images i ON i.id = l.image_id JOIN classes c ON c.id = l.class_id WHERE i.present = 0 AND c.deleted_at IS NULL')
    .pluck()
    .get() as number;
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

export interface UnsureImage {
  relPath: string;
  hash: string;
  markedAt: string;
  actor: string;
  /** `none`: in no split (never trained on); `evaluation`: in the evaluation set. */
  split: 'none' | 'evaluation';
}

export function unsureImages(project: Project, evaluation: ReadonlySet<number>): UnsureImage[] {
  const rows = project.db
    .prepare('SELECT i.id, i.rel_path, i.hash, u.marked_at, u.actor FROM unsure u JOIN images i ON i.id = u.image_id WHERE i.present = 1 ORDER BY i.rel_path')
    .all() as { id: number; rel_path: string; hash: string; marked_at: string; actor: string }[];
  return rows.map((r) => ({ relPath: r.rel_path, hash: r.hash, markedAt: r.marked_at, actor: r.actor, split: evaluation.has(r.id) ? 'evaluation' : 'none' }));
}

export function unsureCsv(images: readonly UnsureImage[]): string {
  return toCsv([['path', 'sha256', 'split', 'marked_at', 'annotator'], ...images.map((i) => [i.relPath, i.hash, i.split, i.markedAt, i.actor])]);
}

export function labelsJson(images: readonly LabeledImage[], classes: readonly string[], projectName: string, unsure: readonly UnsureImage[] = []): string {
  return `${JSON.stringify(
    {
      formatVersion: 1,
      project: projectName,
      exportedAt: new Date().toISOString(),
      classes,
      images: images.map((i) => ({ path: i.relPath, class: i.className, split: i.split, sha256: i.hash, labeledAt: i.labeledAt, annotator: i.actor })),
      unsure: unsure.map((i) => ({ path: i.relPath, split: i.split, sha256: i.hash, markedAt: i.markedAt, annotator: i.actor })),
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

/** An image's file name in a flat copy: its sub-folders joined into the name. */
const flatName = (relPath: string): string => relPath.split('/').join('__');

async function copyInto(root: string, dest: string, rel: string, relPath: string): Promise<void> {
  const target = path.join(dest, rel);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.copyFile(await resolveInside(root, relPath), target, fs.constants.COPYFILE_EXCL);
}

/** The split folders of a split ImageFolder copy: the evaluation set never sits with training images. */
export const IMAGE_FOLDER_SPLITS = { training: 'train', evaluation: 'evaluation' } as const;

/**
 * Copy every labeled image into `<dest>/<class>/` (or `<dest>/train/<class>/` and
 * `<dest>/evaluation/<class>/` when `split`), flattening sub-folders into the file name.
 */
export async function copyImageFolder(
  root: string,
  dest: string,
  images: readonly LabeledImage[],
  onProgress: (done: number) => void,
  split = false,
): Promise<string[]> {
  const written: string[] = [];
  for (const [i, image] of images.entries()) {
    const rel = path.join(...(split ? [IMAGE_FOLDER_SPLITS[image.split]] : []), classFolderName(image.className), flatName(image.relPath));
    await copyInto(root, dest, rel, image.relPath);
    written.push(rel);
    onProgress(i + 1);
  }
  return written;
}

/** The Hugging Face split of each ADMA split: the evaluation set is the test split. */
const HF_SPLITS = { training: 'train', evaluation: 'test' } as const;

/**
 * A Hugging Face `imagefolder` data set: `<dest>/train/` and `<dest>/test/` (the evaluation
 * set; absent when it has no labeled image), each with the images and a `metadata.csv` whose
 * `file_name` column names the image beside it and whose `label` column holds its class; `path`
 * and `sha256` say which project image it was (an import matches on them). A file name that a
 * spreadsheet would run as a formula gets a leading `_`, so that `file_name` is never altered.
 */
export async function writeHuggingFace(root: string, dest: string, images: readonly LabeledImage[], onProgress: (done: number) => void): Promise<string[]> {
  const written: string[] = [];
  let done = 0;
  for (const split of ['training', 'evaluation'] as const) {
    const part = images.filter((i) => i.split === split);
    if (part.length === 0) continue;
    const folder = HF_SPLITS[split];
    const rows: string[][] = [];
    for (const image of part) {
      const flat = flatName(image.relPath);
      const fileName = neutralise(flat) === flat ? flat : `_${flat}`;
      await copyInto(root, path.join(dest, folder), fileName, image.relPath);
      written.push(path.join(folder, fileName));
      rows.push([fileName, image.className, image.relPath, image.hash]);
      onProgress(++done);
    }
    await fs.writeFile(path.join(dest, folder, 'metadata.csv'), toCsv([['file_name', 'label', 'path', 'sha256'], ...rows]), { flag: 'wx' });
    written.push(path.join(folder, 'metadata.csv'));
  }
  return written;
}
