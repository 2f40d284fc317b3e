/**
 * A project whose images were replaced, after the scan, by symbolic links out of the project
 * folder (the folder may be shared or synced): a folder of images swapped for a link to another
 * folder with files of the same names, and one image swapped for a link to a file elsewhere.
 * Feature extraction (the engine worker, the app's job: `items: 'project'`) reads each image only
 * once checked inside the project folder, as the media server does: the files outside are never
 * decoded into features nor into gallery thumbnails; each such image is reported as unreadable,
 * with its name and what to do, and the rest of the extraction goes on. Once the links are
 * replaced by the files, the next extraction computes them: nothing was lost.
 *
 * An extraction given a list of files (not 'project') is held to the same folder: its files are
 * read only once checked inside `projectDir` (it read them as listed, links and all), and a list
 * naming a file elsewhere, or given without the folder, is refused whole before anything is read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../src-main/engine/engine-client';
import { thumbnailFile } from '../../src-main/media/media-cache';
import { Project } from '../../src-main/project/project';
import { hashImageFile } from '../../src-main/engine/features/image-content-hash';
import type { ExtractFeaturesArgs } from '../../src-main/engine/worker-protocol';
import { appErrorOf } from '../support/error-of';
import { tempDir, writeImage } from '../support/image-folder';

const OUTSIDE = /^Refused to read (cells\/[ab]\.png|c\.png): it leads outside the project folder .*Replace the link with the file or folder itself, then rescan the project\.$/;

describe.skipIf(process.platform === 'win32')('feature extraction after images were swapped for links out of the project', () => {
  let client: EngineClient;
  let project: Project;
  let root: string;
  let outside: string;
  const hashOf = new Map<string, string>();

  beforeAll(async () => {
    root = tempDir();
    outside = tempDir('adma-outside-');
    await writeImage(path.join(root, 'cells', 'a.png'), 1);
    await writeImage(path.join(root, 'cells', 'b.png'), 2);
    await writeImage(path.join(root, 'c.png'), 3);
    await writeImage(path.join(root, 'd.png'), 4);
    project = Project.open(root, true);
    await project.rescan();
    for (const image of project.images.list({ kind: 'all' }, 0, 10).items) hashOf.set(image.relPath, image.hash);
    expect([...hashOf.keys()].sort()).toEqual(['c.png', 'cells/a.png', 'cells/b.png', 'd.png']);

    // After the scan: files of the same names, other pictures, outside the project folder.
    await writeImage(path.join(outside, 'a.png'), 11);
    await writeImage(path.join(outside, 'b.png'), 12);
    await writeImage(path.join(outside, 'private.png'), 13);
    fs.renameSync(path.join(root, 'cells'), path.join(root, 'cells-was'));
    fs.symlinkSync(outside, path.join(root, 'cells'));
    fs.rmSync(path.join(root, 'c.png'));
    fs.symlinkSync(path.join(outside, 'private.png'), path.join(root, 'c.png'));
    client = new EngineClient();
  });
  afterAll(async () => {
    await client?.terminate();
    await project?.close();
  });

  const extract = () => client.request('extractFeatures', { model: { kind: 'starter' }, projectDir: root, items: 'project' });

  it('decodes none of the files outside, reports each image as unreadable, and extracts the rest', async () => {
    const result = await extract();
    expect(result.computed).toBe(1); // d.png
    expect(result.failures.map((f) => path.relative(root, f.path)).sort()).toEqual(['c.png', path.join('cells', 'a.png'), path.join('cells', 'b.png')]);
    for (const failure of result.failures) expect(failure.error.message).toMatch(OUTSIDE);
    // The same in a few words, for `adma extract` and `adma simulate`, which name the file themselves.
    for (const failure of result.failures) expect(failure.why).toBe(`a symbolic link on its path leads outside the folder ${fs.realpathSync(root)}`);
    // No gallery thumbnail was made of an outside file under a project image's name.
    const adminDir = path.join(root, '.adma');
    expect(fs.existsSync(thumbnailFile(adminDir, hashOf.get('d.png')!, 'png'))).toBe(true);
    for (const relPath of ['cells/a.png', 'cells/b.png', 'c.png']) expect(fs.existsSync(thumbnailFile(adminDir, hashOf.get(relPath)!, 'png')), relPath).toBe(false);

    // Nothing was stored for them: asked again, they are tried again (and refused again).
    const again = await extract();
    expect(again).toMatchObject({ computed: 0, reused: 1 });
    expect(again.failures).toHaveLength(3);
  });

  it('computes the images once the links are replaced by the files', async () => {
    fs.rmSync(path.join(root, 'cells'));
    fs.renameSync(path.join(root, 'cells-was'), path.join(root, 'cells'));
    const result = await extract();
    expect(result).toMatchObject({ computed: 2, reused: 1 });
    expect(result.failures.map((f) => path.relative(root, f.path))).toEqual(['c.png']);
    expect(fs.existsSync(thumbnailFile(path.join(root, '.adma'), hashOf.get('cells/a.png')!, 'png'))).toBe(true);
  });
});

describe.skipIf(process.platform === 'win32')('feature extraction given a list of files', () => {
  let client: EngineClient;
  let root: string;
  let outside: string;
  const model = { kind: 'starter' as const };
  const items: { path: string; hash: string }[] = [];

  beforeAll(async () => {
    root = tempDir();
    outside = tempDir('adma-outside-');
    for (const [relPath, seed] of [['cells/a.png', 1], ['b.png', 2]] as const) {
      const file = path.join(root, relPath);
      await writeImage(file, seed);
      items.push({ path: file, hash: await hashImageFile(file) });
    }
    // After the list was made: the folder holding cells/a.png is a link to a folder elsewhere, holding an a.png of its own.
    await writeImage(path.join(outside, 'a.png'), 11);
    await writeImage(path.join(outside, 'elsewhere.png'), 12);
    fs.renameSync(path.join(root, 'cells'), path.join(root, 'cells-was'));
    fs.symlinkSync(outside, path.join(root, 'cells'));
    client = new EngineClient();
  });
  afterAll(async () => {
    await client?.terminate();
  });

  it('reads its files only inside the project folder: one behind a link out is reported as unreadable, the rest extracted', async () => {
    const result = await client.request('extractFeatures', { model, projectDir: root, items });
    expect(result.computed).toBe(1); // b.png
    expect(result.failures.map((f) => path.relative(root, f.path))).toEqual([path.join('cells', 'a.png')]);
    expect(result.failures[0]?.error.message).toMatch(OUTSIDE);
  });

  it('refuses a list naming a file outside the project folder, before anything is read or made', async () => {
    const project = tempDir();
    const file = path.join(outside, 'elsewhere.png');
    const error = await appErrorOf(client.request('extractFeatures', { model, projectDir: project, items: [{ path: file, hash: await hashImageFile(file) }] }));
    expect(error.code).toBe('BAD_ARGUMENT');
    expect(error.message).toBe(
      `Feature extraction was asked to read ${file}, which is not inside the project folder ${project}: it reads images only inside that folder. Move or copy the image into the folder, then try again.`,
    );
    expect(fs.readdirSync(project)).toEqual([]); // no cache, no thumbnails
  });

  it('refuses a list given without the project folder (a cache file alone names no folder to read in)', async () => {
    const storePath = path.join(tempDir(), 'features.db');
    const args = { model, storePath, items } as unknown as ExtractFeaturesArgs; // as a caller that skips the type would send it
    const error = await appErrorOf(client.request('extractFeatures', args));
    expect(error).toMatchObject({ code: 'BAD_ARGUMENT', message: 'Feature extraction reads images only inside a project folder, and none was given: give the folder the images lie in.' });
    expect(fs.existsSync(storePath)).toBe(false);
  });
});
