/** What the tests of damaged caches check: a damaged file set aside (rebuildable-cache.ts), never deleted, and said once. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { EngineClient } from '../../../src-main/engine/engine-client';
import { FeatureStore } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { findStarterModelDir } from '../../../src-main/engine/model/load-model';
import { smallLayout as layout } from '../../support/feature-layout';
import { imageFolder } from '../../support/image-folder';

/** The files in `file`'s folder set aside from it (`<name>.damaged-<time>`). */
export function setAside(file: string): string[] {
  return fs
    .readdirSync(path.dirname(file))
    .filter((name) => name.startsWith(`${path.basename(file)}.damaged-`))
    .sort();
}

/**
 * Open the feature cache of the small layout in `root`, whose file `file` was damaged (its
 * bytes: `bytes`): the open sets it aside as it was, makes a new empty one and says so once.
 */
export function expectFeatureCacheMadeAgain(root: string, file: string, bytes: Buffer): void {
  const store = FeatureStore.openFor(root, layout);
  try {
    expect(store.count()).toBe(0);
    const [aside, ...more] = setAside(file);
    expect(more).toEqual([]);
    expect(aside).toMatch(/\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(fs.readFileSync(path.join(path.dirname(file), aside!)).equals(bytes)).toBe(true);
    expect(store.notice).toBe(
      `The feature cache ${file} could not be read (the file is damaged), so ADMA Studio moved it aside, as ${aside} in the same folder, and made a new one: what it held is computed again from the images, which takes time but loses nothing. You may delete the damaged file.`,
    );
  } finally {
    store.close();
  }
  // Told once: the new file opens as any other.
  const again = FeatureStore.openFor(root, layout);
  expect(again.notice).toBeNull();
  again.close();
  expect(setAside(file)).toHaveLength(1);
}

/**
 * A project of three images whose features the engine worker behind `client` extracted once
 * with the shipped starter model (`first`: that result); `extract` runs the same extraction again,
 * `prepare` loads those images as the pool (loopPrepare).
 */
export async function extractedOnce(client: EngineClient) {
  const project = await imageFolder(3);
  const items = await Promise.all(fs.readdirSync(project).map(async (name) => ({ path: path.join(project, name), hash: await hashImageFile(path.join(project, name)) })));
  const model = { kind: 'folder' as const, path: findStarterModelDir()! };
  const extract = () => client.request('extractFeatures', { model, projectDir: project, items });
  const pool = items.map((item, k) => ({ ...item, imageId: k + 1 }));
  const prepare = () => client.request('loopPrepare', { projectDir: project, model, items: pool, deep: false, excludedIds: [], centres: null, headDir: null });
  return { project, first: await extract(), extract, prepare };
}
