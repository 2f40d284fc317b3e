/**
 * The training-label count (the engine status reads it after every label) is the number of
 * labels of present images outside the evaluation set, whatever mix of labeled, unsure, absent
 * and evaluation images the project holds: checked against the rows themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import type { Project } from '../../../src-main/project/project';
import { randomLabelMix } from '../../support/label-mix';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** The training labels, from the rows: labels whose image is present and not in the evaluation set. */
function trainingRows(project: Project): { id: number; classId: number }[] {
  const rows = project.db
    .prepare('SELECT l.image_id AS id, l.class_id AS classId, i.present AS present, (SELECT COUNT(*) FROM evaluation_images e WHERE e.image_id = l.image_id) AS evaluation FROM labels l JOIN images i ON i.id = l.image_id')
    .all() as { id: number; classId: number; present: number; evaluation: number }[];
  return rows.filter((r) => r.present === 1 && r.evaluation === 0);
}
const expected = (project: Project): number => trainingRows(project).length;

describe('trainingLabelCount and trainingClassCount', () => {
  it('counts labels of present images outside the evaluation set, in every mix of states', async () => {
    const { project, ids } = await scannedProject(24, projects);
    const [a, b] = [project.classes.create('a', undefined), project.classes.create('b', undefined)];
    project.classes.create('never used', undefined);
    const store = new AdaptationStore(project.db);
    const random = mulberry32(7);
    let nonzero = 0;
    for (let trial = 0; trial < 12; trial++) {
      randomLabelMix(project, store, ids, random, [[a.id, 0.6], [b.id, 0.3]]);
      const want = expected(project);
      if (want > 0) nonzero++;
      expect(store.trainingLabelCount(), `trial ${trial}`).toBe(want);
      // The classes with a training label, counted up to a bound (the backbone retrain's check).
      const classes = new Set(trainingRows(project).map((r) => r.classId)).size;
      for (const atMost of [1, 2, 3]) expect(store.trainingClassCount(atMost), `trial ${trial}, at most ${atMost}`).toBe(Math.min(classes, atMost));
    }
    expect(nonzero).toBeGreaterThan(6);
  });

  it('a class whose labels are all on evaluation images or on images gone is not a training class', async () => {
    const { project, ids } = await scannedProject(6, projects);
    const [a, b, c] = [project.classes.create('a', undefined), project.classes.create('b', undefined), project.classes.create('c', undefined)];
    const store = new AdaptationStore(project.db);
    project.setLabels([ids[0]!, ids[1]!], a.id);
    project.setLabels([ids[2]!, ids[3]!], b.id);
    project.setLabels([ids[4]!, ids[5]!], c.id);
    expect(store.trainingClassCount(3)).toBe(3);
    store.addEvaluation([ids[2]!, ids[3]!]);
    project.db.prepare('UPDATE images SET present = 0 WHERE id IN (?, ?)').run(ids[4], ids[5]);
    expect(store.trainingClassCount(2)).toBe(1);
    expect(store.trainingLabelCount()).toBe(2);
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
    expect(store.trainingClassCount(2)).toBe(1);
  });
});
