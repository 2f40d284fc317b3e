/**
 * The engine worker thread (built as `out/main/engine-worker.js`): owns the TF.js backend,
 * loaded models and feature extraction, so the main process never blocks. Requests and
 * events are the typed messages of `worker-protocol.ts`; each job kind has one handler in
 * `handlers` below.
 */
import { parentPort } from 'node:worker_threads';
import { AppError, type ErrorData } from '../../src-shared/app-error';
import { parseClassEvaluation } from '../../src-shared/class-evaluation';
import { activeBackend, initBackend, type BackendInfo } from './backend';
import { dirname } from 'node:path';
import { extractFeatures } from './features/extract-features';
import { featureRuntimeFor, releaseFeatureRuntimes } from './onnx/feature-runtime';
import { cachedFeatureCount, FeatureStore, featureCacheDir, featureLayoutOf } from './features/feature-store';
import { findKnownModel, modelForUrl, type KnownModel } from './model/known-models';
import { loadAnyModelFolder, loadStarterModel, type LoadedModel } from './model/load-model';
import { LoadedModels, modelUnavailable } from './model/loaded-models';
import { weightsFingerprint, MODEL_FOLDER_FAULTS } from './model/model-folder-io';
import { matchRecorded } from './model/recorded-model';
import { downloadModel, loadKnownModel } from './model/model-download';
import { ProgressMeter, type ProgressSnapshot } from '../core/progress-meter';
import { exportAdaptedModel } from './export/export-adapted';
import { AdaptationPool } from './loop/adaptation-pool';
import { otherModelError, PoolSlot } from './loop/pool-slot';
import { extractionImages, projectImages } from './loop/project-images';
import { perceptualCodes } from './features/difference-hash';
import { inspectModelFolder } from './model/inspect-model';
import { loadHead } from './train/head-file';
import { calibratedHead } from './quality/calibration';
import type { ClientMessage, JobArgs, JobKind, JobResult, ModelSource, ModelSummary, WorkerMessage } from './worker-protocol';
import type { LoadNotices, PoolJobArgs } from './loop/loop-jobs';
import { knownError } from '../core/storage-errors';

if (!parentPort) throw new Error('worker.ts must run as a worker thread (use EngineClient).');
const port = parentPort;

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(phase: string, snapshot: ProgressSnapshot, detail?: string): void;
}

type JobHandler<K extends JobKind> = (args: JobArgs<K>, context: JobContext) => Promise<JobResult<K>>;

const running = new Map<string, AbortController>();
let backendStart: Promise<BackendInfo> | null = null;
/** The pool, and the loads that would replace it: the newest load asked for wins (pool-slot.ts). */
const pools = new PoolSlot<AdaptationPool>();

/**
 * The pool, for a job asked for on the pre-trained model `on.args.modelId` (its arguments assume
 * that model's features; `on.job` words the refusal, otherModelError). Without `on`, any pool: a
 * training checks its model itself (AdaptationPool.train, with its own words). Refused
 * (MODEL_UNAVAILABLE) when the files of its model folder changed into another model, or went,
 * since the pool was loaded (LoadedModels.requireCurrent: a stat of each file when unchanged).
 */
async function requirePool(on?: { args: PoolJobArgs; job: string }): Promise<AdaptationPool> {
  const pool = pools.current;
  if (!pool) throw new AppError('BUSY', 'The engine has not loaded this project\'s features yet; try again in a moment.');
  if (on && on.args.modelId !== pool.modelId) throw otherModelError(on.args, pool.modelId, on.job);
  await models.requireCurrent(pool.loaded);
  return pool;
}

/**
 * Progress of the symmetry views extracted before a training or a label check ("No up or
 * down" on labeled images the cache has no views of: 7 forward passes each, long the first time).
 */
function viewsProgress(context: JobContext): (done: number, total: number) => void {
  const meter = new ProgressMeter(0);
  return (done, total) => context.progress('turning labeled images', meter.update(done, total), `${done} of ${total} labeled images turned and mirrored`);
}

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

async function ensureBackend(): Promise<BackendInfo> {
  const current = activeBackend();
  if (current) return current;
  backendStart ??= initBackend();
  return backendStart;
}

function knownOrThrow(id: string): KnownModel {
  const known = findKnownModel(id);
  if (!known) throw new AppError('NOT_FOUND', `"${id}" is not a model this version of ADMA Studio knows.`);
  return known;
}

