/**
 * The calling thread's own CPU time (not the process's: the engine worker and the writer threads
 * run in the same process), and on Linux how long it waited for a core while runnable. With
 * both a wall-clock stall of the main thread splits into: its own work (CPU), the OS running
 * something else on the cores (run-queue wait), and the rest (blocked off the CPU: a synchronous
 * read or fsync, a lock, a page fault).
 *
 * Sources, best first:
 * - `schedstat`: /proc/thread-self/schedstat — time on a CPU and time waiting on a run queue,
 *   both in nanoseconds (the scheduler's own clock; consecutive reads differ by ~1–2 µs);
 * - `threadCpuUsage`: `process.threadCpuUsage()` (Node ≥ 23.9; getrusage of the thread, µs), no wait;
 * - `proc-stat`: /proc/thread-self/stat utime + stime, in clock ticks (`getconf CLK_TCK`: 100 on
 *   Linux, so 10 ms steps), no wait.
 * /proc/thread-self is the thread that opens it: on the main thread /proc/<pid>/task/<pid>.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export type ThreadClockSource = 'schedstat' | 'threadCpuUsage' | 'proc-stat';

export interface ThreadTimes {
  /** CPU time of the thread (user + system), ms. */
  cpuMs: number;
  /** Time the thread was runnable but waiting for a core, ms (null: this source cannot say). */
  waitMs: number | null;
}

export interface ThreadClock {
  readonly source: ThreadClockSource;
  /** The step of the source's unit, ms (a reading is a multiple of it). */
  readonly unitMs: number;
  read(): ThreadTimes;
  close(): void;
}

type ThreadCpuUsage = () => { user: number; system: number };

/** Node ≥ 23.9 has process.threadCpuUsage; Node 20 (this repo's runtime for benches) does not. */
function nodeThreadCpuUsage(): ThreadCpuUsage | null {
  const fn = (process as unknown as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage;
  return typeof fn === 'function' ? fn.bind(process) : null;
}

/** A /proc file of the calling thread, read again from its start on each call (no reopen). */
function procReader(name: string): { read(): string; close(): void } | null {
  let fd: number;
  try {
    fd = fs.openSync(`/proc/thread-self/${name}`, 'r');
  } catch {
    return null;
  }
  const buffer = Buffer.alloc(1024);
  return {
    read: () => buffer.toString('latin1', 0, fs.readSync(fd, buffer, 0, buffer.length, 0)),
    close: () => fs.closeSync(fd),
  };
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(ticks) && ticks > 0) return ticks;
  } catch {
    // no getconf: USER_HZ, which Linux exports /proc times in, is 100
  }
  return 100;
}

/** utime + stime (fields 14 and 15) of a /proc/…/stat line, in ticks; the command name may hold spaces and parentheses. */
export function statCpuTicks(line: string): number {
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc stat line: ${line.slice(0, 80)}`);
  return utime + stime;
}

/** CPU and run-queue wait in ns (the first two fields) of a /proc/…/schedstat line. */
export function schedstatNs(line: string): { runNs: number; waitNs: number } {
  const [run, wait] = line.trim().split(/\s+/).map(Number);
  if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait)) throw new Error(`not a schedstat line: ${line}`);
  return { runNs: run, waitNs: wait };
}

/**
 * A clock of the calling thread from the best source there is (or the one asked for: a test
 * checks each). Throws when the source is not available here.
 */
export function threadClock(source?: ThreadClockSource): ThreadClock {
  const wanted: ThreadClockSource[] = source ? [source] : ['schedstat', 'threadCpuUsage', 'proc-stat'];
  for (const kind of wanted) {
    if (kind === 'schedstat') {
      const reader = procReader('schedstat');
      if (!reader) continue;
      return {
        source: kind,
        unitMs: 1e-6,
        read: () => {
          const { runNs, waitNs } = schedstatNs(reader.read());
          return { cpuMs: runNs / 1e6, waitMs: waitNs / 1e6 };
        },
        close: reader.close,
      };
    }
    if (kind === 'threadCpuUsage') {
      const usage = nodeThreadCpuUsage();
      if (!usage) continue;
      return {
        source: kind,
        unitMs: 1e-3,
        read: () => {
          const { user, system } = usage();
          return { cpuMs: (user + system) / 1000, waitMs: null };
        },
        close: () => undefined,
      };
    }
    const reader = procReader('stat');
    if (!reader) continue;
    const msPerTick = 1000 / clockTicksPerSecond();
    return {
      source: kind,
      unitMs: msPerTick,
      read: () => ({ cpuMs: statCpuTicks(reader.read()) * msPerTick, waitMs: null }),
      close: reader.close,
    };
  }
  throw new Error(`no thread CPU clock here (${wanted.join(', ')}): needs Linux /proc or Node ≥ 23.9`);
}

/** Available sources on this machine (for tests and the bench's header line). */
export function threadClockSources(): ThreadClockSource[] {
  return (['schedstat', 'threadCpuUsage', 'proc-stat'] as const).filter((kind) => {
    try {
      threadClock(kind).close();
      return true;
    } catch {
      return false;
    }
  });
}
