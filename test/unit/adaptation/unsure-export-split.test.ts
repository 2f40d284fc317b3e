/**
 * An unsure image is never trained on: unsure.csv and labels.json's `unsure` list give it the
 * split `none` (in no split), or `evaluation` when it is in the evaluation set; never
 * `training`, which would say it was learned from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { labelsJson, unsureCsv, unsureImages } from '../../../src-main/adaptation/labels-export';
import { Project } from '../../../src-main/project/project';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

describe('unsure images in an export', () => {
  it('are in no split, or in the evaluation set; never in training', async () => {
    const { project, ids } = await scannedProject(3, projects);
    project.setUnsure([ids[0]!, ids[1]!], true);
    const unsure = unsureImages(project, new Set([ids[1]!]));
    const rel = (id: number): string => project.images.get(id).relPath;
    expect(unsure.map((u) => [u.relPath, u.split])).toEqual(
      [
        [rel(ids[0]!), 'none'],
        [rel(ids[1]!), 'evaluation'],
      ].sort(([a], [b]) => a!.localeCompare(b!)),
    );
    const rows = unsureCsv(unsure).trim().split(/\r?\n/).slice(1).map((line) => line.split(',')[2]);
    expect(rows.sort()).toEqual(['evaluation', 'none']);
    const json = JSON.parse(labelsJson([], [], 'p', unsure)) as { unsure: { split: string }[] };
    expect(json.unsure.map((u) => u.split).sort()).toEqual(['evaluation', 'none']);
  });
});
