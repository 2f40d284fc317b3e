/** Validation and completion of folder paths typed in the browser UI (no native dialog there). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PathCheck, PathCompletion } from '../../src-shared/contract';
import { hasProject } from './project-db';

export function expandPath(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '~') return os.homedir();
  if (trimmed.startsWith('~/')) return path.join(os.homedir(), trimmed.slice(2));
  return path.resolve(trimmed || os.homedir());
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

export function checkPath(input: string): PathCheck {
  const p = expandPath(input);
  const stat = statOrNull(p);
  const exists = stat !== null;
  const isDirectory = stat?.isDirectory() ?? false;
  const readable = exists && accessible(p, isDirectory ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
  const writable = isDirectory && accessible(p, fs.constants.W_OK);
  const project = isDirectory && hasProject(p);
  let message: string;
  if (!exists) message = 'No such folder.';
  else if (!isDirectory) message = 'This is a file, not a folder.';
  else if (!readable) message = 'This folder cannot be read (permission denied).';
  else if (project) message = 'An ADMA Studio project: open it.';
  else if (!writable) message = 'A folder you cannot write to: a project needs to store its database in it.';
  else message = 'A folder without a project: create one to start labeling its images.';
  return { path: p, exists, isDirectory, readable, writable, hasProject: project, message };
}

/** Sub-folders of the typed path's folder whose names start with its last segment. */
export function completePath(partial: string): PathCompletion {
  const expanded = expandPath(partial);
  const endsWithSep = partial.endsWith('/') || partial.endsWith(path.sep);
  const directory = endsWithSep ? expanded : path.dirname(expanded);
  const prefix = endsWithSep ? '' : path.basename(expanded);
  let names: string[];
  try {
    names = fs
      .readdirSync(directory, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name.startsWith(prefix))
      .map((d) => d.name)
      .sort((a, b) => a.localeCompare(b))
      .slice(0, 50);
  } catch {
    names = [];
  }
  return { directory, entries: names.map((name) => ({ name, path: path.join(directory, name) })) };
}
