/**
 * The one contract between the renderer and the back end. Every request (its argument
 * schema and result type) and every pushed event is declared here; the Electron main
 * process, the preload bridge, the web host and the renderer all type-check against it.
 * No other file names a channel string.
 */
import { s, SchemaError, type Schema } from './schema';
import type { ErrorData, Result } from './app-error';

// ---------------------------------------------------------------- domain types

export interface AppInfo {
  version: string;
  /** Which shell serves this UI. */
  shell: 'electron' | 'web';
  platform: string;
  /** True where a native folder dialog exists (Electron). */
  canPickFolder: boolean;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

export interface PathCheck {
  path: string;
  exists: boolean;
  isDirectory: boolean;
  readable: boolean;
  writable: boolean;
  hasProject: boolean;
  /** A sentence for the user: what this folder is and whether it can be opened. */
  message: string;
}

export interface PathCompletion {
  /** The directory whose entries are listed. */
  directory: string;
  entries: { name: string; path: string }[];
}

export interface ProjectSummary {
  path: string;
  name: string;
  createdAt: string;
  schemaVersion: number;
  imageCount: number;
  unreadableCount: number;
  labeledCount: number;
  classCount: number;
}

export interface ClassInfo {
  id: number;
  name: string;
  color: string;
  hotkey: string;
  position: number;
  labelCount: number;
}

export interface ImageItem {
  id: number;
  relPath: string;
  width: number;
  height: number;
  size: number;
  mtimeMs: number;
  hash: string;
  classId: number | null;
  labeledAt: string | null;
}

export interface UnreadableFile {
  relPath: string;
  reason: string;
}

export interface ScanReport {
  total: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  unreadable: UnreadableFile[];
  durationMs: number;
}

export interface LabelAction {
  actionId: number;
  imageIds: number[];
  /** The class each image has after the action (null: unlabeled). */
  classIds: (number | null)[];
}

export interface HistoryEntry {
  id: number;
  actionId: number | null;
  imageId: number;
  relPath: string;
  oldClassId: number | null;
  newClassId: number | null;
  oldClassName: string | null;
  newClassName: string | null;
  kind: 'set' | 'undo' | 'redo' | 'class-deleted';
  actor: string;
  at: string;
}

export interface ImagePage {
  total: number;
  items: ImageItem[];
}

export type ImageFilter =
  | { kind: 'all' }
  | { kind: 'unlabeled' }
  | { kind: 'labeled' }
  | { kind: 'class'; classId: number }
  /** The evaluation set (never queried, never trained on). */
  | { kind: 'evaluation' };

// ---------------------------------------------------------------- the active loop

/** Which pre-trained model a project adapts. */
export type ModelChoice =
  | { kind: 'starter' }
  | { kind: 'known'; id: string }
  | { kind: 'folder'; path: string; layers?: LayerNames };

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
}

export type FeatureState = 'none' | 'running' | 'complete' | 'cancelled' | 'failed';

export interface EngineStatus {
  choice: ModelChoice | null;
  modelId: string | null;
  modelName: string | null;
  /** The TF.js backend running the engine, e.g. "WebAssembly (tfjs-backend-wasm)". */
  backend: string | null;
  features: { state: FeatureState; done: number; total: number; failed: number; message: string | null };
  /** Latest trained classifier version, 0 before the first round is trained. */
  modelVersion: number;
  training: boolean;
}

