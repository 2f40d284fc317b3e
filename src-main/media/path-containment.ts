/**
 * Resolve a project-relative path to a real file and prove it lies inside the project
 * folder: symlinks resolved, compared component-wise (never a bare string prefix, which
 * would let `/data/project-evil` pass for `/data/project`).
 */
import { closeSync, fstatSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { errnoReason } from '../core/storage-errors';
import { openImageFile, openImageSync, readWhole } from '../core/user-file';

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

/*
 * Reading a project file by the path resolveInside checked would read whatever stands there when
 * the read opens it: a symbolic link swapped in after the check (the folder may be shared or
 * synced) would be followed out of the project folder. So the file is opened once and what is
 * read is the open descriptor, confirmed after the open:
 * - the file itself: opened without following a link (user-file.ts, "A project's images");
 * - a folder on its path swapped for a link (which the open follows): the file opened must be the
 *   very file (same device and inode) that the path, resolved and checked again after the open,
 *   names inside the folder; another file is refused.
 * The bytes read (or the descriptor) are what the caller decodes: never the path again.
 */

const unreadable = (relPath: string, error: unknown): AppError => new AppError('UNREADABLE', `Cannot read ${relPath}: ${errnoReason(error)}. Nothing outside the project folder was read. Rescan the project.`);

function confirmSame(relPath: string, opened: BigIntStats, named: BigIntStats): void {
  if (opened.dev !== named.dev || opened.ino !== named.ino) {
    throw new AppError(
      'UNREADABLE',
      `Refused to read ${relPath}: it was replaced while it was being opened (a folder on its path now leads elsewhere). Nothing outside the project folder was read. Rescan the project.`,
    );
  }
}

/** The bytes of the project file `relPath`, from the file resolveInside checked (see above). */
export async function readInside(root: string, relPath: string): Promise<Buffer> {
  let opened: Awaited<ReturnType<typeof openImageFile>>;
  try {
    opened = await openImageFile(await resolveInside(root, relPath));
  } catch (error) {
    throw error instanceof AppError ? error : unreadable(relPath, error);
  }
  try {
    const stat = await opened.handle.stat({ bigint: true });
    const again = await resolveInside(root, relPath);
    confirmSame(relPath, stat, await fs.stat(again, { bigint: true }));
    return await readWhole(opened.handle, opened.size);
  } catch (error) {
    throw error instanceof AppError ? error : unreadable(relPath, error);
  } finally {
    await opened.handle.close();
  }
}

/** The project file `relPath` opened on the calling thread (see above and resolveInsideSync); the caller closes the descriptor. */
export function openInsideSync(root: string, relPath: string): { fd: number; size: number } {
  let opened: { fd: number; size: number };
  try {
    opened = openImageSync(resolveInsideSync(root, relPath));
  } catch (error) {
    throw error instanceof AppError ? error : unreadable(relPath, error);
  }
  try {
    confirmSame(relPath, fstatSync(opened.fd, { bigint: true }), statSync(resolveInsideSync(root, relPath), { bigint: true }));
    return opened;
  } catch (error) {
    closeSync(opened.fd);
    throw error instanceof AppError ? error : unreadable(relPath, error);
  }
}
