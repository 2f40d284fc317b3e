/**
 * Job arguments and results of the active loop, run by the engine worker on the pool of a
 * project's images: prepare (load cached features, centres, distinctiveness), select a
 * batch, train a version, evaluate versions, export a version.
 */
import type { ErrorData } from '../../../src-shared/app-error';
import type { ClassEvaluation } from '../../../src-shared/class-evaluation';
import type { CentreRecord } from '../adma/centre-set';
import type { NearDuplicateCriteria } from '../adma/near-duplicates';
import type { StrategyName } from '../adma/query-strategy';
import type { TradeoffSchedule } from '../adma/tradeoff-schedule';
import type { UncertaintyMeasure } from '../adma/uncertainty';
import type { ExportResult } from '../export/export-classifier';
import type { ModelSource } from '../model/model-source';
import type { TrainingMode } from '../train/head-weights';
import type { Calibration } from '../quality/label-quality';
import type { SuspectRow } from '../quality/suspect-labels';
import type { SymmetryEvidence } from '../quality/symmetry-evidence';

export interface PoolItem {
  imageId: number;
  hash: string;
  /** Absolute path of the file, for its difference hash (near duplicates); without it the image is nobody's near duplicate. */
  path?: string;
}

/** The images a job runs on: those given, or 'project': every present image of the project, listed by the worker (project-images.ts). */
export type JobImages<T> = T[] | 'project';

export interface LoopPrepareArgs {
  projectDir: string;
  model: ModelSource;
  /** The id the project recorded for `model`: refused as ExtractFeaturesArgs.recordedModelId is. */
  recordedModelId?: string;
  /** The files' fingerprint the project recorded for `model`: refused as ExtractFeaturesArgs.recordedFingerprint is. */
  recordedFingerprint?: string;
  /** The pool's images, or 'project': every present image of the project at `projectDir`, listed by the worker. */
  items: JobImages<PoolItem>;
  /** Load cut-layer activations too (deep fine-tuning). */
  deep: boolean;
  /** Images that may not vote for or become pool-estimated centres (evaluation set). */
  excludedIds: number[];
  /** Centres the project already uses (kept stable across sessions), or null to choose. */
  centres: CentreRecord | null;
  /** The latest trained head, to predict the pool with. */
  headDir: string | null;
}

/**
 * What came of a load of the pool (pool-slot.ts): `loaded`, it is the worker's pool now;
 * `superseded`, a newer load (or a reset) was asked for while it ran, so it was disposed and the
 * pool is the newer one's; or `failed` after it set a damaged cache file aside (the failure is
 * answered apart from the notices, so they reach the user whatever becomes of the load:
 * PoolSession). Any other failure rejects as every job's does.
 */
export type LoopPrepareResult = LoopPrepared | LoopPrepareSuperseded | LoopPrepareFailed;

/** What a load says for the user, whatever its outcome. */
export interface LoadNotices {
  /** A damaged cache file the load set aside and made again (rebuildable-cache.ts), for the user, said once. */
  notices: string[];
  /** One of them was the feature cache of the load's model: its features are gone and must be extracted again. */
  featuresSetAside: boolean;
}

export interface LoopPrepareSuperseded extends LoadNotices {
  outcome: 'superseded';
}

export interface LoopPrepareFailed extends LoadNotices {
  outcome: 'failed';
  /** Why the load failed (the notices not in its words). */
  error: ErrorData;
}

export interface LoopPrepared extends LoadNotices {
  outcome: 'loaded';
  modelId: string;
  /** Pool images that have features (rows), and those that do not yet. */
  rows: number;
  missing: number[];
  centres: CentreRecord;
  prepareMillis: number;
}

/**
 * A job run on the worker's pool, asked for on the pre-trained model `modelId` (the one chosen
 * when it was asked for, whose features its arguments assume): the worker refuses it, saying
 * why, when its pool is another model's (pool-slot.ts otherModelError).
 */
export interface PoolJobArgs {
  modelId: string;
  /**
   * The names the expert knows the project's models by, by id (model-versions.ts backboneName),
   * for the words of that refusal; a model not named is said by its id (a direct client: the
   * CLI, tests). Added to every pool job by the main process (AdaptationContext.engine).
   */
  modelNames?: Record<string, string>;
}

export interface LoopSelectArgs extends PoolJobArgs {
  strategy: StrategyName;
  schedule: TradeoffSchedule;
  uncertainty: UncertaintyMeasure;
  batchSize: number;
  /** λ's t. */
  round: number;
  labeledIds: number[];
  excludedIds: number[];
  labeledClassCount: number;
  seed: number;
  /** Keep near duplicates of labeled, evaluation and already picked images out of the batch. */
  nearDuplicates?: NearDuplicateCriteria;
}

export interface LoopDuplicatesArgs extends PoolJobArgs {
  criteria: NearDuplicateCriteria;
  /** Pool images to group (every pool image when absent). */
  imageIds?: number[];
}

export interface LoopDuplicatesResult {
  /** Each group's lowest and highest similarity of the pairs that joined it (duplicateGroups). */
  groups: { imageIds: number[]; minSimilarity: number; maxSimilarity: number; exact: boolean }[];
  /** Pool images compared. */
  compared: number;
  millis: number;
}

export interface LoopDuplicatesBetweenArgs extends PoolJobArgs {
  criteria: NearDuplicateCriteria;
  left: number[];
  right: number[];
}

export interface ImagePair {
  left: number;
  right: number;
  similarity: number;
  exact: boolean;
}

export interface LoopSimilarArgs extends PoolJobArgs {
  imageId: number;
  count: number;
  /** Images never returned (besides the image itself). */
  skipIds: number[];
}

