/**
 * Resolve a project-relative path to a real file and prove it lies inside the project
 * folder: symlinks resolved, compared component-wise (never a bare string prefix, which
 * would let `/data/project-evil` pass for `/data/project`).
 */
import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

const missing = (relPath: string): AppError => new AppError('NOT_FOUND', `The file ${relPath} is missing from the project folder. Rescan the project.`);

function inside(realRoot: string, real: string, relPath: string): string {
  if (!isInside(realRoot, real)) {
    throw new AppError('NOT_FOUND', `Refused to serve ${relPath}: it resolves outside the project folder.`);
  }
  return real;
}

export async function resolveInside(root: string, relPath: string): Promise<string> {
  let realRoot: string;
  let real: string;
  try {
    realRoot = await fs.realpath(root);
    real = await fs.realpath(path.resolve(realRoot, ...relPath.split('/')));
  } catch {
    throw missing(relPath);
  }
  return inside(realRoot, real, relPath);
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
  } catch {
    throw missing(relPath);
  }
  return inside(realRoot, real, relPath);
}
