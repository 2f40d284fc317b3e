/** The engine's backend label and the project's pre-trained model: choice, download, inspection. */
import { basename } from 'node:path';
import { AppError } from '../../src-shared/app-error';
import type { ModelChoice, ModelInspection } from '../../src-shared/contract';
import { JobReporter } from '../core/job-reporter';
import { matchRecorded } from '../engine/model/recorded-model';
import type { ModelSummary } from '../engine/worker-protocol';
import type { AdaptationContext } from './adaptation-context';
import { isModelInstalled, modelSource } from './model-options';

/**
 * The name of the model the folder at `path` holds when read as any folder is (without the
 * project's layer choice), when that is another model than `modelId`; else null. Tells a
 * folder whose files were replaced by another model from a damaged one, when the project's
 * layers do not even fit the new files (MobileNet's layers on the starter's graph).
 */
export async function anotherModelIn(ctx: AdaptationContext, path: string, modelId: string): Promise<string | null> {
  try {
    const summary = await ctx.engine().request('loadModel', { source: { kind: 'folder', path } });
    return summary.descriptor.id === modelId ? null : summary.descriptor.name;
  } catch {
    return null;
  }
}

/** The refusal of Locate… (its dialog, its folder) for a project whose model is not a model folder: a download or the starter does not move. */
export function noModelFolderToLocate(): AppError {
  return new AppError('CONFLICT', "This project's model is not a model folder, so there is no folder to locate: choose a model in the list instead.");
}

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

  /**
   * Download (known models) and load the chosen model, then record it. A downloaded copy that
   * does not load as downloaded (its files changed in the cache since: loadKnownModel) is
   * downloaded again, which replaces what changed, and loaded once more.
   */
  async choose(choice: ModelChoice): Promise<void> {
    const { ctx } = this;
    await this.ensureBackend();
    const source = modelSource(choice, ctx.places);
    const download = async (id: string): Promise<void> => {
      const job = new JobReporter(ctx.events, 'download');
      const cacheRoot = ctx.places.cacheRoot;
      // The engine's download error already says what happened and what to do (retry, or a
      // model from disk offline): passed on as it is, so the panel says it once.
      await job.run(() => ctx.engine().request('downloadModel', { id, ...(cacheRoot ? { cacheRoot } : {}) }, { onProgress: job.forward }));
    };
    const load = (): Promise<ModelSummary> => ctx.engine().request('loadModel', { source });
    if (choice.kind === 'known' && !isModelInstalled(choice.id, ctx.places)) await download(choice.id);
    let summary: ModelSummary;
    try {
      summary = await load();
    } catch (error) {
      if (choice.kind !== 'known' || !(error instanceof AppError && error.code === 'MODEL_INVALID')) throw error;
      await download(choice.id);
      summary = await load();
    }
    const previous = ctx.store.model();
    ctx.store.setModel(choice, summary.descriptor.id, summary.descriptor.name, summary.fingerprint);
    // The same id with other files (a folder's own adma-model.json over new weights) is another model too.
    if (previous?.modelId !== summary.descriptor.id || previous.fingerprint !== summary.fingerprint) this.onModelChanged();
    ctx.engineChanged();
  }

  /**
   * Locate…: the project's model folder (moved, renamed, on another disk) is at `path` now.
   * Taken only when the folder holds the very model the project chose: its id (which the files
   * decide) is the recorded one, and so are its files' fingerprint when one is recorded (a folder
   * with its own adma-model.json keeps its id over other weights), so its cached features serve
   * and nothing is computed again.
   * A model the product does not recognise has its folder's name in its id: a renamed folder of
   * the same files keeps the recorded id (idFolderName), other files are refused as another model.
   */
  async locate(path: string): Promise<void> {
    const { ctx } = this;
    const model = ctx.store.model();
    if (!model || model.choice.kind !== 'folder' || model.modelId === null) {
      throw noModelFolderToLocate();
    }
    const { modelId } = model;
    const name = model.modelName ?? "the project's model";
    await this.ensureBackend();
    const load = (choice: ModelChoice): Promise<ModelSummary> => ctx.engine().request('loadModel', { source: modelSource(choice, ctx.places) });
    const idFolderName = model.choice.idFolderName ?? basename(model.choice.path);
    // Loaded first as any folder is (its own name), then, when only the name differs, under the recorded one.
    const { idFolderName: _renamedFrom, ...asChosen } = model.choice;
    let choice: ModelChoice = { ...asChosen, path };
    const another = (other: string): AppError =>
      new AppError(
        'CONFLICT',
        `${path} holds another model (${other}), not ${name}: its features would not be the ones this project has. Locate the folder that holds ${name}, or choose this one below as a new model (its features are then computed).`,
      );
    let summary: ModelSummary;
    try {
      summary = await load(choice);
    } catch (error) {
      // The project's layers do not fit these files: another model, said so, or the engine's own words.
      const other = error instanceof AppError && error.code === 'MODEL_INVALID' ? await anotherModelIn(ctx, path, modelId) : null;
      throw other === null ? error : another(other);
    }
    const fileKey = (id: string, folderName: string): string | null => (id.startsWith(`${folderName}-`) ? id.slice(folderName.length + 1) : null);
    const ownKey = fileKey(modelId, idFolderName);
    if (summary.descriptor.id !== modelId && ownKey !== null && fileKey(summary.descriptor.id, basename(summary.dir)) === ownKey) {
      // The same files in a folder of another name: loaded again under the recorded id.
      choice = { ...choice, idFolderName };
      summary = await load(choice);
    }
    if (summary.descriptor.id !== modelId) throw another(summary.descriptor.name);
    if (matchRecorded({ modelId, fingerprint: model.fingerprint }, { id: modelId, fingerprint: summary.fingerprint }) === 'other weights') {
      throw new AppError(
        'CONFLICT',
        `The weights in ${path} are not the ones of ${name} this project's features and classifier were made with, though its files say they are ${name}. Locate the folder that holds the files the project was made with, or choose this one below as a new model (its features are then computed).`,
      );
    }
    // The recorded name is kept: the versions and the curve know the model by it. The files' fingerprint is the recorded one (or recorded now, by a project that had none).
    ctx.store.setModel(choice, modelId, model.modelName, summary.fingerprint);
    ctx.engineChanged();
  }

  inspectFolder(folder: string): Promise<ModelInspection> {
    return this.ctx.engine().request('inspectModel', { path: folder });
  }
}