export interface SimilarImage {
  imageId: number;
  similarity: number;
}

export interface SelectedItem {
  imageId: number;
  distinctiveness: number | null;
  uncertainty: number | null;
  lambda: number | null;
  score: number | null;
  reason: string;
}

export interface LoopSelectResult {
  items: SelectedItem[];
  /**
   * The folder of the head the batch was ranked with (the one the pool holds: the latest version's
   * when it was loaded, or a training's from the moment it is trained, before the host records
   * it), or null: ranked without a classifier. The host records its version (RoundInfo.modelVersion,
   * rerankedWith), not the latest one it knows when the answer arrives.
   */
  headDir: string | null;
}

export interface LoopTrainArgs extends PoolJobArgs {
  /**
   * Id of the pre-trained model the version is recorded on (the one chosen when the training
   * began): the worker refuses, saying why, when its pool is another model's.
   */
  modelId: string;
  /** Class keys in output order (stable across renames). */
  classes: string[];
  labels: { imageId: number; classIndex: number }[];
  mode: TrainingMode;
  seed: number;
  /** Where the new head is saved. */
  outDir: string;
  /** Warm start from this head, when given. */
  previousDir: string | null;
  /**
   * Light mode, images with no up or down: the files of the labeled images, whose symmetry views
   * (features/symmetry-views.ts) the head learns too; their missing views are extracted first.
   * Absent or null: the head learns the images as they are.
   */
  symmetryFiles?: SymmetryFile[] | null;
  /** Images whose predictions by the new head come back as `evaluation` (the evaluation set's: the host scores the version from them). */
  evaluationIds?: number[];
  /**
   * The labeled evaluation images, by their class index in `classes` (images of a class the head
   * has no training label of are left out): the head's temperature (light or deep) is fitted on its
   * predictions of them when there are enough (label-quality.ts evaluationSetCalibration).
   */
  evaluationLabels?: { imageId: number; classIndex: number }[];
}

/** A labeled image's file, for its symmetry views. */
export interface SymmetryFile {
  imageId: number;
  /** Absolute path. */
  path: string;
}

export interface Prediction {
  imageId: number;
  classIndex: number;
  probability: number;
}

/**
 * Top-1 predictions of many rows as typed arrays: 100,000 of them cross to the host as three
 * buffers (as objects, their decoding alone held the host's main thread ~0.1-0.25 s a round).
 */
export interface PoolPredictions {
  imageIds: Int32Array;
  classIndexes: Int32Array;
  probabilities: Float64Array;
}

export interface LoopTrainResult {
  epochs: number;
  loss: number;
  trainAccuracy: number;
  millis: number;
  /** Top-1 prediction of every pool row (probability at the applied temperature: the fitted one when it helped, else 1). */
  predictions: PoolPredictions;
  /** Temperature scaling fitted on the labeled evaluation set or on out-of-fold logits (light mode with enough labels), else null. */
  calibration: Calibration | null;
  /** The new head's predictions of `evaluationIds` (empty without them), as loopEvaluate would answer for it. */
  evaluation: HeadPredictions;
}

/** A head's predictions of some images, in the order asked for; -1 for an image without features. */
export interface HeadPredictions {
  /** Predicted class index. */
  classIndex: number[];
  /** Top-1 probability at the head's temperature, and at T = 1. */
  confidence: number[];
  rawConfidence: number[];
  temperature: number;
}

export interface LoopEvaluateArgs extends PoolJobArgs {
  heads: { version: number; dir: string }[];
  imageIds: number[];
}

export interface LoopEvaluateResult {
  /** Per head, its predictions of `imageIds`. */
  predicted: (HeadPredictions & { version: number })[];
}

export interface LoopLabelQualityArgs extends PoolJobArgs {
  /** Training labels (evaluation images left out), class indices into `classCount` classes. */
  labels: { imageId: number; classIndex: number }[];
  classCount: number;
  seed: number;
  folds?: number;
  /** As LoopTrainArgs.symmetryFiles: the folds' heads learn the symmetry views too. */
  symmetryFiles?: SymmetryFile[] | null;
}

export interface LoopLabelQualityResult {
  /** The queue: labeled images whose out-of-fold argmax differs from the given label, most suspect first. */
  suspects: SuspectRow[];
  /** Labeled images that were judged (had features and a class seen in the other folds). */
  judged: number;
  calibration: Calibration;
  millis: number;
}

/**
 * Whether the labels say the images have no up or down (quality/symmetry-evidence.ts): the
 * labeled images' symmetry views are extracted (and cached, as training with the setting on
 * does), then a plain and a views light head are cross-validated on the same folds.
 */
export interface LoopSymmetryCheckArgs extends PoolJobArgs {
  /** Training labels (evaluation images left out), class indices into `classCount` classes. */
  labels: { imageId: number; classIndex: number }[];
  classCount: number;
  seed: number;
  /** The labeled images' files, for their symmetry views. */
  symmetryFiles: SymmetryFile[];
}

export interface LoopSymmetryCheckResult {
  evidence: SymmetryEvidence;
  millis: number;
}

export interface LoopExportArgs extends PoolJobArgs {
  headDir: string;
  outDir: string;
  /** Display names in head class order. */
  classNames: string[];
  labelCounts: number[];
  metrics: Record<string, number | string>;
  training: Record<string, number | string>;
  /**
   * The version's score per class on the labeled evaluation set, for the card's per-class section;
   * absent or null: none. Checked by the worker (parseClassEvaluation) before anything is written.
   */
  evaluation?: ClassEvaluation | null;
}

export type LoopExportResult = ExportResult;
