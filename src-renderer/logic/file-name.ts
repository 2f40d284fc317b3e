/**
 * A project-relative path as the views show it: the file's name, its folder, and the pieces a
 * narrow place cuts. Either separator is read (a project made on Windows); folders are shown
 * with '/'. The same name in two folders (slide01/cell_001.jpg, slide02/cell_001.jpg) is the
 * ordinary case in a project of subfolders, so a path shown short must keep its folder.
 */

const SEPARATOR = /[\\/]/;

/** Characters at the end of a file name that a narrow place never cuts (the extension and a few before it). */
export const NAME_TAIL = 7;

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
 * For each of `folders` ('/'-separated, as `folderOf` gives them; '' for the top of the project
 * folder), in their order: its fewest last folders that no other entry of the list ends with
 * (at least its own folder, so each says where it is), with "…/" before them when folders above
 * are left out. patientA/slide01 beside patientB/slide01 reads "patientA/slide01", beside
 * patientA/slide02 "…/slide01". Compared exactly: Slide01 and slide01 are two folders, told
 * apart by their own names. The top ('') gets ''; a folder that is the whole end of another
 * (b beside a/b) shows whole, and the other shows more ("a/b"); an entry twice in the list is
 * told from nothing, and shows whole.
 *
 * Linear in the list: every trailing part of every entry is counted once (a map), then each
 * entry takes its shortest part counted once. 10,000 folders a few deep take milliseconds
 * (bench/caption-folders.bench.ts), where comparing each entry with every other took seconds.
 */
export function distinguishingTails(folders: readonly string[]): string[] {
  // The trailing parts of each entry, shortest first: "slide01", "patientA/slide01", ...
  const tails = folders.map((folder) => {
    const names = folder.split('/').filter((f) => f !== '');
    const parts: string[] = [];
    for (let k = names.length - 1, tail = ''; k >= 0; k--) parts.push((tail = tail === '' ? names[k]! : `${names[k]!}/${tail}`));
    return parts;
  });
  // A trailing part of k folders is the end of another entry only when that entry has k folders or more.
  const endings = new Map<string, number>();
  for (const parts of tails) for (const part of parts) endings.set(part, (endings.get(part) ?? 0) + 1);
  return tails.map((parts) => {
    if (parts.length === 0) return '';
    let k = 0;
    while (k < parts.length - 1 && endings.get(parts[k]!)! > 1) k++;
    return `${k < parts.length - 1 ? '…/' : ''}${parts[k]!}`;
  });
}

/**
 * The folders to show beside the names of paths shown together (a duplicate group), in their
 * order: for each, `distinguishingTails` among the paths of the same name (the name tells the
 * others apart): the fewest last folders that tell it from every other path of its name.
 */
export function distinguishingFolders(relPaths: readonly string[]): string[] {
  const byName = new Map<string, number[]>();
  relPaths.forEach((p, i) => {
    const name = fileName(p);
    const indices = byName.get(name);
    if (indices) indices.push(i);
    else byName.set(name, [i]);
  });
  const shown: string[] = Array.from({ length: relPaths.length }, () => '');
  for (const indices of byName.values()) {
    const tails = distinguishingTails(indices.map((i) => folderOf(relPaths[i]!)));
    indices.forEach((i, k) => (shown[i] = tails[k]!));
  }
  return shown;
}

/**
 * The gallery caption's folder of each folder of the project's images (`distinguishingTails`
 * over the project's folders, each once): what tells an image's folder from every other
 * folder of the project. Keyed by the folder as `folderOf` gives it.
 */
export function captionFolders(folders: readonly string[]): Map<string, string> {
  const unique = [...new Set(folders)];
  const tails = distinguishingTails(unique);
  return new Map(unique.map((folder, k) => [folder, tails[k]!]));
}
