/** Pushed events: background jobs' progress and the open project's changes. */
import type { ErrorData } from './app-error';
import type { ClassInfo } from './requests/classes';
import type { EngineStatus } from './requests/engine';
import type { LabelAction } from './requests/labels';
import type { RoundInfo } from './requests/loop';

export type JobKind = 'scan' | 'download' | 'extract' | 'train' | 'export' | 'check-labels' | 'import' | 'duplicates';

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

/**
 * A change of the open project, announced by the state's owner with what a view needs to
 * follow it without asking again: the class list (with counts), the label action and the
 * new counts, the engine status, the new round.
 */
export type ProjectChanged =
  /** 'scores': versions were scored on the evaluation set (Evaluation.scorePending). */
  | { change: 'scanned' | 'model' | 'evaluation' | 'scores' }
  /** `session`: the opening that began or ended (see OpenProjectSummary); `name`: the project's. */
  | { change: 'opened' | 'closed'; session: string; name: string }
  | { change: 'classes'; classes: ClassInfo[] }
  /**
   * `action` is null for an import (many rows); `imported` is then how many images it labeled or
   * marked unsure (0 otherwise). `origin`: the window whose request made the change (the id it
   * sent, src-shared/window-id.ts), null when no window asked (the command line, a test).
   */
  | { change: 'labels'; action: LabelAction | null; origin: string | null; imported: number; labeledCount: number; unsureCount: number; classes: ClassInfo[] }
  | { change: 'engine'; status: EngineStatus }
  | { change: 'round'; round: RoundInfo }
  /** Something outside the app damaged the project and the app repaired it; say what may be lost. */
  | { change: 'warning'; message: string };

export type ProjectChange = ProjectChanged['change'];

export interface Events {
  'job:progress': JobProgress;
  'job:completed': JobEnd;
  'job:failed': JobEnd & { error: ErrorData };
  'project:changed': ProjectChanged;
}
export type EventName = keyof Events;
export const eventNames: EventName[] = ['job:progress', 'job:completed', 'job:failed', 'project:changed'];
