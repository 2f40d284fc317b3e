/**
 * The JPEG and PNG files under a folder (a data set's class folders), recursively, each folder's
 * entries in name order: the fixed order the duplicate benches plant copies and read codes in.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function photosUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...photosUnder(path));
    else if (/\.(jpe?g|png)$/i.test(entry.name)) out.push(path);
  }
  return out;
}
