/** Tab completion of a typed path from the back end's list of matching sub-folders (and files, where a field takes them). */
export function separatorOf(path: string): '/' | '\\' {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/';
}

export function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const value of values.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < value.length && prefix[i] === value[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

/** A completion candidate: its full path, and whether it is a folder (or a file). */
export interface CompletionCandidate {
  path: string;
  folder: boolean;
}

/**
 * The completed text for `typed` given candidate paths: a single folder is taken whole with a
 * trailing separator (ready for the next level), a single file whole; several extend to their
 * common prefix. Null when Tab would change nothing.
 */
export function completeTyped(typed: string, candidates: readonly CompletionCandidate[]): string | null {
  if (candidates.length === 0) return null;
  if (candidates.length === 1) {
    const only = candidates[0]!;
    const sep = separatorOf(only.path);
    const next = !only.folder || only.path.endsWith(sep) ? only.path : only.path + sep;
    return next === typed ? null : next;
  }
  const prefix = commonPrefix(candidates.map((c) => c.path));
  return prefix.length > typed.length && prefix !== typed ? prefix : null;
}

/**
 * The folder that held `path`, with its separator ("/data/cells" → "/data/"): where Locate…
 * starts, since a renamed folder usually stays beside its old name (Tab then lists its
 * neighbours). A path with no separator gives "".
 */
export function parentFolder(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut < 0 ? '' : trimmed.slice(0, cut + 1);
}
