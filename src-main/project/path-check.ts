/** Validation and completion of paths typed in the browser UI (no native dialog there): folders, and files where a field takes them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import type { PathCheck, PathCompletion } from '../../src-shared/contract';
import { hasProject } from './project-db';

/**
 * A path typed in the UI, made absolute: `~` and `~/…` are the home folder, empty is the home
 * folder. A relative path is refused (BAD_ARGUMENT): the app has no folder the user would
 * expect it to start from (it would be the app's own working folder). The command line resolves
 * its relative paths against the shell's folder itself and does not come through here.
 */
export function expandPath(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '' || trimmed === '~') return os.homedir();
  if (trimmed.startsWith('~/') || (path.sep === '\\' && trimmed.startsWith('~\\'))) return path.join(os.homedir(), trimmed.slice(2));
  if (!path.isAbsolute(trimmed)) {
    throw new AppError('BAD_ARGUMENT', `"${trimmed}" is not a full path: type it from the top (${path.join(os.homedir(), trimmed)}) or from your home folder (~/${trimmed}).`);
  }
  return path.resolve(trimmed);
}

function accessible(p: string, mode: number): boolean {
  try {
    fs.accessSync(p, mode);
    return true;
  } catch {
    return false;
  }
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null; // missing, or a parent folder we may not enter
  }
}

/** Whether a folder has no entry at all; reads one entry, not the whole listing. */
function isEmptyFolder(p: string): boolean {
  let dir: fs.Dir | null = null;
  try {
    dir = fs.opendirSync(p);
    return dir.readSync() === null;
  } catch {
    return false;
  } finally {
    dir?.closeSync();
  }
}

export function checkPath(input: string): PathCheck {
  let p: string;
  try {
    p = expandPath(input);
  } catch (error) {
    const message = error instanceof AppError ? error.message : String(error);
    return { path: input.trim(), exists: false, isDirectory: false, readable: false, writable: false, hasProject: false, relative: true, empty: false, message };
  }
  const stat = statOrNull(p);
  const exists = stat !== null;
  const isDirectory = stat?.isDirectory() ?? false;
  const readable = exists && accessible(p, isDirectory ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
  const writable = isDirectory && accessible(p, fs.constants.W_OK);
  const project = isDirectory && hasProject(p);
  const empty = isDirectory && readable && isEmptyFolder(p);
  let message: string;
  if (!exists) message = 'No such folder.';
  else if (!isDirectory) message = 'This is a file, not a folder.';
  else if (!readable) message = 'This folder cannot be read (permission denied).';
  else if (project) message = 'An ADMA Studio project: open it.';
  else if (!writable) message = 'A folder you cannot write to: a project needs to store its database in it.';
  else message = 'A folder without a project: create one to start labeling its images.';
  return { path: p, exists, isDirectory, readable, writable, hasProject: project, relative: false, empty, message };
}

/**
 * The entries of the typed path's folder whose names start with its last segment: its
 * sub-folders, and its files whose names end with one of `fileEndings` (".csv"; any case).
 * Without endings, folders only (the project picker, the export destination). Hidden entries
 * (a leading dot) are left out; at most 50, in name order.
 */
export function completePath(partial: string, fileEndings: readonly string[] = []): PathCompletion {
  let expanded: string;
  try {
    expanded = expandPath(partial);
  } catch {
    return { directory: '', entries: [] }; // a relative path: nothing to complete from
  }
  const endsWithSep = partial.endsWith('/') || partial.endsWith(path.sep);
  const directory = endsWithSep ? expanded : path.dirname(expanded);
  const prefix = endsWithSep ? '' : path.basename(expanded);
  const endings = fileEndings.map((e) => e.toLowerCase());
  /** A folder (true), a file with a wanted ending (false), or neither (null). */
  const kindOf = (d: fs.Dirent): boolean | null => {
    if (d.isDirectory()) return true;
    const lower = d.name.toLowerCase();
    return d.isFile() && endings.some((e) => lower.endsWith(e)) ? false : null;
  };
  let entries: PathCompletion['entries'];
  try {
    entries = fs
      .readdirSync(directory, { withFileTypes: true })
      .filter((d) => !d.name.startsWith('.') && d.name.startsWith(prefix))
      .flatMap((d) => {
        const folder = kindOf(d);
        return folder === null ? [] : [{ name: d.name, path: path.join(directory, d.name), folder }];
      })
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, 50);
  } catch {
    entries = [];
  }
  return { directory, entries };
}
