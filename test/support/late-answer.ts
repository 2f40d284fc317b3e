/**
 * A project request answered too late for this window: sent while its project (`cells`, session
 * S1) was open, refused (PROJECT_CHANGED, `refusal`) only once this window had closed that project
 * itself, as a refresh on its way when Close project is clicked. `answer()` delivers the refusal;
 * `late` settles with what the request then threw.
 */
import { callOn } from '../../src-renderer/api/client';
import { windowSession } from '../../src-renderer/api/session';
import type { OpenProjectSummary, RawApi } from '../../src-shared/contract';

export async function requestAnsweredAfterOwnClose(refusal: string): Promise<{ late: Promise<unknown>; answer: () => void }> {
  windowSession.reset();
  windowSession.adopt({ session: 'S1', name: 'cells' } as OpenProjectSummary);
  let answer = (): void => undefined;
  const api = {
    'classes:list': () => new Promise((resolve) => (answer = () => resolve({ ok: false, error: { code: 'PROJECT_CHANGED', message: refusal } }))),
    'project:close': async () => ({ ok: true, value: null }),
  } as unknown as RawApi;
  const late = callOn(api, 'classes:list').catch((e: unknown) => e);
  await callOn(api, 'project:close');
  return { late, answer: () => answer() };
}
