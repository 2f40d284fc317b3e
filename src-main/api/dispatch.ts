/**
 * The one wrapper every request passes through, in every shell: validate the channel and
 * its arguments against the contract, check that the window asking shows the open project,
 * run the handler, and turn any error into data.
 */
import { AppError, type ErrorData, type Result } from '../../src-shared/app-error';
import { requests, type Channel } from '../../src-shared/contract';
import { SchemaError } from '../../src-shared/schema';
import { storageError } from '../core/storage-errors';
import type { RequestOrigin } from './domains/domain-handlers';
import type { Handlers } from './handlers';

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(requests, value);
}

/** Which opening of a project is open now (the Workspace). */
export interface SessionSource {
  readonly session: string | null;
  sessionName(session: string): string | null;
  summary(): { name: string } | null;
}

/**
 * What a shell knows about the window a request came from: the session it shows (null: it
 * shows no project) and the window's own id (src-shared/window-id.ts; null or missing: none
 * given), as sent in the request's envelope. In-process callers (the CLI, tests) pass no
 * caller: they act on whatever is open, and their changes have no origin.
 */
export interface Caller {
  session: string | null;
  workspace: SessionSource;
  windowId?: string | null;
}

/**
 * Why a project request from `caller` is refused, or null when its window shows the open
 * project. Queries are refused too, so a stale window never shows another project's data
 * under its own project's name.
 */
export function sessionRefusal(channel: Channel, caller: Caller): ErrorData | null {
  const def = requests[channel];
  if (def.scope !== 'project') return null;
  const { session, workspace } = caller;
  const open = workspace.session;
  if (session === open) return null;
  const shown = session === null ? null : workspace.sessionName(session);
  const thisWindow = shown ? `This window shows the project ${shown}` : session === null ? 'This window shows no project' : 'This window shows a project';
  const now = open === null ? 'that project was closed in another window' : `${workspace.summary()?.name ?? 'another project'} was opened in another window`;
  const outcome = def.kind === 'command' ? ' Nothing was changed.' : '';
  return { code: 'PROJECT_CHANGED', message: `${thisWindow}, but ${now}; reload to continue.${outcome}` };
}

export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  rawArgs: unknown,
  log: (message: string) => void = console.error,
  caller?: Caller,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'BAD_ARGUMENT', message: `Unknown request "${String(channel)}".` } };
  }
  const refusal = caller ? sessionRefusal(channel, caller) : null;
  if (refusal) return { ok: false, error: refusal };
  try {
    const args = requests[channel].args.parse(rawArgs) as never;
    const handler = handlers[channel] as (args: never, from: RequestOrigin) => unknown;
    return { ok: true, value: await handler(args, { origin: caller?.windowId ?? null }) };
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
