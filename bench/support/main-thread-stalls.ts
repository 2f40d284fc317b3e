/**
 * Stalls of the host's main thread (the Node event loop), one by one: a 10 ms timer that fires
 * late by more than `threshold` ms was held up that long (a request arriving then waited that
 * long). Unlike the event-loop-delay histogram's maximum it counts them and says when they
 * happened, so a bench can tell which phase they fall in.
 *
 * Each stall also says why, so that a wall-clock stall on a shared machine is not taken for our
 * code's: the main thread's own CPU time over the stall's window and its wait for a core (a
 * thread clock, support/thread-cpu.ts, read at every tick), the garbage collector's pauses in the
 * window (PerformanceObserver 'gc'), and the macrotask that ran longest in it (an async_hooks
 * `before` hook: the resource's kind, with the callback's name for timers and immediates; its
 * span runs to the next macrotask, so it includes the task's promise continuations). A stall
 * whose CPU is under 100 ms was not our code holding the thread for 100 ms.
 */
import { createHook, executionAsyncResource, type AsyncHook } from 'node:async_hooks';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { threadClock, type ThreadClock, type ThreadTimes } from './thread-cpu';

const TICK_MS = 10;
const OVER_MS = 100;

export interface Stall {
  /** performance.now() when the timer noticed it. */
  at: number;
  /** How late the 10 ms timer fired, ms. */
  ms: number;
  /** The main thread's CPU time during the window (the stall and the tick before it), ms. */
  cpuMs: number;
  /** Its time waiting for a core meanwhile, ms (null: the clock cannot say). */
  waitMs: number | null;
  /** Garbage collection pauses overlapping the window: total ms and their kinds (filled by take). */
  gcMs: number;
  gc: string;
  /** The macrotask that ran longest in the window (null: none seen) and its span, ms. */
  task: string | null;
  taskMs: number;
}

export interface StallReport {
  /** Stalls over the threshold, longest first. */
  stalls: Stall[];
  /** Stalls over 100 ms of wall. */
  over: number;
  /** Of those, the main thread's own CPU over 100 ms. */
  cpuOver: number;
  /** Of the others, mostly waiting for a core (descheduled) / mostly off the CPU and not waiting (blocked: I/O, lock, page fault). */
  waiting: number;
  blocked: number;
}

/** Why a stall over 100 ms lasted: its own CPU, the OS running something else, or blocked. */
export function stallCause(stall: Pick<Stall, 'ms' | 'cpuMs' | 'waitMs'>): 'cpu' | 'waiting' | 'blocked' | 'unknown' {
  if (stall.cpuMs > OVER_MS) return 'cpu';
  if (stall.waitMs === null) return 'unknown';
  const window = stall.ms + TICK_MS;
  return stall.waitMs >= window - stall.cpuMs - stall.waitMs ? 'waiting' : 'blocked';
}

export function describeStall(stall: Stall): string {
  const parts = [`${stall.ms.toFixed(0)} ms (at ${(stall.at / 1000).toFixed(3)} s): CPU ${stall.cpuMs.toFixed(0)}`];
  if (stall.waitMs !== null) parts.push(`waiting for a core ${stall.waitMs.toFixed(0)}`);
  if (stall.gcMs > 0) parts.push(`GC ${stall.gcMs.toFixed(0)} (${stall.gc})`);
  if (stall.task) parts.push(`longest task ${stall.task} ${stall.taskMs.toFixed(0)}`);
  return parts.join(', ');
}

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** A cheap name for an async resource: its class, and the callback's name where it has one. */
function resourceName(resource: object): string {
  const kind = resource.constructor?.name ?? 'unknown';
  const r = resource as { _onTimeout?: unknown; _onImmediate?: unknown; oncomplete?: unknown };
  const callback = r._onTimeout ?? r._onImmediate ?? r.oncomplete;
  const name = typeof callback === 'function' ? callback.name : '';
  return name ? `${kind}(${name})` : kind;
}

export class MainThreadStalls {
  private readonly timer: NodeJS.Timeout;
  private readonly clock: ThreadClock;
  private readonly gcObserver: PerformanceObserver;
  private readonly hook: AsyncHook | null;
  private last = performance.now();
  private lastTimes: ThreadTimes;
  private stalls: Stall[] = [];
  private gcPauses: { start: number; end: number; kind: string }[] = [];
  // The macrotask tag (async_hooks): the current top-level task, and the longest since the last tick.
  private depth = 0;
  private span: { start: number; name: string } | null = null;
  private longest: { name: string; ms: number } | null = null;

