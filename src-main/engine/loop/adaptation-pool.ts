/**
 * The worker-side state of a project's active loop: the pool's cached features as
 * matrices, its centres and distinctiveness (computed once per pool), the latest head and
 * its probabilities. Selection, training and evaluation read from here, so a round costs
 * milliseconds for scoring plus the fine-tuning itself.
 */
import { AppError } from '../../../src-shared/app-error';
import type { CentreRecord, CentreSet } from '../adma/centre-set';
import { computeDistinctiveness } from '../adma/distinctiveness';
import { createFeatureMatrix, type FeatureMatrix } from '../adma/feature-matrix';
import { estimatePoolCentres, restorePoolCentres } from '../adma/pool-centres';
import { extractViewFeatures } from '../features/extract-features';
import { FeatureStore, featureCacheDir, featureLayoutOf } from '../features/feature-store';
import { symmetryViews } from '../features/symmetry-views';
import { featureRuntimeFor } from '../onnx/feature-runtime';
import { layersModelOf, type LoadedModel } from '../model/load-model';
import { loadShippedCentreSet } from '../model/shipped-centre-set';
import { loadHead, saveHead, type HeadRecord } from '../train/head-file';
import type { HeadWeights } from '../train/head-weights';
import { predictPool } from '../onnx/head-graph';
import { readTopBlock } from '../train/top-block';
import { temperedProbabilities, topConfidence } from '../quality/calibration';
import { symmetryCheck } from '../quality/symmetry-evidence';
import { carriedCalibration, evaluationSetCalibration, foldsFor, labelQuality, type Calibration } from '../quality/label-quality';
import { MIN_LABELS_TO_CALIBRATE } from '../../../src-shared/requests/evaluation';
import { suspectQueue } from '../quality/suspect-labels';
import { DEFAULT_NEAR_DUPLICATE_CRITERIA, duplicateGroups, NearDuplicateIndex, type NearDuplicateCriteria, type PerceptualCodes } from '../adma/near-duplicates';
import { perceptualCodes } from '../features/difference-hash';
import type {
  ImagePair,
  LoopDuplicatesArgs,
  LoopDuplicatesBetweenArgs,
  LoopDuplicatesResult,
  LoopSimilarArgs,
  SimilarImage,
  LoopEvaluateArgs,
  LoopEvaluateResult,
  LoopLabelQualityArgs,
  LoopLabelQualityResult,
  LoopSymmetryCheckArgs,
  LoopSymmetryCheckResult,
  LoadNotices,
  LoopPrepareArgs,
  LoopPrepared,
  HeadPredictions,
  LoopSelectArgs,
  LoopSelectResult,
  LoopTrainArgs,
  SymmetryFile,
  LoopTrainResult,
  PoolItem,
  PoolPredictions,
} from './loop-jobs';
import { LoopCore } from './loop-core';
import type { ViewRows } from './train-on-pool';
import { jobImages } from './project-images';
import { otherModelError, type SlotPool } from './pool-slot';

interface CutRows {
  shape: number[];
  rowLength: number;
  data: Float32Array;
}

