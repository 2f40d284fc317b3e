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
