/**
 * Content hash of an image file (SHA-256, hex): the feature cache key, so a renamed or
 * moved file keeps its features and an edited one gets new ones. Callers that already
 * know the hash (the project scanner) pass it instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFileInside } from '../../media/path-containment';

/**
 * With `root` (the folder the file was found in), the file is read only once checked inside it,
 * as the media server reads a project's images (readFileInside: a path that now leads outside
 * through a symbolic link is refused, with the file's name and why, and nothing outside is read).
 */
export async function hashImageFile(path: string, root?: string): Promise<string> {
  const hash = createHash('sha256');
  if (root !== undefined) return hash.update(await readFileInside(root, path)).digest('hex');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
