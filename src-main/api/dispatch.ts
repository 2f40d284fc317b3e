/**
 * The one wrapper every request passes through, in every shell: validate the channel and
 * its arguments against the contract, run the handler, and turn any error into data.
 */
import { AppError, type Result } from '../../src-shared/app-error';
import { requests, type Channel } from '../../src-shared/contract';
import { SchemaError } from '../../src-shared/schema';
import { storageError } from '../core/storage-errors';
import type { Handlers } from './handlers';

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(requests, value);
}

export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  rawArgs: unknown,
  log: (message: string) => void = console.error,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'BAD_ARGUMENT', message: `Unknown request "${String(channel)}".` } };
  }
  try {
    const args = requests[channel].args.parse(rawArgs) as never;
    const handler = handlers[channel] as (args: never) => unknown;
    return { ok: true, value: await handler(args) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toData() };
    if (error instanceof SchemaError) return { ok: false, error: { code: 'BAD_ARGUMENT', message: `Invalid request ${channel}: ${error.message}` } };
    const storage = storageError(error);
    if (storage) return { ok: false, error: storage.toData() };
    log(`request ${channel} failed: ${(error as Error).stack ?? String(error)}`);
    return {
      ok: false,
      error: { code: 'INTERNAL', message: `Something went wrong in ${channel}: ${(error as Error).message}. This request may not have completed; what was saved before it is kept. Try again.` },
    };
  }
}
