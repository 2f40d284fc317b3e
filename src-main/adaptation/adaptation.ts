/**
 * The active model adaptation of one open project, composed of focused parts: the model
 * session (backend, model choice), feature extraction, the pool session in the worker, the
 * active loop (rounds and its training scheduler), evaluation (and dashboard), transfer
 * (export, import). Heavy work runs behind the engine port; the parts record everything in
 * the project database.
 */
import type { EngineStatus, ScanReport } from '../../src-shared/contract';
import { changedAnyFile } from '../../src-shared/requests/project';
import type { EventHub } from '../core/event-hub';
import type { Project } from '../project/project';
import { ActiveLoop } from './active-loop';
import { AdaptationContext, errorMessage } from './adaptation-context';
import { Duplicates } from './duplicates';
import type { EnginePort } from './engine-port';
import { Evaluation } from './evaluation';
import { FeatureExtraction } from './feature-extraction';
import { LabelCheck } from './label-check';
import type { ModelPlaces } from './model-options';
import { backboneName } from './model-versions';
import { ModelSession } from './model-session';
import { PoolSession } from './pool-session';
import { SymmetryCheck } from './symmetry-check';
import type { SchedulerTimers } from './training-scheduler';
import { Transfer } from './transfer';

export interface AdaptationOptions {
  project: Project;
  engine: () => EnginePort;
  events: EventHub;
  places: ModelPlaces;
  log: (message: string) => void;
  /** Timers of the training scheduler (tests drive them). */
  timers?: SchedulerTimers;
  /** A fixed seed for evaluation samples, random picks and training (reproducible runs). */
  seed?: number;
}

export class Adaptation {
  readonly ctx: AdaptationContext;
  readonly model: ModelSession;
  readonly pool: PoolSession;
  readonly features: FeatureExtraction;
  readonly evaluation: Evaluation;
  readonly loop: ActiveLoop;
  readonly transfer: Transfer;
  readonly labelCheck: LabelCheck;
  readonly duplicates: Duplicates;
  readonly symmetryCheck: SymmetryCheck;

  constructor(options: AdaptationOptions) {
    const ctx = new AdaptationContext(options.project, options.engine, options.events, options.places, options.log, options.seed);
    this.ctx = ctx;
    ctx.engineStatus = () => this.status();
    // A job refused for the model folder's files (gone or changed since recorded or loaded): the folder is checked again, and the status says what was found.
    ctx.modelUnavailable = () => void this.features.recheck();
    this.pool = new PoolSession(ctx, (notices, featuresLost) => this.features.tell(notices, featuresLost));
    this.features = new FeatureExtraction(ctx, async () => {
      // The rows the pool is loaded from next: some may have been computed again (retrainOnChosenModel below).
      this.loop.readFeatureRedecodes();
      this.pool.invalidate();
      // A version scored on part of the evaluation set for want of features is scored again on the new pool.
      this.evaluation.featuresExtracted();
      await this.pool.prepare();
      this.loop.resume();
      this.symmetryCheck.consider();
      // After a switch of the pre-trained model, or rows computed again: a classifier on the chosen one, by itself.
      this.loop.retrainOnChosenModel();
    });
    this.model = new ModelSession(ctx, () => this.pool.invalidate());
    this.evaluation = new Evaluation(ctx, this.pool);
    this.loop = new ActiveLoop(ctx, { pool: this.pool, features: this.features, model: this.model, evaluation: this.evaluation }, options.timers);
    // Before any extraction of this session (one may compute rows again), what the versions so far are compared with.
    this.loop.readFeatureRedecodes();
    this.transfer = new Transfer(ctx, { pool: this.pool, evaluation: this.evaluation });
    this.labelCheck = new LabelCheck(ctx, this.pool);
    this.duplicates = new Duplicates(ctx, { pool: this.pool, evaluation: this.evaluation });
    this.symmetryCheck = new SymmetryCheck(ctx, this.pool, () => this.features.status.state === 'complete');
    // An optional background check: whatever goes wrong in it is logged and never stops a label or a training.
    this.loop.afterChange = () => {
      try {
        this.symmetryCheck.consider();
      } catch (error) {
        ctx.log(`no-up-or-down check not started: ${errorMessage(error)}`);
      }
    };
  }

  get store() {
    return this.ctx.store;
  }

  status(): EngineStatus {
    const { store } = this.ctx;
    const model = store.model();
    const latest = store.latestVersion();
    const on = this.loop.trainingOn;
    const used = store.usedModels();
    const due = this.loop.retrainDue();
    const retrain = this.loop.retrainPending(due);
    const outdated = due === 'weights' || due === 'features' ? { outdated: due } : {};
    return {
      choice: model?.choice ?? null,
      modelId: model?.modelId ?? null,
      modelName: model?.modelName ?? null,
      backend: this.model.backendLabel,
      backendNotes: this.model.backendNotes,
      backendSlow: this.model.backendSlow,
      features: this.features.status,
      modelVersion: latest?.version ?? 0,
      classifier: latest ? { version: latest.version, modelId: latest.modelId, backbone: backboneName(latest.modelId, used), trainingLabels: latest.trainingLabels, ...outdated } : null,
      trainingLabels: store.trainingLabelCount(),
      training: this.loop.isTraining,
      trainingOn: on ? { modelId: on, backbone: backboneName(on, used) } : null,
      backboneRetrain: retrain === 'model',
      featuresRetrain: retrain === 'features' || retrain === 'weights',
      modelProblem: this.features.modelProblem,
      symmetryCheck: this.symmetryCheck.status(),
    };
  }

  /** On open: start the engine so its backend is shown at once (extraction resumes after the scan). */
  start(): void {
    this.model
      .ensureBackend()
      .then(() => this.ctx.engineChanged())
      .catch((error: unknown) => this.ctx.log(`engine: ${errorMessage(error)}`));
  }

  /** Choose the pre-trained model, then extract features in the background. */
  async chooseModel(...args: Parameters<ModelSession['choose']>): Promise<EngineStatus> {
    await this.model.choose(...args);
    this.loop.readFeatureRedecodes(); // before its extraction begins, as at an open
    this.features.start();
    return this.status();
  }

  /**
   * Locate…: the project's model folder is at `path` now (ModelSession.locate checks it holds
   * the same model); its features are then completed, from the cache where it has them.
   */
  async locateModel(path: string): Promise<EngineStatus> {
    await this.model.locate(path);
    this.features.start();
    return this.status();
  }

  /**
   * The folder was rescanned: a changed image set (or a moved file) invalidates the pool; new images need features.
   * Changed files lost their predictions and suggestions (ImageIndex.forgetModelOutput): the
   * windows drop those they show, as after a new model.
   */
  onScanned(report: ScanReport): void {
    // A moved image keeps its id and content but not its path, which the pool holds.
    if (changedAnyFile(report)) this.pool.invalidate();
    if (report.changed > 0 || report.labeledChanged.length > 0) this.ctx.changed('model');
    if (this.ctx.store.model()) this.features.start();
  }

  async close(): Promise<void> {
    this.ctx.markClosed();
    this.features.cancel();
    const checked = this.symmetryCheck.cancel();
    // A scoring on the evaluation set stops at its next step once closed; none reaches the engine after its reset.
    await Promise.allSettled([this.features.done, this.loop.scheduler.close(), this.evaluation.scorePending(), checked]);
    await this.ctx.closeWriters();
  }
}
