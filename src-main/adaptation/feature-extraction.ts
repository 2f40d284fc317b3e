/** Feature extraction in the background: every image that lacks features, after open, scan, model choice or a switch to deep mode. */
import { existsSync } from 'node:fs';
import { AppError } from '../../src-shared/app-error';
import type { EngineStatus, ModelProblem } from '../../src-shared/contract';
import { JobReporter } from '../core/job-reporter';
import type { EngineJob } from '../engine/engine-client';
import { MODEL_FOLDER_FAULTS } from '../engine/model/model-folder-io';
import { errorMessage, type AdaptationContext } from './adaptation-context';
import type { ModelRow } from './adaptation-store';
import { modelSource } from './model-options';
import { anotherModelIn } from './model-session';
import { matchRecorded } from '../engine/model/recorded-model';

/**
 * The job arguments that ask the engine for the model the project recorded as `modelId`
 * (ExtractFeaturesArgs.recordedModelId), with its files' fingerprint as recorded now in `model`
 * (the store's row, read when the job starts: a fingerprint adopted by the folder's check is in
 * it) for a model folder, whose files can change under the project (a download is checked
 * against its pinned hashes, the starter ships with the app); none while it records none, or
 * records another model now.
 */
export function recordedArgs(modelId: string, model: ModelRow | null): { recordedModelId: string; recordedFingerprint?: string } {
  const fingerprint = model?.modelId === modelId && model.choice.kind === 'folder' ? model.fingerprint : null;
  return { recordedModelId: modelId, ...(fingerprint !== null ? { recordedFingerprint: fingerprint } : {}) };
}

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
  /** Why the latest start found the model folder unusable (state `unavailable`); null otherwise. */
  private problem: Omit<ModelProblem, 'folderThere'> | null = null;
  /** The latest start's check of the model folder while it runs (recheck waits for it rather than checking twice). */
  private checking: Promise<void> | null = null;

  constructor(
    private readonly ctx: AdaptationContext,
    /** Called when extraction completed: the pool must be rebuilt from the new features. */
    private readonly onComplete: () => Promise<void>,
  ) {}

  get status(): FeatureStatus {
    return { ...this.state };
  }

  /** Why the model folder cannot be used (state `unavailable`), with whether something is at its path now; else null. */
  get modelProblem(): ModelProblem | null {
    return this.problem ? { ...this.problem, folderThere: existsSync(this.problem.path) } : null;
  }

  /** The running extraction's end (resolves also when it failed or was cancelled). */
  get done(): Promise<void> | undefined {
    return this.running?.done;
  }

  /**
   * Extract what the feature cache lacks for the project's model. A model folder is first
   * checked (checkModelFolder): when it is gone, replaced or damaged the state is `unavailable`
   * with what is wrong and how many images have cached features, and no extraction runs (it
   * could only fail again, and said "Failed 0 / N" over a cache that was complete).
   */
  start(): void {
    const { ctx } = this;
    const model = ctx.store.model();
    const source = ctx.source();
    if (!model || !source || ctx.isClosed) return;
    this.running?.cancel();
    // The worker lists the images itself ('project'): listing and posting 100,000 held this thread for seconds.
    const total = ctx.project.images.presentCount();
    const deep = ctx.store.settings().mode === 'deep';
    // Only the latest job writes the state: a job cancelled by this start answers later (with
    // CANCELLED, or complete if it finished meanwhile) and must not overwrite the new job's.
    const token = {};
    this.current = token;
    const latest = (): boolean => this.current === token;
    // This run computes whatever the feature cache lacks now, a new one set aside before too.
    this.again = false;
    this.problem = null;
    this.state = { state: 'checking', done: 0, total, failed: 0, message: this.lost.length > 0 ? sentences([...this.lost, COMPUTING_AGAIN]) : null };
    ctx.engineChanged();
    let job: EngineJob<'extractFeatures'> | null = null;
    let cancelled = false;
    const extract = (): Promise<void> => {
      // Computed only for the model the project recorded: files replaced since the check are refused, not extracted (and the folder checked again: recheck).
      const recorded = model.modelId !== null ? recordedArgs(model.modelId, ctx.store.model()) : {};
      job = ctx.engine().start('extractFeatures', { model: source, ...recorded, projectDir: ctx.project.root, items: 'project', deep });
      return this.follow(job, total, latest);
    };
    // Only a model folder can go away or change under the project: the others start at once.
    // `checked`: whether to extract, once the folder is checked (and the state says what was found).
    const checked =
      model.choice.kind !== 'folder'
        ? null
        : this.checkModelFolder(model, total).then((problem) => {
            if (!latest()) return false;
            if (problem) {
              this.problem = problem;
              this.state = { state: 'unavailable', done: problem.cached, total, failed: 0, message: problem.message };
              ctx.engineChanged();
              return false;
            }
            if (cancelled) {
              this.state = { ...this.state, state: 'cancelled' };
              ctx.engineChanged();
              return false;
            }
            return true;
          });
    if (checked !== null) {
      const checking = checked.then(
        () => undefined,
        () => undefined,
      );
      this.checking = checking;
      void checking.then(() => {
        if (this.checking === checking) this.checking = null;
      });
    }
    const run = checked === null ? extract() : checked.then((go) => (go ? extract() : undefined));
    const done = run
      .finally(() => {
        if (this.running?.done === done) this.running = null;
        if (latest() && this.again) this.start();
      });
    this.running = {
      cancel: () => {
        cancelled = true;
        job?.cancel();
      },
      done,
    };
  }

  /**
   * The engine refused a job on the project's model folder (MODEL_UNAVAILABLE: its files went or
   * changed since they were recorded or loaded): the folder is checked again as at an open
   * (start), and resolves once it is, with the problem found (null: none, the features are then
   * completed, from the cache where they are). Not again while a check runs, nor while the
   * problem is already said (state `unavailable`: Try again and Locate… are the ways on).
   */
  async recheck(): Promise<ModelProblem | null> {
    if (this.state.state !== 'unavailable') {
      if (this.checking === null) this.start();
      await this.checking;
    }
    return this.modelProblem;
  }

  /**
   * Why the project's model folder cannot be used now (ModelProblem without `folderThere`), or
   * null when it can, or when the model is not a folder (a download or the starter cannot move),
   * or when loading failed otherwise (the extraction then says that failure, as before).
   * Loading here costs the extraction nothing: the worker keeps the loaded model per source, and
   * loads it again only when its files changed since (loaded-models.ts), so this sees them as they are now.
   */
  private async checkModelFolder(model: ModelRow, total: number): Promise<Omit<ModelProblem, 'folderThere'> | null> {
    const { ctx } = this;
    const { choice, modelId } = model;
    if (choice.kind !== 'folder' || modelId === null) return null;
    const { path } = choice;
    const name = model.modelName ?? 'the project\'s model';
    const waysOn = `Put the files of ${name} back, or locate them where they are now; or choose the model now in the folder below, as a new model (its features are then computed, and a classifier is trained on it).`;
    const replaced = (other: string): Pick<ModelProblem, 'kind' | 'message'> => ({
      kind: 'replaced',
      message: `${path} holds another model now (${other}), not ${name}, which this project's features and classifier were made with: the folder's files were replaced. ${waysOn}`,
    });
    let found: Pick<ModelProblem, 'kind' | 'message'>;
    try {
      const summary = await ctx.engine().request('loadModel', { source: modelSource(choice, ctx.places) });
      const match = matchRecorded({ modelId, fingerprint: model.fingerprint }, { id: summary.descriptor.id, fingerprint: summary.fingerprint });
      if (match === 'adopt') ctx.store.adoptModelFingerprint(modelId, summary.fingerprint);
      if (match === 'same' || match === 'adopt') return null;
      found =
        match === 'other model'
          ? replaced(summary.descriptor.name)
          : {
              kind: 'replaced',
              message: `The weights in ${path} changed: its files still say they are ${name}, but they are not the files this project's features and classifier were made with, so its classifier would predict wrongly on them. ${waysOn}`,
            };
    } catch (error) {
      if (!(error instanceof AppError) || !MODEL_FOLDER_FAULTS.has(error.code)) return null;
      if (!existsSync(path)) {
        found = { kind: 'missing', message: `Nothing is at ${path} now: the folder of ${name} was moved or renamed, or it is on a disk that is not connected.` };
      } else {
        // The project's layers may not fit another model's files: read as any folder is, it says whose they are.
        const other = error.code === 'MODEL_INVALID' ? await anotherModelIn(ctx, path, modelId) : null;
        found = other !== null ? replaced(other) : { kind: 'damaged', message: `${path} no longer holds a usable copy of ${name}: ${error.message}` };
      }
    }
    // Derived data, told as a count: 0 when it cannot be read (nothing is lost by saying less).
    const cached = await ctx
      .engine()
      .request('cachedFeatures', { projectDir: ctx.project.root, modelId })
      .then((answer) => answer.cached, () => 0);
    return { ...found, path, cached, total };
  }

  /** The extraction `job`'s progress and outcome, into the state while it is the latest (`latest`). */
  private follow(job: EngineJob<'extractFeatures'>, total: number, latest: () => boolean): Promise<void> {
    const { ctx } = this;
    const reporter = new JobReporter(ctx.events, 'extract');
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
    return reporter
      .run(() => job.result)
      .then((result) => {
        if (!latest()) return;
        // The feature cache was set aside while it ran: what it computed may be in the file set
        // aside, so it is not complete and no pool is loaded from the new one (the loop would
        // resume on part of the images); the run that follows (start's finally) says its own outcome.
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
      });
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
