/**
 * Progress reporting for long jobs as `job:*` events: throttled progress (rate and time left
 * from the one progress meter), then completed or failed. Engine jobs forward the worker's
 * own measurements; jobs of the back end (scan, export) are measured here.
 */
import { randomUUID } from 'node:crypto';
import type { JobKind } from '../../src-shared/contract';
import type { EventHub } from './event-hub';
import { knownError } from './storage-errors';
import { ProgressMeter, type ProgressSnapshot } from './progress-meter';

const WINDOW_MS = 5000;
const MIN_INTERVAL_MS = 100;

/** A progress event of the engine worker, as far as the UI needs it. */
export interface MeasuredProgress extends ProgressSnapshot {
  phase: string;
}

export class JobReporter {
  readonly jobId = randomUUID();
  private readonly meter = new ProgressMeter(0, WINDOW_MS);
  private lastEmit = -Infinity;

  constructor(
    private readonly hub: EventHub,
    readonly kind: JobKind,
  ) {}

  /** Report progress of work measured here. */
  progress(phase: string, done: number, total: number, force = false): void {
    this.emit(phase, this.meter.update(done, total), force);
  }

  /** Report progress the engine worker measured (pass as an engine request's `onProgress`). */
  readonly forward = (event: MeasuredProgress): void => {
    this.emit(event.phase, event);
  };

  private emit(phase: string, { done, total, rate, etaSeconds }: ProgressSnapshot, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastEmit < MIN_INTERVAL_MS) return;
    this.lastEmit = now;
    const known = rate > 0 && Number.isFinite(rate);
    this.hub.emit('job:progress', {
      jobId: this.jobId,
      kind: this.kind,
      phase,
      done,
      total,
      rate: known ? rate : null,
      etaSeconds: known && total >= done ? etaSeconds : null,
    });
  }

  /** Run `work`, emitting completed or failed at the end. */
  async run<T>(work: (reporter: JobReporter) => Promise<T>): Promise<T> {
    try {
      const result = await work(this);
      this.hub.emit('job:completed', { jobId: this.jobId, kind: this.kind });
      return result;
    } catch (error) {
      const data = knownError(error, `The ${this.kind}`)?.toData() ?? { code: 'INTERNAL' as const, message: (error as Error).message };
      this.hub.emit('job:failed', { jobId: this.jobId, kind: this.kind, error: data });
      throw error;
    }
  }
}
