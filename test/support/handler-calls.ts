/**
 * Calling the request handlers the way a shell does (through dispatch, errors as thrown
 * messages with their code): for integration tests that drive a Workspace without a window.
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
