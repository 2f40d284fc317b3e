/**
 * Folders only their owner may enter: a project's `.adma` (database, thumbnails, renditions,
 * features of PRIVATE images) and the app's state folder (recent projects).
 *
 * Invariant: every file ADMA Studio writes about a project's images lives under a folder of
 * mode 0700, so the files' own modes (0644 from the usual umask) do not matter: another local
 * user cannot reach them, whatever each file's mode is. Exports are not made private (the
 * expert shares them), nor is the image folder (the expert's own).
 *
 * On Windows modes are not POSIX permissions (`mkdir`'s mode is ignored, chmod only toggles
 * read-only, `process.getuid` does not exist): tightening is skipped there, and creating is
 * the same as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';

export const PRIVATE_FOLDER_MODE = 0o700;

/** A project's private folder, inside the project folder. */
export const ADMIN_DIR = '.adma';

/**
 * Create `dir` (and missing parents) with mode 0700. An existing folder is left as it is:
 * a folder the user chose (e.g. `--state-dir ~/Documents`) is not ours to tighten.
 */
export function makePrivateFolder(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}

/**
 * Take group and other permissions off an existing folder of ours (a project made by an
 * older version at 0755). Only when this process's user owns it (chmod would fail otherwise,
 * and another user's folder is theirs to keep as they like); a failing chmod (a file system
 * without POSIX modes, a read-only disk) leaves it as it was: the project still opens.
 * Returns whether the mode was changed.
 */
export function tightenOwnFolder(dir: string): boolean {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return false;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return false;
  }
  if (!stat.isDirectory() || stat.uid !== process.getuid() || (stat.mode & 0o077) === 0) return false;
  try {
    fs.chmodSync(dir, PRIVATE_FOLDER_MODE);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuse a `.adma` that is a symbolic link, or that holds one (project.db, its -wal and -shm,
 * lock.db, thumbs/, features/…): SQLite and mkdir follow links, so a link planted in a shared
 * or unpacked folder (`.adma -> ../elsewhere`) would make the app write the project's data
 * outside the folder the user chose. Invariant: everything the app writes for a project is
 * inside `<folder>/.adma`, a real folder. A missing `.adma` is fine (it is created below).
 */
export function refuseLinks(adminDir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(adminDir);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) throw linkRefused(adminDir);
  if (!stat.isDirectory()) return; // a file named .adma: mkdir says so below
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(adminDir, { withFileTypes: true });
  } catch {
    return; // unreadable: the open below says why
  }
  const link = entries.find((e) => e.isSymbolicLink());
  if (link) throw linkRefused(path.join(adminDir, link.name));
}

/*
 * Below `.adma`. The project folder may be shared or synced, and anything in it replaced by a
 * symbolic link at any moment: mkdir, open, SQLite (with its -wal and -shm files), ONNX Runtime
 * and the writes of a temporary file of a known name all follow a link, so one planted at
 * `.adma/features`, `.adma/models/v3` or `.adma/thumbs/<hash>.webp` would make the app read or
 * write outside the project folder. Invariant: every path the app reads or writes below `.adma`
 * is made by privatePath or privateFolder, which refuse (linkRefused: the path, what to do)
 * when `.adma` or anything on the way that exists is a link; they are called at each use, not
 * once at open, so a link planted while the project is open is refused at the next read or
 * write. Missing parts are fine (the caller creates them). Nothing is read or written before
 * the refusal: the project's labels (project.db) are untouched.
 */

/**
 * `<adminDir>/<parts…>` once neither `adminDir` nor any folder or file on the way to it that
 * exists is a symbolic link (a few lstats: for a file in a large folder, a thumbnail).
 */
export function privatePath(adminDir: string, ...parts: string[]): string {
  const target = path.join(adminDir, ...parts);
  const rel = path.relative(adminDir, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${target} is not below ${adminDir}`); // a caller's mistake, never the user's
  const steps = rel.split(path.sep).filter((step) => step !== '');
  let at = adminDir;
  for (let i = 0; i <= steps.length; i++) {
    if (i > 0) at = path.join(at, steps[i - 1]!);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(at, { throwIfNoEntry: false }); // no Error made for a missing file: a thumbnail not cached yet costs microseconds
    } catch {
      break; // unreadable: its open says why
    }
    if (!stat) break; // missing from here on: created by the caller
    if (stat.isSymbolicLink()) throw linkRefused(at);
  }
  return target;
}

/**
 * The folder `<adminDir>/<parts…>` (privatePath) once nothing in it is a symbolic link either:
 * for a small folder whose files are opened by name (a SQLite file and its -wal and -shm, an
 * ONNX graph, a trained head, a JSON file and the temporary file it is written through).
 */
export function privateFolder(adminDir: string, ...parts: string[]): string {
  const dir = privatePath(adminDir, ...parts);
  refuseLinks(dir);
  return dir;
}

/**
 * The folder `dir` checked as privateFolder checks it, from the last `.adma` on its path down;
 * a folder not below a `.adma` (one a test or a command names) as refuseLinks checks it. For a
 * reader or writer given a folder's path by another process (the engine's head files), which
 * checks it again when it opens its files.
 */
export function privateFolderAt(dir: string): string {
  const steps = path.resolve(dir).split(path.sep);
  const at = steps.lastIndexOf(ADMIN_DIR);
  if (at < 0) {
    refuseLinks(dir);
    return dir;
  }
  privateFolder(steps.slice(0, at + 1).join(path.sep) || path.sep, ...steps.slice(at + 1));
  return dir;
}

function linkRefused(file: string): AppError {
  let target = '';
  try {
    target = ` (to ${fs.readlinkSync(file)})`;
  } catch {
    // gone meanwhile: named without its target
  }
  return new AppError(
    'UNSUPPORTED',
    `${file} is a symbolic link${target}: ADMA Studio keeps a project's database, thumbnails, features and models only in real folders and files of the .adma folder inside the project folder, ` +
      `so that it never reads or writes outside the folder you chose. Nothing was opened or changed, and your labels are kept. Remove the link (or replace it with a copy of what it points to), then open the project or try again.`,
  );
}
