/**
 * Resolve a project-relative path to a real file and prove it lies inside the project
 * folder: symlinks resolved, compared component-wise (never a bare string prefix, which
 * would let `/data/project-evil` pass for `/data/project`).
 */
import { closeSync, readlinkSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, type ErrorCode } from '../../src-shared/app-error';
import { codeOf, imageErrnoReason, readRefused } from '../core/storage-errors';
import type { FileHandle } from 'node:fs/promises';
import { openImageFile, openImageSync, readWhole } from '../core/user-file';

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Why a file of the folder was not read, in a few words that name neither the file nor the app's
 * project (so a command-line tool says them as they are: `skipped <file>: <why>`), and whether the
 * file is simply gone, for a caller that lists several files it left out (an export's notes:
 * labels-export.ts).
 */
export interface ReadRefusal {
  kind: 'gone' | 'unreadable';
  why: string;
}

/**
 * A file of the folder not read, as the functions below refuse it: the message is the sentence for
 * the app's user (it names the file and says what to do); `reason` says it in a few words.
 */
export class RefusedRead extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly reason: ReadRefusal,
  ) {
    super(code, message);
    this.name = 'RefusedRead';
  }
}

const unreadableFor = (why: string): ReadRefusal => ({ kind: 'unreadable', why });

/**
 * The reason of a read of a folder's file that failed with `error`: gone when the file is
 * (ENOENT; ENOTDIR: a folder on its path is now a file), else unreadable, said as imageErrnoReason
 * says it. The one wording of "gone" (RefusedRead's, an export's own read errors).
 */
export function readRefusalOf(error: unknown): ReadRefusal {
  const code = codeOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'gone', why: imageErrnoReason({ code: 'ENOENT' }) } : unreadableFor(imageErrnoReason(error));
}

/**
 * An error of a read of a folder's file in a few words, for a command-line tool that names the
 * file itself (`skipped <file>: <why>`): a RefusedRead's reason, any other error's message.
 */
export function shortReason(error: Error): string {
  return error instanceof RefusedRead ? error.reason.why : error.message;
}

const missing = (relPath: string): RefusedRead =>
  new RefusedRead('NOT_FOUND', `The file ${relPath} is missing from the project folder. Rescan the project.`, readRefusalOf({ code: 'ENOENT' }));

/**
 * Why `relPath` could not be resolved, from the error of realpath: only a file that is gone
 * (ENOENT; ENOTDIR: a folder on its path is now a file) is missing; a file this user may not
 * read (readRefused: one wording for every read refused), a loop of symbolic links or a disk error
 * is said as what it is, for a rescan would not help.
 */
function unresolvable(relPath: string, error: unknown): RefusedRead {
  const code = codeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return missing(relPath);
  if (code === 'EACCES' || code === 'EPERM') {
    const refused = readRefused(`the file ${relPath} in the project folder`);
    return new RefusedRead(refused.code, refused.message, unreadableFor(imageErrnoReason(error)));
  }
  if (code === 'ELOOP') {
    const why = 'the symbolic links on its path lead in a loop';
    return new RefusedRead('UNREADABLE', `Cannot read the file ${relPath} in the project folder: ${why}. Remove or correct the link, then rescan the project.`, unreadableFor(why));
  }
  const why = imageErrnoReason(error);
  if (code === 'EIO') {
    return new RefusedRead('IO_ERROR', `Cannot read the file ${relPath} in the project folder: ${why}. Check the disk (is it still connected?), then try again.`, unreadableFor(why));
  }
  return new RefusedRead('UNREADABLE', `Cannot read the file ${relPath} in the project folder: ${why}.`, unreadableFor(why));
}

/** A project file whose path, below the project folder (its real path `realRoot`), leads outside it through a symbolic link. */
const outside = (realRoot: string, relPath: string): RefusedRead =>
  new RefusedRead(
    'NOT_FOUND',
    `Refused to read ${relPath}: it leads outside the project folder (a symbolic link on its path points elsewhere), and ADMA Studio reads nothing outside the folder you chose. Replace the link with the file or folder itself, then rescan the project.`,
    unreadableFor(`a symbolic link on its path leads outside the folder ${realRoot}`),
  );

/** A path given (readFileInside) that is not below the project folder at all: no link involved. */
const notBelow = (root: string, file: string): RefusedRead =>
  new RefusedRead(
    'NOT_FOUND',
    `Refused to read ${file}: it is not in the project folder ${root}, and ADMA Studio reads nothing outside the folder you chose. Move or copy the file into the folder, then rescan the project.`,
    unreadableFor(`it is not in the folder ${root}`),
  );

function inside(realRoot: string, real: string, relPath: string): string {
  if (!isInside(realRoot, real)) throw outside(realRoot, relPath);
  return real;
}

