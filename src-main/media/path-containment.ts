/**
 * Resolve a project-relative path to a real file and prove it lies inside the project
 * folder: symlinks resolved, compared component-wise (never a bare string prefix, which
 * would let `/data/project-evil` pass for `/data/project`).
 */
import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { codeOf, errnoReason } from '../core/storage-errors';

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

const missing = (relPath: string): AppError => new AppError('NOT_FOUND', `The file ${relPath} is missing from the project folder. Rescan the project.`);

/**
 * Why `relPath` could not be resolved, from the error of realpath: only a file that is gone
 * (ENOENT; ENOTDIR: a folder on its path is now a file) is missing; a file this user may not
 * read, a loop of symbolic links or a disk error is said as what it is, for a rescan would not help.
 */
function unresolvable(relPath: string, error: unknown): AppError {
  const code = codeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return missing(relPath);
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('UNREADABLE', `Cannot read the file ${relPath} in the project folder: permission denied. Check that you may read this file and open the folders it is in, then try again.`);
  }
  if (code === 'ELOOP') {
    return new AppError('UNREADABLE', `Cannot read the file ${relPath} in the project folder: the symbolic links on its path lead in a loop. Remove or correct the link, then rescan the project.`);
  }
  if (code === 'EIO') {
    return new AppError('IO_ERROR', `Cannot read the file ${relPath} in the project folder: ${errnoReason(error)}. Check the disk (is it still connected?), then try again.`);
  }
  return new AppError('UNREADABLE', `Cannot read the file ${relPath} in the project folder: ${errnoReason(error)}.`);
}

function inside(realRoot: string, real: string, relPath: string): string {
  if (!isInside(realRoot, real)) {
    throw new AppError('NOT_FOUND', `Refused to serve ${relPath}: it resolves outside the project folder.`);
  }
  return real;
}

/**
 * The real path of `relPath` inside `root`. Throws the error of realpath as it is (errno: for a
 * caller that words the reason itself), or NOT_FOUND for a path that resolves outside.
 */
export async function realPathInside(root: string, relPath: string): Promise<string> {
  const realRoot = await fs.realpath(root);
  return inside(realRoot, await fs.realpath(path.resolve(realRoot, ...relPath.split('/'))), relPath);
}

/** realPathInside, its errors worded for the user (missing, permission denied, a loop of links, a disk error). */
export async function resolveInside(root: string, relPath: string): Promise<string> {
  try {
    return await realPathInside(root, relPath);
  } catch (error) {
    throw error instanceof AppError ? error : unresolvable(relPath, error);
  }
}

/**
 * resolveInside on the calling thread: a few stats, for a read that must not queue on libuv's
 * thread pool behind the decodes that fill it (the embedded thumbnail).
 */
export function resolveInsideSync(root: string, relPath: string): string {
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(path.resolve(realRoot, ...relPath.split('/')));
  } catch (error) {
    throw unresolvable(relPath, error);
  }
  return inside(realRoot, real, relPath);
}
