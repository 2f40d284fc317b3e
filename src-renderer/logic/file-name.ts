/**
 * A project-relative path as the views show it: the file's name, its folder, and the pieces a
 * narrow place cuts. Either separator is read (a project made on Windows); folders are shown
 * with '/'. The same name in two folders (slide01/cell_001.jpg, slide02/cell_001.jpg) is the
 * ordinary case in a project of subfolders, so a path shown short must keep its folder.
 */

const SEPARATOR = /[\\/]/;

/** Characters at the end of a file name that a narrow place never cuts (the extension and a few before it). */
export const NAME_TAIL = 7;
/** Characters at the end of a folder that a narrow place never cuts ("…01/": the number of slide01 and slide02). */
export const FOLDER_TAIL = 3;

/** The file's name in a project-relative path. */
export const fileName = (relPath: string): string => relPath.split(SEPARATOR).pop() ?? relPath;

/** The folder of a project-relative path, '/'-separated; '' for a file at the top of the project folder. */
export const folderOf = (relPath: string): string => relPath.split(SEPARATOR).slice(0, -1).join('/');

/**
 * `text` in two pieces for a place that may cut it: the head (cut with an ellipsis when there is
 * no room) and its last `tail` characters (never cut). The end is what tells names apart
 * ("IMG_2041.jpg", "IMG_2047.jpg"; slide01/, slide02/).
 */
export function cutInHead(text: string, tail: number): { head: string; tail: string } {
  const at = Math.max(0, text.length - tail);
  return { head: text.slice(0, at), tail: text.slice(at) };
}

/**
 * The folders to show beside the names of paths shown together (a duplicate group), in their
 * order: for each, the fewest last folders that tell it from every other path of the same name
 * (at least its own folder, so every member says where it is), with "…/" before it when folders
 * above are left out. A path at the top of the project folder gets '' (its whole folder); one
 * whose whole folder is the end of another's (b/x.jpg beside a/b/x.jpg) shows it whole, and the
 * other shows more.
 */
export function distinguishingFolders(relPaths: readonly string[]): string[] {
  const parts = relPaths.map((p) => ({ name: fileName(p), folders: folderOf(p).split('/').filter((f) => f !== '') }));
  const last = (folders: readonly string[], count: number): string => folders.slice(Math.max(0, folders.length - count)).join('/');
  return parts.map(({ name, folders }, i) => {
    const namesakes = parts.filter((other, j) => j !== i && other.name === name);
    let count = Math.min(1, folders.length);
    while (count < folders.length && namesakes.some((other) => last(other.folders, count) === last(folders, count))) count++;
    return `${count < folders.length ? '…/' : ''}${last(folders, count)}`;
  });
}