/** Query strategies: ADMA, its variants, the baselines and the typicality/coverage strategies. */
export const STRATEGY_NAMES = [
  'adma',
  'adma-diverse',
  'random',
  'entropy',
  'margin',
  'least-confidence',
  'gini',
  'distinctiveness',
  'coreset',
  'typiclust',
  'typical-margin',
  'adma-typical',
  'probcover',
  'badge',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
/**
 * The product default, shown as "Recommended": the strategy the simulation study shows best
 * overall (bench/STUDY.md, "The product default"). ADMA and every baseline stay selectable.
 */
export const RECOMMENDED_STRATEGY: StrategyName = 'typical-margin';
/** Uncertainty measures, each scaled to [0, 1]. */
export const UNCERTAINTY_NAMES = ['entropy', 'margin', 'least-confidence', 'gini'] as const;
export type UncertaintyName = (typeof UNCERTAINTY_NAMES)[number];
export type ScheduleSetting = { kind: 'linear'; step: number } | { kind: 'exponential'; gamma: number };

export interface LoopSettings {
  strategy: StrategyName;
  batchSize: number;
  schedule: ScheduleSetting;
  uncertainty: UncertaintyName;
  mode: 'light' | 'deep';
  /** Train in the background whenever labels change and re-rank the queue. */
  continuous: boolean;
}

export interface Suggestion {
  classId: number;
  probability: number;
}

export interface QueueItem {
  imageId: number;
  relPath: string;
  distinctiveness: number | null;
  uncertainty: number | null;
  score: number | null;
  reason: string;
  classId: number | null;
  suggestion: Suggestion | null;
}

export interface RoundInfo {
  id: number;
  index: number;
  strategy: StrategyName;
  lambda: number | null;
  schedule: ScheduleSetting;
  batchSize: number;
  modelVersion: number;
  createdAt: string;
  items: QueueItem[];
  /** How many of the batch are labeled. */
  labeled: number;
}

export interface CurvePoint {
  modelVersion: number;
  labels: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy on the evaluation set. */
  low: number;
  high: number;
  evaluated: number;
}

export interface Dashboard {
  trainingLabels: number;
  evaluation: { size: number; labeled: number };
  /** False until the evaluation set has labels and a model has been trained: accuracy is unknown. */
  accuracyKnown: boolean;
  curve: CurvePoint[];
  perClass: { classId: number; name: string; color: string; training: number; evaluation: number }[];
  confusion: { classIds: number[]; counts: number[][] } | null;
  plateau: { flat: boolean; message: string } | null;
}

export interface ExportRequest {
  destination: string;
  model: boolean;
  labelsCsv: boolean;
  labelsJson: boolean;
  imageFolder: boolean;
}

export interface ExportReport {
  destination: string;
  files: string[];
  modelVersion: number | null;
}

export interface ImportReport {
  rows: number;
  labeled: number;
  unchanged: number;
  createdClasses: string[];
  unmatched: { line: number; path: string; className: string; reason: string }[];
}

export type JobKind = 'scan' | 'download' | 'extract' | 'train' | 'export';

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  phase: string;
  done: number;
  total: number;
  /** Items per second over the recent window, null until known. */
  rate: number | null;
  etaSeconds: number | null;
}

export interface JobEnd {
  jobId: string;
  kind: JobKind;
}

export type ProjectChange = 'opened' | 'closed' | 'scanned' | 'classes' | 'labels' | 'engine' | 'round' | 'model' | 'evaluation';

// ---------------------------------------------------------------- requests

interface RequestDef<A, R> {
  args: Schema<A>;
  /** Phantom: carries the result type only. */
  readonly result?: R;
}

const req = <A>(args: Schema<A>) => ({
  returns: <R>(): RequestDef<A, R> => ({ args }),
});

const id = s.int({ min: 1 });
const filter: Schema<ImageFilter> = {
  parse(value, path = 'filter') {
    const kind = s.object({ kind: s.literal('all', 'unlabeled', 'labeled', 'class', 'evaluation'), classId: s.optional(id) }).parse(value, path);
    if (kind.kind === 'class') {
      if (kind.classId === undefined) throw new SchemaError(`${path}.classId`, 'a class id (required for kind "class")', undefined);
      return { kind: 'class', classId: kind.classId };
    }
    return { kind: kind.kind };
  },
};
const color = s.string({ min: 4, max: 9 });
const hotkey = s.string({ min: 1, max: 1 });

