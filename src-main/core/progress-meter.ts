/**
 * Rate and time-left estimates for long jobs: the rate is measured over a sliding window
 * of recent updates (so it follows speed changes) and falls back to the overall average.
 * The one meter of the application: the engine worker measures its jobs with it and the
 * measurements travel with each progress event; the back end measures its own jobs (scan,
 * export) with it too; nobody measures twice.
 */

export interface ProgressSnapshot {
  done: number;
  total: number;
  /** Items per second (0 until measurable). */
  rate: number;
  /** Seconds left at the current rate, or null while unknown. */
  etaSeconds: number | null;
}

export class ProgressMeter {
  private readonly samples: { at: number; done: number }[] = [];
  private done = 0;

  constructor(
    private total: number,
    private readonly windowMs = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.samples.push({ at: now(), done: 0 });
  }

  /** Record the new count of finished items (and the total, when it is learned on the way) and get a snapshot. */
  update(done: number, total = this.total): ProgressSnapshot {
    this.done = done;
    this.total = total;
    const at = this.now();
    this.samples.push({ at, done });
    while (this.samples.length > 2 && at - (this.samples[1] as { at: number }).at > this.windowMs) this.samples.shift();
    return this.snapshot();
  }

  snapshot(): ProgressSnapshot {
    const first = this.samples[0] as { at: number; done: number };
    const last = this.samples[this.samples.length - 1] as { at: number; done: number };
    const seconds = (last.at - first.at) / 1000;
    const rate = seconds > 0 ? (last.done - first.done) / seconds : 0;
    const left = Math.max(0, this.total - this.done);
    return { done: this.done, total: this.total, rate, etaSeconds: left === 0 ? 0 : rate > 0 ? left / rate : null };
  }
}
