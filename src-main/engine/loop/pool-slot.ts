/**
 * The engine worker's one pool (worker.ts) and the loads that would replace it (loopPrepare).
 * The worker runs jobs side by side, so loads asked for one after the other (the expert chose
 * another model, mode or image set while a load ran) finish in any order. The newest load asked
 * for is the one that becomes the pool: a load superseded meanwhile (by a newer load, or by a
 * reset: the project was closed) is disposed when it is built and never installed, so a slow,
 * stale load cannot replace a newer pool with an older model's features.
 *
 * Light on purpose (no engine imports): the fake engine of the tests keeps its pool with it too.
 */
import { AppError } from '../../../src-shared/app-error';

/** What the slot holds: a pool of one pre-trained model's features, freed by dispose (which waits for its running jobs: AdaptationPool). */
export interface SlotPool {
  readonly modelId: string;
  dispose(): void;
}

export class PoolSlot<P extends SlotPool> {
  private pool: P | null = null;
  /** The ticket of the newest load begun (or of the latest reset); tickets only grow. */
  private newest = 0;

  /** The pool installed, or null. */
  get current(): P | null {
    return this.pool;
  }

  /**
   * A load begins: its ticket, for isNewest and install. Called when the request arrives (before
   * any await), so tickets follow the order in which the loads were asked for.
   */
  begin(): number {
    return ++this.newest;
  }

  /** Whether the load of `ticket` is still the newest (a superseded one need not build its pool). */
  isNewest(ticket: number): boolean {
    return ticket === this.newest;
  }

  /**
   * The load of `ticket` built `pool`: the newest load's becomes the pool (the one before it is
   * disposed) and true is returned; a superseded load's is disposed (nothing runs on it yet, so
   * it is freed at once) and false returned.
   */
  install(ticket: number, pool: P): boolean {
    if (!this.isNewest(ticket)) {
      pool.dispose();
      return false;
    }
    this.pool?.dispose();
    this.pool = pool;
    return true;
  }

  /** No pool: the installed one is disposed (after its running jobs), and every load under way is superseded. */
  reset(): void {
    this.newest++;
    this.pool?.dispose();
    this.pool = null;
  }
}

/** What a job refused by otherModelError says came of it, unless it says more itself. */
export const NOTHING_DONE = 'Nothing was changed; ask again: it then runs on the model chosen now.';

/** The model a job on the pool was asked for on, and the names the expert knows models by (PoolJobArgs). */
export interface AskedOn {
  readonly modelId: string;
  readonly modelNames?: Readonly<Record<string, string>>;
}

/**
 * The refusal of a job asked for on the pre-trained model `on.modelId` (the model chosen when it
 * was asked for, whose features its arguments assume) while the worker's pool holds those of
 * `loaded`: another model was chosen meanwhile. Both are said by the names in `on.modelNames`
 * (the project's, given by the main process), else by their ids. `job` says what was asked for
 * ("This training was to be made"), `outcome` what came of it.
 */
export function otherModelError(on: AskedOn, loaded: string, job: string, outcome = NOTHING_DONE): AppError {
  const name = (modelId: string): string => (on.modelNames && Object.hasOwn(on.modelNames, modelId) ? on.modelNames[modelId]! : modelId);
  return new AppError('CONFLICT', `${job} on the pre-trained model ${name(on.modelId)}, but the features of another pre-trained model (${name(loaded)}) were loaded before it could start: another model was chosen meanwhile. ${outcome}`);
}
