/**
 * Typed requests: `{ok: false}` results come back as thrown AppErrors with the same code,
 * so callers write ordinary try/catch and the message is the one meant for the user.
 */
import { AppError, type Result } from '../../src-shared/app-error';
import type { ArgsOf, Channel, EventName, Events, RawApi, ResultOf } from '../../src-shared/contract';
import { bridge } from './bridge';

type ArgList<C extends Channel> = [ArgsOf<C>] extends [void] ? [] : [ArgsOf<C>];

export async function callOn<C extends Channel>(raw: RawApi, channel: C, ...args: ArgList<C>): Promise<ResultOf<C>> {
  const fn = raw[channel] as unknown as (args: ArgsOf<C> | undefined) => Promise<Result<ResultOf<C>>>;
  let result: Result<ResultOf<C>>;
  try {
    result = await fn(args[0]);
  } catch (error) {
    throw new AppError('INTERNAL', `The request ${channel} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!result.ok) throw AppError.from(result.error);
  return result.value;
}

export function call<C extends Channel>(channel: C, ...args: ArgList<C>): Promise<ResultOf<C>> {
  return callOn(bridge().raw, channel, ...args);
}

export function subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  return bridge().raw.on(event, listener);
}

/** A message for the user from anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
