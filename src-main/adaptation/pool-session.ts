/**
 * The pool loaded into the engine worker (features, centres, distinctiveness, latest head).
 * Prepared once and kept until something it was built from changes: the image set (scan),
 * the model, the training mode or newly extracted features. Those call `invalidate()`;
 * nothing is hashed per request.
 */
import { AppError } from '../../src-shared/app-error';
import type { AdaptationContext } from './adaptation-context';
import { recordedArgs } from './feature-extraction';

/** A load that ends after the project was closed: nothing more is read or recorded for it. */
const closed = (): AppError => new AppError('CANCELLED', 'The project was closed while its image features were loading: nothing was done.');

export class PoolSession {
  /**
   * The newest load (null: none since the last invalidate), resolving to the model id of the
   * pool it loaded. A load superseded by invalidate() never resolves or fails as its own: its
   * callers wait for the newest load instead (prepare), so no caller goes on with a pool that is
   * no longer the one wanted. The worker keeps only the newest load it was asked for too
   * (pool-slot.ts), whatever order the loads finish in.
   */
  private pool: Promise<string> | null = null;
  /** Loads begun (generation). */
  private loads = 0;

  constructor(
    private readonly ctx: AdaptationContext,
    /**
     * Notices of a load for the user (a damaged cache file set aside and made again): said where
     * extraction's are. `featuresLost`: the feature cache set aside was the chosen model's, whose
     * features are then to be computed again (FeatureExtraction.tell).
     */
    private readonly tell: (notices: readonly string[], featuresLost: boolean) => void = () => undefined,
  ) {}

  /** True once a prepare has been started for the current image set, model and mode. */
  get isPrepared(): boolean {
    return this.pool !== null;
  }

  /**
   * How many loads have begun: a load begun during a training is given the head recorded before
   * it (latestHeadDir), not the training's, so that training reloads the pool once its version is
   * recorded (ActiveLoop.trainVersion).
   */
  get generation(): number {
    return this.loads;
  }

  invalidate(): void {
    this.pool = null;
  }

  /** Load the pool into the worker unless the current one still holds; resolves to the id of the model whose features it holds. */
  prepare(): Promise<string> {
    const { ctx } = this;
    const model = ctx.store.model();
    const source = ctx.source();
    if (!model?.modelId || !source) return Promise.reject(new AppError('CONFLICT', 'Choose a pre-trained model first.'));
    if (this.pool) return this.pool;
    const modelId = model.modelId;
    this.loads++;
    const pool: Promise<string> = ctx
      .engine()
      .request('loopPrepare', {
        projectDir: ctx.project.root,
        model: source,
        // Loaded only as the model the project recorded, with the files it recorded (the worker refuses other files: MODEL_UNAVAILABLE).
        ...recordedArgs(modelId, model),
        // Listed by the worker from the project's database, not posted from this thread.
        items: 'project',
        deep: ctx.store.settings().mode === 'deep',
        excludedIds: [...ctx.store.evaluationIds()],
        centres: ctx.store.centres(modelId),
        headDir: ctx.latestHeadDir({ modelId, fingerprint: model.fingerprint }),
      })
      .then(
        (result) => {
          if (ctx.isClosed) throw closed();
          // Whatever became of the load (superseded, failed): a damaged file it set aside is a fact about the expert's disk.
          this.tell(result.notices, result.featuresSetAside && ctx.store.model()?.modelId === modelId);
          // Centres are kept per model, under the model the worker computed them on (the one loaded).
          if (result.outcome === 'loaded') ctx.store.saveCentres(result.modelId, result.centres);
          if (this.pool !== pool) return this.prepare();
          if (result.outcome === 'loaded') return result.modelId;
          this.pool = null;
          // Its failure says the notices too: a caller that shows it in place of the extraction's words keeps them.
          if (result.outcome === 'failed') throw new AppError(result.error.code, [result.error.message, ...result.notices].join(' '));
          // Superseded in the worker though not here: a reset (a project closed) or another session's load came after it.
          throw new AppError('CANCELLED', 'The image features being loaded were replaced by others (a project was closed or opened meanwhile): nothing was done. Try again.');
        },
        (error: unknown) => {
          if (ctx.isClosed) throw closed();
          // Superseded: what became of this load no longer matters, the newest one does.
          if (this.pool !== pool) return this.prepare();
          this.pool = null;
          throw error;
        },
      );
    this.pool = pool;
    return pool;
  }
}