function argmaxRows(probabilities: ArrayLike<number>, classes: number, imageIds: Int32Array): PoolPredictions {
  const out: PoolPredictions = { imageIds: Int32Array.from(imageIds), classIndexes: new Int32Array(imageIds.length), probabilities: new Float64Array(imageIds.length) };
  for (let row = 0; row < imageIds.length; row++) {
    let best = 0;
    let bestP = -1;
    for (let c = 0; c < classes; c++) {
      const p = probabilities[row * classes + c] as number;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    out.classIndexes[row] = best;
    out.probabilities[row] = bestP;
  }
  return out;
}

/**
 * A head's predictions of the images at `rows` (pool rows, -1 for an image without features),
 * from `probabilities`: its C probabilities of each row present, in order (the rows that are not -1).
 */
function headPredictions(probabilities: Float32Array, classes: number, temperature: number, rows: readonly number[]): HeadPredictions {
  const present = rows.filter((row) => row >= 0).length;
  const raw = argmaxRows(probabilities, classes, new Int32Array(present));
  const calibrated = temperature === 1 ? probabilities : temperedProbabilities(probabilities, classes, temperature);
  const tempered = topConfidence(calibrated, classes, raw.classIndexes).confidence;
  let k = 0;
  const out: HeadPredictions = { classIndex: [], confidence: [], rawConfidence: [], temperature };
  for (const row of rows) {
    if (row < 0) {
      out.classIndex.push(-1);
      out.confidence.push(-1);
      out.rawConfidence.push(-1);
      continue;
    }
    out.classIndex.push(raw.classIndexes[k] as number);
    out.rawConfidence.push(raw.probabilities[k] as number);
    out.confidence.push(tempered[k] as number);
    k++;
  }
  return out;
}

/** A calibration's figures as a head record keeps them beside its applied temperature. */
function figuresOf(calibration: Calibration): NonNullable<HeadRecord['facts']['calibration']> {
  const { temperature: _applied, ...figures } = calibration;
  return figures;
}

export class AdaptationPool implements SlotPool {
  private cut: CutRows | null = null;
  /** The near-duplicate index of the last criteria asked for (its unit rows are built once). */
  private duplicates: NearDuplicateIndex | null = null;
  /** Selection and training run through the one loop core the simulator also runs. */
  private readonly core: LoopCore;
  /** Pooled B of the other symmetry views of labeled rows, by row, loaded or extracted when a head learns them. */
  private readonly views = new Map<number, Float32Array>();
  /** Jobs running on the pool now (trainings, label checks, duplicate searches, evaluations): see dispose. */
  private running = 0;
  /** dispose was called: no job starts any more, and the pool is freed when the last running one ends. */
  private disposing = false;

  private constructor(
    readonly projectDir: string,
    readonly loaded: LoadedModel,
    readonly imageIds: Int32Array,
    readonly hashes: string[],
    private readonly rowOf: Map<number, number>,
    readonly featuresA: FeatureMatrix,
    readonly featuresB: FeatureMatrix,
    readonly sourceProbabilities: FeatureMatrix,
    readonly centres: CentreSet,
    readonly distinctiveness: Float64Array,
    private readonly codes: PerceptualCodes,
  ) {
    this.core = new LoopCore({ imageIds, featuresA, featuresB, sourceProbabilities, centres, distinctiveness }, (mode) => this.inputs(mode, null));
  }

  /**
   * Build the pool of `args`. `told` collects, as the load goes, what it says for the user (the
   * damaged cache files it set aside and made again): the caller has them also when it fails.
   */
  static async prepare(
    loaded: LoadedModel,
    args: LoopPrepareArgs,
    onProgress: (done: number, total: number) => void,
    onPerceptualProgress: (done: number, total: number) => void = () => undefined,
    told: LoadNotices = { notices: [], featuresSetAside: false },
  ): Promise<{ pool: AdaptationPool; result: LoopPrepared }> {
    const started = performance.now();
    const modelId = loaded.descriptor.id;
    let store: FeatureStore;
    try {
      store = FeatureStore.openExistingFor(args.projectDir, featureLayoutOf(loaded));
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') {
        throw new AppError('NOT_FOUND', 'No image features have been computed for this model yet: wait for feature extraction to finish.');
      }
      throw error;
    }
    // For the user: the damaged cache files this load set aside (rebuildable-cache.ts), said whatever its outcome.
    const { notices } = told;
    if (store.notice) {
      notices.push(store.notice);
      told.featuresSetAside = true;
    }
    try {
      const items: PoolItem[] = jobImages(args.items, args.projectDir);
      const wanted = items.map((i) => i.hash);
      const missingHashes = new Set(store.missing(wanted, { grid: false, cut: args.deep }));
      const present = items.filter((i) => !missingHashes.has(i.hash));
      const missing = items.filter((i) => missingHashes.has(i.hash)).map((i) => i.imageId);
      if (present.length === 0) {
        throw new AppError('NOT_FOUND', 'No image has features yet: wait for feature extraction to make progress.');
      }
      const hashes = present.map((i) => i.hash);
      const matrices = store.load(hashes);
      const imageIds = Int32Array.from(present, (i) => i.imageId);
      const rowOf = new Map<number, number>();
      imageIds.forEach((id, row) => rowOf.set(id, row));
      const featuresA = createFeatureMatrix(matrices.a, matrices.n, matrices.dA);
      const featuresB = createFeatureMatrix(matrices.b, matrices.n, matrices.dB);
      const sourceProbabilities = createFeatureMatrix(matrices.softmax, matrices.n, matrices.classCount);
      const centres = await AdaptationPool.chooseCentres(loaded, args, imageIds, featuresA, featuresB, sourceProbabilities);
      const distinctiveness = computeDistinctiveness(
        { featuresA, featuresB, sourceProbabilities, centres },
        { normalize: true, onProgress: (done: number, total: number) => onProgress(done, total) },
      );
      const codes = await perceptualCodes(args.projectDir, present, onPerceptualProgress, 'onDemand');
      if (codes.notice) notices.push(codes.notice);
      const pool = new AdaptationPool(args.projectDir, loaded, imageIds, hashes, rowOf, featuresA, featuresB, sourceProbabilities, centres, distinctiveness, codes);
      if (args.deep) pool.cut = pool.loadCut(store);
      if (args.headDir) {
        try {
          await pool.useHead(args.headDir);
        } catch (error) {
          // Its head unreadable: the pool built is freed (its thumbnails' database with it), not left behind on every retry.
          pool.dispose();
          throw error;
        }
      }
      return {
        pool,
        result: { outcome: 'loaded', ...told, modelId, rows: imageIds.length, missing, centres: centres.record, prepareMillis: Math.round(performance.now() - started) },
      };
    } finally {
      store.close();
    }
  }

  private static async chooseCentres(
    loaded: LoadedModel,
    args: LoopPrepareArgs,
    imageIds: Int32Array,
    featuresA: FeatureMatrix,
    featuresB: FeatureMatrix,
    sourceProbabilities: FeatureMatrix,
  ): Promise<CentreSet> {
    const shipped = await loadShippedCentreSet(loaded);
    if (shipped) return shipped;
    const saved: CentreRecord | null = args.centres;
    if (saved && saved.origin === 'estimated-from-pool') {
      try {
        return restorePoolCentres(saved, imageIds, featuresA, featuresB);
      } catch {
        // a centre image left the pool: estimate afresh (the project records the new set)
      }
    }
    return estimatePoolCentres({ imageIds, featuresA, featuresB, sourceProbabilities, excludedIds: new Set(args.excludedIds) });
  }

  private loadCut(store: FeatureStore): CutRows {
    const cut = store.loadCut(this.hashes);
    const shape = [...cut.shape];
    return { shape, rowLength: shape.reduce((a, b) => a * b, 1), data: cut.data };
  }

  private ensureCut(): CutRows {
    if (this.cut) return this.cut;
    const store = FeatureStore.openExistingFor(this.projectDir, featureLayoutOf(this.loaded));
    try {
      const missing = store.missing(this.hashes, { grid: false, cut: true });
      if (missing.length > 0) {
        throw new AppError('BUSY', `Deep fine-tuning needs the cut-layer activations of ${missing.length} more images: features are being extracted for deep mode.`);
      }
      this.cut = this.loadCut(store);
      return this.cut;
    } finally {
      store.close();
    }
  }

  /** Row features of the head's input for some pool rows (all rows when `rows` is null). */
  private inputs(mode: HeadWeights['mode'], rows: readonly number[] | null): { data: Float32Array; rowShape: number[] } {
    const source = mode === 'deep' ? this.ensureCut() : { shape: [this.featuresB.cols], rowLength: this.featuresB.cols, data: this.featuresB.data as Float32Array };
    if (rows === null) return { data: source.data, rowShape: source.shape };
    const out = new Float32Array(rows.length * source.rowLength);
    rows.forEach((row, k) => out.set(source.data.subarray(row * source.rowLength, (row + 1) * source.rowLength), k * source.rowLength));
    return { data: out, rowShape: source.shape };
  }

  /**
   * The symmetry views of the labeled images in `files` (LoopTrainArgs.symmetryFiles): from
   * memory, else from the feature cache, else extracted now (one decode per image, stored). An
   * image whose file cannot be read now has its own features as its views: it is learned as
   * it is, at its usual weight, and tried again next time.
   */
  private async viewsOfLabeled(files: readonly SymmetryFile[], signal: AbortSignal, onViews?: (done: number, total: number) => void): Promise<ViewRows> {
    const d = this.featuresB.cols;
    // The views of the model's input shape, view 0 left out (what extraction also reports).
    const perRow = symmetryViews(this.loaded.descriptor.input.height, this.loaded.descriptor.input.width).length - 1;
    const wanted = files.flatMap((file) => {
      const row = this.rowOf.get(file.imageId);
      return row === undefined || this.views.has(row) ? [] : [{ row, hash: this.hashes[row] as string, path: file.path }];
    });
    const asItIs = new Map<number, Float32Array>();
    if (wanted.length > 0) {
      const runtime = await featureRuntimeFor(this.loaded, featureCacheDir(this.projectDir));
      const store = FeatureStore.openFor(this.projectDir, featureLayoutOf(this.loaded), { theApps: true });
      try {
        const extracted = await extractViewFeatures(this.loaded, store, wanted, { ...(runtime.runner ? { runner: runtime.runner } : {}), signal, root: this.projectDir, ...(onViews ? { onProgress: onViews } : {}) });
        if (extracted.cancelled) throw new AppError('CANCELLED', 'Training was cancelled while the turned views of the labeled images were extracted; those done are saved.');
        const unreadable = new Set(extracted.failures.map((f) => f.hash));
        const readable = wanted.filter((w) => !unreadable.has(w.hash));
        const stored = store.loadViews(readable.map((w) => w.hash), extracted.views);
        readable.forEach((w, k) => this.views.set(w.row, stored.slice(k * perRow * d, (k + 1) * perRow * d)));
        for (const w of wanted.filter((w) => unreadable.has(w.hash))) {
          const own = new Float32Array(perRow * d);
          for (let v = 0; v < perRow; v++) own.set(this.featuresB.data.subarray(w.row * d, (w.row + 1) * d), v * d);
          asItIs.set(w.row, own);
        }
      } finally {
        store.close();
      }
    }
    return { perRow, of: (row) => this.views.get(row) ?? asItIs.get(row) };
  }

  /**
   * The folder of the head the core ranks with (LoopSelectResult.headDir): the one the pool was
   * loaded with, or a training's from when it is trained (before its file is saved and the host
   * records its version); null without one.
   */
  private headDir: string | null = null;

  private async useHead(dir: string): Promise<void> {
    const { head, facts } = await loadHead(dir);
    await this.core.useHead(head, facts.temperature ?? 1);
    this.headDir = dir;
  }

  /**
   * Rank with the head in `dir` again (a training that failed after its head was put in use), or
   * with none when it cannot be read. Not when the pool is being disposed (another pool replaced it
   * during the training): nothing ranks with it any more, and it is freed when the training ends.
   */
  private async restoreHead(dir: string | null): Promise<void> {
    if (this.disposing) return;
    if (dir !== null) {
      try {
        await this.useHead(dir);
        return;
      } catch {
        // unreadable now: ranked without a classifier, as before any version
      }
    }
    this.core.clear();
    this.headDir = null;
  }

  rowsOf(ids: readonly number[]): number[] {
    const rows: number[] = [];
    for (const id of ids) {
      const row = this.rowOf.get(id);
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  /** The near-duplicate index of the pool under `criteria`. */
  nearDuplicates(criteria: NearDuplicateCriteria = DEFAULT_NEAR_DUPLICATE_CRITERIA): NearDuplicateIndex {
    const cached = this.duplicates;
    const same = (Object.keys(criteria) as (keyof NearDuplicateCriteria)[]).every((key) => cached?.criteria[key] === criteria[key]);
    if (cached && same) return cached;
    const index = cached ? cached.withCriteria(criteria) : new NearDuplicateIndex(this.featuresB, this.codes, this.hashes, criteria);
    this.duplicates = index;
    return index;
  }

  /** Duplicate groups among the pool images (all of them, or those given), searched in slices (`pairsInSlices`): cancellable, the worker stays responsive. */
  duplicateGroups(args: LoopDuplicatesArgs, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<LoopDuplicatesResult> {
    return this.held(() => this.searchDuplicates(args, signal, onProgress));
  }

  private async searchDuplicates(args: LoopDuplicatesArgs, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<LoopDuplicatesResult> {
    const started = performance.now();
    const index = this.nearDuplicates(args.criteria);
    const rows = args.imageIds ? this.rowsOf(args.imageIds) : null;
    const groups = duplicateGroups(await index.pairsInSlices(rows, { signal, onProgress }));
    return {
      groups: groups.map((g) => ({ imageIds: g.rows.map((r) => this.imageIds[r] as number), minSimilarity: g.minSimilarity, maxSimilarity: g.maxSimilarity, exact: g.exact })),
      compared: rows ? rows.length : this.imageIds.length,
      millis: Math.round(performance.now() - started),
    };
  }

  /** Duplicate pairs with one image from each list (images without features are left out). */
  duplicatesBetween(args: LoopDuplicatesBetweenArgs): ImagePair[] {
    const index = this.nearDuplicates(args.criteria);
    return index.pairsBetween(this.rowsOf(args.left), this.rowsOf(args.right)).map((p) => ({
      left: this.imageIds[p.a] as number,
      right: this.imageIds[p.b] as number,
      similarity: p.similarity,
      exact: p.exact,
    }));
  }

  /** The pool images most similar to one image by feature cosine ("more like this"). */
  similar(args: LoopSimilarArgs): SimilarImage[] {
    const row = this.rowOf.get(args.imageId);
    if (row === undefined) throw new AppError('NOT_FOUND', `Image ${args.imageId} has no features yet: wait for feature extraction.`);
    const index = this.nearDuplicates(this.duplicates?.criteria);
    return index.mostSimilar(row, args.count, new Set(this.rowsOf(args.skipIds))).map((s) => ({ imageId: this.imageIds[s.row] as number, similarity: s.similarity }));
  }

  select(args: LoopSelectArgs): LoopSelectResult {
    const selection = this.core.select({
      ...(args.nearDuplicates ? { nearDuplicates: this.nearDuplicates(args.nearDuplicates) } : {}),
      strategy: args.strategy,
      strategyOptions: { schedule: args.schedule, uncertainty: args.uncertainty },
      round: args.round,
      labeledIds: new Set(args.labeledIds),
      excludedIds: new Set(args.excludedIds),
      labeledClassCount: args.labeledClassCount,
      seed: args.seed,
      batchSize: args.batchSize,
    });
    const items = selection.items.map((item) => ({
      imageId: item.imageId,
      distinctiveness: item.distinctiveness,
      uncertainty: item.uncertainty,
      lambda: item.lambda,
      score: item.score,
      reason: item.reason,
    }));
    return { items, headDir: this.headDir };
  }

  /**
   * Fine-tune a head on the labels and save it in `args.outDir`. `onViews`: progress of extracting
   * the symmetry views the cache lacks (first use of "No up or down"). Refused, saying why, when
   * the pool is not the features of the model the version is to be recorded on (`args.modelId`).
   */
  train(...job: Parameters<AdaptationPool['fineTune']>): Promise<LoopTrainResult> {
    const [args] = job;
    if (args.modelId !== this.modelId) {
      return Promise.reject(
        otherModelError(
          args,
          this.modelId,
          'This training was to be made',
          'No classifier version was made and the classifier in use is unchanged; the next training uses the model chosen now.',
        ),
      );
    }
    return this.held(() => this.fineTune(...job));
  }

  private async fineTune(
    args: LoopTrainArgs,
    backend: string,
    signal: AbortSignal,
    onEpoch: (epoch: number, max: number) => void,
    onViews?: (done: number, total: number) => void,
  ): Promise<LoopTrainResult> {
    const usable = args.labels.filter((l) => this.rowOf.has(l.imageId));
    if (usable.length === 0) throw new AppError('BAD_ARGUMENT', 'None of the labeled images has features yet: wait for feature extraction.');
    const rows = usable.map((l) => this.rowOf.get(l.imageId) as number);
    let previous: HeadWeights | undefined;
    let previousRecord: HeadRecord | undefined;
    if (args.previousDir) {
      previousRecord = await loadHead(args.previousDir);
      const { head } = previousRecord;
      // A light head warm-starts a deep one's dense layer; the reverse does not fit.
      if (head.mode === args.mode || args.mode === 'deep') previous = head;
    }
    const topBlock = args.mode === 'deep' && !(previous?.block) ? readTopBlock(layersModelOf(this.loaded, 'Deep fine-tuning'), this.loaded.descriptor.cutLayer, this.loaded.descriptor.layerB) : undefined;
    const views = args.mode === 'light' && args.symmetryFiles ? await this.viewsOfLabeled(args.symmetryFiles, signal, onViews) : undefined;
    const headBefore = this.headDir;
    const { result, probabilities } = await this.core.train({
      ...(views ? { views } : {}),
      mode: args.mode,
      classes: args.classes,
      rows,
      labels: usable.map((l) => l.classIndex),
      seed: args.seed,
      signal,
      ...(previous ? { previous } : {}),
      ...(topBlock ? { topBlock } : {}),
      onEpoch: (p) => onEpoch(p.epoch, p.maxEpochs),
    });
    // The core ranks with the new head from here on: a batch chosen now says it is this training's.
    this.headDir = args.outDir;
    try {
      const counts = args.classes.map((_, c) => usable.filter((l) => l.classIndex === c).length);
      // On the evaluation set in either mode (no extra training); else light mode only, on the
      // training labels' folds (5 more deep trainings per round would be too slow).
      const calibration =
        this.evaluationCalibration(args, probabilities, result.head.classes.length) ??
        (args.mode !== 'light'
          ? null
          : (carriedCalibration(previousRecord, usable.length, args.classes) ??
            (await this.calibrate(rows, usable.map((l) => l.classIndex), result.head, args.seed, signal, views))));
      const temperature = calibration?.temperature ?? 1;
      this.core.showAtTemperature(temperature);
      await saveHead(args.outDir, {
        head: result.head,
        facts: {
          modelId: this.loaded.descriptor.id,
          labelCounts: counts,
          trainedAt: new Date().toISOString(),
          backend,
          seed: args.seed,
          epochs: result.epochs,
          loss: result.loss,
          trainAccuracy: result.trainAccuracy,
          ...(calibration ? { temperature, calibration: figuresOf(calibration) } : {}),
        },
      });
      const c = result.head.classes.length;
      // The evaluation images' rows of the head's probabilities (the same as loopEvaluate predicts with
      // the saved head): the host scores the version from them and does not ask loopEvaluate again.
      const evaluationRows = (args.evaluationIds ?? []).map((id) => this.rowOf.get(id) ?? -1);
      const present = evaluationRows.filter((row) => row >= 0);
      const evaluated = new Float32Array(present.length * c);
      present.forEach((row, k) => evaluated.set(probabilities.subarray(row * c, (row + 1) * c), k * c));
      return {
        epochs: result.epochs,
        loss: result.loss,
        trainAccuracy: result.trainAccuracy,
        millis: Math.round(result.millis),
        // Shown probabilities are calibrated; the strategies keep reading the raw ones (label-quality.ts).
        predictions: argmaxRows(temperature === 1 ? probabilities : temperedProbabilities(probabilities, c, temperature), c, this.imageIds),
        calibration,
        evaluation: headPredictions(evaluated, c, temperature, evaluationRows),
      };
    } catch (error) {
      // No version of it will be recorded: the batches are ranked by the head before again.
      await this.restoreHead(headBefore);
      throw error;
    }
  }

  /**
   * Temperature of a head (light or deep) fitted on its predictions (`probabilities`: every pool
   * row's, at T = 1) of the labeled evaluation images that have features; null when they are too few.
   */
  private evaluationCalibration(args: LoopTrainArgs, probabilities: Float32Array, c: number): Calibration | null {
    const known = (args.evaluationLabels ?? []).filter((l) => this.rowOf.has(l.imageId) && l.classIndex >= 0 && l.classIndex < c);
    const rows = new Float32Array(known.length * c);
    known.forEach((l, k) => {
      const row = this.rowOf.get(l.imageId) as number;
      rows.set(probabilities.subarray(row * c, (row + 1) * c), k * c);
    });
    return evaluationSetCalibration(rows, c, known.map((l) => l.classIndex), args.seed);
  }

  /**
   * Temperature of a light head, fitted on out-of-fold logits of its training labels (the
   * same cross-validation as the suspect queue) and applied only when it helps there
   * (calibration.ts decideTemperature); null with too few labels to cross-validate
   * (fewer than 2 per fold, or one class only).
   */
  private async calibrate(rows: number[], labels: number[], head: HeadWeights, seed: number, signal: AbortSignal, views: ViewRows | undefined): Promise<Calibration | null> {
    if (foldsFor(labels.length) === null || labels.length < MIN_LABELS_TO_CALIBRATE) return null;
    const classCount = head.classes.length;
    const inputs = { ...this.inputs('light', null), ...(views ? { views } : {}) };
    const quality = await labelQuality({ inputs, imageIds: rows, rows, labels, classCount, seed, signal, warmStart: head });
    return quality.calibration.heldOut > 0 ? quality.calibration : null;
  }

  /**
   * The labels a cross-validation of the light head can use: those whose images have features in
   * the pool; refused in words (`what` needs …) unless they make `folds` folds of two classes.
   */
  private crossValidated<L extends { imageId: number; classIndex: number }>(labels: readonly L[], folds: number | undefined, what: string): L[] {
    const usable = labels.filter((l) => this.rowOf.has(l.imageId));
    if (foldsFor(usable.length, folds) === null || new Set(usable.map((l) => l.classIndex)).size < 2) {
      throw new AppError('CONFLICT', `${what} needs labeled images of at least two classes with features.`);
    }
    return usable;
  }

  /** The suspect-label queue and calibration of the given labels by K-fold cross-validation of the light head. */
  labelQuality(
    args: LoopLabelQualityArgs,
    signal: AbortSignal,
    onFold: (done: number, total: number) => void,
    onViews?: (done: number, total: number) => void,
  ): Promise<LoopLabelQualityResult> {
    return this.held(() => this.crossValidate(args, signal, onFold, onViews));
  }

  private async crossValidate(
    args: LoopLabelQualityArgs,
    signal: AbortSignal,
    onFold: (done: number, total: number) => void,
    onViews?: (done: number, total: number) => void,
  ): Promise<LoopLabelQualityResult> {
    const started = performance.now();
    const usable = this.crossValidated(args.labels, args.folds, 'Checking labels');
    const views = args.symmetryFiles ? await this.viewsOfLabeled(args.symmetryFiles, signal, onViews) : undefined;
    const quality = await labelQuality({
      inputs: { ...this.inputs('light', null), ...(views ? { views } : {}) },
      imageIds: usable.map((l) => l.imageId),
      rows: usable.map((l) => this.rowOf.get(l.imageId) as number),
      labels: usable.map((l) => l.classIndex),
      classCount: args.classCount,
      seed: args.seed,
      signal,
      onFold,
      ...(args.folds ? { folds: args.folds } : {}),
    });
    return { suspects: suspectQueue(quality.ranked), judged: quality.ranked.length, calibration: quality.calibration, millis: Math.round(performance.now() - started) };
  }

  /** Whether the labels say the images have no up or down: their views extracted (and cached), then two cross-validations (symmetry-evidence.ts). */
  symmetryCheck(
    args: LoopSymmetryCheckArgs,
    signal: AbortSignal,
    onFold: (done: number, total: number) => void,
    onViews?: (done: number, total: number) => void,
  ): Promise<LoopSymmetryCheckResult> {
    return this.held(async () => {
      const started = performance.now();
      const usable = this.crossValidated(args.labels, undefined, 'Checking whether the images have no up or down');
      const views = await this.viewsOfLabeled(args.symmetryFiles, signal, onViews);
      const evidence = await symmetryCheck({
        inputs: { ...this.inputs('light', null), views },
        rows: usable.map((l) => this.rowOf.get(l.imageId) as number),
        labels: usable.map((l) => l.classIndex),
        classCount: args.classCount,
        seed: args.seed,
        signal,
        onFold,
      });
      return { evidence, millis: Math.round(performance.now() - started) };
    });
  }

  evaluate(args: LoopEvaluateArgs): Promise<LoopEvaluateResult> {
    return this.held(() => this.predictHeads(args));
  }

  private async predictHeads(args: LoopEvaluateArgs): Promise<LoopEvaluateResult> {
    const rows = args.imageIds.map((id) => this.rowOf.get(id) ?? -1);
    const present = rows.filter((r) => r >= 0);
    const predicted: LoopEvaluateResult['predicted'] = [];
    for (const { version, dir } of args.heads) {
      const { head, facts } = await loadHead(dir);
      const c = head.classes.length;
      const temperature = facts.temperature ?? 1;
      const probabilities = present.length > 0 ? await predictPool(head, this.inputs(head.mode, present).data) : new Float32Array(0);
      predicted.push({ version, ...headPredictions(probabilities, c, temperature, rows) });
    }
    return { predicted };
  }

  /** The pre-trained model whose features these are. */
  get modelId(): string {
    return this.loaded.descriptor.id;
  }

  get hasHead(): boolean {
    return this.core.currentHead !== null;
  }

  /**
   * Run a job on the pool: a dispose meanwhile (the worker loaded another pool, e.g. the
   * expert chose another pre-trained model during a training) waits for it to end, so the job
   * finishes on the features it began on; the pool is freed right after.
   */
  private async held<T>(job: () => Promise<T>): Promise<T> {
    if (this.disposing) throw new AppError('CANCELLED', 'These image features were unloaded (another pre-trained model or training mode was chosen, or the project was closed): nothing was done. Try again.');
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      if (this.disposing && this.running === 0) this.free();
    }
  }

  /** The pool is no longer used: freed now, or when its running jobs have ended (held). */
  dispose(): void {
    if (this.disposing) return;
    this.disposing = true;
    if (this.running === 0) this.free();
  }

  private free(): void {
    if (this.codes.thumbnails && !(this.codes.thumbnails instanceof Uint8Array)) this.codes.thumbnails.close();
    this.core.clear();
    this.cut = null;
    this.views.clear();
  }
}
