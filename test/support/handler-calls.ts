/**
 * Calling the request handlers the way a shell does (through dispatch, errors as thrown
 * messages with their code), and waiting for a state by polling: for integration tests that
 * drive a Workspace without a window.
 */
import { dispatch } from '../../src-main/api/dispatch';
import type { Handlers } from '../../src-main/api/handlers';
import type { ArgList, Channel, ResultOf } from '../../src-shared/contract';

/** A typed caller of the handlers `current()` returns (the test may replace them, e.g. on reopening). */
export function handlerCaller(current: () => Handlers) {
  return async function call<C extends Channel>(channel: C, ...args: ArgList<C>): Promise<ResultOf<C>> {
    const result = await dispatch(current(), channel, args[0]);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value as ResultOf<C>;
  };
}

/** Poll `probe` until it gives a truthy value (waiting for a state, never for a duration alone). */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}
