/** Feature extraction in the background: every image that lacks features, after open, scan, model choice or a switch to deep mode. */
import { AppError } from '../../src-shared/app-error';
import type { EngineStatus } from '../../src-shared/contract';
import { JobReporter } from '../core/job-reporter';
import { errorMessage, type AdaptationContext } from './adaptation-context';

export type FeatureStatus = EngineStatus['features'];

/** Parts of a status message, the absent ones left out: one message, or null when nothing is to be said. */
const sentences = (parts: readonly (string | null)[]): string | null => parts.filter((part) => part !== null).join(' ') || null;

/** Said after the notices of a load that set the chosen model's feature cache aside, while its features are computed again (tell). */
export const COMPUTING_AGAIN = 'The image features are being computed again now; you can keep labeling meanwhile.';

export class FeatureExtraction {
  private state: FeatureStatus = { state: 'none', done: 0, total: 0, failed: 0, message: null };
  private running: { cancel(): void; done: Promise<void> } | null = null;
  /** The latest job's token (start). */
  private current: object | null = null;
  /**
   * Notices of a load that set the chosen model's feature cache aside (tell): said with every
   * run's words until a run begun after it completes (the features are then computed again).
   */
  private lost: string[] = [];
  /** A load set the feature cache aside while a run was under way (it may write to the file set aside): run again when it ends. */
  private again = false;

  constructor(
    private readonly ctx: AdaptationContext,
    /** Called when extraction completed: the pool must be rebuilt from the new features. */
    private readonly onComplete: () => Promise<void>,
  ) {}

  get status(): FeatureStatus {
    return { ...this.state };
  }

  /** The running extraction's end (resolves also when it failed or was cancelled). */
  get done(): Promise<void> | undefined {
    return this.running?.done;
  }

  start(): void {
    const { ctx } = this;
    const source = ctx.source();
    if (!source || ctx.isClosed) return;
    this.running?.cancel();
    // The worker lists the images itself ('project'): listing and posting 100,000 held this thread for seconds.
    const total = ctx.project.images.presentCount();
    const deep = ctx.store.settings().mode === 'deep';
    const reporter = new JobReporter(ctx.events, 'extract');
    // Only the latest job writes the state: a job cancelled by this start answers later (with
    // CANCELLED, or complete if it finished meanwhile) and must not overwrite the new job's.
    const token = {};
    this.current = token;
    const latest = (): boolean => this.current === token;
    // This run computes whatever the feature cache lacks now, a new one set aside before too.
    this.again = false;
    this.state = { state: 'checking', done: 0, total, failed: 0, message: this.lost.length > 0 ? sentences([...this.lost, COMPUTING_AGAIN]) : null };
    ctx.engineChanged();
    const job = ctx.engine().start('extractFeatures', { model: source, projectDir: ctx.project.root, items: 'project', deep });
    job.onProgress((event) => {
      if (!latest()) return;
      // After the features: the thumbnails' difference hashes (near duplicates), counted on their own.
      if (event.phase === 'perceptual') return reporter.progress('thumbnail hashes', event.done, event.total);
      // The engine counts the images it still had to compute; the UI counts every image.
      const done = Math.max(0, total - (event.total - event.done));
      // Checking until the engine says some image lacks features (event.total: those it computes).
      const state = this.state.state === 'checking' && !(event.phase === 'extract' && event.total > 0) ? 'checking' : 'running';
      const changed = state !== this.state.state;
      this.state = { ...this.state, state, done, total };
      if (changed) ctx.engineChanged();
      reporter.progress(event.phase, done, total);
    });
    const done = reporter
      .run(() => job.result)
      .then((result) => {
        if (!latest()) return;
        // The feature cache was set aside while it ran: what it computed may be in the file set
        // aside, so it is not complete and no pool is loaded from the new one (the loop would
        // resume on part of the images); the run that follows (finally) says its own outcome.
        if (this.again) return;
        // In images, as the progress counted them: the engine counts distinct contents, and two
        // files with the same bytes share one feature row.
        this.state = {
          state: 'complete',
          done: Math.max(0, total - result.failures.length),
          total,
          failed: result.failures.length,
          message: sentences([
            ...this.lost,
            result.failures.length ? `${result.failures.length} images could not be decoded (first: ${result.failures[0]?.path}: ${result.failures[0]?.error.message})` : null,
            result.runtimeFallback,
            ...result.notices,
          ]),
        };
        // Said with its outcome; once a run that began after the loss completes, said no more.
        this.lost = [];
        ctx.engineChanged();
        return this.onComplete();
      })
      .catch((error: unknown) => {
        // Failed after the cache was set aside under it (again: cancel() clears it): run again, not said.
        if (!latest() || this.again) return;
        const cancelled = error instanceof AppError && error.code === 'CANCELLED';
        this.state = { ...this.state, state: cancelled ? 'cancelled' : 'failed', message: sentences([...this.lost, errorMessage(error)]) };
        ctx.engineChanged();
      })
      .finally(() => {
        if (this.running?.done === done) this.running = null;
        if (latest() && this.again) this.start();
      });
    this.running = { cancel: () => job.cancel(), done };
  }

  /**
   * Notices of the engine's other work on the features (the pool's load: a damaged cache file
   * set aside and made again), said as the extraction's own: after its message, in the model panel.
   * `featuresLost`: the file set aside was the chosen model's feature cache, so its features are
   * computed again as after an open (start), never by two extractions at once: at once when
   * none runs, else when the one under way ends (it may be writing to the file set aside).
   */
  tell(notices: readonly string[], featuresLost = false): void {
    if (notices.length === 0) return;
    if (!featuresLost) {
      this.state = { ...this.state, message: sentences([this.state.message, ...notices]) };
      this.ctx.engineChanged();
      return;
    }
    this.lost.push(...notices);
    if (this.state.state !== 'checking' && this.state.state !== 'running') return this.start();
    this.again = true;
    this.state = { ...this.state, message: sentences([this.state.message, ...notices, COMPUTING_AGAIN]) };
    this.ctx.engineChanged();
  }

  cancel(): void {
    this.again = false;
    this.running?.cancel();
  }
}
