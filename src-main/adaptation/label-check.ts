/**
 * The suspect-label queue of an open project: cross-validates the training labels in the
 * engine worker (5 folds of the light head, seeded by the project's seed, so the same labels
 * give the same queue) and maps class indices back to class ids and image rows. Computed
 * on demand, nothing stored: a relabel from the queue goes through labels:set like any other.
 * Evaluation labels are left out (they must never be trained on, not even in a fold).
 */
import type { SuspectReport } from '../../src-shared/contract';
import { AppError } from '../../src-shared/app-error';
import { JobReporter } from '../core/job-reporter';
import type { AdaptationContext } from './adaptation-context';
import type { PoolSession } from './pool-session';

export class LabelCheck {
  constructor(
    private readonly ctx: AdaptationContext,
    private readonly pool: PoolSession,
  ) {}

  async suspects(): Promise<SuspectReport> {
    const { ctx } = this;
    const model = ctx.store.model();
    if (!model?.modelId) throw new AppError('CONFLICT', 'Choose a pre-trained model first: labels are checked on its features.');
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
          labels: [...labels].map(([imageId, classId]) => ({ imageId, classIndex: indexOf.get(classId) as number })),
          classCount: classIds.length,
          seed: ctx.seed,
          symmetryFiles: ctx.symmetryFiles(labels.keys()),
        },
        { onProgress: reporter.forward },
      ),
    );
    const items: SuspectReport['items'] = [];
    for (const row of result.suspects) {
      let image;
      try {
        image = ctx.project.images.get(row.imageId);
      } catch {
        continue; // removed by a rescan meanwhile
      }
      items.push({
        image,
        givenClassId: classIds[row.given] as number,
        suggestedClassId: classIds[row.suggested] as number,
        givenProbability: row.givenProbability,
        suggestedProbability: row.suggestedProbability,
      });
    }
    return { items, judged: result.judged, folds: result.calibration.folds, modelId: model.modelId, millis: result.millis, checkedAt: new Date().toISOString() };
  }
}