/** `relPath` (project-relative, `/`-separated) below `root`. */
const below = (root: string, relPath: string): string => path.resolve(root, ...relPath.split('/'));

/*
 * The checks below resolve the project folder once (`realRoot`) and then `relPath` below it, each
 * time it is checked: realpath's errors worded for the user (unresolvable), a path that resolves
 * outside refused (inside).
 */

/** The project folder's real path, realpath's error worded for the read of `relPath`. */
export async function realRootOf(root: string, relPath: string): Promise<string> {
  try {
    return await fs.realpath(root);
  } catch (error) {
    throw unresolvable(relPath, error);
  }
}

/** The real path of `relPath` below the folder's real path `realRoot`: refused when it resolves outside. */
export async function resolvedBelow(realRoot: string, relPath: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(below(realRoot, relPath));
  } catch (error) {
    throw unresolvable(relPath, error);
  }
  return inside(realRoot, real, relPath);
}

function realRootOfSync(root: string, relPath: string): string {
  try {
    return realpathSync(root);
  } catch (error) {
    throw unresolvable(relPath, error);
  }
}

function resolvedBelowSync(realRoot: string, relPath: string): string {
  let real: string;
  try {
    real = realpathSync(below(realRoot, relPath));
  } catch (error) {
    throw unresolvable(relPath, error);
  }
  return inside(realRoot, real, relPath);
}

/**
 * The real path of `relPath` inside `root`, its errors worded for the user (missing, permission
 * denied, a loop of links, a disk error; a path that resolves outside refused).
 */
export async function resolveInside(root: string, relPath: string): Promise<string> {
  return resolvedBelow(await realRootOf(root, relPath), relPath);
}

/*
 * Reading a project file by the path resolveInside checked would read whatever stands there when
 * the read opens it: a symbolic link swapped in after the check (the folder may be shared or
 * synced) would be followed out of the project folder. So the file is opened once and what is
 * read is the open descriptor, confirmed after the open (byDescriptor, else confirmSame):
 * - the file itself: opened without following a link (user-file.ts, "A project's images");
 * - a folder on its path swapped for a link (which the open follows): on Linux, the descriptor
 *   itself says where the file it opened is (the link /proc/self/fd/<fd>: the kernel's path of
 *   the opened file, read without resolving anything on disk again). It must lie inside the
 *   folder's real path, else it is refused as leading outside: no change of the folder before or
 *   after can make a file outside pass, for what is checked is the file opened, not a path
 *   resolved again. It is nearly always the very path checked; when it is not (the file or a
 *   folder on its path renamed or swapped for a link within the folder around the open, a name
 *   spelt in another case on a case-insensitive disk), the file opened must also be the very file
 *   (same device and inode) the path checked names now, else it is refused as changed.
 * - where /proc is not there (macOS, Windows, a Linux without /proc mounted): the path is resolved
 *   and checked again after the open, and the file opened must be the very file (same device and
 *   inode) that this path names. That refuses a folder swapped for a link once, before or after
 *   the open; it does not refuse a folder flipped out (the open), in (the resolution) and out
 *   again (the stat, which follows links) at the right moments: the stat then names the outside
 *   file opened. Node offers no call there that names a descriptor's file (macOS's
 *   fcntl F_GETPATH, Windows' GetFinalPathNameByHandle), so that window stays open there.
 * The bytes read (or the descriptor) are what the caller decodes: never the path again.
 */

/**
 * Why the open or read of `relPath` failed: a link now in the file's place (the open follows
 * none: ELOOP) is refused as such; a file gone, one this user may not read or a disk error is
 * worded as resolveInside words it.
 */
function unreadable(relPath: string, error: unknown): RefusedRead {
  if (codeOf(error) !== 'ELOOP') return unresolvable(relPath, error);
  const why = imageErrnoReason(error);
  return new RefusedRead('UNREADABLE', `Cannot read ${relPath}: ${why}. Nothing outside the project folder was read. Rescan the project.`, unreadableFor(why));
}

const changed = (relPath: string): RefusedRead => {
  const why = 'it changed while it was being opened (saved again, moved, or a folder on its path now leads elsewhere)';
  return new RefusedRead(
    'UNREADABLE',
    `Refused to read ${relPath}: ${why}. Nothing outside the project folder was read. Try again; if it keeps happening, rescan the project.`,
    unreadableFor(why),
  );
};

function confirmSame(relPath: string, opened: BigIntStats, named: BigIntStats): void {
  if (opened.dev !== named.dev || opened.ino !== named.ino) throw changed(relPath);
}

/**
 * The path of the file open on `fd` as the kernel keeps it (Linux's /proc/self/fd), or null where
 * there is no such link to read (not Linux, or /proc not mounted): then the caller confirms by
 * the path (see above). A readlink of /proc reads no disk and never blocks on one, so it is done
 * on the calling thread, also for the asynchronous reads: no hop through libuv's thread pool.
 */
