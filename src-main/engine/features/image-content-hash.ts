/**
 * Content hash of an image file (SHA-256, hex): the feature cache key, so a renamed or
 * moved file keeps its features and an edited one gets new ones. Callers that already
 * know the hash (the project scanner) pass it instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function hashImageFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
