/**
 * A fake engine port for tests of the adaptation modules without TF.js: it answers every job
 * the active loop runs with small deterministic results and counts what was asked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import type { EnginePort } from '../../src-main/adaptation/engine-port';
import type { EngineJob, ProgressListener } from '../../src-main/engine/engine-client';
import type { JobArgs, JobKind, JobResult } from '../../src-main/engine/worker-protocol';
import type { HeadPredictions, JobImages, LoopExportArgs, PoolItem, PoolJobArgs } from '../../src-main/engine/loop/loop-jobs';
import { jobImages } from '../../src-main/engine/loop/project-images';
import { otherModelError, PoolSlot } from '../../src-main/engine/loop/pool-slot';

/** The fake's pool: the model it was loaded for and its rows (the images given, or the project's, read as the worker reads them). */
interface FakePool {
  modelId: string;
  ids: number[];
  /** The head folder it ranks with (LoopSelectResult.headDir): the load's, then each training's. */
  headDir: string | null;
  dispose(): void;
}

export class FakeEngine implements EnginePort {
  readonly calls: { kind: JobKind; args: unknown }[] = [];
  /**
   * The pool, kept as the worker keeps it: the newest loopPrepare asked for wins, whatever order
   * the loads are answered in; a job asked for on another model than the pool's is refused when it starts.
   */
  private readonly pools = new PoolSlot<FakePool>();

  private get poolIds(): number[] {
    return this.pools.current?.ids ?? [];
  }

  get poolSize(): number {
    return this.poolIds.length;
  }
  /** Near duplicates the fake's loopDuplicatesBetween reports: image id -> the image it copies. */
  readonly nearCopies = new Map<number, number>();
  /**
   * Images the fake's pool has no features for (not extracted yet, or unreadable): loopTrain's and
   * loopEvaluate's predictions of them are -1, as the worker's (headPredictions).
   */
  readonly withoutFeatures = new Set<number>();

  /**
   * What loopSelect says of each pick besides its image: its λ (null: a typical-first pick of the
   * cluster strategies, or a strategy without one) and its reason; tests change them as a strategy would.
   */
  picks: { lambda: number | null; reason: string } = { lambda: 0, reason: 'fake' };
  /** The ranking loopSelect answers with (pool order, first taken first): tests change it as a new model would. */
  reorderPool(order: (ids: readonly number[]) => number[]): void {
    const pool = this.pools.current;
    if (pool) pool.ids = order(pool.ids);
  }
  /** The model loadModel answers with (and loopPrepare pools): tests change it to switch models. */
  model = { id: 'fake-model', name: 'Fake model' };
  /** What cachedFeatures answers: the images with features cached for a model that cannot be loaded. */
  cachedFeatures = 0;
  /** The notices loopPrepare's answers carry (a damaged cache file the load set aside and made again). */
  prepareNotices: string[] = [];
  /**
   * The notice of a damaged feature cache the next load answered sets aside (once, as the worker's
   * open does): that load fails as the worker's does, its new cache being empty, and answers the
   * notice apart from its failure (LoopPrepareFailed).
   */
  setAsideFeatures: string | null = null;
  /** When set, a job of this kind waits for the returned promise before it is answered (a slow engine). */
  hold: { kind: JobKind; until: Promise<void> } | null = null;
  /** Jobs waiting on `hold` right now. */
  holding = 0;
  /** The progress listeners of the jobs started (start), by kind: `progress` reports to them as the worker would. */
  private readonly progressListeners = new Map<JobKind, Set<ProgressListener>>();

  /** Report progress of every started job of `kind` (phase, done of total), as the worker's events. */
  progress(kind: JobKind, phase: string, done: number, total: number): void {
    for (const listener of this.progressListeners.get(kind) ?? []) {
      listener({ type: 'progress', jobId: `${kind}`, kind, phase, done, total, rate: 0, etaSeconds: null, backend: null });
    }
  }

  /**
   * Answer loopExport, which this engine otherwise lacks, as the worker would: `files` (none by
   * default) written into its outDir, each as '{}'. The array returned gets every export's
   * arguments (the model card's metrics, the head it exported).
   */
  answerExports(files: readonly string[] = []): LoopExportArgs[] {
    const exports: LoopExportArgs[] = [];
    const request = this.request.bind(this);
    this.request = ((kind, args, options) => {
      if (kind !== 'loopExport') return request(kind, args, options);
      const asked = args as LoopExportArgs;
      exports.push(asked);
      fs.mkdirSync(asked.outDir, { recursive: true });
      for (const file of files) fs.writeFileSync(path.join(asked.outDir, file), '{}');
      return Promise.resolve({ files: [...files] });
    }) as FakeEngine['request'];
    return exports;
  }

