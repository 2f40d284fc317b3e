/** Reconnection delays: exponential from `baseMs`, capped at `maxMs`, with ±20 % jitter. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0..1 random source; injected so tests are deterministic. */
  random?: () => number;
}

export function reconnectDelay(attempt: number, options: BackoffOptions): number {
  const { baseMs, maxMs, random = Math.random } = options;
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  const jitter = 1 + (random() * 2 - 1) * 0.2;
  return Math.round(Math.min(maxMs, exponential * jitter));
}