  constructor(
    private readonly threshold = 50,
    options: { tagTasks?: boolean } = {},
  ) {
    this.clock = threadClock();
    this.lastTimes = this.clock.read();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.duration < 1) continue;
        const kind = gcKinds[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
        this.gcPauses.push({ start: entry.startTime, end: entry.startTime + entry.duration, kind });
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.hook =
      options.tagTasks === false
        ? null
        : createHook({
            before: () => {
              const resource = executionAsyncResource();
              if (resource instanceof Promise) return; // a continuation belongs to the task that ran before it
              if (this.depth++ > 0) return;
              this.closeSpan();
              this.span = resource === this.timer ? null : { start: performance.now(), name: resourceName(resource) };
            },
            after: () => {
              if (executionAsyncResource() instanceof Promise) return;
              this.depth = Math.max(0, this.depth - 1);
            },
          }).enable();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** The clock's source and step, for a bench's header line. */
  get clockSource(): string {
    return `${this.clock.source} (step ${this.clock.unitMs >= 1 ? `${this.clock.unitMs} ms` : `${(this.clock.unitMs * 1e6).toFixed(0)} ns`})`;
  }

  private closeSpan(): void {
    if (!this.span) return;
    const ms = performance.now() - this.span.start;
    if (!this.longest || ms > this.longest.ms) this.longest = { name: this.span.name, ms };
    this.span = null;
  }

  private tick(): void {
    this.depth = 1; // this tick is the one task running (heals a count an exception left uneven)
    this.check(performance.now());
  }

  private check(now: number): void {
    const times = this.clock.read();
    const late = now - this.last - TICK_MS;
    if (late > this.threshold) {
      const cpuMs = times.cpuMs - this.lastTimes.cpuMs;
      const waitMs = times.waitMs === null || this.lastTimes.waitMs === null ? null : times.waitMs - this.lastTimes.waitMs;
      this.stalls.push({ at: now, ms: late, cpuMs, waitMs, gcMs: 0, gc: '', task: this.longest?.name ?? null, taskMs: this.longest?.ms ?? 0 });
    }
    this.last = now;
    this.lastTimes = times;
    this.longest = null;
  }

  /** The stalls since the last take, longest first, with the counts by cause; starts over. */
  report(): StallReport {
    // A stall still going on (the code calling take() held the thread since the timer last ran) counts here.
    this.closeSpan();
    this.check(performance.now());
    const stalls = this.stalls.sort((a, b) => b.ms - a.ms);
    this.stalls = [];
    for (const stall of stalls) {
      const from = stall.at - stall.ms - TICK_MS;
      const pauses = this.gcPauses.filter((p) => p.end > from && p.start < stall.at);
      stall.gcMs = pauses.reduce((sum, p) => sum + Math.min(p.end, stall.at) - Math.max(p.start, from), 0);
      stall.gc = [...new Set(pauses.map((p) => p.kind))].join(', ');
    }
    this.gcPauses = this.gcPauses.filter((p) => p.end > performance.now() - 60_000);
    const over = stalls.filter((s) => s.ms > OVER_MS);
    const causes = over.map(stallCause);
    return {
      stalls,
      over: over.length,
      cpuOver: causes.filter((c) => c === 'cpu').length,
      waiting: causes.filter((c) => c === 'waiting').length,
      blocked: causes.filter((c) => c === 'blocked').length,
    };
  }

  /**
   * One line: "N over 100 ms (main-thread CPU over 100 ms: M; waiting for a core: K; blocked: B),
   * longest …", then each stall over 100 ms with its CPU, wait, GC and longest task; starts over.
   */
  take(top = 5): string {
    const r = this.report();
    const longest = r.stalls.length ? `, longest ${r.stalls.slice(0, top).map((s) => s.ms.toFixed(0)).join(' / ')} ms` : '';
    const causes = r.over ? ` (main-thread CPU over 100 ms: ${r.cpuOver}; waiting for a core: ${r.waiting}; blocked: ${r.blocked})` : '';
    const detail = r.stalls.filter((s) => s.ms > OVER_MS).map((s) => `\n    stall ${describeStall(s)}`);
    return `${r.over} over 100 ms${causes}${longest}${detail.join('')}`;
  }

  stop(): void {
    clearInterval(this.timer);
    this.hook?.disable();
    this.gcObserver.disconnect();
    this.clock.close();
  }
}
