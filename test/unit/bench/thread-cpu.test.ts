/**
 * The bench's thread CPU clock (bench/support/thread-cpu.ts) and the stall instrument built on it
 * (bench/support/main-thread-stalls.ts). On a loaded machine a wall-clock interval says little
 * about the thread's CPU, so the busy loops run until the process has used a given CPU time
 * (process.cpuUsage, an independent clock), and every assertion is on CPU.
 */
import { describe, expect, it } from 'vitest';
import { MainThreadStalls, stallCause, type Stall } from '../../../bench/support/main-thread-stalls';
import { schedstatNs, statCpuTicks, threadClock, threadClockSources } from '../../../bench/support/thread-cpu';

/** Spin until this process has used `ms` more CPU time (all threads; this one does nearly all of it). */
function spinCpu(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    for (let i = 0; i < 10_000; i++) Math.sqrt(i);
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sources = threadClockSources();

describe('thread CPU clock', () => {
  it('has a source on this machine, schedstat first on Linux', () => {
    expect(sources.length).toBeGreaterThan(0);
    if (process.platform === 'linux') {
      expect(sources).toContain('schedstat');
      expect(threadClock().source).toBe('schedstat');
    }
  });

  it.each(sources)('%s: a busy loop of 200 ms of CPU reads as at least 150 ms; a 200 ms sleep as near 0', async (source) => {
    const clock = threadClock(source);
    try {
      const before = clock.read();
      spinCpu(200);
      const busy = clock.read();
      const busyMs = busy.cpuMs - before.cpuMs;
      expect(busyMs).toBeGreaterThanOrEqual(150);
      expect(busyMs).toBeLessThan(200 + 200); // not the process's other threads' time many times over
      await sleep(200);
      const slept = clock.read().cpuMs - busy.cpuMs;
      expect(slept).toBeLessThan(20 + clock.unitMs); // the timer's wake-up; one step for tick clocks
      if (busy.waitMs !== null && before.waitMs !== null) expect(busy.waitMs).toBeGreaterThanOrEqual(before.waitMs);
    } finally {
      clock.close();
    }
  });

  it('reads another thread than the process: a worker spinning does not count on this thread', async () => {
    const { Worker } = await import('node:worker_threads');
    const clock = threadClock();
    try {
      const worker = new Worker(
        `const start = process.cpuUsage(); for (;;) { const u = process.cpuUsage(start); if (u.user + u.system > 300000) break; } require('node:worker_threads').parentPort.postMessage('done');`,
        { eval: true },
      );
      const before = clock.read();
      await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      expect(clock.read().cpuMs - before.cpuMs).toBeLessThan(100);
    } finally {
      clock.close();
    }
  });

  it('parses /proc stat lines whose command holds spaces and parentheses, and schedstat lines', () => {
    const line = '4242 (node (a) b) S 1 4242 4242 0 -1 4194560 2000 0 0 0 1234 56 0 0 20 0 11 0 100 0 0';
    expect(statCpuTicks(line)).toBe(1234 + 56);
    expect(schedstatNs('488379 96408 1\n')).toEqual({ runNs: 488379, waitNs: 96408 });
    expect(() => schedstatNs('garbage')).toThrow(/schedstat/);
  });
});

describe('main-thread stalls', () => {
  it('a hold of the thread by our own code reads as CPU over 100 ms and names the task', async () => {
    const stalls = new MainThreadStalls(50);
    try {
      await new Promise<void>((resolve) =>
        setTimeout(function holdTheThread() {
          spinCpu(200);
          resolve();
        }, 0),
      );
      await sleep(30); // the 10 ms interval, overdue, fires before this timeout: it has seen the stall
      const report = stalls.report();
      // The hold's stall: the one with the most CPU (on a loaded machine others may be longer in wall time).
      const stall = report.stalls.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
      expect(report.over).toBeGreaterThanOrEqual(1);
      expect(report.cpuOver).toBeGreaterThanOrEqual(1);
      expect(stall.cpuMs).toBeGreaterThanOrEqual(150);
      expect(stallCause(stall)).toBe('cpu');
      expect(stall.task).toBe('Timeout(holdTheThread)');
    } finally {
      stalls.stop();
    }
  });

  it('a thread blocked off the CPU (Atomics.wait) stalls without CPU', async () => {
    const stalls = new MainThreadStalls(50);
    try {
      await sleep(0);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      await sleep(30);
      const report = stalls.report();
      expect(report.over).toBeGreaterThanOrEqual(1);
      expect(report.cpuOver).toBe(0);
      // The wait's stall: the one least explained by CPU and run-queue wait (others may be descheduling).
      const offCpu = (s: Stall): number => s.ms - s.cpuMs - (s.waitMs ?? 0);
      const stall = report.stalls.reduce((a, b) => (offCpu(b) > offCpu(a) ? b : a));
      expect(stall.ms).toBeGreaterThan(150);
      expect(stall.cpuMs).toBeLessThan(100);
      if (stall.waitMs !== null) expect(stallCause(stall)).toBe('blocked');
    } finally {
      stalls.stop();
    }
  });
});
