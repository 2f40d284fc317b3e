/**
 * When the active loop trains and queries. Batch mode: once the batch is labeled, train and
 * query the next batch. Continuous mode: a finished batch is replaced at once with the
 * current model's ranking, while training runs in the background, and each training ends by
 * re-ranking the open batch (the `query` step opens a round only when the batch is done, see
 * ARCHITECTURE.md "Rounds, versions and t"); one training at a time,
 * started shortly after a change (so a bulk action trains once); changes during a training
 * start one more right after it, so a steady stream of labels retrains back to back.
 * Timers are injected: tests drive the schedule without waiting.
 */
import { AppError } from '../../src-shared/app-error';
import { errorMessage } from './adaptation-context';

export const CONTINUOUS_COALESCE_MS = 50;

export interface SchedulerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Run after the current request has answered. */
  defer(callback: () => void): void;
}

export const realTimers: SchedulerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  defer: (callback) => setImmediate(callback),
};

export interface SchedulerSteps {
  /** Fine-tune one version on every training label; rejects with CONFLICT when there is nothing to train. */
  train(): Promise<void>;
  /** Re-rank the open batch, or query the next one when it is done; rejects with CONFLICT when nothing is left to query. */
  query(): Promise<unknown>;
  /** Training started or ended. */
  trainingChanged(): void;
  log(message: string): void;
}

/** What the loop looks like after a label change. */
export interface LabelState {
  continuous: boolean;
  /** The open batch has items and every one is labeled. */
  batchDone: boolean;
  /** The model in use learned every label of the open batch (RoundInfo.trained). */
  trainedOnBatch: boolean;
}

const isConflict = (error: unknown): boolean => error instanceof AppError && error.code === 'CONFLICT';

export class TrainingScheduler {
  private training: Promise<void> | null = null;
  private trainAgain = false;
  private querying: Promise<void> | null = null;
  private debounce: unknown = null;
  private closed = false;

  constructor(
    private readonly steps: SchedulerSteps,
    private readonly timers: SchedulerTimers = realTimers,
    private readonly coalesceMs = CONTINUOUS_COALESCE_MS,
  ) {}

  get isTraining(): boolean {
    return this.training !== null;
  }

  /** The running training, if any (awaited on close). */
  get running(): Promise<void> | null {
    return this.training;
  }

  /** Train now (one training at a time: a second call joins the running one). */
  train(): Promise<void> {
    if (this.training) return this.training;
    const run = this.steps.train().finally(() => {
      this.training = null;
      this.steps.trainingChanged();
    });
    this.training = run;
    this.steps.trainingChanged();
    return run;
  }

  /**
   * Train once the running training (if any) has ended, if `due()` still says so then: what that
   * training was started on may be out of date (the expert chose another pre-trained model
   * meanwhile), and joining it would keep its version as the latest. Resolves true once its
   * training is recorded; false without training, when closed or not due.
   */
  async trainWhenDue(due: () => boolean): Promise<boolean> {
    while (this.training) await Promise.allSettled([this.training]);
    if (this.closed || !due()) return false;
    await this.train();
    return true;
  }

  labelsChanged(state: LabelState): void {
    if (this.closed) return;
    if (state.continuous) {
      // Never let the queue run dry: a finished batch is replaced at once.
      if (state.batchDone && !this.querying) {
        this.querying = this.steps
          .query()
          .then(() => undefined)
          .catch((error: unknown) => {
            if (!isConflict(error)) this.steps.log(`active loop: ${errorMessage(error)}`);
          })
          .finally(() => {
            this.querying = null;
          });
      }
      this.schedule();
      return;
    }
    if (state.batchDone && !state.trainedOnBatch && !this.training) {
      this.timers.defer(() => void this.trainThenQuery());
    }
  }

  /** Continuous mode was switched on: train on what is labeled. */
  schedule(): void {
    if (this.closed) return;
    if (this.training || this.debounce) {
      if (this.training) this.trainAgain = true;
      return;
    }
    this.debounce = this.timers.setTimeout(() => {
      this.debounce = null;
      if (this.training) this.trainAgain = true;
      else void this.trainThenQuery();
    }, this.coalesceMs);
  }

  private async trainThenQuery(): Promise<void> {
    // Deferred after a batch's last label (or coalesced): the project may have closed meanwhile,
    // and close() awaited no training then; one started now would outlive it.
    if (this.closed) return;
    try {
      // With fewer than two labeled classes there is no classifier to train: the next batch
      // is still queried (by distinctiveness alone, as the method prescribes).
      await this.train().catch((error: unknown) => {
        if (!isConflict(error)) throw error;
      });
      if (!this.closed) await this.steps.query();
    } catch (error) {
      if (!isConflict(error)) this.steps.log(`active loop: ${errorMessage(error)}`);
    }
    if (this.trainAgain && !this.closed) {
      this.trainAgain = false;
      await this.trainThenQuery();
    }
  }

  /** Stop scheduling; resolves when the running training has ended. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.debounce) this.timers.clearTimeout(this.debounce);
    this.debounce = null;
    await Promise.allSettled([this.training]);
  }
}
