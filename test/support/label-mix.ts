/** A random mix of image states over a scanned project, for counts checked against the rows. */
import type { AdaptationStore } from '../../src-main/adaptation/adaptation-store';
import type { Project } from '../../src-main/project/project';

/**
 * Bring `ids` back to present, unlabeled and outside the evaluation set, then give each class of
 * `classes` ([class id, share]) a random share of them, in order (a later class relabels), mark a
 * share unsure, put a share in the evaluation set and take a share out of the folder (not present:
 * their rows and labels stay). `random`: a seeded generator.
 */
export function randomLabelMix(
  project: Project,
  store: AdaptationStore,
  ids: readonly number[],
  random: () => number,
  classes: readonly (readonly [number, number])[],
): void {
  const pick = (share: number): number[] => ids.filter(() => random() < share);
  project.db.prepare('UPDATE images SET present = 1').run();
  project.db.prepare('DELETE FROM evaluation_images').run();
  project.setLabels(ids, null);
  const some = (share: number, apply: (chosen: number[]) => unknown): void => {
    const chosen = pick(share);
    if (chosen.length > 0) apply(chosen);
  };
  for (const [classId, share] of classes) some(share, (chosen) => project.setLabels(chosen, classId));
  some(0.1, (chosen) => project.setUnsure(chosen, true));
  some(0.3, (chosen) => store.addEvaluation(chosen));
  // Images gone from the folder keep their rows (and labels) but are not present.
  const gone = pick(0.2);
  if (gone.length > 0) project.db.prepare(`UPDATE images SET present = 0 WHERE id IN (${gone.join(',')})`).run();
}
