/**
 * The training-label count (the engine status reads it after every label) is the number of
 * labels of present images outside the evaluation set, whatever mix of labeled, unsure, absent
 * and evaluation images the project holds: checked against the rows themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import type { Project } from '../../../src-main/project/project';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** What the count means, from the rows: labels whose image is present and not in the evaluation set. */
function expected(project: Project): number {
  const rows = project.db
    .prepare('SELECT l.image_id AS id, i.present AS present, (SELECT COUNT(*) FROM evaluation_images e WHERE e.image_id = l.image_id) AS evaluation FROM labels l JOIN images i ON i.id = l.image_id')
    .all() as { id: number; present: number; evaluation: number }[];
  return rows.filter((r) => r.present === 1 && r.evaluation === 0).length;
}

describe('trainingLabelCount', () => {
  it('counts labels of present images outside the evaluation set, in every mix of states', async () => {
    const { project, ids } = await scannedProject(24, projects);
    const [a, b] = [project.classes.create('a', undefined), project.classes.create('b', undefined)];
    const store = new AdaptationStore(project.db);
    const random = mulberry32(7);
    const pick = (share: number) => ids.filter(() => random() < share);
    let nonzero = 0;
    for (let trial = 0; trial < 12; trial++) {
      project.db.prepare('UPDATE images SET present = 1').run();
      project.db.prepare('DELETE FROM evaluation_images').run();
      project.setLabels(ids, null);
      const some = (share: number, apply: (chosen: number[]) => unknown): void => {
        const chosen = pick(share);
        if (chosen.length > 0) apply(chosen);
      };
      some(0.6, (chosen) => project.setLabels(chosen, a.id));
      some(0.3, (chosen) => project.setLabels(chosen, b.id));
      some(0.1, (chosen) => project.setUnsure(chosen, true));
      some(0.3, (chosen) => store.addEvaluation(chosen));
      // Images gone from the folder keep their rows (and labels) but are not present.
      const gone = pick(0.2);
      if (gone.length > 0) project.db.prepare(`UPDATE images SET present = 0 WHERE id IN (${gone.join(',')})`).run();
      const want = expected(project);
      if (want > 0) nonzero++;
      expect(store.trainingLabelCount(), `trial ${trial}`).toBe(want);
    }
    expect(nonzero).toBeGreaterThan(6);
  });

  it('an evaluation image gone from the folder is not subtracted twice', async () => {
    const { project, ids } = await scannedProject(4, projects);
    const a = project.classes.create('a', undefined);
    const store = new AdaptationStore(project.db);
    project.setLabels(ids, a.id);
    store.addEvaluation([ids[0]!, ids[1]!]);
    project.db.prepare('UPDATE images SET present = 0 WHERE id IN (?, ?)').run(ids[0], ids[2]);
    // Present: ids[1] (evaluation), ids[3] (training).
    expect(store.trainingLabelCount()).toBe(1);
  });
});
