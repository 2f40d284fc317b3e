/** The engine's backend label and the project's pre-trained model: choice, download, inspection. */
import type { ModelChoice, ModelInspection } from '../../src-shared/contract';
import { JobReporter } from '../core/job-reporter';
import type { AdaptationContext } from './adaptation-context';
import { isModelInstalled, modelSource } from './model-options';

export class ModelSession {
  /** The engine's backend, shown in every status once the worker has started. */
  private label: string | null = null;
  /** Why faster runtimes are not used (the engine's fallback reasons). */
  private notes: string[] = [];
  private slowness: string | null = null;
  private backendStart: Promise<void> | null = null;

  constructor(
    private readonly ctx: AdaptationContext,
    /** Called when the chosen model's id changed (the pool no longer holds). */
    private readonly onModelChanged: () => void,
  ) {}

  get backendLabel(): string | null {
    return this.label;
  }

  get backendNotes(): string[] {
    return this.notes;
  }

  /** Why the engine runs slower than it could (null at full speed): see backendSlowness. */
  get backendSlow(): string | null {
    return this.slowness;
  }

  /** Start the engine once; its backend label is kept for the status. */
  ensureBackend(): Promise<void> {
    // Promise.resolve().then: a worker that cannot start rejects here, never throws into the caller.
    this.backendStart ??= Promise.resolve()
      .then(() => this.ctx.engine().request('init', {}))
      .then((info) => {
        this.label = info.label;
        this.notes = info.fallbacks;
        this.slowness = info.slowness ?? null;
      })
      .catch((error: unknown) => {
        this.backendStart = null;
        throw error;
      });
    return this.backendStart;
  }

  /** Download (known models) and load the chosen model, then record it. */
  async choose(choice: ModelChoice): Promise<void> {
    const { ctx } = this;
    await this.ensureBackend();
    const source = modelSource(choice, ctx.places);
    if (choice.kind === 'known' && !isModelInstalled(choice.id, ctx.places)) {
      const job = new JobReporter(ctx.events, 'download');
      const cacheRoot = ctx.places.cacheRoot;
      // The engine's download error already says what happened and what to do (retry, or a
      // model from disk offline): passed on as it is, so the panel says it once.
      await job.run(() => ctx.engine().request('downloadModel', { id: choice.id, ...(cacheRoot ? { cacheRoot } : {}) }, { onProgress: job.forward }));
    }
    const summary = await ctx.engine().request('loadModel', { source });
    const previous = ctx.store.model();
    ctx.store.setModel(choice, summary.descriptor.id, summary.descriptor.name);
    if (previous?.modelId !== summary.descriptor.id) this.onModelChanged();
    ctx.engineChanged();
  }

  inspectFolder(folder: string): Promise<ModelInspection> {
    return this.ctx.engine().request('inspectModel', { path: folder });
  }
}
