/**
 * What a failed read or write of the disk means for the user. SQLite's and Node's error codes
 * are mapped to codes of their own with messages that say what was (not) saved; one place
 * for every caller (requests, jobs, the engine worker, the CLI), so no path claims that a
 * label is saved when the disk refused it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';

/** The `code` of an errno or SQLite error, or null. */
export function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** `text` with its first letter a capital, to begin a sentence with a name ("the feature cache"). */
export const capitalised = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/**
 * A short reason for a file that could not be read, e.g. "permission denied". A file not there
 * is said without a cause the caller cannot know; for a project image indexed by the scan, say
 * so with imageErrnoReason.
 */
export function errnoReason(error: unknown): string {
  const code = codeOf(error);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'the file is not there (moved or deleted)';
  if (code === 'EISDIR') return 'a folder, not a file';
  if (code === 'EIO') return 'read error from the disk (EIO)';
  if (code === 'ELOOP') return 'a symbolic link now stands in its place (links are not followed)';
  return (error as Error).message;
}

/** errnoReason for a project image, a file the scan found: one that is not there went since the scan. */
export function imageErrnoReason(error: unknown): string {
  return codeOf(error) === 'ENOENT' ? 'the file is gone (moved or deleted since the scan)' : errnoReason(error);
}

/**
 * Whether SQLite found the file not to be a readable database: overwritten with something else,
 * truncated, or pages damaged (SQLITE_NOTADB, SQLITE_CORRUPT*; "file is encrypted" is what
 * older SQLite versions said for NOTADB).
 */
export function isDamagedDatabase(error: unknown): boolean {
  const code = codeOf(error) ?? '';
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return true;
  return error instanceof Error && /not a database|malformed|file is encrypted/i.test(error.message);
}

/**
 * Whether a failed call read or wrote. Give it where the caller knows (an export writes, a
 * project image is read); 'unknown' (a request or a job whose error may come from anywhere)
 * lets the failed call tell (deniedRead).
 */
export type Operation = 'read' | 'write' | 'unknown';

/** The calls of Node's fs that only read: a permission error from one of them is a read refused. */
const READ_CALLS = new Set(['read', 'scandir', 'opendir', 'stat', 'lstat', 'fstat', 'realpath', 'readlink']);

/**
 * Whether a permission error (EACCES, EPERM) was met reading rather than writing: as the caller
 * says, else by the call that failed, or, for an `open` (which may be either), by the file it
 * names being one this user may not read (a guess: a write into a folder this user may not
 * enter fails the same way, so a caller that writes says 'write'). A write refused keeps the
 * write's words.
 */
function deniedRead(error: unknown, operation: Operation): boolean {
  if (operation !== 'unknown') return operation === 'read';
  const { syscall, path } = error as { syscall?: unknown; path?: unknown };
  if (typeof syscall === 'string' && READ_CALLS.has(syscall)) return true;
  if (syscall !== 'open' || typeof path !== 'string') return false;
  try {
    fs.accessSync(path, fs.constants.R_OK);
    return false;
  } catch (probe) {
    const code = codeOf(probe);
    return code === 'EACCES' || code === 'EPERM';
  }
}

/**
 * The AppError for a storage failure, or null when `error` is not one. `what` names what was
 * being written, e.g. "This change" or "The export"; `operation`, whether it read or wrote,
 * where the caller knows (see Operation).
 */
export function storageError(error: unknown, what = 'This change', operation: Operation = 'unknown'): AppError | null {
  const code = codeOf(error);
  if (code === null) return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('DISK_FULL', `The disk is full: ${what.toLowerCase()} was not saved. Free some space on the disk, then try again; what was saved before is kept.`);
  }
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) {
    return new AppError('READ_ONLY', `The disk or folder is read-only: ${what.toLowerCase()} was not saved. Use a place you can write to; what was saved before is kept.`);
  }
  if ((code === 'EACCES' || code === 'EPERM') && deniedRead(error, operation)) {
    const { path } = error as { path?: unknown };
    return readRefused(typeof path === 'string' ? path : 'a file or folder it needs', what);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new AppError('NOT_WRITABLE', `Permission denied: ${what.toLowerCase()} was not saved. Check who may write to this folder, then try again.`);
  }
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR')) {
    return new AppError('IO_ERROR', `The disk reported a read/write error (${code}): ${what.toLowerCase()} was not saved. Check the disk (is it still connected?), then try again.`);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new AppError('PROJECT_CORRUPT', `The project database is damaged (${code}): ${what.toLowerCase()} was not saved. Close the project and restore .adma/project.db from a backup.`);
  }
  if (code === 'ENOTDIR') {
    return new AppError('NOT_A_FOLDER', `A part of the path is a file, not a folder: ${what.toLowerCase()} was not saved. Choose another place.`);
  }
  return null;
}