function startLoading(source: ModelSource): Promise<LoadedModel> {
  switch (source.kind) {
    case 'folder':
      return loadAnyModelFolder(source.path, {
        layers: source.layers,
        normalization: source.normalization,
        resize: source.resize,
        ...(source.onnx ? { onnx: source.onnx } : {}),
        ...(source.idFolderName ? { idFolderName: source.idFolderName } : {}),
      });
    case 'known':
      return loadKnownModel(knownOrThrow(source.id), source.cacheRoot);
    case 'url':
      return loadKnownModel(modelForUrl(source.url), source.cacheRoot);
    case 'starter':
      return loadStarterModel(source.resourcesDir);
  }
}

/** Loaded models, kept per source for the life of the worker (until the backend changes), loaded again when a folder's files changed. */
const models = new LoadedModels(startLoading);

function loadModel(source: ModelSource): Promise<LoadedModel> {
  return models.get(source);
}

/**
 * The model at `source` for a job of the project that recorded it as `recorded.recordedModelId`
 * with the files' fingerprint `recorded.recordedFingerprint` (absent: any model, as loaded; no
 * fingerprint: any files of that id). Refused (MODEL_UNAVAILABLE) when a model folder cannot be
 * loaded now, holds another model, or holds the recorded id with other weights (a folder with its
 * own adma-model.json keeps its id): nothing is computed for a model the project did not choose,
 * and the host says which (FeatureExtraction's folder check).
 */
async function recordedModel(source: ModelSource, recorded: { recordedModelId?: string; recordedFingerprint?: string }): Promise<LoadedModel> {
  const { recordedModelId, recordedFingerprint } = recorded;
  if (recordedModelId === undefined) return loadModel(source);
  let loaded: LoadedModel;
  try {
    loaded = await loadModel(source);
  } catch (error) {
    if (source.kind === 'folder' && error instanceof AppError && MODEL_FOLDER_FAULTS.has(error.code)) throw modelUnavailable(error.message);
    throw error;
  }
  switch (matchRecorded({ modelId: recordedModelId, fingerprint: recordedFingerprint ?? null }, { id: loaded.descriptor.id, fingerprint: weightsFingerprint(loaded) })) {
    case 'other model':
      throw modelUnavailable(`${loaded.dir} holds another model now (${loaded.descriptor.name}), not the one this project recorded (${recordedModelId}): nothing was computed with it.`);
    case 'other weights':
      throw modelUnavailable(`The weights in ${loaded.dir} changed: the files still say ${loaded.descriptor.name} (${recordedModelId}), but they are not the ones this project recorded: nothing was computed with them.`);
    case 'same':
    case 'adopt':
      return loaded;
  }
}

function summarise(loaded: LoadedModel): ModelSummary {
  return {
    descriptor: loaded.descriptor,
    dir: loaded.dir,
    knownModelId: loaded.knownModel?.id ?? null,
    fingerprint: weightsFingerprint(loaded),
    shapes: loaded.features.shapes,
    classCount: loaded.features.classCount,
  };
}