const layerNames = s.object({
  layerA: s.string({ min: 1, max: 200 }),
  layerB: s.string({ min: 1, max: 200 }),
  softmaxLayer: s.string({ min: 1, max: 200 }),
  cutLayer: s.string({ min: 1, max: 200 }),
});
const modelChoice: Schema<ModelChoice> = {
  parse(value, path = 'choice') {
    const v = s.object({
      kind: s.literal('starter', 'known', 'folder'),
      id: s.optional(s.string({ min: 1, max: 200 })),
      path: s.optional(s.string({ min: 1 })),
      layers: s.optional(layerNames),
    }).parse(value, path);
    if (v.kind === 'starter') return { kind: 'starter' };
    if (v.kind === 'known') {
      if (!v.id) throw new SchemaError(`${path}.id`, 'a model id', undefined);
      return { kind: 'known', id: v.id };
    }
    if (!v.path) throw new SchemaError(`${path}.path`, 'a folder path', undefined);
    return v.layers ? { kind: 'folder', path: v.path, layers: v.layers } : { kind: 'folder', path: v.path };
  },
};
const strategyName = s.literal(...STRATEGY_NAMES);
const schedule: Schema<ScheduleSetting> = {
  parse(value, path = 'schedule') {
    const v = s.object({ kind: s.literal('linear', 'exponential'), step: s.optional(s.number({ min: 0.001, max: 1 })), gamma: s.optional(s.number({ min: 0, max: 0.999 })) }).parse(value, path);
    if (v.kind === 'linear') {
      if (v.step === undefined) throw new SchemaError(`${path}.step`, 'a step in (0, 1]', undefined);
      return { kind: 'linear', step: v.step };
    }
    if (v.gamma === undefined) throw new SchemaError(`${path}.gamma`, 'a gamma in [0, 1)', undefined);
    return { kind: 'exponential', gamma: v.gamma };
  },
};

