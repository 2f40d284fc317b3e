/**
 * What the adaptation modules need from the engine: run a job to completion, or start one
 * and follow it. The engine client (worker thread) implements it; tests pass a fake.
 */
import type { EngineJob, ProgressListener } from '../engine/engine-client';
import type { JobArgs, JobKind, JobResult } from '../engine/worker-protocol';

export interface EnginePort {
  request<K extends JobKind>(kind: K, args: JobArgs<K>, options?: { signal?: AbortSignal; onProgress?: ProgressListener }): Promise<JobResult<K>>;
  start<K extends JobKind>(kind: K, args: JobArgs<K>): EngineJob<K>;
}
