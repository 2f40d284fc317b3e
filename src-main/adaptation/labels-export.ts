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
 * An export that copies image files reads each labeled image once and checks its content hash
 * against the project's as it copies (copyInto): a file that changed on disk since the last scan
 * (new content, gone, unreadable, no longer a regular file) is left out of the whole export (every
 * copy, the Hugging Face metadata, labels.csv and labels.json) and named with its reason in the
 * export's notes (leftOutNotes), and the export goes on: never written under a label given to other
 * pixels or with a wrong sha256, and never a reason to lose the rest. A failure to write the export
 * (disk full, read-only) still fails it, and export-target.ts removes what was written.
 *
 * A folder of the copies (a class, a split, `images/`, `huggingface/`) holds at least one image:
 * it is made for the first copy written into it, and a copy taken back (its content changed, or its
 * read failed midway) removes the folders it leaves empty. So a class whose every file was left
 * out, and a class with no labeled image, has no folder.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { neutralise, toCsv } from '../project/csv-field';
import { sortNaturally } from '../../src-shared/natural-name';
import { nameOrder } from '../project/image-index';
import type { Project } from '../project/project';
import { isInside, openInside, readRefusalOf, RefusedRead } from '../media/path-containment';

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
       WHERE i.present = 1 AND c.deleted_at IS NULL ORDER BY ${nameOrder()}`,
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
    .prepare(`SELECT i.id, i.rel_path, i.hash, u.marked_at, u.actor FROM unsure u JOIN images i ON i.id = u.image_id WHERE i.present = 1 ORDER BY ${nameOrder()}`)
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
 * Why a labeled image is not in an export that copies images: its content is not what was
 * labeled (`changed`), its file is gone (`gone`), or it cannot be read as an image file
 * (`unreadable`: permission denied, a read error, a folder or a named pipe in its place); `why`
 * says which in plain words.
 */
export interface LeftOutReason {
  kind: 'changed' | 'gone' | 'unreadable';
  why: string;
}

/**
 * The labeled images an export left out (copyInto), by path: out of every part of that export
 * (copies, metadata, labels files) and named in its notes (leftOutNotes).
 */
export type LeftOut = Map<string, LeftOutReason>;

type FileHandle = Awaited<ReturnType<typeof fs.open>>;

/**
 * A labeled image's file opened for the copy, by the rule of every read of a project image
 * (openInside: checked inside the project folder, opened without following a link in its place,
 * then confirmed to be the very file its path, checked again, names: a folder on its path swapped
 * for a link between the check and the open is refused, not copied), or why it cannot be: gone,
 * or unreadable with the reason in a few words (permission denied, a link, a disk error).
 */
async function openSource(root: string, relPath: string): Promise<{ handle: FileHandle } | { leftOut: LeftOutReason }> {
  try {
    return { handle: (await openInside(root, relPath)).handle };
  } catch (error) {
    return { leftOut: error instanceof RefusedRead ? error.reason : readRefusalOf(error) };
  }
}

/**
 * Remove `folder` and each parent up to and including `top` while it is empty (rmdir refuses a
 * folder that holds anything): a copy taken back leaves no empty folder behind it.
 */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  for (let dir = folder; dir === top || isInside(top, dir); dir = path.dirname(dir)) {
    try {
      await fs.rmdir(dir);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return;
      throw error;
    }
  }
}

/** Where one copy of an image goes: the file `rel` under the layout's folder `top` (`images/`, `huggingface/`). */
interface CopyTarget {
  top: string;
  rel: string;
}

/**
 * Copy one image to every target, reading it once and hashing the bytes as they pass: null when
 * their SHA-256 is the project's (the hash the labels and metadata name), else why it is left out.
 * A file whose content is not (replaced since the last scan, perhaps with the same size and date,
 * which a plain rescan does not read) is not the image that was labeled, and one that cannot be
 * opened or read is not copied: its copies are removed (with the folders they leave empty). The
 * source is opened before any folder is made, so a file gone or unreadable makes none. Errors of
 * the targets (disk full, read-only) are thrown: the export fails, and nothing of it is kept.
 */
async function copyInto(root: string, image: { relPath: string; hash: string }, targets: readonly CopyTarget[]): Promise<LeftOutReason | null> {
  const source = await openSource(root, image.relPath);
  if ('leftOut' in source) return source.leftOut;
  let leftOut: LeftOutReason | null;
  const outs: FileHandle[] = [];
  try {
    for (const target of targets) {
      const file = path.join(target.top, target.rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      outs.push(await fs.open(file, 'wx'));
    }
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(COPY_CHUNK);
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await source.handle.read(buffer, 0, buffer.length, null));
      } catch (error) {
        leftOut = readRefusalOf(error); // the source failed (EIO), not the export
        break;
      }
      if (bytesRead === 0) {
        leftOut = hash.digest('hex') === image.hash ? null : { kind: 'changed', why: 'its content changed since the last scan' };
        break;
      }
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      for (const out of outs) {
        let written = 0;
        while (written < bytesRead) written += (await out.write(chunk, written, bytesRead - written)).bytesWritten;
      }
    }
  } finally {
    // On a failure to write, the export fails and its staging folder goes whole (export-target.ts).
    for (const out of outs) await out.close();
    await source.handle.close();
  }
  if (leftOut) {
    for (const target of targets) {
      const file = path.join(target.top, target.rel);
      await fs.rm(file);
      await removeEmptyFolders(path.dirname(file), target.top);
    }
  }
  return leftOut;
}

/** Paths named in a note: the first `listed`, then how many more. */
function pathList(paths: readonly string[], listed: number): string {
  return paths.slice(0, listed).join(', ') + (paths.length > listed ? ` and ${paths.length - listed} more` : '');
}

/**
 * The export's notes for the labeled images it left out, one for each kind of reason (changed,
 * gone, unreadable with each file's reason), in plain words with what to do; none when none was.
 */
export function leftOutNotes(leftOut: LeftOut, listed = 10): string[] {
  const notes: string[] = [];
  const of = (kind: LeftOutReason['kind']): string[] =>
    sortNaturally(
      [...leftOut]
        .filter(([, r]) => r.kind === kind)
        .map(([p]) => p),
    );
  const changed = of('changed');
  if (changed.length > 0) {
    const one = changed.length === 1;
    notes.push(
      `${changed.length} labeled image${one ? "'s file" : "s' files"} changed since the last scan, so ${one ? 'it is' : 'they are'} not in this export ` +
        `(${one ? 'its' : 'their'} label and hash would be wrong): ${pathList(changed, listed)}. Rescan with "Check every file", check ${one ? 'its label' : 'their labels'}, then export again.`,
    );
  }
  const gone = of('gone');
  if (gone.length > 0) {
    const one = gone.length === 1;
    notes.push(
      `${gone.length} labeled image${one ? "'s file is" : "s' files are"} gone from the project folder since the last scan (moved or deleted), so ${one ? 'it is' : 'they are'} not in this export: ` +
        `${pathList(gone, listed)}. Put ${one ? 'it' : 'them'} back, or rescan (a file moved inside the folder keeps its label), then export again.`,
    );
  }
  const unreadable = of('unreadable');
  if (unreadable.length > 0) {
    const one = unreadable.length === 1;
    const named = unreadable.map((p) => `${p} (${leftOut.get(p)!.why})`);
    notes.push(
      `${unreadable.length} labeled image${one ? "'s file" : "s' files"} could not be read, so ${one ? 'it is' : 'they are'} not in this export: ${pathList(named, listed)}. ` +
        `Make ${one ? 'it a readable image file' : 'them readable image files'} again, then export again.`,
    );
  }
  return notes;
}

/** The split folders of a split ImageFolder copy: the evaluation set never sits with training images. */
export const IMAGE_FOLDER_SPLITS = { training: 'train', evaluation: 'evaluation' } as const;

/** The Hugging Face split of each ADMA split: the evaluation set is the test split. */
const HF_SPLITS = { training: 'train', evaluation: 'test' } as const;

/**
 * The layouts an export copies the labeled images into, each in its own folder of the export:
 *
 * `imageFolder` (`images/`): every labeled image in `<class>/` (or `train/<class>/` and
 * `evaluation/<class>/` when `split`), sub-folders flattened into the file name.
 *
 * `huggingFace` (`huggingface/`): a Hugging Face `imagefolder` data set, `train/` and `test/` (the
 * evaluation set; absent when it has no labeled image), each with the images and a `metadata.csv`
 * whose `file_name` column names the image beside it and whose `label` column holds its class;
 * `path` and `sha256` say which project image it was (an import matches on them). A file name that
 * a spreadsheet would run as a formula gets a leading `_`, so that `file_name` is never altered.
 */
export interface ImageLayouts {
  imageFolder?: { split: boolean };
  huggingFace?: boolean;
}

/**
 * Copy the labeled images into each layout asked for, reading each file once (copyInto), so the
 * layouts hold the same images: one left out is in none of them and is added to `leftOut`. The
 * files written, relative to `dest` (the copies, then the metadata); `onProgress` counts images.
 */
export async function copyImages(
  root: string,
  dest: string,
  images: readonly LabeledImage[],
  layouts: ImageLayouts,
  onProgress: (done: number) => void,
  leftOut: LeftOut,
): Promise<string[]> {
  const imageFolder = path.join(dest, 'images');
  const huggingFace = path.join(dest, 'huggingface');
  const copies: string[] = [];
  const hf = { training: { files: [] as string[], rows: [] as string[][] }, evaluation: { files: [] as string[], rows: [] as string[][] } };
  for (const [i, image] of images.entries()) {
    const flat = flatName(image.relPath);
    const hfName = neutralise(flat) === flat ? flat : `_${flat}`;
    const folderRel = path.join(...(layouts.imageFolder?.split ? [IMAGE_FOLDER_SPLITS[image.split]] : []), classFolderName(image.className), flat);
    const hfRel = path.join(HF_SPLITS[image.split], hfName);
    const targets: CopyTarget[] = [];
    if (layouts.imageFolder) targets.push({ top: imageFolder, rel: folderRel });
    if (layouts.huggingFace) targets.push({ top: huggingFace, rel: hfRel });
    if (targets.length > 0 && !leftOut.has(image.relPath)) {
      const reason = await copyInto(root, image, targets);
      if (reason) leftOut.set(image.relPath, reason);
      else {
        if (layouts.imageFolder) copies.push(path.join('images', folderRel));
        if (layouts.huggingFace) {
          hf[image.split].files.push(path.join('huggingface', hfRel));
          hf[image.split].rows.push([hfName, image.className, image.relPath, image.hash]);
        }
      }
    }
    onProgress(i + 1);
  }
  for (const split of ['training', 'evaluation'] as const) {
    const { files, rows } = hf[split];
    // A split none of whose images was copied has no folder (copyInto made none or took it back): no metadata either.
    if (rows.length === 0) continue;
    const metadata = path.join(HF_SPLITS[split], 'metadata.csv');
    await fs.writeFile(path.join(huggingFace, metadata), toCsv([['file_name', 'label', 'path', 'sha256'], ...rows]), { flag: 'wx' });
    copies.push(...files, path.join('huggingface', metadata));
  }
  return copies;
}
