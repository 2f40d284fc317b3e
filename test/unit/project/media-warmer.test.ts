/** The background render queue: renders ahead, one at a time, newest wish first, bounded (lowest in priority dropped). */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaWarmer } from '../../../src-main/media/media-warmer';
import { Project } from '../../../src-main/project/project';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

describe('media warmer', () => {
  it('renders the newest wish first, skipping repeats and the one rendering, and drops the lowest in priority past its bound', async () => {
    const { project } = await scannedProject(6, projects);
    const items = project.images.list({ kind: 'all' }, 0, 10).items;
    const ids = items.map((i) => i.id);

    const warmer = new MediaWarmer(project, 3);
    // Three may be queued, first in priority first: the first starts rendering at once.
    expect(warmer.want(ids, 'thumb')).toBe(3);
    expect(warmer.pending).toBe(2);
    // A newer wish goes first (the labeler moved on): 4 before the queued 1 and 2, 1 moved up
    // in its order; the one rendering is not queued again; the bound drops the lowest, 2.
    expect(warmer.want([ids[4]!, ids[0]!, ids[1]!, ids[4]!], 'thumb')).toBe(1);
    expect(warmer.pending).toBe(3);
    expect(warmer.want([ids[3]!], 'thumb')).toBe(1);
    expect(warmer.pending).toBe(3);
    await warmer.idle();
    const cached = fs.readdirSync(path.join(project.adminDir, 'thumbs'));
    const byHash = (k: number) => cached.some((f) => f.startsWith(items[k]!.hash));
    expect([0, 1, 2, 3, 4, 5].map(byHash)).toEqual([true, true, false, true, true, false]);
    expect([warmer.done, warmer.failed]).toEqual([4, 0]);

    // A missing id fails quietly (the view reports it when shown).
    warmer.want([9999], 'screen1280');
    await warmer.idle();
    expect(warmer.failed).toBe(1);
  });
});
