/**
 * Reading a file a request names (a labels file to import, a model's model.json or .onnx):
 * whatever the path is, the host must not freeze or run out of memory on it.
 *
 * Invariants: the file is opened without blocking (O_NONBLOCK: opening a FIFO for reading
 * otherwise waits for a writer, forever) and checked on the open descriptor (no swap between
 * a check and the read): it must be a regular file (not a FIFO, socket or device such as
 * /dev/zero, which reads without end) of at most `maxBytes`; then exactly its size is read,
 * asynchronously (the host's main thread never waits on the disk for it).
 */
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError } from '../../src-shared/app-error';
import { errnoReason } from './storage-errors';

/** The largest labels or suggestions file an import reads (a CSV of millions of rows is far smaller). */
export const MAX_LABELS_FILE_BYTES = 512 * 1024 * 1024;

/** The largest JSON file a model folder's reader takes (model.json, labels.json, the descriptor, a centres file): never weights. */
export const MAX_MODEL_JSON_BYTES = 256 * 1024 * 1024;

export interface UserFileLimits {
  /** What the file is, for messages: "a labels file", "the model's model.json". */
  what: string;
  maxBytes: number;
}

/** Absent on Windows (there a FIFO cannot be named by a path): 0 adds nothing. */
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function kindOf(stat: fs.Stats | fs.BigIntStats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Why `stat` cannot be read as `limits.what`, or null when it can: the one rule every reader
 * of a user-named file applies (openUserFile).
 */
function userFileProblem(file: string, stat: fs.Stats, limits: UserFileLimits): AppError | null {
  if (!stat.isFile()) return new AppError('BAD_ARGUMENT', `${file} is ${kindOf(stat)}, not a file: ${limits.what} must be a regular file: choose the file itself.`);
  if (stat.size > limits.maxBytes) {
    return new AppError(
      'BAD_ARGUMENT',
      `${file} holds ${formatBytes(stat.size)}, more than the ${formatBytes(limits.maxBytes)} ADMA Studio reads as ${limits.what}. Check that it is the right file, or split it.`,
    );
  }
  return null;
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/**
 * A user-named file opened for reading once it is known to be a regular file within the
 * limits (see the invariants above); the caller closes it. For a reader that streams it
 * (hashing an image of any size: `maxBytes: Infinity`).
 */
export async function openUserFile(file: string, limits: UserFileLimits): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, fs.constants.O_RDONLY | NONBLOCK);
  } catch (error) {
    throw new AppError('UNREADABLE', `Cannot read ${file}: ${errnoReason(error)}.`);
  }
  try {
    const stat = await handle.stat();
    const problem = userFileProblem(file, stat, limits);
    if (problem) throw problem;
    return { handle, size: stat.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Exactly the `size` bytes fstat gave (fewer if it shrank meanwhile): a file that grows cannot take more. */
export async function readWhole(handle: FileHandle, size: number): Promise<Buffer> {
  const buffer = Buffer.alloc(size);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The bytes of a user-named regular file (see the invariants above). Errors are AppErrors naming the file. */
export async function readUserFile(file: string, limits: UserFileLimits): Promise<Buffer> {
  const { handle, size } = await openUserFile(file, limits);
  try {
    return await readWhole(handle, size);
  } catch (error) {
    throw new AppError('UNREADABLE', `Cannot read ${file}: ${errnoReason(error)}.`);
  } finally {
    await handle.close();
  }
}

/** readUserFile as UTF-8 text. */
export async function readUserText(file: string, limits: UserFileLimits): Promise<string> {
  return (await readUserFile(file, limits)).toString('utf8');
}

/*
 * A project's images, read after the scan indexed them (the scan's probe, the engine's decode,
 * the gallery's embedded thumbnail). The scan took only regular files and skipped symbolic links;
 * what stands at the path when it is read again is held to the same rule, on the open
 * descriptor: a symbolic link put in its place is not followed (O_NOFOLLOW: ELOOP), a FIFO is
 * not waited on (O_NONBLOCK), and a FIFO, socket or device is refused, never read. Errors are
 * plain errors (errno, or one naming the kind of file) for the caller's own message (errnoReason).
 */

const IMAGE_FLAGS = fs.constants.O_RDONLY | NONBLOCK | (fs.constants.O_NOFOLLOW ?? 0);

function notRegular(stat: fs.Stats | fs.BigIntStats): Error {
  // A folder reads as the errno would name it (errnoReason: "a folder, not a file").
  if (stat.isDirectory()) return Object.assign(new Error('EISDIR: a folder'), { code: 'EISDIR' });
  return new Error(`${kindOf(stat)} now stands in its place, not an image file`);
}

/**
 * A project image opened for reading on the calling thread (see above); the caller closes the
 * descriptor. `stat` is the descriptor's, as BigInt (device and inode exact: path-containment.ts
 * compares them), from the one fstat the open makes.
 */
export function openImageSync(file: string): { fd: number; size: number; stat: fs.BigIntStats } {
  const fd = fs.openSync(file, IMAGE_FLAGS);
  try {
    const stat = fs.fstatSync(fd, { bigint: true });
    if (!stat.isFile()) throw notRegular(stat);
    return { fd, size: Number(stat.size), stat };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** A project image's bytes, read on the calling thread: for small files from the page cache (see above). */
export function readImageFileSync(file: string): Buffer {
  const { fd, size } = openImageSync(file);
  try {
    const buffer = Buffer.alloc(size);
    let filled = 0;
    while (filled < buffer.length) {
      const bytesRead = fs.readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    fs.closeSync(fd);
  }
}

/** A project image opened for reading asynchronously (see above and openImageSync), for a reader that streams it; the caller closes the handle. */
export async function openImageFile(file: string): Promise<{ handle: FileHandle; size: number; stat: fs.BigIntStats }> {
  // fs.promises.open read at the call (not a binding taken at import), as tests stand in for it.
  const handle = await fs.promises.open(file, IMAGE_FLAGS);
  try {
    const stat = await handle.stat({ bigint: true });
    if (!stat.isFile()) throw notRegular(stat);
    return { handle, size: Number(stat.size), stat };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** A project image's bytes, read asynchronously (see above). */
export async function readImageFile(file: string): Promise<Buffer> {
  const { handle, size } = await openImageFile(file);
  try {
    return await readWhole(handle, size);
  } finally {
    await handle.close();
  }
}
