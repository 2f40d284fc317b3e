/** Tab completion of a typed folder path from the back end's list of matching sub-folders. */
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

/**
 * The completed text for `typed` given candidate folder paths: a single candidate is taken
 * whole with a trailing separator (ready for the next level); several extend to their
 * common prefix. Null when Tab would change nothing.
 */
export function completeTyped(typed: string, candidates: readonly string[]): string | null {
  if (candidates.length === 0) return null;
  const sep = separatorOf(candidates[0]!);
  if (candidates.length === 1) {
    const only = candidates[0]!;
    const next = only.endsWith(sep) ? only : only + sep;
    return next === typed ? null : next;
  }
  const prefix = commonPrefix(candidates);
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
