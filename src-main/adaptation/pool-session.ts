/**
 * The pool loaded into the engine worker (features, centres, distinctiveness, latest head).
 * Prepared once and kept until something it was built from changes: the image set (scan),
 * the model, the training mode or newly extracted features. Those call `invalidate()`;
 * nothing is hashed per request.
 */
import { AppError } from '../../src-shared/app-error';
import type { AdaptationContext } from './adaptation-context';

export class PoolSession {
  private pool: Promise<void> | null = null;

  constructor(private readonly ctx: AdaptationContext) {}

  /** True once a prepare has been started for the current image set, model and mode. */
  get isPrepared(): boolean {
    return this.pool !== null;
  }

  invalidate(): void {
    this.pool = null;
  }

  /** Load the pool into the worker unless the current one still holds. */
  prepare(): Promise<void> {
    const { ctx } = this;
    const model = ctx.store.model();
    const source = ctx.source();
    if (!model?.modelId || !source) return Promise.reject(new AppError('CONFLICT', 'Choose a pre-trained model first.'));
    if (this.pool) return this.pool;
    const modelId = model.modelId;
    const pool: Promise<void> = ctx
      .engine()
      .request('loopPrepare', {
        projectDir: ctx.project.root,
        model: source,
        // Listed by the worker from the project's database, not posted from this thread.
        items: 'project',
        deep: ctx.store.settings().mode === 'deep',
        excludedIds: [...ctx.store.evaluationIds()],
        centres: ctx.store.centres(modelId),
        headDir: ctx.latestHeadDir(modelId),
      })
      .then((result) => {
        ctx.store.saveCentres(result.modelId, result.centres);
      })
      .catch((error: unknown) => {
        if (this.pool === pool) this.pool = null;
        throw error;
      });
    this.pool = pool;
    return pool;
  }
}
