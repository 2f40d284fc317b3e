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
 *
 * An export that copies image files checks each copy's content hash against the project's as
 * it copies (copyInto): a file changed since the last scan is left out of the whole export and
 * named in its notes, never written under a label given to other pixels or with a wrong sha256.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { openImageFile } from '../core/user-file';
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

/** Bytes read and written at a time by a copy. */
const COPY_CHUNK = 1024 * 1024;

/**
 * Copy one image to `<dest>/<rel>`, hashing the bytes as they pass (one read of the file): true
 * when their SHA-256 is the project's, the hash the labels and metadata name. A file whose content
 * is not (replaced since the last scan, perhaps with the same size and date, which a plain rescan
 * does not read) is not the image that was labeled: its copy is removed and false returned. The
 * file is read by the rule of every read of a project image (user-file.ts: no symbolic link
 * followed, no FIFO waited on).
 */
async function copyInto(root: string, dest: string, rel: string, image: { relPath: string; hash: string }): Promise<boolean> {
  const target = path.join(dest, rel);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const { handle: source } = await openImageFile(await resolveInside(root, image.relPath));
  let same = false;
  try {
    const out = await fs.open(target, 'wx');
    try {
      const hash = createHash('sha256');
      const buffer = Buffer.alloc(COPY_CHUNK);
      for (;;) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        let written = 0;
        while (written < bytesRead) written += (await out.write(chunk, written, bytesRead - written)).bytesWritten;
      }
      same = hash.digest('hex') === image.hash;
    } finally {
      await out.close();
      if (!same) await fs.rm(target, { force: true });
    }
  } finally {
    await source.close();
  }
  return same;
}

/**
 * The labeled images whose files an export found changed since the last scan (copyInto), by
 * path: left out of every part of that export (copies, metadata, labels files) and named in its
 * notes. A second copy (ImageFolder and Hugging Face) skips them without reading them again.
 */
export type ChangedSinceScan = Set<string>;

/** The export's note for the labeled images left out because their files changed since the last scan; null when none was. */
export function changedSinceScanNote(changed: ChangedSinceScan, listed = 10): string | null {
  if (changed.size === 0) return null;
  const paths = [...changed].sort();
  const names = paths.slice(0, listed).join(', ') + (paths.length > listed ? ` and ${paths.length - listed} more` : '');
  const one = paths.length === 1;
  return (
    `${paths.length} labeled image${one ? "'s file" : "s' files"} changed since the last scan, so ${one ? 'it is' : 'they are'} not in this export ` +
    `(${one ? 'its' : 'their'} label and hash would be wrong): ${names}. Rescan with "Check every file", check ${one ? 'its label' : 'their labels'}, then export again.`
  );
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
  changed: ChangedSinceScan = new Set(),
): Promise<string[]> {
  const written: string[] = [];
  for (const [i, image] of images.entries()) {
    const rel = path.join(...(split ? [IMAGE_FOLDER_SPLITS[image.split]] : []), classFolderName(image.className), flatName(image.relPath));
    if (!changed.has(image.relPath)) {
      if (await copyInto(root, dest, rel, image)) written.push(rel);
      else changed.add(image.relPath);
    }
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
export async function writeHuggingFace(
  root: string,
  dest: string,
  images: readonly LabeledImage[],
  onProgress: (done: number) => void,
  changed: ChangedSinceScan = new Set(),
): Promise<string[]> {
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
      if (!changed.has(image.relPath)) {
        if (await copyInto(root, path.join(dest, folder), fileName, image)) {
          written.push(path.join(folder, fileName));
          rows.push([fileName, image.className, image.relPath, image.hash]);
        } else changed.add(image.relPath);
      }
      onProgress(++done);
    }
    if (rows.length === 0) {
      // Every file of the split changed since the scan: no split folder rather than one without its metadata.
      await fs.rm(path.join(dest, folder), { recursive: true, force: true });
      continue;
    }
    await fs.writeFile(path.join(dest, folder, 'metadata.csv'), toCsv([['file_name', 'label', 'path', 'sha256'], ...rows]), { flag: 'wx' });
    written.push(path.join(folder, 'metadata.csv'));
  }
  return written;
}
