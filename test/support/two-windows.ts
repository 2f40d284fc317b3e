/**
 * Two windows on one back end, in process: this window's stores talk to the real handlers through
 * the shells' dispatch (with the session and window id a page sends), and `other` sends requests
 * as another window would, with its own window id, to the same workspace.
 */
import { dispatch } from '../../src-main/api/dispatch';
import { createHandlers } from '../../src-main/api/handlers';
import { Workspace } from '../../src-main/api/workspace';
import { useBridge } from '../../src-renderer/api/bridge';
import type { ArgList, Channel, EventName, Events, RawApi, ResultOf } from '../../src-shared/contract';
import { newWindowId } from '../../src-shared/window-id';
import { FakeEngine } from './fake-engine';
import { tempDir } from './image-folder';

export interface TwoWindows {
  ws: Workspace;
  /** The other window's id (this window's is `thisWindow.id`). */
  otherId: string;
  /** A request from the other window; its answer, or its error thrown as "CODE: message". */
  other<C extends Channel>(channel: C, ...args: ArgList<C>): Promise<ResultOf<C>>;
}

/** A workspace (fake engine), this window's bridge into it, and the other window's requests. */
export function twoWindows(): TwoWindows {
  const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
  const handlers = createHandlers(ws);
  const on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) =>
    ws.events.subscribe((name, payload) => {
      if ((name as EventName) === event) queueMicrotask(() => listener(structuredClone(payload) as Events[E]));
    });
  const raw = new Proxy({} as RawApi, {
    get: (_target, key) => {
      if (key === 'on') return on;
      return (args: unknown, session: string | null, windowId?: string | null) =>
        dispatch(handlers, key, structuredClone(args), () => {}, { session, workspace: ws, windowId }).then((result) => structuredClone(result));
    },
  });
  useBridge({ raw, kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });
  const otherWindowId = newWindowId();
  return {
    ws,
    otherId: otherWindowId,
    async other(channel, ...args) {
      const result = await dispatch(handlers, channel, args[0], () => {}, { session: ws.session, workspace: ws, windowId: otherWindowId });
      if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
      return result.value as ResultOf<typeof channel>;
    },
  };
}
