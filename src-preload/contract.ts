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
  | { kind: 'class'; classId: number };

export type JobKind = 'scan';

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

export type ProjectChange = 'opened' | 'closed' | 'scanned' | 'classes' | 'labels';

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
    const kind = s.object({ kind: s.literal('all', 'unlabeled', 'labeled', 'class'), classId: s.optional(id) }).parse(value, path);
    if (kind.kind === 'class') {
      if (kind.classId === undefined) throw new SchemaError(`${path}.classId`, 'a class id (required for kind "class")', undefined);
      return { kind: 'class', classId: kind.classId };
    }
    return { kind: kind.kind };
  },
};
const color = s.string({ min: 4, max: 9 });
const hotkey = s.string({ min: 1, max: 1 });

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
