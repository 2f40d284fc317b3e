/**
 * The model step's recommendation: the built-in starter for small images (and before any image
 * is indexed), an ImageNet MobileNet for photographs, preferring one already on this machine;
 * exactly one option is recommended, with the reason in words. The project's median shorter
 * side comes from its image index (present images only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelOptions, PHOTO_SHORT_SIDE } from '../../../src-main/adaptation/model-options';
import { DOWNLOAD_RECORD } from '../../../src-main/engine/model/model-download';
import { Project } from '../../../src-main/project/project';
import { tempDir, writeImage } from '../../support/image-folder';

function recommended(options: ReturnType<typeof modelOptions>) {
  const marked = options.filter((o) => o.recommendation !== null);
  expect(marked, 'exactly one option is recommended').toHaveLength(1);
  return marked[0]!;
}

/** A model cache holding the known models `ids`, as a finished download leaves them. */
function cacheWith(ids: string[]): string {
  const root = tempDir('adma-model-cache-');
  for (const id of ids) {
    fs.mkdirSync(path.join(root, id));
    fs.writeFileSync(path.join(root, id, DOWNLOAD_RECORD), JSON.stringify({ id, url: 'x', pinned: true, sha256: { 'model.json': 'x' }, installedAt: 'x' }));
  }
  return root;
}

describe('modelOptions recommends a model for the images', () => {
  it('recommends the starter before any image is indexed and for small images', () => {
    const places = { cacheRoot: cacheWith(['mobilenet_v1_0.25_224']) };
    for (const side of [null, 28, PHOTO_SHORT_SIDE - 1]) {
      const pick = recommended(modelOptions(places, side));
      expect(pick.choice).toEqual({ kind: 'starter' });
    }
    expect(recommended(modelOptions(places, 28)).recommendation).toContain('about 28 px');
    expect(recommended(modelOptions(places, null)).recommendation).toContain('not indexed yet');
  });

  it('recommends for photographs the largest pinned MobileNet on this machine, else the smallest pinned download', () => {
    const none = modelOptions({ cacheRoot: cacheWith([]) }, 224);
    const download = recommended(none);
    expect(download.choice).toEqual({ kind: 'known', id: 'mobilenet_v1_0.25_224' });
    expect(download.downloadBytes).toBeGreaterThan(0);
    expect(download.recommendation).toContain('about 224 px');
    expect(download.recommendation).toContain('the smallest to download');

    // Both pinned models installed (and an unpinned one, which is never recommended): the larger pinned.
    const both = recommended(modelOptions({ cacheRoot: cacheWith(['mobilenet_v1_0.25_224', 'mobilenet_v1_0.75_224', 'mobilenet_v1_1.0_224']) }, PHOTO_SHORT_SIDE));
    expect(both.choice).toEqual({ kind: 'known', id: 'mobilenet_v1_0.75_224' });
    expect(both.downloadBytes).toBe(0);
    expect(both.recommendation).toContain('the largest (most accurate) one already on this computer');
    const small = recommended(modelOptions({ cacheRoot: cacheWith(['mobilenet_v1_0.25_224']) }, 500));
    expect(small.choice).toEqual({ kind: 'known', id: 'mobilenet_v1_0.25_224' });
  });
});

describe('ImageIndex.medianShortSide', () => {
  const projects: Project[] = [];
  afterEach(async () => {
    for (const p of projects.splice(0)) await p.close();
  });

  it('is null without images, the lower median of the present images otherwise', async () => {
    const root = tempDir();
    const project = Project.open(root, true);
    projects.push(project);
    expect(project.images.medianShortSide()).toBeNull();
    await writeImage(path.join(root, 'a.png'), 1, 'png', 20);
    await writeImage(path.join(root, 'b.png'), 2, 'png', 30);
    await writeImage(path.join(root, 'c.png'), 3, 'png', 90);
    await writeImage(path.join(root, 'd.png'), 4, 'png', 100);
    await project.rescan();
    expect(project.images.medianShortSide()).toBe(30);
    fs.rmSync(path.join(root, 'a.png'));
    await project.rescan();
    // b, c, d present: the absent one no longer counts.
    expect(project.images.medianShortSide()).toBe(90);
  });
});
