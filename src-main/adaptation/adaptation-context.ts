/**
 * What every adaptation module of one open project shares: the project, its adaptation rows,
 * the engine port, the event hub, where models live, the project's seed, and whether the
 * project has been closed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../../src-shared/app-error';
import path from 'node:path';
import type { EngineStatus, ProjectChanged, RoundInfo } from '../../src-shared/contract';
import type { EventHub } from '../core/event-hub';
import { privateFolder } from '../core/private-folder';
import type { ModelSource } from '../engine/model/model-source';
import type { PoolJobArgs, PoolPredictions, SymmetryFile } from '../engine/loop/loop-jobs';
import { currentActor, type Project } from '../project/project';
import { projectDbPath } from '../project/project-db';
import type { WriterThread } from '../project/writer-thread';
import { AdaptationStore, type VersionRow } from './adaptation-store';
import { predictionRows, startVersionWriter, THREAD_PREDICTIONS, type VersionWrite } from './version-writer';
import type { EnginePort } from './engine-port';
import { modelSource, type ModelPlaces } from './model-options';
import { backboneName, onOtherWeights } from './model-versions';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AdaptationContext {
  readonly store: AdaptationStore;
  readonly seed: number;
  private closed = false;

  constructor(
    readonly project: Project,
    private readonly port: () => EnginePort,
    readonly events: EventHub,
    readonly places: ModelPlaces,
    readonly log: (message: string) => void,
    /** A fixed seed (reproducible runs); by default one derived from the project's identity. */
    seed?: number,
  ) {
    this.store = new AdaptationStore(project.db);
    this.seed = seed ?? createHash('sha256').update(project.summary().createdAt + project.root).digest().readUInt32LE(0);
  }

  /**
   * The engine. Every job on the pool (PoolJobArgs) carries the names the expert knows the
   * project's models by (backboneName), so a refusal on another model's pool names them so.
   */
  engine(): EnginePort {
    const port = this.port();
    // An answer MODEL_UNAVAILABLE (the model folder's files went or changed since the project
    // recorded or loaded them) makes the folder be checked again, whichever job met it.
    const noticed = (error: unknown): never => {
      if (error instanceof AppError && error.code === 'MODEL_UNAVAILABLE') this.modelUnavailable();
      throw error;
    };
    return {
      request: (kind, args, options) => port.request(kind, this.named(args), options).catch(noticed),
      start: (kind, args) => {
        const job = port.start(kind, this.named(args));
        return { ...job, result: job.result.catch(noticed) };
      },
    };
  }

  /**
   * The engine refused a job because the project's model folder cannot be used as the project
   * knows it (MODEL_UNAVAILABLE): check the folder again (set by the adaptation: FeatureExtraction.recheck).
   */
  modelUnavailable: () => void = () => undefined;

  /** `args` of a job on the pool with the names of the project's models (PoolJobArgs.modelNames); other jobs' as they are. */
  private named<A>(args: A): A {
    const on = (args as Partial<PoolJobArgs> | null)?.modelId;
    if (typeof on !== 'string') return args;
    const used = this.store.usedModels();
    const modelNames = Object.fromEntries([...new Set([...used.keys(), on])].map((modelId) => [modelId, backboneName(modelId, used)]));
    return { ...args, modelNames };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  markClosed(): void {
    this.closed = true;
  }

  private versionWriter: WriterThread<VersionWrite, null> | null = null;

  /**
   * Record a trained version and its predictions: in the version writer thread for a large
   * pool (version-writer.ts), which then owns the predictions' buffers (they are empty here after).
   */
  async saveVersion(version: VersionRow, predictions: PoolPredictions): Promise<void> {
    if (predictions.imageIds.length < THREAD_PREDICTIONS) {
      this.store.saveVersion(version, predictionRows(predictions));
      return;
    }
    this.versionWriter ??= startVersionWriter({ dbFile: projectDbPath(this.project.root), actor: currentActor() });
    const writer = this.versionWriter;
    // The predictions' buffers move to the thread (copying 100,000 rows of them held this thread ~90 ms under load).
    const buffers = [...new Set([predictions.imageIds.buffer, predictions.classIndexes.buffer, predictions.probabilities.buffer])].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    await this.project.whileOtherThreadWrites(() => writer.apply({ version, predictions }, buffers));
  }

  /** End the writer threads (after their writes); the adaptation is closing. */
  async closeWriters(): Promise<void> {
    await this.versionWriter?.close();
    this.versionWriter = null;
  }

  /** Composes the engine status (set by the adaptation that owns the parts). */
  engineStatus: () => EngineStatus = () => {
    throw new Error('engine status not wired');
  };

  private announce(event: ProjectChanged): void {
    if (!this.closed) this.events.emit('project:changed', event);
  }

  /** The engine status changed (model, backend, features, training): announce the new status. */
  engineChanged(): void {
    if (!this.closed) this.announce({ change: 'engine', status: this.engineStatus() });
  }

  /** A new round was queried: announce it. */
  roundQueried(round: RoundInfo): void {
    this.announce({ change: 'round', round });
  }

  /** A new version was trained, the evaluation set grew, or versions were scored on it. */
  changed(change: 'model' | 'evaluation' | 'scores'): void {
    this.announce({ change });
  }

  /** The engine's source of the chosen model, or null before a choice. */
  source(): ModelSource | null {
    const model = this.store.model();
    return model ? modelSource(model.choice, this.places) : null;
  }

  /** `.adma/models/v<version>`; refused when it, `models`, `.adma` or a file in it is a symbolic link (privateFolder). */
  headDir(version: number): string {
    return privateFolder(this.project.adminDir, 'models', `v${version}`);
  }

  /**
   * The version whose head folder is `dir` (headDir's inverse); 0 for no head (null: ranked without
   * a classifier); null when `dir` is not one of this project's head folders.
   */
  headVersion(dir: string | null): number | null {
    if (dir === null) return 0;
    const version = Number(/^v([1-9]\d*)$/.exec(path.basename(dir))?.[1]);
    if (!Number.isSafeInteger(version)) return null;
    try {
      return this.headDir(version) === dir ? version : null;
    } catch {
      return null; // a link refused on its way: not a folder this project wrote
    }
  }

  headExists(version: number): boolean {
    return fs.existsSync(this.headDir(version));
  }

  /**
   * Why version `version`'s head cannot be used now (its files gone, or a link refused on its
   * way), or null: for what lists or scores every version, which must not fail on one of them
   * (the export dialog names the reason; the evaluation skips it). What reads or writes a head
   * goes through headDir and is refused there.
   */
  headProblem(version: number): string | null {
    try {
      return this.headExists(version) ? null : 'its files are gone from .adma/models.';
    } catch (error) {
      if (error instanceof AppError) return error.message;
      throw error;
    }
  }

  /**
   * The latest version's head folder when it was trained on `model` (its id, and not on other
   * weights under that id: onOtherWeights) and is on disk. A head on the old weights would rank
   * and suggest on features it never saw, and its layers and temperature would warm-start a
   * training on the new ones.
   */
  latestHeadDir(model: { modelId: string; fingerprint: string | null }): string | null {
    const latest = this.store.latestVersion();
    if (!latest || latest.modelId !== model.modelId || onOtherWeights(latest, model)) return null;
    return this.headExists(latest.version) ? this.headDir(latest.version) : null;
  }

  /** Labels of training images (the evaluation set's labels left out). */
  trainingLabels(): Map<number, number> {
    const evaluation = this.store.evaluationIds();
    const labels = this.store.labels();
    for (const id of evaluation) labels.delete(id);
    return labels;
  }

  /**
   * The files of labeled images whose symmetry views the light head learns (LoopTrainArgs.symmetryFiles):
   * null unless the project's images have no up or down (LoopSettings.symmetries) and the head is light.
   */
  symmetryFiles(imageIds: Iterable<number>): SymmetryFile[] | null {
    const settings = this.store.settings();
    if (!settings.symmetries || settings.mode !== 'light') return null;
    return this.imageFiles(imageIds);
  }

  /** Each image's file on disk, by id; images removed by a rescan meanwhile are left out (the worker has no row for them either). */
  imageFiles(imageIds: Iterable<number>): SymmetryFile[] {
    const files: SymmetryFile[] = [];
    for (const imageId of imageIds) {
      try {
        files.push({ imageId, path: path.join(this.project.root, ...this.project.locate(imageId).relPath.split('/')) });
      } catch {
        // removed by a rescan meanwhile: the worker has no row for it either
      }
    }
    return files;
  }
}