const handlers: { [K in JobKind]: JobHandler<K> } = {
  async init({ prefer }) {
    const before = activeBackend();
    const info = await initBackend(prefer);
    if (before && before.name !== info.name) {
      // Weights live on the old backend: load models again on the new one.
      models.disposeAll();
    }
    return info;
  },

  async loadModel({ source }, context) {
    await ensureBackend();
    context.progress('load', { done: 0, total: 1, rate: 0, etaSeconds: null });
    return summarise(await loadModel(source));
  },

  async downloadModel({ id, url, cacheRoot, baseUrl }, context) {
    if ((id === undefined) === (url === undefined)) throw new AppError('BAD_ARGUMENT', 'Give either a known model id or a model.json URL to download.');
    const model = id !== undefined ? knownOrThrow(id) : modelForUrl(url as string);
    await ensureBackend();
    const meter = new ProgressMeter(0);
    return downloadModel(model, {
      cacheRoot,
      baseUrl,
      signal: context.signal,
      onProgress: (p) => context.progress('download', meter.update(p.bytesDone, p.bytesTotal ?? 0), p.file),
    });
  },

  async extractFeatures(args, context) {
    // The images, each read only inside the project folder (a list naming a file elsewhere is refused before anything is made).
    const { root, images: items } = extractionImages(args.items, args.projectDir);
    await ensureBackend();
    const loaded = await recordedModel(args.model, args);
    const modelId = loaded.descriptor.id;
    // The file given, else the project's cache of this model's layout (shared with `adma extract`).
    const file = args.storePath;
    const runtime = await featureRuntimeFor(loaded, file ? dirname(file) : featureCacheDir(root));
    const layout = featureLayoutOf(loaded);
    const store = file ? FeatureStore.open(file, layout) : FeatureStore.openFor(root, layout, { theApps: true });
    const storePath = store.path;
    try {
      const result = await extractFeatures(loaded, store, items, {
        ...(runtime.runner ? { runner: runtime.runner } : {}),
        root,
        batchSize: args.batchSize,
        prefetchDepth: args.prefetchDepth,
        pooling: args.pooling,
        deep: args.deep,
        resize: args.resize,
        signal: context.signal,
        onProgress: (p) => context.progress('extract', p, `${p.reused} cached, ${p.failed} unreadable`),
      });
      if (result.cancelled) {
        throw new AppError('CANCELLED', `Feature extraction was cancelled after ${result.computed} new images; they are saved and will not be computed again.`);
      }
      // A damaged cache file set aside on the way (rebuildable-cache.ts) is said once, with the extraction's outcome.
      const notices = store.notice ? [store.notice] : [];
      // The thumbnails' difference hashes (near duplicates) are cached with the features, so the pool finds them ready;
      // the same decode stores each image's gallery thumbnail (the codes are not kept here: read on demand).
      const perceptual = new ProgressMeter(0);
      const pass = await perceptualCodes(root, items, (done, total) => context.progress('perceptual', perceptual.update(done, total)), 'onDemand', context.signal);
      if (pass.notice) notices.push(pass.notice);
      return { ...result, modelId, storePath, runtime: runtime.label, runtimeFallback: runtime.fallback, notices };
    } finally {
      store.close();
    }
  },

  async inspectModel({ path }) {
    await ensureBackend();
    return inspectModelFolder(path);
  },

  cachedFeatures({ projectDir, modelId }) {
    // In images, as the model panel counts them (two files with the same bytes count twice).
    const hashes = projectImages(projectDir).map((image) => image.hash);
    return Promise.resolve({ cached: cachedFeatureCount(projectDir, modelId, hashes) });
  },

  async loopPrepare(args, context) {
    const ticket = pools.begin(); // before any await: tickets follow the order the loads were asked in
    await ensureBackend();
    const loaded = await recordedModel(args.model, args);
    if (!pools.isNewest(ticket)) return { outcome: 'superseded', notices: [], featuresSetAside: false };
    const meter = new ProgressMeter(0);
    const perceptual = new ProgressMeter(0);
    const told: LoadNotices = { notices: [], featuresSetAside: false };
    let prepared: Awaited<ReturnType<typeof AdaptationPool.prepare>>;
    try {
      prepared = await AdaptationPool.prepare(
        loaded,
        args,
        (done, total) => context.progress('distinctiveness', meter.update(done, total)),
        (done, total) => context.progress('perceptual', perceptual.update(done, total)),
        told,
      );
    } catch (error) {
      // Failed after setting a damaged cache file aside: the notices are answered apart from the
      // failure, so they reach the user even when the load is superseded meanwhile (PoolSession).
      if (told.notices.length === 0) throw error;
      return { outcome: 'failed', error: toErrorData(error), ...told };
    }
    // Superseded meanwhile: the newer load's pool is (or becomes) the worker's; this one is freed.
    return pools.install(ticket, prepared.pool) ? prepared.result : { outcome: 'superseded', ...told };
  },

  async loopSelect(args) {
    return (await requirePool({ args, job: 'This batch was to be chosen' })).select(args);
  },

  async loopTrain(args, context) {
    const backend = await ensureBackend();
    const meter = new ProgressMeter(0);
    // No time left is said: `max` is the solver's iteration cap, and a fit usually converges
    // long before it (walkthrough 7: "22 min left" for a training that took 5).
    return (await requirePool()).train(args, backend.label, context.signal, (epoch, max) => context.progress('train', { ...meter.update(epoch, max), etaSeconds: null }), viewsProgress(context));
  },

  async loopDuplicates(args, context) {
    const meter = new ProgressMeter(0);
    return (await requirePool({ args, job: 'This search for duplicates was to be made' })).duplicateGroups(args, context.signal, (done, total) => context.progress('duplicates', meter.update(done, total)));
  },

  async loopDuplicatesBetween(args) {
    return (await requirePool({ args, job: 'This search for duplicates was to be made' })).duplicatesBetween(args);
  },

  async loopSimilar(args) {
    return (await requirePool({ args, job: 'This search for similar images was to be made' })).similar(args);
  },

  async loopEvaluate(args) {
    return (await requirePool({ args, job: 'This evaluation was to be made' })).evaluate(args);
  },

  async loopExport(args, context) {
    // The per-class facts come from the host (or a test) as data: checked before anything is read or written.
    const evaluation = args.evaluation ? parseClassEvaluation(args.evaluation) : null;
    if (evaluation && evaluation.classes.slice(0, evaluation.modelClasses).join('\n') !== args.classNames.join('\n')) {
      throw new AppError('BAD_ARGUMENT', `The per-class evaluation's classes (${evaluation.classes.slice(0, evaluation.modelClasses).join(', ')}) are not the model's (${args.classNames.join(', ')}).`);
    }
    const backend = await ensureBackend();
    const current = await requirePool({ args, job: 'This export was to be made' });
    context.progress('export', { done: 0, total: 1, rate: 0, etaSeconds: null });
    const record = await loadHead(args.headDir);
    const { facts } = record;
    // The calibrated classifier: logits / T, folded into the final dense layer (exact for softmax).
    const head = calibratedHead(record);
    if (args.classNames.length !== head.classes.length) {
      throw new AppError('BAD_ARGUMENT', `${args.classNames.length} class names for a head of ${head.classes.length} classes.`);
    }
    return exportAdaptedModel(current.loaded, {
      head: { ...head, classes: args.classNames },
      outDir: args.outDir,
      labelCounts: args.labelCounts,
      backend: facts.backend || backend.label,
      metrics: args.metrics,
      training: args.training,
      evaluation,
    });
  },

  async loopLabelQuality(args, context) {
    await ensureBackend();
    const meter = new ProgressMeter(0);
    return (await requirePool({ args, job: 'This label check was to be made' })).labelQuality(
      args,
      context.signal,
      (done, total) => context.progress('cross-validate', meter.update(done, total), `fold ${done} of ${total}`),
      viewsProgress(context),
    );
  },

  async loopSymmetryCheck(args, context) {
    await ensureBackend();
    const meter = new ProgressMeter(0);
    return (await requirePool({ args, job: 'This check of the labels for no up or down was to be made' })).symmetryCheck(
      args,
      context.signal,
      (done, total) => context.progress('cross-validate', meter.update(done, total), `training ${done} of ${total}`),
      viewsProgress(context),
    );
  },

  async loopReset() {
    pools.reset();
    return null;
  },
};

