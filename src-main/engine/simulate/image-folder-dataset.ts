/**
 * A labelled image folder for oracle replay: `<root>/<class>/<file>` (ImageFolder), or the
 * split layout `<root>/{train,val,test}/<class>/<file>` (e.g. hymenoptera), whose splits are
 * pooled into one set (the simulator draws its own stratified test split). The class of an
 * image is its folder name; files directly under the root or a split folder have none and
 * are reported as skipped. Classes are sorted by name; images by relative path.
 */
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { walkImageFiles, type SkippedEntry } from '../../project/image-files';

/** Top-level folder names read as dataset splits rather than classes. */
export const SPLIT_FOLDERS: readonly string[] = ['train', 'val', 'valid', 'validation', 'test'];

export interface LabelledImageFile {
  /** Relative to the root, '/' separated. */
  path: string;
  absPath: string;
  /** Index into `classes`. */
  label: number;
}

export interface ImageFolderDataset {
  root: string;
  /** 'image-folder' (`<class>/<file>`) or 'split-folders' (`<split>/<class>/<file>`, splits pooled). */
  layout: 'image-folder' | 'split-folders';
  classes: string[];
  images: LabelledImageFile[];
  skipped: SkippedEntry[];
}

/** True when every top-level folder is a split name (train, val, ...), so classes sit one level deeper. */
async function usesSplitFolders(root: string): Promise<boolean> {
  const entries = await readdir(root, { withFileTypes: true });
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  return folders.length > 0 && folders.every((name) => SPLIT_FOLDERS.includes(name.toLowerCase()));
}

export async function readImageFolderDataset(folder: string): Promise<ImageFolderDataset> {
  const root = resolve(folder);
  const split = await usesSplitFolders(root);
  const skipped: SkippedEntry[] = [];
  const found: { path: string; absPath: string; className: string }[] = [];
  for await (const file of walkImageFiles(root, skipped)) {
    const parts = file.relPath.split('/');
    const classIndex = split ? 1 : 0;
    if (parts.length < classIndex + 2) {
      skipped.push({ relPath: file.relPath, reason: split ? 'not inside a class folder of a split (train/<class>/...)' : 'not inside a class folder' });
      continue;
    }
    found.push({ path: file.relPath, absPath: file.absPath, className: parts[classIndex] as string });
  }
  const classes = [...new Set(found.map((f) => f.className))].sort();
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    root,
    layout: split ? 'split-folders' : 'image-folder',
    classes,
    images: found.map((f) => ({ path: f.path, absPath: f.absPath, label: classes.indexOf(f.className) })),
    skipped,
  };
}
