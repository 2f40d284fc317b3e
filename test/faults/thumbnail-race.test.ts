/**
 * Fault script (issue 15.3): parallel requests for thumbnails that are not cached yet. Every
 * renderer used to write the same temporary file name, so most requests lost the rename
 * race and answered 422. Now one render runs per thumbnail and every request gets it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from '../../src-main/media/image-media';
import { Project } from '../../src-main/project/project';
import { imageFolder } from '../support/image-folder';
import { httpGet } from '../support/web-host-client';
import { hostWithProject, type HostFixture } from './host-fixture';

let fx: HostFixture;

beforeAll(async () => {
  fx = await hostWithProject(11);
});

afterAll(async () => {
  await fx.close();
});

describe('thumbnails requested in parallel', () => {
  it('answers 20 parallel requests for each of 10 uncached thumbnails with the same image', async () => {
    const ids = fx.imageIds().slice(0, 10);
    const answers = await Promise.all(ids.flatMap((id) => Array.from({ length: 20 }, () => httpGet(fx.port, `/media/${id}/thumb?token=${fx.host.token}`))));
    const failures = answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.body.toString()}`);
    expect(failures).toEqual([]);
    for (let i = 0; i < ids.length; i++) {
      const bodies = answers.slice(i * 20, (i + 1) * 20).map((a) => a.body);
      expect(bodies.every((b) => b.equals(bodies[0]!))).toBe(true);
    }
    const thumbs = fs.readdirSync(path.join(fx.workspace.current!.adminDir, 'thumbs'));
    expect(thumbs.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(thumbs.filter((f) => f.endsWith('.webp'))).toHaveLength(10);
  });

  it('renders a thumbnail once however many callers wait for it', async () => {
    const project = fx.workspace.current!;
    const id = fx.imageIds()[10]!;
    const bodies = await Promise.all(Array.from({ length: 20 }, () => readMedia(project, id, 'thumb')));
    // one in-flight render per key: every caller shares the one result
    expect(new Set(bodies.map((b) => b.body)).size).toBe(1);
  });
});

describe('a thumbnail cache that cannot be written', () => {
  it('still serves the thumbnail (it used to answer "Cannot decode" for a failed cache write)', async () => {
    const project = Project.open(await imageFolder(1), true);
    try {
      await project.rescan();
      // a file where the cache folder belongs: every write into it fails
      fs.writeFileSync(path.join(project.adminDir, 'thumbs'), 'not a folder');
      const [item] = project.images.list({ kind: 'all' }, 0, 1).items;
      const thumb = await readMedia(project, item!.id, 'thumb');
      expect(thumb.contentType).toBe('image/webp');
      expect(thumb.body.length).toBeGreaterThan(0);
    } finally {
      await project.close();
    }
  });
});
