/**
 * Messages between the engine client (main process, CLI, web host) and the engine worker
 * thread. Every job kind is declared once in `EngineJobs` with its argument and result
 * types; the worker implements one handler per kind and the client is typed from the same
 * map, so adding a job kind (e.g. training) is: add an entry here, add a handler in
 * worker.ts. Every event the worker sends names the backend it runs on.
 */
import type { ErrorData } from '../../src-shared/app-error';
import type { ModelInspection } from '../../src-shared/contract';
import type { BackendChoice, BackendInfo, BackendName } from './backend';
import type { FeatureShape } from './model/feature-model';
import type { ModelDescriptor } from './model/descriptor';
import type { ExtractionResult } from './features/extract-features';
import type { Pooling } from './features/feature-store';
import type { ModelSource } from './model/model-source';
import type { ResizeMode } from './preprocess/decode-image';
import type { DownloadResult } from './model/model-download';
import type { DecodeItem } from './preprocess/prefetch-decoded-batches';
import type { JobImages } from './loop/loop-jobs';

export type { ModelSource };

export interface ModelSummary {
  descriptor: ModelDescriptor;
  dir: string;
  /** Set when the files are exactly a known model (hashes pinned in the product). */
  knownModelId: string | null;
  /**
   * The fingerprint of the files it was read from (filesFingerprint: model.json and the weight
   * shards, or the .onnx graph): recorded with the project's model choice, since a folder with its
   * own adma-model.json keeps its id whatever weights it holds (recorded-model.ts).
   */
  fingerprint: string;
  shapes: { a: FeatureShape; b: FeatureShape; cut: FeatureShape };
  classCount: number;
}

export interface ExtractFeaturesArgs {
  model: ModelSource;
  /**
   * The id the project recorded for `model` (the app's extraction): refused (MODEL_UNAVAILABLE)
   * when the files at a folder source hold another model now, or cannot be loaded, so no
   * features are computed for a model the project did not choose. Absent: any (the CLI).
   */
  recordedModelId?: string;
  /**
   * The fingerprint of the files the project recorded for `model` (ModelSummary.fingerprint):
   * refused (MODEL_UNAVAILABLE) when the files hold the recorded id with other weights now.
   * Absent: not compared (the CLI; a project that recorded none yet).
   */
  recordedFingerprint?: string;
  /**
   * The project folder, required: every image is read only once checked inside it
   * (ExtractionOptions.root), and the cache goes to the project's cache of the model's layout
   * (FeatureStore.openFor: `<projectDir>/.adma/features/<modelId>@<layout>.db`) ...
   */
  projectDir: string;
  /** ... unless an explicit cache file is given. */
  storePath?: string;
  /**
   * The images, or 'project': every present image of the project at `projectDir`, listed by the
   * worker (loop/project-images.ts). A list must name files inside `projectDir` (the job is
   * refused otherwise, before anything is read: extractionImages); the perceptual pass that
   * follows reads only files inside `projectDir` too.
   */
  items: JobImages<DecodeItem>;
  batchSize?: number;
  prefetchDepth?: number;
  pooling?: Pooling;
  deep?: boolean;
  resize?: ResizeMode;
}

export interface ExtractFeaturesResult extends ExtractionResult {
  modelId: string;
  storePath: string;
  /** What ran the model, e.g. "ONNX Runtime 1.30.0 (2 threads)". */
  runtime: string;
  /** Why ONNX Runtime did not run this model although it loaded (e.g. a layer the converter lacks), else null. */
  runtimeFallback: string | null;
  /** For the user, once: a damaged cache file set aside and made again (rebuildable-cache.ts). */
  notices: string[];
}

export interface DownloadModelArgs {
  /** A known model's id ... */
  id?: string;
  /** ... or the URL of any TF.js Layers model.json (verified by loading; hashes pinned only for known URLs). */
  url?: string;
  cacheRoot?: string;
  /** A mirror (or a local server in tests) instead of the model's canonical location. */
  baseUrl?: string;
}

import type {
  LoopEvaluateArgs,
  LoopEvaluateResult,
  LoopExportArgs,
  LoopExportResult,
  LoopLabelQualityArgs,
  LoopLabelQualityResult,
  LoopSymmetryCheckArgs,
  LoopSymmetryCheckResult,
  LoopPrepareArgs,
  LoopPrepareResult,
  LoopSelectArgs,
  LoopTrainArgs,
  LoopTrainResult,
  LoopSelectResult,
} from './loop/loop-jobs';
import type { ImagePair, LoopDuplicatesArgs, LoopDuplicatesBetweenArgs, LoopDuplicatesResult, LoopSimilarArgs, SimilarImage } from './loop/loop-jobs';

