/**
 * A database writer thread, seen from the host: large writes run there on the thread's own
 * connection to the project database, so the host's main thread keeps answering requests (a
 * Ctrl+A label of 100,000 images held it for 0.8-1.9 s, a model version's 100,000 predictions
 * for 1-2.5 s). Started on first use, one operation at a time in the order given, closed with
 * the project. The thread's side is writer-thread-serve.ts; each kind of writer has its own
 * entry (label-writer-worker.ts, adaptation/version-writer-worker.ts).
 *
 * Why this is safe: SQLite in WAL mode lets the host's connection read while the thread
 * writes; the host's readers see the state before an operation until its transaction commits,
 * then all of it (never half). If the thread or the process dies mid-operation the
 * transaction is rolled back by SQLite: nothing of it is saved, the rest is intact. Writes of
 * the host's own connection wait (SQLite's busy timeout) while a thread commits.
 */
import type { Worker } from 'node:worker_threads';
import { AppError, type ErrorData } from '../../src-shared/app-error';
import { startWorker } from '../core/worker-thread';

export interface WriterThreadSetup {
  dbFile: string;
  actor: string;
  /** Tests: the thread says when it begins each write (before its transaction). */
  announceWrites?: boolean;
}

export type WriterThreadRequest<O> = { kind: 'apply'; id: number; operation: O } | { kind: 'close' };

export type WriterThreadReply<R> =
  | { id: number; ok: true; value: R }
  | { id: number; ok: false; error: ErrorData }
  | { id: number; started: true }
  | { id: number; ready: true };

interface Pending<R> {
  resolve(value: R): void;
  reject(error: AppError): void;
}

export class WriterThread<O, R> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending<R>>();
  private nextId = 1;
  private failure: AppError | null = null;
  private readonly exited: Promise<void>;
  /** Tests: called when the thread begins a write. */
  onWriteStarted: ((id: number) => void) | null = null;

  constructor(
    workerPath: string,
    setup: WriterThreadSetup,
    /** Says what the thread writes, in its error messages ("label writer"). */
    private readonly what: string,
  ) {
    this.worker = startWorker(workerPath, { workerData: setup });
    this.worker.on('message', (reply: WriterThreadReply<R>) => {
      if ('started' in reply) {
        this.onWriteStarted?.(reply.id);
        return;
      }
      if ('ready' in reply) return;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(AppError.from(reply.error));
    });
    this.worker.on('error', (error) => this.failAll(new AppError('INTERNAL', `The ${what} stopped: ${error.message}. The change in progress was not saved; try again.`)));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        this.failAll(new AppError('INTERNAL', `The ${what} stopped; the change in progress was not saved. Try again.`));
        resolve();
      });
    });
  }

  /**
   * Apply one operation in the thread; resolves once it is committed (or rejects: nothing of it
   * was saved). `transfer`: buffers of the operation moved to the thread rather than copied
   * (they are unusable here afterwards).
   */
  apply(operation: O, transfer: readonly ArrayBuffer[] = []): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'apply', id, operation } satisfies WriterThreadRequest<O>, [...transfer]);
    });
  }

  /** Close the thread's connection after the operations sent so far, and end the thread. */
  async close(): Promise<void> {
    if (!this.failure) this.worker.postMessage({ kind: 'close' } satisfies WriterThreadRequest<O>);
    await this.exited;
  }

  private failAll(error: AppError): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
