/** Scheduler timers driven by hand: tests fire timeouts and deferred calls when they choose. */
import type { SchedulerTimers } from '../../src-main/adaptation/training-scheduler';

export class ManualTimers implements SchedulerTimers {
  private nextId = 1;
  readonly timeouts = new Map<number, { callback: () => void; ms: number }>();
  readonly deferred: (() => void)[] = [];
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timeouts.set(id, { callback, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timeouts.delete(handle as number);
  }
  defer(callback: () => void): void {
    this.deferred.push(callback);
  }
  fireTimeouts(): void {
    const due = [...this.timeouts.values()];
    this.timeouts.clear();
    for (const t of due) t.callback();
  }
  runDeferred(): void {
    for (const callback of this.deferred.splice(0)) callback();
  }
}
