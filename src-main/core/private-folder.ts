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

function linkRefused(file: string): AppError {
  let target = '';
  try {
    target = ` (to ${fs.readlinkSync(file)})`;
  } catch {
    // gone meanwhile: named without its target
  }
  return new AppError(
    'UNSUPPORTED',
    `${file} is a symbolic link${target}: ADMA Studio keeps a project's database and thumbnails only in a real .adma folder inside the project folder, ` +
      `so that it never writes outside the folder you chose. Nothing was opened or changed. Remove the link (or replace it with a copy of what it points to) and open the project again.`,
  );
}
