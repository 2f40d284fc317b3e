/** The pre-trained model and feature extraction: options, inspection, choice, status. */
import { s, type Schema } from '../schema';
import { command, query } from './request-def';

/** Which pre-trained model a project adapts. */
export type ModelChoice =
  | { kind: 'starter' }
  | { kind: 'known'; id: string }
  /**
   * `idFolderName`: the folder's name when the project chose it, which the id of a model the
   * product does not recognise keeps after the folder was renamed and located again (Locate…).
   */
  | { kind: 'folder'; path: string; layers?: LayerNames; onnx?: OnnxPreprocessing; idFolderName?: string };

/**
 * How pixels are fed to an ONNX image model (a folder holding one `.onnx` file): input size,
 * scaling of the 0..255 values ('unit' x/255, 'symmetric' x/127.5-1, 'imagenet' (x/255-mean)/std
 * with ImageNet's RGB mean and std, 'raw' x), channel order and tensor layout.
 */
export interface OnnxPreprocessing {
  height: number;
  width: number;
  scaling: 'unit' | 'symmetric' | 'imagenet' | 'raw';
  channelOrder: 'RGB' | 'BGR';
  layout: 'NCHW' | 'NHWC';
}

export interface LayerNames {
  layerA: string;
  layerB: string;
  softmaxLayer: string;
  cutLayer: string;
}

export interface ModelOption {
  choice: ModelChoice;
  name: string;
  description: string;
  /** Bytes to download before first use; 0 when already on this machine. */
  downloadBytes: number;
  /** Whether the product pins this model's file hashes (downloads are verified). */
  hashesPinned: boolean;
  /** Why this option suits the open project's images, on the one option recommended; null on the others. */
  recommendation: string | null;
}

export interface ModelLayer {
  name: string;
  className: string;
  outputShape: (number | null)[];
}

export interface ModelInspection {
  path: string;
  layers: ModelLayer[];
  /** Layer names detected automatically (MobileNet v1, starter), or null. */
  detected: LayerNames | null;
  /**
   * Present for an ONNX model folder: the file, its image input, and preprocessing defaults
   * read from the input shape. Its `layers` are the graph's node outputs (float tensors) with
   * the shapes a probe run gave; 4-D maps inside the graph are read as NCHW. Deep
   * fine-tuning cannot cut an arbitrary ONNX graph: such models adapt in light mode only.
   */
  onnx?: { file: string; inputName: string; inputShape: (number | string | null)[]; defaults: OnnxPreprocessing };
}

/**
 * `checking`: an extraction started and has not yet said whether any image lacks features (the
 * engine loads the model first); it becomes `running` once some do, or `complete`. A project
 * reopened with every feature stored goes checking → complete, never showing "extracting 0 / N".
 * `unavailable`: the project's model folder cannot be used now (EngineStatus.modelProblem says
 * why); no feature is computed until it is located or back, and `done` counts the images whose
 * features are cached for it meanwhile.
 */
export type FeatureState = 'none' | 'checking' | 'running' | 'complete' | 'cancelled' | 'failed' | 'unavailable';

/**
 * Why the project's model folder cannot be used now: `missing`, nothing is at its path (moved,
 * renamed, on a disk not connected); `replaced`, it holds another model than the project's
 * (other files: its features would not be the cached ones); `damaged`, its files cannot be
 * read as a model. The features cached for the project's model are kept meanwhile.
 */
export interface ModelProblem {
  kind: 'missing' | 'replaced' | 'damaged';
  /** The folder the project's model was chosen from. */
  path: string;
  /** What is wrong and what can be done, words first (the engine's detail after). */
  message: string;
  /** Present images whose features for the project's model are cached, of `total`: used again once the model is found. */
  cached: number;
  total: number;
  /** Something is at `path` now (the disk connected again, the folder put back): Try again can work. Read when the status is made. */
  folderThere: boolean;
}

