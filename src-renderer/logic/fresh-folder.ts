/** Export destinations: the back end never overwrites, so a non-empty folder gets a fresh sub-folder. */
import { separatorOf } from './path-completion';

/** `adma-export-2026-11-27`, or with `-2`, `-3` … when that name is taken. */
export function freshFolderName(date: Date, taken: ReadonlySet<string>, prefix = 'adma-export'): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const base = `${prefix}-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** `dir` joined with `name` using the separator `dir` already uses. */
export function joinFolder(dir: string, name: string): string {
  const sep = separatorOf(dir);
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}
