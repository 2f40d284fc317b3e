/** Progress reporting for long jobs: rate over a sliding window, ETA, throttled events. */
import { randomUUID } from 'node:crypto';
import type { JobKind, JobProgress } from '../../src-preload/contract';
import type { EventHub } from './event-hub';
import { knownError } from '../project/storage-errors';

const WINDOW_MS = 5000;
const MIN_INTERVAL_MS = 100;

export class JobReporter {
  readonly jobId = randomUUID();
  private readonly samples: { t: number; done: number }[] = [];
  private lastEmit = 0;

  constructor(
    private readonly hub: EventHub,
    readonly kind: JobKind,
  ) {}

  progress(phase: string, done: number, total: number, force = false): void {
    const now = performance.now();
    this.samples.push({ t: now, done });
    while (this.samples.length > 2 && now - this.samples[0]!.t > WINDOW_MS) this.samples.shift();
    if (!force && now - this.lastEmit < MIN_INTERVAL_MS) return;
    this.lastEmit = now;
    const first = this.samples[0]!;
    const elapsed = (now - first.t) / 1000;
    const rate = elapsed > 0.2 && done > first.done ? (done - first.done) / elapsed : null;
    const payload: JobProgress = {
      jobId: this.jobId,
      kind: this.kind,
      phase,
      done,
      total,
      rate,
      etaSeconds: rate && total >= done ? (total - done) / rate : null,
    };
    this.hub.emit('job:progress', payload);
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
