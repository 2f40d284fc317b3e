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

function kindOf(stat: fs.Stats): string {
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

/** The bytes of a user-named regular file (see the invariants above). Errors are AppErrors naming the file. */
export async function readUserFile(file: string, limits: UserFileLimits): Promise<Buffer> {
  const { handle, size } = await openUserFile(file, limits);
  try {
    // Exactly the size fstat gave: a file that grows meanwhile cannot take more than the cap.
    const buffer = Buffer.alloc(size);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break; // shrank meanwhile
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
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