function openedPath(fd: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/**
 * The confirm by the descriptor (Linux, see above) of the file opened on `fd` for the path `real`
 * checked inside `realRoot`, a file outside refused here: 'confirmed' when it is `real`;
 * 'same-as-checked' when it is elsewhere inside, and the caller compares it with the file `real`
 * names (a stat: what it follows cannot let a file outside in, for the file opened is inside);
 * 'by-path' where the descriptor cannot say (no /proc), and the caller confirms by the path.
 */
function byDescriptor(realRoot: string, real: string, fd: number, relPath: string): 'confirmed' | 'same-as-checked' | 'by-path' {
  const openedAt = openedPath(fd);
  if (openedAt === null) return 'by-path';
  if (openedAt === real) return 'confirmed';
  if (!isInside(realRoot, openedAt)) throw outside(realRoot, relPath);
  return 'same-as-checked';
}

/*
 * What a read costs (bench/README.md, "Image reads: containment and cost"): the project folder
 * resolved once, `relPath` resolved and checked once before the open, then on Linux one readlink
 * of the descriptor's /proc link (and, in the rare case it is not the path checked, one stat of
 * that path against the descriptor's one fstat); elsewhere `relPath` resolved and checked again,
 * and one stat of the path checked, against the descriptor's one fstat.
 */

/**
 * The project file `relPath` opened and confirmed inside `root` (see above), for a caller that
 * reads the descriptor itself (an export streams its copies from it). Every error is a RefusedRead.
 * The caller closes the handle.
 */
export async function openInside(root: string, relPath: string): Promise<{ handle: FileHandle; size: number }> {
  return openBelow(await realRootOf(root, relPath), relPath);
}

/** openInside below the project folder's real path, resolved by the caller (realRootOf). */
async function openBelow(realRoot: string, relPath: string): Promise<{ handle: FileHandle; size: number }> {
  const real = await resolvedBelow(realRoot, relPath);
  let opened: Awaited<ReturnType<typeof openImageFile>>;
  try {
    opened = await openImageFile(real);
  } catch (error) {
    throw unreadable(relPath, error);
  }
  try {
    const confirm = byDescriptor(realRoot, real, opened.handle.fd, relPath);
    if (confirm !== 'confirmed') confirmSame(relPath, opened.stat, await fs.stat(confirm === 'by-path' ? await resolvedBelow(realRoot, relPath) : real, { bigint: true }));
    return { handle: opened.handle, size: opened.size };
  } catch (error) {
    await opened.handle.close();
    throw error instanceof AppError ? error : unreadable(relPath, error);
  }
}

/** The bytes of the project file `relPath`, from the file checked inside `root` (see above). */
export async function readInside(root: string, relPath: string): Promise<Buffer> {
  return readBelow(await realRootOf(root, relPath), relPath);
}

/** readInside below the project folder's real path, resolved by the caller (realRootOf). */
export async function readBelow(realRoot: string, relPath: string): Promise<Buffer> {
  const { handle, size } = await openBelow(realRoot, relPath);
  try {
    return await readWhole(handle, size);
  } catch (error) {
    throw unreadable(relPath, error);
  } finally {
    await handle.close();
  }
}

/**
 * readInside for a caller given absolute paths (the engine's decodes: a project image as
 * `<root>/<relPath>`): the part of `file` below `root`, read as readInside reads it; a path not
 * below `root` at all is refused as such (notBelow), one below it that a link leads outside as
 * readInside refuses it.
 */
export async function readFileInside(root: string, file: string): Promise<Buffer> {
  if (!isInside(root, path.resolve(root, file))) throw notBelow(root, file);
  return readInside(root, path.relative(root, file).split(path.sep).join('/'));
}

/**
 * The project file `relPath` opened on the calling thread (see above), its path checked as
 * resolveInside checks it: a few stats, for a read that must not queue on libuv's thread pool
 * behind the decodes that fill it (the embedded thumbnail). The caller closes the descriptor.
 */
export function openInsideSync(root: string, relPath: string): { fd: number; size: number } {
  const realRoot = realRootOfSync(root, relPath);
  const real = resolvedBelowSync(realRoot, relPath);
  let opened: ReturnType<typeof openImageSync>;
  try {
    opened = openImageSync(real);
  } catch (error) {
    throw unreadable(relPath, error);
  }
  try {
    const confirm = byDescriptor(realRoot, real, opened.fd, relPath);
    if (confirm !== 'confirmed') confirmSame(relPath, opened.stat, statSync(confirm === 'by-path' ? resolvedBelowSync(realRoot, relPath) : real, { bigint: true }));
    return { fd: opened.fd, size: opened.size };
  } catch (error) {
    closeSync(opened.fd);
    throw error instanceof AppError ? error : unreadable(relPath, error);
  }
}