  count(kind: JobKind): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }

  /**
   * `load`: a loopPrepare's ticket and model, taken when it was asked for (as the worker takes them when the request arrives);
   * `rankedWith`: a loopSelect's head, the one the pool held when it was asked for (the worker ranks when the request arrives).
   */
  private answer<K extends JobKind>(kind: K, args: JobArgs<K>, load: { ticket: number; modelId: string } | null, rankedWith: string | null): JobResult<K> {
    this.calls.push({ kind, args });
    const a = args as never as Record<string, unknown>;
    switch (kind) {
      case 'init':
        return { name: 'cpu', label: 'fake backend', convGradients: false, notes: [] } as never;
      case 'loadModel':
        return { descriptor: { ...this.model } } as never;
      case 'cachedFeatures':
        return { cached: this.cachedFeatures } as never;
      case 'extractFeatures': {
        const items = jobImages(a.items as JobImages<{ hash: string }>, a.projectDir as string | undefined);
        // As the engine: one feature row per distinct content, so files with the same bytes count once.
        const distinct = new Set(items.map((item) => item.hash)).size;
        return { requested: distinct, reused: 0, computed: distinct, failures: [], forwardPasses: 1, imagesForwarded: distinct, cancelled: false, runtimeFallback: null, notices: [] } as never;
      }
      case 'loopPrepare': {
        const { ticket, modelId } = load as { ticket: number; modelId: string };
        const ids = jobImages(a.items as JobImages<PoolItem>, a.projectDir as string | undefined).map((i) => i.imageId);
        const setAside = this.setAsideFeatures;
        if (setAside !== null) {
          this.setAsideFeatures = null;
          const error = { code: 'NOT_FOUND', message: 'No image has features yet: wait for feature extraction to make progress.' };
          return { outcome: 'failed', error, notices: [...this.prepareNotices, setAside], featuresSetAside: true } as never;
        }
        const told = { notices: this.prepareNotices, featuresSetAside: false };
        if (!this.pools.install(ticket, { modelId, ids, headDir: (a.headDir as string | null) ?? null, dispose: () => undefined })) return { outcome: 'superseded', ...told } as never;
        return { outcome: 'loaded', ...told, modelId, rows: ids.length, missing: [], centres: { origin: 'source-data', centres: [] }, prepareMillis: 1 } as never;
      }
      case 'loopSelect': {
        const taken = new Set([...(a.labeledIds as number[]), ...(a.excludedIds as number[])]);
        const items = this.poolIds
          .filter((id) => !taken.has(id))
          .slice(0, a.batchSize as number)
          .map((imageId) => ({ imageId, distinctiveness: 0.5, uncertainty: null, lambda: this.picks.lambda, score: 0.5, reason: this.picks.reason }));
        return { items, headDir: rankedWith } as never;
      }
      case 'loopTrain': {
        fs.mkdirSync(a.outDir as string, { recursive: true }); // the head folder, as the worker saves it
        // The new head predicts the first class everywhere (as loopEvaluate answers), for the evaluation images asked too.
        const asked = (a.evaluationIds as number[] | undefined) ?? [];
        const evaluation = this.headPredictions(asked);
        return {
          epochs: 1,
          loss: 0.1,
          trainAccuracy: 1,
          millis: 1,
          predictions: { imageIds: Int32Array.from(this.poolIds), classIndexes: new Int32Array(this.poolIds.length), probabilities: new Float64Array(this.poolIds.length).fill(0.9) },
          calibration: null,
          evaluation,
        } as never;
      }
      case 'loopEvaluate': {
        // Every head predicts the first class everywhere, as the fake's trainings do.
        const ids = a.imageIds as number[];
        const heads = a.heads as { version: number }[];
        return { predicted: heads.map(({ version }) => ({ version, ...this.headPredictions(ids) })) } as never;
      }
      case 'loopDuplicates':
        // No near copies among the pool's images.
        return { groups: [], compared: this.poolIds.length, millis: 1 } as never;
      case 'loopDuplicatesBetween': {
        const right = new Set(a.right as number[]);
        return (a.left as number[]).flatMap((left) => {
          const original = this.nearCopies.get(left);
          return original !== undefined && right.has(original) ? [{ left, right: original, similarity: 0.9, exact: false }] : [];
        }) as never;
      }
      case 'loopLabelQuality': {
        // The first label is the one suspect: the model would say the next class.
        const labels = a.labels as { imageId: number; classIndex: number }[];
        const first = labels[0];
        const suspects = first
          ? [{ imageId: first.imageId, given: first.classIndex, suggested: (first.classIndex + 1) % (a.classCount as number), givenProbability: 0.1, suggestedProbability: 0.8 }]
          : [];
        return { suspects, judged: labels.length, calibration: { folds: 5 }, millis: 1 } as never;
      }
      case 'loopReset':
        this.pools.reset();
        return null as never;
      default:
        throw new Error(`the fake engine does not run ${kind}`);
    }
  }

  /** A fake head's predictions of `ids`: the first class at 0.9, -1 for an image without features. */
  private headPredictions(ids: readonly number[]): HeadPredictions {
    const known = ids.map((id) => !this.withoutFeatures.has(id));
    return { classIndex: known.map((k) => (k ? 0 : -1)), confidence: known.map((k) => (k ? 0.9 : -1)), rawConfidence: known.map((k) => (k ? 0.9 : -1)), temperature: 1 };
  }

  /** Answer a job; aborting `options.signal` cancels it, as the engine client's: it fails with CANCELLED at once. */
  request<K extends JobKind>(kind: K, args: JobArgs<K>, options: { signal?: AbortSignal } = {}): Promise<JobResult<K>> {
    const { signal } = options;
    if (!signal) return this.answered(kind, args);
    const cancelled = new Promise<never>((_, reject) => {
      const cancel = (): void => reject(new AppError('CANCELLED', `The ${kind} job was cancelled.`));
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
    });
    return Promise.race([this.answered(kind, args), cancelled]);
  }

  private answered<K extends JobKind>(kind: K, args: JobArgs<K>): Promise<JobResult<K>> {
    // A pool job (its args name the model it was asked for on) is refused as the worker refuses it.
    const on = args as { modelId?: unknown };
    if (kind.startsWith('loop') && typeof on.modelId === 'string') {
      const pool = this.pools.current;
      if (!pool) return Promise.reject(new AppError('BUSY', 'The engine has not loaded this project\'s features yet; try again in a moment.'));
      if (pool.modelId !== on.modelId) return Promise.reject(otherModelError(on as PoolJobArgs, pool.modelId, `This ${kind} job was to be made`));
    }
    // A load or an extraction for the model the project recorded is refused, as the worker's, when the engine's model is another now (the folder's files replaced).
    const recorded = (args as { recordedModelId?: unknown }).recordedModelId;
    if ((kind === 'loopPrepare' || kind === 'extractFeatures') && typeof recorded === 'string' && recorded !== this.model.id) {
      this.calls.push({ kind, args });
      return Promise.reject(new AppError('MODEL_UNAVAILABLE', `The model folder holds another model now (${this.model.name}), not the one this project recorded (${recorded}): nothing was computed with it.`));
    }
    const load = kind === 'loopPrepare' ? { ticket: this.pools.begin(), modelId: this.model.id } : null;
    // The worker's pool ranks with a training's new head from before the training answers (adaptation-pool.ts
    // fineTune): here from when it is asked for. A select ranks when it is asked for; `hold` delays its answer.
    const pool = this.pools.current;
    if (kind === 'loopTrain' && pool) pool.headDir = (args as { outDir: string }).outDir;
    const rankedWith = kind === 'loopSelect' ? (pool?.headDir ?? null) : null;
    if (this.hold?.kind !== kind) return Promise.resolve().then(() => this.answer(kind, args, load, rankedWith));
    this.holding++;
    return this.hold.until.then(() => {
      this.holding--;
      return this.answer(kind, args, load, rankedWith);
    });
  }

  async terminate(): Promise<void> {}

  start<K extends JobKind>(kind: K, args: JobArgs<K>): EngineJob<K> {
    // A cancelled job answers CANCELLED, as the worker's do (when it has not answered yet).
    let cancel = (): void => undefined;
    const cancelled = new Promise<never>((_, reject) => {
      cancel = () => reject(new AppError('CANCELLED', `${kind} was cancelled.`));
    });
    const result = Promise.race([this.request(kind, args), cancelled]);
    return {
      id: `${kind}-${this.calls.length}`,
      kind,
      result,
      onProgress: (listener: ProgressListener) => {
        const listeners = this.progressListeners.get(kind) ?? new Set<ProgressListener>();
        this.progressListeners.set(kind, listeners.add(listener));
        return () => listeners.delete(listener);
      },
      cancel,
    };
  }
}
