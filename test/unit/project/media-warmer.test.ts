/** The background render queue: renders ahead, one at a time, bounded (oldest wishes dropped). */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaWarmer } from '../../../src-main/media/media-warmer';
import { Project } from '../../../src-main/project/project';
import { imageFolder } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

describe('media warmer', () => {
  it('renders the wished thumbnails into the cache, skipping repeats, and drops the oldest wishes past its bound', async () => {
    const root = await imageFolder(6);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const items = project.images.list({ kind: 'all' }, 0, 10).items;
    const ids = items.map((i) => i.id);

    const warmer = new MediaWarmer(project, 3);
    expect(warmer.want(ids, 'thumb')).toBe(6);
    // Three may wait: the three oldest wishes were dropped, the first kept one is rendering.
    expect(warmer.pending).toBe(2);
    expect(warmer.want([ids[5]!], 'thumb')).toBe(0);
    await warmer.idle();
    const cached = fs.readdirSync(path.join(project.adminDir, 'thumbs'));
    const byHash = (k: number) => cached.some((f) => f.startsWith(items[k]!.hash));
    expect([0, 1, 2, 3, 4, 5].map(byHash)).toEqual([false, false, false, true, true, true]);
    expect([warmer.done, warmer.failed]).toEqual([3, 0]);

    // A missing id fails quietly (the view reports it when shown).
    warmer.want([9999], 'screen1280');
    await warmer.idle();
    expect(warmer.failed).toBe(1);
  });
});
