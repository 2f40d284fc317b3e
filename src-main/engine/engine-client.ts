/**
 * Plain-Node client of the engine worker: starts the worker thread, sends typed job
 * requests, returns promises, forwards progress events to listeners (each subscription
 * returns its own unsubscribe), cancels jobs and terminates the worker. Used by the main
 * process, the web host and the CLI alike.
 *
 * Worker location (core/worker-thread.ts): from the built app, `engine-worker.js` beside the
 * bundle that contains this client (`out/main/`); from the TypeScript sources (tests, `tsx`
 * scripts), `worker.ts` beside this file, run through tsx. `workerPath` overrides both.
 */
import { randomUUID } from 'node:crypto';
import type { Worker, ResourceLimits } from 'node:worker_threads';
import { AppError } from '../../src-shared/app-error';
import { startWorker, workerEntryPath } from '../core/worker-thread';
import type { BackendName } from './backend';
import type { ClientMessage, JobArgs, JobKind, JobRequest, JobResult, ProgressEvent, WorkerMessage } from './worker-protocol';

/** How long `terminate` lets the worker finish what runs (one batch, one training step) before it is cut off. */
const SHUTDOWN_GRACE_MS = 15_000;

export interface EngineClientOptions {
  /** Path of the worker entry (.js, or .ts run through tsx). */
  workerPath?: string;
  resourceLimits?: ResourceLimits;
  /** Environment of the worker (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export type ProgressListener = (event: ProgressEvent) => void;

export interface EngineJob<K extends JobKind> {
  id: string;
  kind: K;
  result: Promise<JobResult<K>>;
  /** Listen to this job's progress; returns the unsubscribe. */
  onProgress(listener: ProgressListener): () => void;
  cancel(): void;
}

interface Pending {
  kind: JobKind;
  resolve(value: unknown): void;
  reject(error: AppError): void;
  listeners: Set<ProgressListener>;
}

export class EngineClient {
  private readonly worker: Worker;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<ProgressListener>();
  private readonly ready: Promise<void>;
  private terminated = false;
  private exited = false;
  /** The backend named by the latest event (null until the worker reports one). */
  backend: BackendName | null = null;

  constructor(options: EngineClientOptions = {}) {
    this.worker = startWorker(options.workerPath ?? workerEntryPath(import.meta.url, './worker.ts', 'engine-worker.js', 'engine worker'), options);
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage): void => {
        if (message.type === 'ready') resolve();
      };
      this.worker.once('message', onMessage);
      this.worker.once('error', reject);
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.worker.on('error', (error) => this.failAll(new AppError('INTERNAL', `The engine worker crashed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.terminated = true;
      this.failAll(new AppError(code === 0 ? 'CANCELLED' : 'INTERNAL', `The engine worker stopped (exit code ${code}).`));
    });
  }

  /** Start a job; its `result` settles with the job's `completed` or `failed` event. */
  start<K extends JobKind>(kind: K, args: JobArgs<K>): EngineJob<K> {
    const id = randomUUID();
    const listeners = new Set<ProgressListener>();
    const result = new Promise<JobResult<K>>((resolve, reject) => {
      if (this.terminated) {
        reject(new AppError('INTERNAL', 'The engine worker has been terminated.'));
        return;
      }
      this.pending.set(id, { kind, resolve: resolve as (value: unknown) => void, reject, listeners });
      this.send({ type: 'request', id, kind, args } as JobRequest);
    });
    return {
      id,
      kind,
      result,
      onProgress: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      cancel: () => this.cancel(id),
    };
  }

  /** Run a job to completion; aborting `signal` cancels it. */
  request<K extends JobKind>(kind: K, args: JobArgs<K>, options: { signal?: AbortSignal; onProgress?: ProgressListener } = {}): Promise<JobResult<K>> {
    const job = this.start(kind, args);
    if (options.onProgress) job.onProgress(options.onProgress);
    const abort = (): void => job.cancel();
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) job.cancel();
    return job.result.finally(() => options.signal?.removeEventListener('abort', abort));
  }

  /** Listen to progress of every job; returns the unsubscribe. */
  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(jobId: string): void {
    if (this.pending.has(jobId) && !this.terminated) this.send({ type: 'cancel', id: jobId });
  }

  /** Resolves once the worker has started and loaded its modules. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /**
   * Stop the worker; running jobs fail with CANCELLED at once. The worker first cancels and
   * awaits its jobs and releases its ONNX Runtime sessions (terminating a thread under a
   * running session aborts the whole process, main thread included); a worker that has not
   * stopped within `graceMs` is terminated anyway.
   */
  async terminate(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    this.failAll(new AppError('CANCELLED', 'The engine was stopped.'));
    if (!this.exited) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.worker.off('message', onMessage);
          this.worker.off('exit', done);
          resolve();
        };
        const onMessage = (message: WorkerMessage): void => {
          if (message.type === 'stopped') done();
        };
        const timer = setTimeout(done, graceMs);
        this.worker.on('message', onMessage);
        this.worker.on('exit', done);
        this.send({ type: 'shutdown' });
      });
    }
    await this.worker.terminate();
  }

  private send(message: ClientMessage): void {
    this.worker.postMessage(message);
  }

  private receive(message: WorkerMessage): void {
    if (message.type === 'ready' || message.type === 'stopped') return;
    this.backend = message.backend ?? this.backend;
    const pending = this.pending.get(message.jobId);
    if (message.type === 'progress') {
      for (const listener of [...this.listeners]) listener(message);
      if (pending) for (const listener of [...pending.listeners]) listener(message);
      return;
    }
    if (!pending) return;
    this.pending.delete(message.jobId);
    if (message.type === 'completed') pending.resolve(message.result);
    else pending.reject(AppError.from(message.error));
  }

  private failAll(error: AppError): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(error);
    }
  }
}
