/**
 * The renderer's stores against the real handlers in this process: a RawApi over a Workspace
 * that records every request and delivers events asynchronously, as the shells do.
 */
import { afterAll, beforeAll } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch';
import { createHandlers } from '../../src-main/api/handlers';
import { Workspace } from '../../src-main/api/workspace';
import { useBridge } from '../../src-renderer/api/bridge';
import { openProject, refreshesIdle, wireEvents } from '../../src-renderer/orchestration/project-lifecycle';
import { labeling } from '../../src-renderer/stores/labeling.svelte';
import type { Channel, EventName, Events, RawApi } from '../../src-shared/contract';
import { FakeEngine } from './fake-engine';
import { imageFolder, tempDir } from './image-folder';
import { until } from './until';

/** A RawApi over `workspace`'s handlers: each request's channel is pushed to `sent`; `delivered` runs after each event. */
export function inProcessApi(workspace: Workspace, sent: Channel[], delivered: () => void = () => undefined): RawApi {
  const handlers = createHandlers(workspace);
  const on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) =>
    workspace.events.subscribe((name, payload) => {
      if ((name as EventName) !== event) return;
      queueMicrotask(() => {
        listener(structuredClone(payload) as Events[E]);
        delivered();
      });
    });
  return new Proxy({} as RawApi, {
    get: (_target, key) => {
      if (key === 'on') return on;
      return (args: unknown) => {
        sent.push(key as Channel);
        return dispatch(handlers, key, structuredClone(args)).then((result) => structuredClone(result));
      };
    },
  });
}

/** A Workspace with the fake engine, bridged to the renderer's stores (see inProcessApi). */
export function bridgedWorkspace(sent: Channel[], delivered?: () => void): Workspace {
  const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
  useBridge({ raw: inProcessApi(ws, sent, delivered), kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });
  return ws;
}

/** Create a project on `root` (`count` images) in this window; resolves once it is scanned and the label view holds every image. */
export async function openScannedProject(ws: Workspace, root: string, count: number): Promise<void> {
  await openProject(root, true);
  await ws.rescan();
  await until(() => !ws.current!.isScanning && refreshesIdle() && labeling.items.length === count);
}

/**
 * For a test file: a folder of `count` generated images opened as a project in this window, the
 * page following its events (wireEvents), created and scanned before the tests (beforeAll) and
 * shut down after them (afterAll). `sent` and `delivered` as bridgedWorkspace's.
 */
export function useScannedProject(count: number, sent: Channel[] = [], delivered?: () => void): { readonly ws: Workspace; readonly root: string } {
  let ws: Workspace | undefined;
  let root: string | undefined;
  let unwire: (() => void) | undefined;
  beforeAll(async () => {
    root = await imageFolder(count);
    ws = bridgedWorkspace(sent, delivered);
    unwire = wireEvents();
    await openProject(root, true);
    await ws.rescan();
    await until(() => !ws!.current!.isScanning && refreshesIdle());
  });
  afterAll(async () => {
    unwire?.();
    await ws?.shutdown();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useScannedProject: the project is made in beforeAll; read it in a test or a later hook.');
    return value;
  };
  return {
    get ws() {
      return ready(ws);
    },
    get root() {
      return ready(root);
    },
  };
}
