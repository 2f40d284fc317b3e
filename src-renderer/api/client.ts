/**
 * Typed requests: `{ok: false}` results come back as thrown AppErrors with the same code,
 * so callers write ordinary try/catch and the message is the one meant for the user.
 */
import { AppError, type Result } from '../../src-shared/app-error';
import { requests, type ArgList, type ArgsOf, type Channel, type EventName, type Events, type OpenProjectSummary, type RawApi, type ResultOf } from '../../src-shared/contract';
import { bridge } from './bridge';
import { windowSession } from './session';
import { thisWindow } from './window-id';

/**
 * A request this window called off itself: refused because this window closed or opened a
 * project after sending it. Nothing failed (what called it off, the switch, shows itself), so it
 * is never toasted (toasts.error). Its code is CANCELLED, as the main process's own cancellations,
 * which are shown: they tell the expert that nothing was done and to try again.
 */
export class CameTooLate extends AppError {
  constructor(message: string) {
    super('CANCELLED', message);
    this.name = 'CameTooLate';
  }
}

/**
 * Send one request with this window's session and its own id (the origin of the changes it makes). A stale window (see session.ts) sends no
 * project request; a PROJECT_CHANGED answer makes it stale; opening, creating and closing set
 * its session, and `project:current` checks it.
 */
export async function callOn<C extends Channel>(raw: RawApi, channel: C, ...args: ArgList<C>): Promise<ResultOf<C>> {
  const stale = windowSession.stale;
  if (stale && requests[channel].scope === 'project') throw new AppError('PROJECT_CHANGED', stale.message);
  const fn = raw[channel] as unknown as (args: ArgsOf<C> | undefined, session: string | null, windowId: string) => Promise<Result<ResultOf<C>>>;
  const switches = windowSession.isSwitch(channel);
  // The session this request was sent with, and whether this window was opening or closing a project then.
  const sentWith = windowSession.id;
  const sentDuringSwitch = windowSession.switching;
  if (switches) windowSession.beginSwitch();
  let result: Result<ResultOf<C>>;
  try {
    result = await fn(args[0], windowSession.id, thisWindow.id);
  } catch (error) {
    throw new AppError('INTERNAL', `The request ${channel} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (switches) windowSession.endSwitch();
  }
  if (!result.ok) {
    if (result.error.code === 'PROJECT_CHANGED') {
      // Refused because this window itself closed or opened a project since the request was sent (a
      // refresh still on its way when Close project was clicked): its own switch, not another
      // window's, so the window is not stale; the request simply came too late.
      if (!switches && (sentDuringSwitch || windowSession.switching || windowSession.id !== sentWith)) {
        throw new CameTooLate('The project was closed or changed in this window before this was answered: nothing was done.');
      }
      windowSession.markStale(result.error.message);
    }
    throw AppError.from(result.error);
  }
  if (switches) windowSession.adopt(result.value as OpenProjectSummary | null);
  else if (channel === 'project:current' && !windowSession.switching && !windowSession.confirm(result.value as OpenProjectSummary | null)) {
    windowSession.replacedBy(result.value as OpenProjectSummary | null);
    throw new AppError('PROJECT_CHANGED', windowSession.stale?.message ?? 'Another window changed the project; reload to continue.');
  }
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