export const requests = {
  'app:info': req(s.none()).returns<AppInfo>(),

  'project:recent': req(s.none()).returns<RecentProject[]>(),
  'project:forgetRecent': req(s.object({ path: s.string({ min: 1 }) })).returns<RecentProject[]>(),
  /** Native folder dialog (Electron only); null when cancelled. */
  'project:pickFolder': req(s.none()).returns<string | null>(),
  'project:checkPath': req(s.object({ path: s.string() })).returns<PathCheck>(),
  'project:completePath': req(s.object({ partial: s.string() })).returns<PathCompletion>(),
  /** Open the project in `path`, creating it when `create` is true and none exists. */
  'project:open': req(s.object({ path: s.string({ min: 1 }), create: s.boolean() })).returns<ProjectSummary>(),
  'project:close': req(s.none()).returns<null>(),
  'project:current': req(s.none()).returns<ProjectSummary | null>(),
  'project:rescan': req(s.none()).returns<ScanReport>(),
  'project:unreadable': req(s.none()).returns<UnreadableFile[]>(),

  'images:list': req(
    s.object({ filter, offset: s.int({ min: 0 }), limit: s.int({ min: 1, max: 5000 }) }),
  ).returns<ImagePage>(),
  'images:get': req(s.object({ id })).returns<ImageItem>(),

  'classes:list': req(s.none()).returns<ClassInfo[]>(),
  'classes:create': req(s.object({ name: s.string({ min: 1, max: 80 }), color: s.optional(color) })).returns<ClassInfo>(),
  'classes:update': req(
    s.object({ id, name: s.optional(s.string({ min: 1, max: 80 })), color: s.optional(color), hotkey: s.optional(hotkey) }),
  ).returns<ClassInfo>(),
  'classes:reorder': req(s.object({ ids: s.array(id, { max: 1000 }) })).returns<ClassInfo[]>(),
  /** Delete a class; its images become unlabeled and the change is kept in the history. */
  'classes:delete': req(s.object({ id })).returns<{ unlabeledImages: number }>(),

  'labels:set': req(s.object({ imageIds: s.array(id, { max: 100_000 }), classId: s.nullable(id) })).returns<LabelAction>(),
  'labels:undo': req(s.none()).returns<LabelAction | null>(),
  'labels:redo': req(s.none()).returns<LabelAction | null>(),
  'labels:history': req(s.object({ imageId: s.optional(id), limit: s.int({ min: 1, max: 10_000 }) })).returns<HistoryEntry[]>(),
  /** Import labels from a CSV file of `path,class` rows (header optional). */
  'labels:importCsv': req(s.object({ path: s.string({ min: 1 }), createClasses: s.boolean() })).returns<ImportReport>(),

  /** A ready-to-label project made offline from the starter model's demo images. */
  'project:createDemo': req(s.object({ path: s.string({ min: 1 }) })).returns<ProjectSummary>(),

  'engine:models': req(s.none()).returns<ModelOption[]>(),
  'engine:inspectFolder': req(s.object({ path: s.string({ min: 1 }) })).returns<ModelInspection>(),
  'engine:status': req(s.none()).returns<EngineStatus>(),
  /** Choose the project's pre-trained model: downloads (known models) and extracts features in the background. */
  'engine:chooseModel': req(s.object({ choice: modelChoice })).returns<EngineStatus>(),
  'engine:cancelFeatures': req(s.none()).returns<EngineStatus>(),
  'engine:resumeFeatures': req(s.none()).returns<EngineStatus>(),

  'loop:settings': req(s.none()).returns<LoopSettings>(),
  'loop:updateSettings': req(
    s.object({
      strategy: s.optional(strategyName),
      batchSize: s.optional(s.int({ min: 1, max: 500 })),
      schedule: s.optional(schedule),
      uncertainty: s.optional(s.literal(...UNCERTAINTY_NAMES)),
      mode: s.optional(s.literal('light', 'deep')),
      continuous: s.optional(s.boolean()),
    }),
  ).returns<LoopSettings>(),
  /** The open round (its batch), or null before the first. */
  'loop:currentRound': req(s.none()).returns<RoundInfo | null>(),
  /** Query a new batch (the previous one may be partly labeled). */
  'loop:nextRound': req(s.none()).returns<RoundInfo>(),
  /** Fine-tune on every training label now. */
  'loop:train': req(s.none()).returns<EngineStatus>(),
  'loop:rounds': req(s.object({ limit: s.int({ min: 1, max: 1000 }) })).returns<RoundInfo[]>(),
  /** The current model's suggestion for one image (null before a model exists). */
  'loop:suggestion': req(s.object({ imageId: id })).returns<Suggestion | null>(),

  /** Add a random sample of unlabeled, never-queried images to the evaluation set. */
  'evaluation:sample': req(s.object({ count: s.int({ min: 1, max: 10_000 }) })).returns<{ added: number; size: number }>(),
  'dashboard:get': req(s.none()).returns<Dashboard>(),

  'export:check': req(s.object({ destination: s.string({ min: 1 }) })).returns<PathCheck & { empty: boolean }>(),
  'export:run': req(
    s.object({ destination: s.string({ min: 1 }), model: s.boolean(), labelsCsv: s.boolean(), labelsJson: s.boolean(), imageFolder: s.boolean() }),
  ).returns<ExportReport>(),
} as const;

export type Channel = keyof typeof requests;
export type ArgsOf<C extends Channel> = (typeof requests)[C] extends RequestDef<infer A, unknown> ? A : never;
export type ResultOf<C extends Channel> = (typeof requests)[C] extends RequestDef<unknown, infer R> ? R : never;
export const channels = Object.keys(requests) as Channel[];

// ---------------------------------------------------------------- pushed events

export interface Events {
  'job:progress': JobProgress;
  'job:completed': JobEnd;
  'job:failed': JobEnd & { error: ErrorData };
  'project:changed': { change: ProjectChange };
}
export type EventName = keyof Events;
export const eventNames: EventName[] = ['job:progress', 'job:completed', 'job:failed', 'project:changed'];

// ---------------------------------------------------------------- the bridge's shape

/** Raw bridge exposed as `window.api` (Electron preload) or built over WebSocket (browser). */
export type RawApi = {
  [C in Channel]: (args: ArgsOf<C>) => Promise<Result<ResultOf<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** Image variants served by the media route. */
export type MediaVariant = 'full' | 'thumb';
export const MEDIA_SCHEME = 'media';
