/** Pushed events: background jobs' progress and the open project's changes. */
import type { ErrorData } from './app-error';

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

export interface Events {
  'job:progress': JobProgress;
  'job:completed': JobEnd;
  'job:failed': JobEnd & { error: ErrorData };
  'project:changed': { change: ProjectChange };
}
export type EventName = keyof Events;
export const eventNames: EventName[] = ['job:progress', 'job:completed', 'job:failed', 'project:changed'];
