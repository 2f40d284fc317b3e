/**
 * The dashboard (asked again after every label while it or the adapt view shows) counts each
 * class's training and evaluation labels and the training labels from the evaluation set's side
 * and the class list's counts, not by reading every label: checked against the rows themselves in
 * every mix of labeled, unsure, absent and evaluation images, with a class deleted among them. The
 * class list's own split (labelCount, evaluationCount) is the same, since the class bar and the
 * gallery show it beside the dashboard.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import { EventHub } from '../../../src-main/core/event-hub';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import type { Project } from '../../../src-main/project/project';
import { FakeEngine } from '../../support/fake-engine';
import { randomLabelMix } from '../../support/label-mix';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
const adaptations: Adaptation[] = [];
afterEach(async () => {
  for (const a of adaptations.splice(0)) await a.close();
  for (const p of projects.splice(0)) await p.close();
});

/** Per live class, its labels on present images in and out of the evaluation set, from the rows. */
function fromRows(project: Project): { classId: number; training: number; evaluation: number }[] {
  const rows = project.db
    .prepare(
      `SELECT l.class_id AS classId, i.present AS present, (SELECT COUNT(*) FROM evaluation_images e WHERE e.image_id = l.image_id) AS inSet
       FROM labels l JOIN images i ON i.id = l.image_id`,
    )
    .all() as { classId: number; present: number; inSet: number }[];
  const live = project.db.prepare('SELECT id FROM classes WHERE deleted_at IS NULL ORDER BY position, id').pluck().all() as number[];
  return live.map((classId) => {
    const mine = rows.filter((r) => r.classId === classId && r.present === 1);
    return { classId, training: mine.filter((r) => r.inSet === 0).length, evaluation: mine.filter((r) => r.inSet === 1).length };
  });
}

describe('dashboard counts', () => {
  it('equal the rows in every mix of labeled, unsure, absent and evaluation images', async () => {
    const { project, ids } = await scannedProject(30, projects);
    const adaptation = new Adaptation({ project, engine: () => new FakeEngine(), events: new EventHub(), places: {}, log: () => {}, seed: 3 });
    adaptations.push(adaptation);
    const store = adaptation.store;
    const [a, b, c] = [project.classes.create('a', undefined), project.classes.create('b', undefined), project.classes.create('c', undefined)];
    const random = mulberry32(5);
    let nonzero = 0;
    for (let trial = 0; trial < 10; trial++) {
      randomLabelMix(project, store, ids, random, trial <= 8 ? [[a.id, 0.5], [b.id, 0.3], [c.id, 0.2]] : [[a.id, 0.5], [b.id, 0.3]]);
      if (trial === 8) project.deleteClass(c.id); // its labels go with it
      const want = fromRows(project);
      const board = await adaptation.evaluation.dashboard();
      expect(board.perClass.map(({ classId, training, evaluation }) => ({ classId, training, evaluation })), `trial ${trial}`).toEqual(want);
      // The class list (the class bar, the Classes view, the gallery's filters) splits them the same.
      const list = project.classes.list().map((k) => ({ classId: k.id, training: k.labelCount - k.evaluationCount, evaluation: k.evaluationCount }));
      expect(list, `class list, trial ${trial}`).toEqual(want);
      const training = want.reduce((n, k) => n + k.training, 0);
      if (training > 0) nonzero++;
      expect(board.trainingLabels, `trial ${trial}`).toBe(training);
      expect(board.evaluation.labeled, `trial ${trial}`).toBe(want.reduce((n, k) => n + k.evaluation, 0));
      expect(store.placeCounts().training, `trial ${trial}`).toBe(training);
    }
    expect(nonzero).toBeGreaterThan(6);
  });
});
