/**
 * The suspect-label queue of an open project: cross-validates the training labels in the
 * engine worker (5 folds of the light head, seeded by the project's seed, so the same labels
 * give the same queue) and maps class indices back to class ids and image rows. Computed
 * on demand; the last check is kept (its suspects by image id) so a reload or a restart shows
 * it again, each image as it is now. A relabel from the queue goes through labels:set like any other.
 * Evaluation labels are left out (they must never be trained on, not even in a fold).
 */
import type { SuspectReport } from '../../src-shared/contract';
import { AppError } from '../../src-shared/app-error';
import { JobReporter } from '../core/job-reporter';
import type { AdaptationContext } from './adaptation-context';
import type { StoredLabelCheck } from './adaptation-store';
import type { PoolSession } from './pool-session';

export class LabelCheck {
  /** The kept check's row was found damaged (and logged) in this session. */
  private saidDamaged = false;

  constructor(
    private readonly ctx: AdaptationContext,
    private readonly pool: PoolSession,
  ) {}

  async suspects(): Promise<SuspectReport> {
    const { ctx } = this;
    const model = ctx.store.model();
    const modelId = model?.modelId;
    if (!modelId) throw new AppError('CONFLICT', 'Choose a pre-trained model first: labels are checked on its features.');
    const labels = ctx.trainingLabels();
    const classIds = [...new Set(labels.values())].sort((a, b) => a - b);
    if (classIds.length < 2) throw new AppError('CONFLICT', 'Label images of at least two classes before checking labels.');
    await this.pool.prepare();
    const indexOf = new Map(classIds.map((id, i) => [id, i]));
    const reporter = new JobReporter(ctx.events, 'check-labels');
    const result = await reporter.run(() =>
      ctx.engine().request(
        'loopLabelQuality',
        {
          modelId,
          labels: [...labels].map(([imageId, classId]) => ({ imageId, classIndex: indexOf.get(classId) as number })),
          classCount: classIds.length,
          seed: ctx.seed,
          symmetryFiles: ctx.symmetryFiles(labels.keys()),
        },
        { onProgress: reporter.forward },
      ),
    );
    const check: StoredLabelCheck = {
      items: result.suspects.map((row) => ({
        imageId: row.imageId,
        givenClassId: classIds[row.given] as number,
        suggestedClassId: classIds[row.suggested] as number,
        givenProbability: row.givenProbability,
        suggestedProbability: row.suggestedProbability,
      })),
      judged: result.judged,
      folds: result.calibration.folds,
      modelId,
      millis: result.millis,
      checkedAt: new Date().toISOString(),
    };
    ctx.store.saveLabelCheck(check);
    return this.reportOf(check);
  }

  /**
   * The last check, each suspect's image as it is now (images removed since are left out); null
   * before the first. A kept check that is not one (written by hand, or damaged) counts as none:
   * the Suspect labels view opens and offers to check, which writes the row anew.
   */
  last(): SuspectReport | null {
    const check = this.ctx.store.labelCheck();
    if (check === 'absent') return null;
    if (check !== 'damaged') return this.reportOf(check.value);
    // Said once: the view asks for the last check whenever it opens.
    if (!this.saidDamaged) this.ctx.log("label check: the project's kept check is damaged; none is shown until labels are checked again");
    this.saidDamaged = true;
    return null;
  }

  private reportOf({ items: stored, ...facts }: StoredLabelCheck): SuspectReport {
    // One query for them all; images removed by a rescan meanwhile are left out.
    const present = new Map(this.ctx.project.images.itemsOf(stored.map((s) => s.imageId)).map((image) => [image.id, image]));
    const items: SuspectReport['items'] = stored.flatMap(({ imageId, ...row }) => {
      const image = present.get(imageId);
      return image ? [{ image, ...row }] : [];
    });
    return { items, ...facts, changesSince: this.ctx.project.labels.changesSince(facts.checkedAt) };
  }
}
