/**
 * The label writer thread, seen from the host: large label operations run there on the
 * thread's own connection, so the host's main thread keeps answering requests (a Ctrl+A
 * label of 100,000 images held it for 0.8-1.9 s). Started on first use, one operation at a
 * time in the order given, closed with the project.
 *
 * Why this is safe: SQLite in WAL mode lets the host's connection read while the thread
 * writes; the host's readers see the state before the operation until its transaction
 * commits, then all of it (never half). If the thread or the process dies mid-operation the
 * transaction is rolled back by SQLite: nothing of the action is saved, the rest is intact.
 * Writes of the host's own connection wait (SQLite's busy timeout) while the thread commits;
 * the host sends every label write through `Project.writeLabels`, which runs them in order,
 * so a label never waits on the lock.
 */
import type { Worker } from 'node:worker_threads';
import { AppError, type ErrorData } from '../../src-shared/app-error';
import type { LabelAction } from '../../src-shared/contract';
import { startWorker, workerEntryPath } from '../core/worker-thread';
import type { LabelOperation } from './label-operations';

export interface LabelWriterSetup {
  dbFile: string;
  actor: string;
  /** Tests: the thread says when it begins each write (before its transaction). */
  announceWrites?: boolean;
}

export type LabelWriterRequest = { kind: 'apply'; id: number; operation: LabelOperation } | { kind: 'close' };

export type LabelWriterReply =
  | { id: number; ok: true; value: LabelAction | null }
  | { id: number; ok: false; error: ErrorData }
  | { id: number; started: true }
  | { id: number; ready: true };

interface Pending {
  resolve(value: LabelAction | null): void;
  reject(error: AppError): void;
}

export class LabelWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: AppError | null = null;
  private readonly exited: Promise<void>;
  /** Tests: called when the thread begins a write. */
  onWriteStarted: ((id: number) => void) | null = null;

  constructor(setup: LabelWriterSetup, workerPath = workerEntryPath(import.meta.url, './label-writer-worker.ts', 'label-writer.js', 'label writer')) {
    this.worker = startWorker(workerPath, { workerData: setup });
    this.worker.on('message', (reply: LabelWriterReply) => {
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
    this.worker.on('error', (error) => this.failAll(new AppError('INTERNAL', `The label writer stopped: ${error.message}. The action in progress was not saved; try again.`)));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        this.failAll(new AppError('INTERNAL', 'The label writer stopped; the action in progress was not saved. Try again.'));
        resolve();
      });
    });
  }

  /** Apply one operation in the thread; resolves once it is committed (or rejects: nothing of it was saved). */
  apply(operation: LabelOperation): Promise<LabelAction | null> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'apply', id, operation } satisfies LabelWriterRequest);
    });
  }

  /** Close the thread's connection after the operations sent so far, and end the thread. */
  async close(): Promise<void> {
    if (!this.failure) this.worker.postMessage({ kind: 'close' } satisfies LabelWriterRequest);
    await this.exited;
  }

  private failAll(error: AppError): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
