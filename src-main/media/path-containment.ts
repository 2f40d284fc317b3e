/**
 * Resolve a project-relative path to a real file and prove it lies inside the project
 * folder: symlinks resolved, compared component-wise (never a bare string prefix, which
 * would let `/data/project-evil` pass for `/data/project`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export async function resolveInside(root: string, relPath: string): Promise<string> {
  let realRoot: string;
  let real: string;
  try {
    realRoot = await fs.realpath(root);
    real = await fs.realpath(path.resolve(realRoot, ...relPath.split('/')));
  } catch {
    throw new AppError('NOT_FOUND', `The file ${relPath} is missing from the project folder. Rescan the project.`);
  }
  if (!isInside(realRoot, real)) {
    throw new AppError('NOT_FOUND', `Refused to serve ${relPath}: it resolves outside the project folder.`);
  }
  return real;
}