/**
 * The one wording of a read this user may not make: `where` names the file or folder, `what`
 * (when the caller has it) what could not go on.
 */
export function readRefused(where: string, what?: string): AppError {
  const stopped = what ? `: ${what.toLowerCase()} could not go on` : '';
  return new AppError('UNREADABLE', `Permission denied reading ${where}${stopped}. Check that you may read it (and open the folders it is in), then try again.`);
}

/**
 * Why SQLite could not open the database `file` (or, on a first read, its -wal or -shm), as
 * an AppError naming the file and what to do. SQLite's SQLITE_CANTOPEN and SQLITE_IOERR_*
 * carry no errno, so the reason is asked of the file system, cheaply: the file, then its -wal
 * and -shm, must each be a file this user may open for reading, and the folder one where the
 * missing ones can be made. Nothing is created, changed or removed. Null for any other error,
 * and for an SQLITE_IOERR_* the file system finds no reason for: its caller words those.
 * `name` says what the file is ("the project database", "the feature cache"), for a file that
 * went between SQLite's open and the probe.
 */
export function cantOpenError(error: unknown, file: string, what: string, name: string): AppError | null {
  const code = codeOf(error) ?? '';
  const cantOpen = code.startsWith('SQLITE_CANTOPEN');
  if (!cantOpen && !code.startsWith('SQLITE_IOERR')) return null;
  const lower = what.toLowerCase();
  let missing = false;
  for (const part of [file, `${file}-wal`, `${file}-shm`]) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(part);
    } catch (probe) {
      if (codeOf(probe) === 'ENOENT' && part !== file) {
        missing = true;
        continue;
      }
      if (codeOf(probe) === 'ENOENT') {
        return new AppError(
          'NOT_FOUND',
          `${capitalised(name)} ${file} is not there any more (moved or deleted while in use): ${lower} could not go on. If it was moved, put it back where it was; then try again.`,
        );
      }
      return cannotOpen(probe, part, lower);
    }
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a folder' : stat.isSymbolicLink() ? 'a symbolic link' : 'a pipe, socket or device';
      return new AppError('UNREADABLE', `${part} is ${kind}, not a file: ${lower} could not go on. Move it out of the way (ADMA Studio has not changed it), then try again.`);
    }
    try {
      fs.closeSync(fs.openSync(part, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)));
    } catch (probe) {
      return cannotOpen(probe, part, lower);
    }
  }
  const folder = path.dirname(file);
  try {
    if (missing) fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
  } catch (probe) {
    const readOnly = codeOf(probe) === 'EROFS';
    return new AppError(
      readOnly ? 'READ_ONLY' : 'NOT_WRITABLE',
      `${readOnly ? 'The disk is read-only' : 'Permission denied writing'} in ${folder}: ${lower} could not go on, as SQLite keeps two working files (-wal, -shm) beside ${path.basename(file)}. Check who may write to that folder (or use a copy on a disk you can write to), then try again.`,
    );
  }
  if (!cantOpen) return null;
  return new AppError('IO_ERROR', `${file} could not be opened, and the system gave no reason: ${lower} could not go on. Check that the disk is still connected and that no other program (a sync or backup tool, an antivirus) holds the file, then try again.`);
}

/** The file `part` could not be looked at or opened (`probe`: Node's error). */
function cannotOpen(probe: unknown, part: string, lower: string): AppError {
  const code = codeOf(probe);
  if (code === 'EACCES' || code === 'EPERM') return readRefused(part, lower);
  return new AppError('IO_ERROR', `${part} could not be opened (${errnoReason(probe)}): ${lower} could not go on. Check the disk and the file, then try again.`);
}

/** `error` as it should reach the user: an AppError as is, a storage failure mapped, else null. */
export function knownError(error: unknown, what?: string): AppError | null {
  if (error instanceof AppError) return error;
  return storageError(error, what);
}
