/**
 * The tests' one way to wait for a state: look at `probe` until it gives a truthy value, and
 * return that value. Between looks it lets every pending promise, I/O callback and immediate run
 * (no clock involved), or, with `paceMs`, waits that long (a probe that asks the back end, or
 * looks at another process, would otherwise ask without a pause).
 *
 * The limit is a failure guard, not a wait: generous for two busy cores, and well under vitest's
 * test timeout (vitest.config.ts), so a test that cannot reach its state fails with what it
 * waited for and the last value the probe gave, not with vitest's bare timeout.
 */
export interface UntilOptions {
  /** Wait this long between looks; 0 (the default) lets pending work run and looks again. */
  paceMs?: number;
  /** Fail after this long without the state (ms). */
  limitMs?: number;
}

export const UNTIL_LIMIT_MS = 60_000;

type Probe<T> = () => T | null | undefined | false | PromiseLike<T | null | undefined | false>;

/** Wait until `probe` holds; the failure names the probe by its source text. */
export function until<T>(probe: Probe<T>, options?: UntilOptions): Promise<T>;
/** Wait until `probe` holds; the failure names it as `what` (e.g. 'the next round'). */
export function until<T>(what: string, probe: Probe<T>, options?: UntilOptions): Promise<T>;
export async function until<T>(...args: [Probe<T>, UntilOptions?] | [string, Probe<T>, UntilOptions?]): Promise<T> {
  const [what, probe, options = {}] = typeof args[0] === 'string' ? (args as [string, Probe<T>, UntilOptions?]) : ([String(args[0]), ...args] as [string, Probe<T>, UntilOptions?]);
  const { paceMs = 0, limitMs = UNTIL_LIMIT_MS } = options;
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() - started > limitMs) throw new Error(`Waited ${limitMs / 1000} s for ${what}; the last value seen was ${shown(value)}`);
    await new Promise((resolve) => (paceMs > 0 ? setTimeout(resolve, paceMs) : setImmediate(resolve)));
  }
}

function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