/** Every job kind: its arguments and its result. */
export interface EngineJobs {
  /** Start (or switch) the TF.js backend; other jobs start the default one lazily. */
  init: { args: { prefer?: BackendChoice }; result: BackendInfo };
  loadModel: { args: { source: ModelSource }; result: ModelSummary };
  downloadModel: { args: DownloadModelArgs; result: DownloadResult };
  extractFeatures: { args: ExtractFeaturesArgs; result: ExtractFeaturesResult };
  /** Load a project's pool (features, centres, distinctiveness, latest head) into the worker. */
  /** The layers of a model folder, for the layer picker. */
  inspectModel: { args: { path: string }; result: ModelInspection };
  /**
   * How many of the project's present images have features cached for the model `modelId`
   * (cachedFeatureCount), without loading it: for a model that cannot be loaded now.
   */
  cachedFeatures: { args: { projectDir: string; modelId: string }; result: { cached: number } };
  loopPrepare: { args: LoopPrepareArgs; result: LoopPrepareResult };
  loopSelect: { args: LoopSelectArgs; result: LoopSelectResult };
  loopTrain: { args: LoopTrainArgs; result: LoopTrainResult };
  loopEvaluate: { args: LoopEvaluateArgs; result: LoopEvaluateResult };
  loopExport: { args: LoopExportArgs; result: LoopExportResult };
  loopLabelQuality: { args: LoopLabelQualityArgs; result: LoopLabelQualityResult };
  /** Whether the training labels say the images have no up or down (views extracted and cached first). */
  loopSymmetryCheck: { args: LoopSymmetryCheckArgs; result: LoopSymmetryCheckResult };
  loopDuplicates: { args: LoopDuplicatesArgs; result: LoopDuplicatesResult };
  loopDuplicatesBetween: { args: LoopDuplicatesBetweenArgs; result: ImagePair[] };
  loopSimilar: { args: LoopSimilarArgs; result: SimilarImage[] };
  /** Drop the pool (project closed). */
  loopReset: { args: Record<string, never>; result: null };
}

export type JobKind = keyof EngineJobs;
export type JobArgs<K extends JobKind> = EngineJobs[K]['args'];
export type JobResult<K extends JobKind> = EngineJobs[K]['result'];

// ------------------------------------------------------------- client -> worker

export type JobRequest = { [K in JobKind]: { type: 'request'; id: string; kind: K; args: JobArgs<K> } }[JobKind];

export interface CancelRequest {
  type: 'cancel';
  /** The id of the job to cancel; it ends with a `failed` event, code CANCELLED. */
  id: string;
}

/**
 * Stop: every running job is cancelled and awaited (native calls in flight finish), ONNX
 * Runtime sessions are released, then the worker answers `stopped` and may be terminated.
 * Terminating a thread under a running ONNX Runtime session aborts the whole process.
 */
export interface ShutdownRequest {
  type: 'shutdown';
}

export type ClientMessage = JobRequest | CancelRequest | ShutdownRequest;

// ------------------------------------------------------------- worker -> client

export interface ProgressEvent {
  type: 'progress';
  jobId: string;
  kind: JobKind;
  /** What the job is doing: 'backend', 'load', 'download', 'extract', ... */
  phase: string;
  done: number;
  total: number;
  /** Units (images, bytes) per second; 0 while unknown. */
  rate: number;
  etaSeconds: number | null;
  backend: BackendName | null;
  /** Optional one-line detail (current file, failures so far). */
  detail?: string;
}

export type CompletedEvent = {
  [K in JobKind]: { type: 'completed'; jobId: string; kind: K; result: JobResult<K>; backend: BackendName | null };
}[JobKind];

export interface FailedEvent {
  type: 'failed';
  jobId: string;
  kind: JobKind;
  error: ErrorData;
  backend: BackendName | null;
}

/** Sent once when the worker is ready for requests. */
export interface ReadyEvent {
  type: 'ready';
}

/** The answer to `shutdown`: nothing runs any more. */
export interface StoppedEvent {
  type: 'stopped';
}

export type WorkerMessage = ReadyEvent | ProgressEvent | CompletedEvent | FailedEvent | StoppedEvent;