export interface EngineStatus {
  choice: ModelChoice | null;
  modelId: string | null;
  modelName: string | null;
  /** What runs the engine, e.g. "ONNX Runtime 1.30.0 (2 threads) for features and predictions; WebAssembly (tfjs-backend-wasm) for training". */
  backend: string | null;
  /** Why faster runtimes are not used, one line each (e.g. why tfjs-node is not installed). */
  backendNotes: string[];
  /** Why the engine runs slower than it could, in plain words; null at full speed. */
  backendSlow: string | null;
  features: { state: FeatureState; done: number; total: number; failed: number; message: string | null };
  /** Latest trained classifier version, 0 before the first round is trained. */
  modelVersion: number;
  /**
   * The classifier in use (the latest version): the pre-trained model it was trained on and its
   * training labels; null (or absent) before the first training. With `trainingLabels` it tells
   * when the classifier is out of date (src-renderer/logic/model-versions.ts classifierStaleness).
   */
  classifier?: {
    version: number;
    modelId: string;
    backbone: string;
    trainingLabels: number;
    /**
     * Why it is out of date though trained on the chosen model's id (ActiveLoop.retrainDue), while
     * it is, whether the app retrains it by itself (`featuresRetrain`) or not (its retrain failed:
     * Train now): `weights`, trained on other weights than the model folder holds now (its own
     * adma-model.json kept the id over new files, chosen again as a new model); `features`, it
     * learned from features computed again since (images deeper than 8 bits now read otherwise).
     * Absent when it is not, it is another model's (`modelId` says so), or fewer than two
     * classes are labeled (no training can be).
     */
    outdated?: 'weights' | 'features';
  } | null;
  /** Training labels now (labeled images present, outside the evaluation set). */
  trainingLabels?: number;
  training: boolean;
  /**
   * The pre-trained model the running training uses (read when it began), while `training`:
   * another than `modelId` when the expert chose another model while it ran (that training
   * ends first; the retrain on the chosen model follows it). Null (or absent) when none runs.
   */
  trainingOn?: { modelId: string; backbone: string } | null;
  /**
   * The classifier in use was trained on another pre-trained model than the chosen one, and the
   * app trains one on the chosen model by itself (ActiveLoop.retrainOnChosenModel): once the
   * features are complete, or now (`training`). False when it will not (no classifier, fewer
   * than two classes labeled, or that training failed: then Train now, as after any failure).
   */
  backboneRetrain?: boolean;
  /**
   * The classifier in use was trained on the chosen model's id, but on image features computed
   * again since (`classifier.outdated` says why: images deeper than 8 bits now read as this
   * version reads them, as an export feeds them to the model, the feature cache's redecodes; or
   * other weights of the model than it was trained on, ActiveLoop.retrainDue), and the app trains
   * it again on the labels so far by itself, as after a switch: once the features are complete,
   * or now (`training`). False (or absent) when it will not (fewer than two classes labeled, or
   * that training failed: then Train now).
   */
  featuresRetrain?: boolean;
  /** The project's model folder cannot be used now (features `unavailable`); null (or absent) when it can. */
  modelProblem?: ModelProblem | null;
  /**
   * Whether the training labels say the images have no up or down (checked at 50 and 80 training
   * labels while the setting is off, in light mode): the check running now and the latest one's
   * outcome on the chosen model; null (or absent) before any.
   */
  symmetryCheck?: SymmetryCheckStatus | null;
}

/** The labels' check for "No up or down" (src-main/adaptation/symmetry-check.ts). */
export interface SymmetryCheckStatus {
  /** The check running now, at this many training labels; null when none runs. */
  running: number | null;
  /** The latest finished check on the chosen model; null before the first. */
  last: SymmetryCheckOutcome | null;
}

/**
 * One check's paired out-of-fold statistics (bench/study/screens/RESULTS-screen6.md, the rule):
 * a plain and a views light head cross-validated on the same folds of the n training labels.
 */
export interface SymmetryCheckOutcome {
  /** The labels count the check was made at (50 or 80), and the labeled images compared. */
  at: number;
  n: number;
  /** Out-of-fold accuracy (0..1) of the head trained as now (plain) and of one learning each label turned and mirrored (views). */
  plainAccuracy: number;
  viewsAccuracy: number;
  /** Mean of log-loss(views) - log-loss(plain) over the labeled images, and its paired standard error. */
  meanDifference: number;
  standardError: number;
  /** The rule suggests turning "No up or down" on. */
  suggest: boolean;
  checkedAt: string;
}

const layerNames = s.object({
  layerA: s.string({ min: 1, max: 200 }),
  layerB: s.string({ min: 1, max: 200 }),
  softmaxLayer: s.string({ min: 1, max: 200 }),
  cutLayer: s.string({ min: 1, max: 200 }),
});
/** The largest input side an ONNX model folder may be fed at. */
export const ONNX_MAX_SIDE = 4096;
export const onnxPreprocessing = s.object({
  height: s.int({ min: 1, max: ONNX_MAX_SIDE }),
  width: s.int({ min: 1, max: ONNX_MAX_SIDE }),
  scaling: s.literal('unit', 'symmetric', 'imagenet', 'raw'),
  channelOrder: s.literal('RGB', 'BGR'),
  layout: s.literal('NCHW', 'NHWC'),
});
const modelChoice: Schema<ModelChoice> = s.variant('kind', {
  starter: s.object({ kind: s.literal('starter') }),
  known: s.object({ kind: s.literal('known'), id: s.string({ min: 1, max: 200 }) }),
  folder: s.object({
    kind: s.literal('folder'),
    path: s.string({ min: 1 }),
    layers: s.optional(layerNames),
    onnx: s.optional(onnxPreprocessing),
    idFolderName: s.optional(s.string({ min: 1, max: 255 })),
  }),
});

export const engineRequests = {
  'engine:models': query(s.none(), 'app').returns<ModelOption[]>(),
  'engine:inspectFolder': query(s.object({ path: s.string({ min: 1 }) })).returns<ModelInspection>(),
  'engine:status': query(s.none()).returns<EngineStatus>(),
  /** Choose the project's pre-trained model: downloads (known models) and extracts features in the background. */
  'engine:chooseModel': command(s.object({ choice: modelChoice })).returns<EngineStatus>(),
  'engine:cancelFeatures': command(s.none()).returns<EngineStatus>(),
  'engine:resumeFeatures': command(s.none()).returns<EngineStatus>(),
  /**
   * Locate…: the project's model folder is at `path` now (moved or renamed). Taken only when it
   * holds the very model the project chose (the same files: its cached features serve); the
   * features are then completed from the cache.
   */
  'engine:locateModel': command(s.object({ path: s.string({ min: 1 }) })).returns<EngineStatus>(),
} as const;
