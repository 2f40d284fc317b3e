/**
 * `adma simulate`'s labelled folder with images swapped, after the folder was walked, for symbolic
 * links out of it (a class folder swapped for a link to another folder with files of the same
 * names, one image swapped for a link to a file elsewhere). The simulation reads each image only
 * once checked inside the folder, as the app reads a project's (path-containment.ts): hashing,
 * features and all. The files outside are never read; each such image is left out with the reason
 * in a few words (that it leads outside the folder; `adma simulate` names the file before it, so
 * the reason does not again, nor speaks of the app's project), and the rest is simulated.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend';
import { findStarterModelDir, loadStarterModel } from '../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../../src-main/engine/simulate/simulation-features';
import { tempDir, writeImage } from '../support/image-folder';

const OUTSIDE = (root: string): string => `a symbolic link on its path leads outside the folder ${root}`;

describe.skipIf(process.platform === 'win32' || !findStarterModelDir())('a labelled folder for `adma simulate` whose images were swapped for links out of it', () => {
  let loaded: Awaited<ReturnType<typeof loadStarterModel>>;
  beforeAll(async () => {
    await initBackend('wasm');
    loaded = await loadStarterModel();
  }, 600_000);
  afterAll(() => loaded?.dispose());

  it('reads none of the files outside: leaves each such image out with the reason in a few words, and simulates the rest', async () => {
    const root = fs.realpathSync(tempDir());
    const outside = tempDir('adma-outside-');
    for (const [relPath, seed] of [['ant/a.png', 1], ['ant/b.png', 2], ['bee/c.png', 3], ['bee/d.png', 4], ['bee/e.png', 5]] as const) await writeImage(path.join(root, relPath), seed);
    const dataset = await readImageFolderDataset(root);
    expect(dataset.images.map((i) => i.path)).toEqual(['ant/a.png', 'ant/b.png', 'bee/c.png', 'bee/d.png', 'bee/e.png']);

    // After the walk: files of the same names, other pictures, outside the folder.
    await writeImage(path.join(outside, 'a.png'), 11);
    await writeImage(path.join(outside, 'b.png'), 12);
    await writeImage(path.join(outside, 'private.png'), 13);
    fs.renameSync(path.join(root, 'ant'), path.join(root, 'ant-was'));
    fs.symlinkSync(outside, path.join(root, 'ant'));
    fs.rmSync(path.join(root, 'bee', 'd.png'));
    fs.symlinkSync(path.join(outside, 'private.png'), path.join(root, 'bee', 'd.png'));

    const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: tempDir() });
    expect(features.paths).toEqual(['bee/c.png', 'bee/e.png']);
    expect(features.featuresB.rows).toBe(2);
    expect(features.failures.map((f) => f.path).sort()).toEqual(['ant/a.png', 'ant/b.png', 'bee/d.png']);
    // Said after the file's path (`left out <path>: <reason>`): the reason in a few words, not the app's sentence.
    for (const failure of features.failures) expect(failure.reason).toBe(OUTSIDE(root));
  }, 600_000);
});
