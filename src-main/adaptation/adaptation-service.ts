/**
 * The active loop of one open project: the chosen pre-trained model, feature extraction in
 * the background, rounds (query a batch, label it, fine-tune, query the next), the
 * continuous mode, suggestions, the evaluation set and its learning curve, export and
 * import. Heavy work runs in the engine worker; this class decides what runs when and
 * records everything in the project database.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-preload/app-error';
import type {
  CurvePoint,
  Dashboard,
  EngineStatus,
  ExportReport,
  ExportRequest,
  ImportReport,
  LoopSettings,
  ModelChoice,
  RoundInfo,
  Suggestion,
} from '../../src-preload/contract';
import type { EventHub } from '../api/event-hub';
import { JobReporter } from '../api/job-progress';
import { checkExportTarget } from '../engine/export/export-target';
import type { EngineClient, ProgressListener } from '../engine/engine-client';
import type { Prediction } from '../engine/loop/loop-jobs';
import type { ModelSource } from '../engine/worker-protocol';
import type { Project } from '../project/project';
import { AdaptationStore, type VersionClass, type VersionRow } from './adaptation-store';
import { SeededRandom } from '../engine/starter/seeded-random';
import { copyImageFolder, labeledImages, labelsCsv, labelsJson } from './labels-export';
import { importLabelsCsv } from './labels-import';
import { plateauHint, wilsonInterval } from './learning-curve';
import { writeLearningCurveFiles } from './learning-curve-image';
import { isModelInstalled, modelSource, type ModelPlaces } from './model-options';

const CONTINUOUS_COALESCE_MS = 50;

type FeatureStatus = EngineStatus['features'];

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}


export class AdaptationService {
  readonly store: AdaptationStore;
  private features: FeatureStatus = { state: 'none', done: 0, total: 0, failed: 0, message: null };
  private extraction: { cancel(): void; done: Promise<void> } | null = null;
  private pool: Promise<void> | null = null;
  private poolSignature: string | null = null;
  private training: Promise<void> | null = null;
  private trainAgain = false;
  private querying: Promise<void> | null = null;
  private debounce: NodeJS.Timeout | null = null;
  /** Per model version, the evaluation labels it was last scored against (see refreshEvaluation). */
  private readonly scoredAgainst = new Map<number, string>();
  private closed = false;
  /** The engine's backend, shown in every status once the worker has started. */
  private backendLabel: string | null = null;
  private backendNotes: string[] = [];
  readonly seed: number;

  constructor(
    readonly project: Project,
    private readonly engine: () => EngineClient,
    private readonly events: EventHub,
    private readonly places: ModelPlaces,
    private readonly log: (message: string) => void,
  ) {
    this.store = new AdaptationStore(project.db);
    this.seed = createHash('sha256').update(project.summary().createdAt + project.root).digest().readUInt32LE(0);
  }

  private changed(change: 'engine' | 'round' | 'model' | 'evaluation'): void {
    if (!this.closed) this.events.emit('project:changed', { change });
  }

  private source(): ModelSource | null {
    const model = this.store.model();
    return model ? modelSource(model.choice, this.places) : null;
  }

  private headDir(version: number): string {
    return path.join(this.project.adminDir, 'models', `v${version}`);
  }

  status(): EngineStatus {
    const model = this.store.model();
    return {
      choice: model?.choice ?? null,
      modelId: model?.modelId ?? null,
      modelName: model?.modelName ?? null,
      backend: this.backendLabel,
      backendNotes: this.backendNotes,
      features: { ...this.features },
      modelVersion: this.store.latestVersion()?.version ?? 0,
      training: this.training !== null,
    };
  }


  /** On open: start the engine so its backend is shown at once (extraction resumes after the scan). */
  start(): void {
    this.ensureBackendLabel()
      .then(() => this.changed('engine'))
      .catch((error: unknown) => this.log(`engine: ${errorMessage(error)}`));
  }

  /** Bridge an engine job's progress to the UI's job events. */
  private bridge(reporter: JobReporter): ProgressListener {
    return (event) => {
      reporter.progress(event.phase, event.done, event.total);
    };
  }

  private backendStart: Promise<void> | null = null;
  private ensureBackendLabel(): Promise<void> {
    // Promise.resolve().then: a worker that cannot start rejects here, never throws into the caller.
    this.backendStart ??= Promise.resolve()
      .then(() => this.engine().request('init', {}))
      .then((info) => {
        this.backendLabel = info.label;
        this.backendNotes = info.fallbacks;
      })
      .catch((error: unknown) => {
        this.backendStart = null;
        throw error;
      });
    return this.backendStart;
  }

  // ------------------------------------------------------------------ model choice

  async chooseModel(choice: ModelChoice): Promise<EngineStatus> {
    await this.ensureBackendLabel();
    const source = modelSource(choice, this.places);
    if (choice.kind === 'known' && !isModelInstalled(choice.id, this.places)) {
      const job = new JobReporter(this.events, 'download');
      await job.run(() =>
        this.engine().request('downloadModel', { id: choice.id, ...(this.places.cacheRoot ? { cacheRoot: this.places.cacheRoot } : {}) }, { onProgress: this.bridge(job) }),
      ).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'NETWORK') {
          throw new AppError(
            'NETWORK',
            `${error.message} This machine cannot reach the download server. Choose the built-in starter model or a model folder on disk instead.`,
          );
        }
        throw error;
      });
    }
    const summary = await this.engine().request('loadModel', { source });
    const previous = this.store.model();
    this.store.setModel(choice, summary.descriptor.id, summary.descriptor.name);
    if (previous?.modelId !== summary.descriptor.id) {
      this.poolSignature = null;
      this.pool = null;
    }
    this.changed('engine');
    this.startExtraction();
    return this.status();
  }

  async inspectFolder(folder: string) {
    return this.engine().request('inspectModel', { path: folder });
  }

  // ------------------------------------------------------------------ features

  /** Extract features of every image that lacks them (after open, scan and model choice). */
  startExtraction(): void {
    const source = this.source();
    if (!source || this.closed) return;
    this.extraction?.cancel();
    const items = this.project.images
      .list({ kind: 'all' }, 0, 10_000_000)
      .items.map((i) => ({ hash: i.hash, path: path.join(this.project.root, ...i.relPath.split('/')) }));
    const deep = this.store.settings().mode === 'deep';
    const reporter = new JobReporter(this.events, 'extract');
    this.features = { state: 'running', done: 0, total: items.length, failed: 0, message: null };
    this.changed('engine');
    const job = this.engine().start('extractFeatures', { model: source, projectDir: this.project.root, items, deep });
    job.onProgress((event) => {
      // The engine counts the images it still had to compute; the UI counts every image.
      const done = Math.max(0, items.length - (event.total - event.done));
      this.features = { ...this.features, done, total: items.length };
      reporter.progress(event.phase, done, items.length);
    });
    const done = reporter
      .run(() => job.result)
      .then((result) => {
        this.features = {
          state: 'complete',
          done: result.requested,
          total: result.requested,
          failed: result.failures.length,
          message:
            [result.failures.length ? `${result.failures.length} images could not be decoded (first: ${result.failures[0]?.path}: ${result.failures[0]?.error.message})` : null, result.runtimeFallback]
              .filter((part) => part !== null)
              .join(' ') || null,
        };
        this.poolSignature = null;
        this.changed('engine');
        return this.preparePool().then(() => undefined);
      })
      .catch((error: unknown) => {
        const cancelled = error instanceof AppError && error.code === 'CANCELLED';
        this.features = { ...this.features, state: cancelled ? 'cancelled' : 'failed', message: errorMessage(error) };
        this.changed('engine');
      })
      .finally(() => {
        if (this.extraction?.done === done) this.extraction = null;
      });
    this.extraction = { cancel: () => job.cancel(), done };
  }

  cancelFeatures(): EngineStatus {
    this.extraction?.cancel();
    return this.status();
  }

  // ------------------------------------------------------------------ pool

  private poolItems() {
    return this.project.images.list({ kind: 'all' }, 0, 10_000_000).items.map((i) => ({ imageId: i.id, hash: i.hash }));
  }

  /** Load the pool into the worker when the image set, model or mode changed. */
  private preparePool(): Promise<void> {
    const model = this.store.model();
    const source = this.source();
    if (!model?.modelId || !source) return Promise.reject(new AppError('CONFLICT', 'Choose a pre-trained model first.'));
    const items = this.poolItems();
    const deep = this.store.settings().mode === 'deep';
    const signature = `${model.modelId}|${deep}|${items.length}|${createHash('sha1').update(items.map((i) => i.hash).join()).digest('hex')}`;
    if (this.pool && this.poolSignature === signature) return this.pool;
    this.poolSignature = signature;
    const latest = this.store.latestVersion();
    const headDir = latest && latest.modelId === model.modelId && fs.existsSync(this.headDir(latest.version)) ? this.headDir(latest.version) : null;
    this.pool = this.engine()
      .request('loopPrepare', {
        projectDir: this.project.root,
        model: source,
        items,
        deep,
        excludedIds: [...this.store.evaluationIds()],
        centres: this.store.centres(model.modelId),
        headDir,
      })
      .then((result) => {
        this.store.saveCentres(result.modelId, result.centres);
      })
      .catch((error: unknown) => {
        this.poolSignature = null;
        this.pool = null;
        throw error;
      });
    return this.pool;
  }

  // ------------------------------------------------------------------ settings

  settings(): LoopSettings {
    return this.store.settings();
  }

  updateSettings(changes: Partial<LoopSettings>): LoopSettings {
    const before = this.store.settings();
    const next: LoopSettings = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    this.store.saveSettings(next);
    if (next.mode !== before.mode) {
      this.poolSignature = null;
      if (next.mode === 'deep') this.startExtraction(); // deep mode needs the cut-layer activations
    }
    if (next.continuous && !before.continuous) this.scheduleTraining();
    this.changed('engine');
    return next;
  }

  // ------------------------------------------------------------------ rounds

  private trainingLabels(): Map<number, number> {
    const evaluation = this.store.evaluationIds();
    const labels = this.store.labels();
    for (const id of evaluation) labels.delete(id);
    return labels;
  }

  currentRound(): RoundInfo | null {
    return this.store.latestRound();
  }

  async nextRound(): Promise<RoundInfo> {
    if (!this.store.model()) throw new AppError('CONFLICT', 'Choose a pre-trained model first (Adapt view).');
    const firstPool = this.features.state !== 'complete' && !this.pool;
    await this.preparePool().catch((error: unknown) => {
      if (!firstPool) throw error;
      throw new AppError('BUSY', `Features are not ready yet (${this.features.done} of ${this.features.total} images): ${errorMessage(error)}`);
    });
    const settings = this.store.settings();
    const labels = this.trainingLabels();
    const classCount = new Set(labels.values()).size;
    const evaluation = [...this.store.evaluationIds()];
    const items = await this.engine().request('loopSelect', {
      strategy: settings.strategy,
      schedule: settings.schedule.kind === 'linear' ? { kind: 'linear', step: settings.schedule.step } : { kind: 'exponential', gamma: settings.schedule.gamma },
      uncertainty: settings.uncertainty,
      batchSize: settings.batchSize,
      round: Math.floor(labels.size / settings.batchSize),
      labeledIds: [...labels.keys()],
      excludedIds: evaluation,
      labeledClassCount: classCount,
      seed: this.seed,
    });
    if (items.length === 0) throw new AppError('CONFLICT', 'Every image with features is labeled or in the evaluation set: there is nothing left to query.');
    const modelId = this.store.model()?.modelId as string;
    this.store.saveRound(
      {
        index: this.store.roundCount(),
        strategy: settings.strategy,
        lambda: items[0]?.lambda ?? null,
        schedule: settings.schedule,
        batchSize: settings.batchSize,
        modelVersion: this.store.latestVersion()?.version ?? 0,
      },
      modelId,
      items,
    );
    this.changed('round');
    return this.store.latestRound() as RoundInfo;
  }

  /** After any label change: train when the batch is done (or continuously), then re-query. */
  onLabelsChanged(): void {
    if (this.closed || !this.store.model()) return;
    const settings = this.store.settings();
    if (settings.continuous) {
      // Never let the queue run dry: a finished batch is replaced at once with the current
      // model's ranking, while training on the new labels runs in the background.
      const round = this.store.latestRound();
      if (round && round.items.length > 0 && round.labeled === round.items.length && !this.querying) {
        this.querying = this.nextRound()
          .then(() => undefined)
          .catch((error: unknown) => {
            if (!(error instanceof AppError && error.code === 'CONFLICT')) this.log(`active loop: ${errorMessage(error)}`);
          })
          .finally(() => {
            this.querying = null;
          });
      }
      this.scheduleTraining();
      return;
    }
    const round = this.store.latestRound();
    const version = this.store.latestVersion()?.version ?? 0;
    if (round && round.items.length > 0 && round.labeled === round.items.length && round.modelVersion === version && !this.training) {
      setImmediate(() => void this.trainThenQuery()); // after the label request has answered
    }
  }

  /**
   * Continuous mode: one training at a time, started shortly after a change (so a bulk
   * action trains once); changes during a training start one more right after it. A steady
   * stream of labels therefore retrains back to back instead of waiting for a pause.
   */
  private scheduleTraining(): void {
    if (this.training || this.debounce) {
      if (this.training) this.trainAgain = true;
      return;
    }
    this.debounce = setTimeout(() => {
      this.debounce = null;
      if (this.training) this.trainAgain = true;
      else void this.trainThenQuery();
    }, CONTINUOUS_COALESCE_MS);
  }

  private async trainThenQuery(): Promise<void> {
    try {
      // With fewer than two labeled classes there is no classifier to train: the next batch
      // is still queried (by distinctiveness alone, as the method prescribes).
      await this.train().catch((error: unknown) => {
        if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
      });
      if (!this.closed) await this.nextRound();
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'CONFLICT')) this.log(`active loop: ${errorMessage(error)}`);
    }
    if (this.trainAgain && !this.closed) {
      this.trainAgain = false;
      await this.trainThenQuery();
    }
  }

  /** Fine-tune a new version on every training label; resolves when it is recorded. */
  train(): Promise<void> {
    if (this.training) return this.training;
    const run = this.runTraining().finally(() => {
      this.training = null;
      this.changed('engine');
    });
    this.training = run;
    this.changed('engine');
    return run;
  }

  private async runTraining(): Promise<void> {
    const model = this.store.model();
    if (!model?.modelId) throw new AppError('CONFLICT', 'Choose a pre-trained model first.');
    await this.preparePool();
    const labels = this.trainingLabels();
    const live = this.project.classes.list();
    const classes: VersionClass[] = live.filter((c) => [...labels.values()].includes(c.id)).map((c) => ({ id: c.id, name: c.name }));
    if (classes.length < 2) throw new AppError('CONFLICT', 'Label images of at least two classes before the model can be trained.');
    const indexOf = new Map(classes.map((c, i) => [c.id, i]));
    const settings = this.store.settings();
    const latest = this.store.latestVersion();
    const version = (latest?.version ?? 0) + 1;
    const outDir = this.headDir(version);
    const previousDir = latest && latest.modelId === model.modelId && fs.existsSync(this.headDir(latest.version)) ? this.headDir(latest.version) : null;
    const reporter = new JobReporter(this.events, 'train');
    const result = await reporter.run(() =>
      this.engine().request(
        'loopTrain',
        {
          classes: classes.map((c) => `class-${c.id}`),
          labels: [...labels].map(([imageId, classId]) => ({ imageId, classIndex: indexOf.get(classId) as number })),
          mode: settings.mode,
          seed: this.seed,
          outDir,
          previousDir,
        },
        { onProgress: this.bridge(reporter) },
      ),
    );
    const evaluation = this.evaluate(classes, result.predictions);
    this.store.saveVersion(
      {
        version,
        modelId: model.modelId,
        mode: settings.mode,
        classes,
        trainingLabels: labels.size,
        evalLabeled: evaluation.labeled,
        evalCorrect: evaluation.correct,
        confusion: evaluation.confusion,
        metrics: { epochs: result.epochs, loss: result.loss, trainAccuracy: result.trainAccuracy, millis: result.millis, backend: this.backendLabel ?? '' },
        trainedAt: new Date().toISOString(),
      },
      result.predictions,
    );
    this.changed('model');
  }

  /** Accuracy and confusion on the labeled evaluation images, from top-1 predictions. */
  private evaluate(classes: VersionClass[], predictions: readonly Prediction[] | Map<number, number>) {
    const predicted =
      predictions instanceof Map ? predictions : new Map(predictions.map((p) => [p.imageId, classes[p.classIndex]?.id ?? -1]));
    const labels = this.store.labels();
    const classIds = this.project.classes.list().map((c) => c.id);
    const column = new Map(classIds.map((id, i) => [id, i]));
    const counts = classIds.map(() => classIds.map(() => 0));
    let labeled = 0;
    let correct = 0;
    for (const id of this.store.evaluationIds()) {
      const truth = labels.get(id);
      const guess = predicted.get(id);
      if (truth === undefined || guess === undefined || guess < 0) continue;
      labeled++;
      if (truth === guess) correct++;
      const row = column.get(truth);
      const col = column.get(guess);
      if (row !== undefined && col !== undefined) counts[row]![col]!++;
    }
    return { labeled, correct, confusion: labeled > 0 ? { classIds, counts } : null };
  }

  suggestion(imageId: number): Suggestion | null {
    return this.store.suggestion(imageId);
  }

  // ------------------------------------------------------------------ evaluation and dashboard

  sampleEvaluation(count: number): { added: number; size: number } {
    const queried = this.store.queriedIds();
    const evaluation = this.store.evaluationIds();
    const candidates = this.project.images
      .list({ kind: 'unlabeled' }, 0, 10_000_000)
      .items.map((i) => i.id)
      .filter((id) => !queried.has(id) && !evaluation.has(id));
    const chosen = new SeededRandom(this.seed ^ (evaluation.size + 1)).shuffled(candidates).slice(0, count);
    this.store.addEvaluation(chosen);
    this.changed('evaluation');
    return { added: chosen.length, size: evaluation.size + chosen.length };
  }

  /**
   * Score on the evaluation set each version not yet scored against its current labels: a new
   * version alone after a round, every version when evaluation labels change.
   */
  private async refreshEvaluation(): Promise<void> {
    const labels = this.store.labels();
    const evalIds = [...this.store.evaluationIds()].filter((id) => labels.has(id)).sort((a, b) => a - b);
    if (evalIds.length === 0) return;
    const signature = evalIds.map((id) => `${id}:${labels.get(id)}`).join();
    const stale = this.store.versions().filter((v) => this.scoredAgainst.get(v.version) !== signature && fs.existsSync(this.headDir(v.version)));
    if (stale.length === 0) return;
    await this.preparePool();
    const { predicted } = await this.engine().request('loopEvaluate', {
      heads: stale.map((v) => ({ version: v.version, dir: this.headDir(v.version) })),
      imageIds: evalIds,
    });
    for (const { version, classIndex } of predicted) {
      const row = stale.find((v) => v.version === version) as VersionRow;
      const guesses = new Map(evalIds.map((id, k) => [id, row.classes[classIndex[k] as number]?.id ?? -1]));
      const result = this.evaluate(row.classes, guesses);
      this.store.saveEvaluation(version, result.labeled, result.correct, result.confusion);
      this.scoredAgainst.set(version, signature);
    }
  }

  async dashboard(): Promise<Dashboard> {
    await this.refreshEvaluation().catch((error: unknown) => this.log(`evaluation: ${errorMessage(error)}`));
    const versions = this.store.versions();
    const labels = this.store.labels();
    const evaluation = this.store.evaluationIds();
    const curve: CurvePoint[] = versions
      .filter((v) => v.evalLabeled > 0)
      .map((v) => ({
        modelVersion: v.version,
        labels: v.trainingLabels,
        accuracy: v.evalCorrect / v.evalLabeled,
        ...wilsonInterval(v.evalCorrect, v.evalLabeled),
        evaluated: v.evalLabeled,
      }));
    const perClass = this.project.classes.list().map((c) => {
      let training = 0;
      let inEvaluation = 0;
      for (const [id, cls] of labels) {
        if (cls !== c.id) continue;
        if (evaluation.has(id)) inEvaluation++;
        else training++;
      }
      return { classId: c.id, name: c.name, color: c.color, training, evaluation: inEvaluation };
    });
    const evalLabeled = [...evaluation].filter((id) => labels.has(id)).length;
    const latest = versions[versions.length - 1];
    return {
      trainingLabels: labels.size - evalLabeled,
      evaluation: { size: evaluation.size, labeled: evalLabeled },
      accuracyKnown: curve.length > 0,
      curve,
      perClass,
      confusion: latest?.confusion ?? null,
      plateau: plateauHint(curve),
    };
  }

  // ------------------------------------------------------------------ export and import

  async export(request: ExportRequest): Promise<ExportReport> {
    const dest = path.resolve(request.destination);
    checkExportTarget(dest);
    if (!request.model && !request.labelsCsv && !request.labelsJson && !request.imageFolder) {
      throw new AppError('BAD_ARGUMENT', 'Choose at least one thing to export.');
    }
    const latest = this.store.latestVersion();
    if (request.model && !latest) throw new AppError('CONFLICT', 'There is no trained model yet: label a batch first (the model trains when the batch is done).');
    const reporter = new JobReporter(this.events, 'export');
    return reporter.run(async () => {
      fs.mkdirSync(dest, { recursive: true });
      const files: string[] = [];
      const evaluation = this.store.evaluationIds();
      const images = labeledImages(this.project, evaluation);
      const classes = this.project.classes.list();
      const steps = (request.model ? 1 : 0) + (request.imageFolder ? images.length : 0) + 1;
      let done = 0;
      reporter.progress('export', done, steps, true);
      if (request.model && latest) {
        await this.preparePool();
        const dashboard = await this.dashboard();
        const names = latest.classes.map((c) => classes.find((live) => live.id === c.id)?.name ?? c.name);
        const labels = this.trainingLabels();
        const counts = latest.classes.map((c) => [...labels.values()].filter((id) => id === c.id).length);
        const point = dashboard.curve.find((p) => p.modelVersion === latest.version);
        const result = await this.engine().request('loopExport', {
          headDir: this.headDir(latest.version),
          outDir: path.join(dest, 'model'),
          classNames: names,
          labelCounts: counts,
          metrics: point
            ? { 'evaluation accuracy': `${(point.accuracy * 100).toFixed(1)}% (95% CI ${(point.low * 100).toFixed(1)}–${(point.high * 100).toFixed(1)}%, ${point.evaluated} images)` }
            : { 'evaluation accuracy': 'unknown (no labeled evaluation set)' },
          training: { version: latest.version, labels: latest.trainingLabels, mode: latest.mode, ...latest.metrics },
        });
        files.push(...result.files.map((f) => path.join('model', f)));
        files.push(...(await writeLearningCurveFiles(path.join(dest, 'model'), dashboard.curve)).map((f) => path.join('model', f)));
        reporter.progress('export', ++done, steps, true);
      }
      if (request.labelsCsv) {
        fs.writeFileSync(path.join(dest, 'labels.csv'), labelsCsv(images), { flag: 'wx' });
        files.push('labels.csv');
      }
      if (request.labelsJson) {
        fs.writeFileSync(path.join(dest, 'labels.json'), labelsJson(images, classes.map((c) => c.name), this.project.summary().name), { flag: 'wx' });
        files.push('labels.json');
      }
      if (request.imageFolder) {
        const copied = await copyImageFolder(this.project.root, path.join(dest, 'images'), images, (n) => reporter.progress('copy images', done + n, steps));
        done += images.length;
        files.push(...copied.map((f) => path.join('images', f)));
      }
      reporter.progress('export', steps, steps, true);
      return { destination: dest, files, modelVersion: request.model ? (latest?.version ?? null) : null };
    });
  }

  importCsv(csvPath: string, createClasses: boolean): ImportReport {
    const report = importLabelsCsv(this.project, csvPath, createClasses);
    if (report.labeled > 0) this.onLabelsChanged();
    return report;
  }

  /** Called when the folder was rescanned: new images need features. */
  onScanned(): void {
    if (this.store.model()) this.startExtraction();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.debounce) clearTimeout(this.debounce);
    this.extraction?.cancel();
    await Promise.allSettled([this.extraction?.done, this.training]);
  }
}