function toErrorData(error: unknown): ErrorData {
  const known = knownError(error);
  if (known) return known.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `The engine failed unexpectedly: ${message}` };
}

async function runJob(request: Extract<ClientMessage, { type: 'request' }>): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  const backendName = (): BackendInfo['name'] | null => activeBackend()?.name ?? null;
  const context: JobContext = {
    jobId: request.id,
    signal: controller.signal,
    progress: (phase, snapshot, detail) => {
      post({ type: 'progress', jobId: request.id, kind: request.kind, phase, ...snapshot, backend: backendName(), ...(detail ? { detail } : {}) });
    },
  };
  try {
    const handler = handlers[request.kind] as (args: unknown, context: JobContext) => Promise<unknown>;
    const result = await handler(request.args, context);
    if (controller.signal.aborted) throw new AppError('CANCELLED', `The ${request.kind} job was cancelled.`);
    post({ type: 'completed', jobId: request.id, kind: request.kind, result, backend: backendName() } as WorkerMessage);
  } catch (error) {
    post({ type: 'failed', jobId: request.id, kind: request.kind, error: toErrorData(error), backend: backendName() });
  } finally {
    running.delete(request.id);
  }
}

const jobs = new Set<Promise<void>>();

/** Cancel and await every job, release native sessions, then say `stopped` (see ShutdownRequest). */
async function shutdown(): Promise<void> {
  for (const controller of running.values()) controller.abort();
  await Promise.allSettled([...jobs]);
  pools.reset();
  await releaseFeatureRuntimes();
  post({ type: 'stopped' });
}

port.on('message', (message: ClientMessage) => {
  if (message.type === 'cancel') running.get(message.id)?.abort();
  else if (message.type === 'shutdown') void shutdown();
  else {
    const job = runJob(message);
    jobs.add(job);
    void job.finally(() => jobs.delete(job));
  }
});
post({ type: 'ready' });
