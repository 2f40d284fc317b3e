/**
 * Closing a project: from the moment the close is asked for until the back end answers, the
 * window shows no project view (`project.closing`) and follows none of the project's changes, so
 * nothing loads the images of a project the host is closing (the media route refuses those
 * with 409 once it is closed). A close the back end refuses shows the project again. The close
 * request is held here, as a slow back end would hold it; the stores run against the real
 * handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../src-main/api/workspace';
import { useBridge } from '../../../src-renderer/api/bridge';
import { closeProject, refreshesIdle, wireEvents } from '../../../src-renderer/orchestration/project-lifecycle';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { project } from '../../../src-renderer/stores/project.svelte';
import { toasts } from '../../../src-renderer/stores/toasts.svelte';
import { AppError } from '../../../src-shared/app-error';
import type { Channel, RawApi } from '../../../src-shared/contract';
import type { ProjectChanged } from '../../../src-shared/events';
import { imageFolder } from '../../support/image-folder';
import { bridgedWorkspace, inProcessApi, openScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const sent: Channel[] = [];
let ws: Workspace;
let unwire: () => void;
/** Events delivered to the page so far (each asynchronously, as the shells do). */
let delivered = 0;
/** The close request waiting for the test to let it through (or refuse it). */
let heldClose: { pass: () => void; refuse: (error: Error) => void } | null = null;

/** While set, the recent-projects list is held too, until the test lets it go. */
let holdRecent = false;
let heldRecent: { pass: () => void } | null = null;

/** This window's bridge: the real handlers, with `project:close` (and `project:recent` while `holdRecent`) held until the test lets it go. */
function holdingCloseApi(inner: RawApi): RawApi {
  return new Proxy({} as RawApi, {
    get: (_target, key) => {
      const forward = Reflect.get(inner, key) as (...args: unknown[]) => Promise<unknown>;
      if (key === 'project:recent' && holdRecent)
        return (...args: unknown[]) =>
          new Promise<void>((pass) => {
            heldRecent = { pass };
          }).then(() => forward(...args));
      if (key !== 'project:close') return forward;
      return (...args: unknown[]) =>
        new Promise<void>((pass, refuse) => {
          heldClose = { pass, refuse };
        }).then(() => forward(...args));
    },
  });
}

/** The back end announces `events` while the close is held; resolves once the page has handled them and any refresh they started ran. */
async function announce(...events: ProjectChanged[]): Promise<void> {
  const before = delivered;
  for (const event of events) ws.events.emit('project:changed', event);
  await until(() => delivered >= before + events.length);
  await until(refreshesIdle);
}

beforeAll(async () => {
  const root = await imageFolder(6);
  ws = bridgedWorkspace([], () => delivered++);
  useBridge({ raw: holdingCloseApi(inProcessApi(ws, sent, () => delivered++)), kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });
  unwire = wireEvents();
  await openScannedProject(ws, root, 6);
});

afterAll(async () => {
  unwire?.();
  await ws?.shutdown();
});

describe('closing a project', () => {
  it('a close the back end refuses shows the project again', async () => {
    const closing = closeProject();
    await until(() => heldClose);
    expect(project.closing).toBe(true);
    expect(labeling.items).toEqual([]);
    heldClose!.refuse(new AppError('IO_ERROR', 'The project could not be closed (disk gone).'));
    heldClose = null;
    await expect(closing).rejects.toThrow('disk gone');
    expect(project.closing).toBe(false);
    expect(project.summary).not.toBeNull();
    await until(() => labeling.items.length === 6);
  });

  it('while the close is under way nothing follows the project; once answered, no project is shown', async () => {
    const closing = closeProject();
    await until(() => heldClose);
    // The views leave at once (App shows "Closing the project…" while this holds).
    expect(project.closing).toBe(true);
    expect(labeling.items).toEqual([]);

    // The host still has the project open and announces changes (a scan, a trained model, new
    // evaluation images, labels): none is followed, so no request goes out for the project.
    sent.length = 0;
    const toastsBefore = toasts.items.length;
    await announce(
      { change: 'scanned' },
      { change: 'model' },
      { change: 'evaluation' },
      { change: 'labels', action: null, origin: null, imported: 0, labeledCount: 1, unsureCount: 0, classes: [] },
    );
    expect(sent).toEqual([]);
    expect(labeling.items).toEqual([]);

    heldClose!.pass();
    heldClose = null;
    await closing;
    expect(project.closing).toBe(false);
    expect(project.summary).toBeNull();
    expect(sent).toEqual(['project:close', 'project:recent']);
    expect(toasts.items.length).toBe(toastsBefore);
  });

  it("a project opened while the closed one's recent list is still on its way keeps what it loaded", async () => {
    // The picker shows once the close is answered, before the recent list comes back: an expert
    // (or a test) may open the next project then. The closed project's leaving used to run after
    // that list, emptying the new project's images, classes and views under it.
    const first = await imageFolder(6);
    await openScannedProject(ws, first, 6);
    holdRecent = true;
    const closing = closeProject();
    await until(() => heldClose);
    heldClose!.pass();
    heldClose = null;
    await until(() => project.summary === null);
    holdRecent = false;
    const next = await imageFolder(4);
    await openScannedProject(ws, next, 4);
    await until(() => heldRecent);
    heldRecent!.pass();
    await closing;
    await until(refreshesIdle);
    expect(project.summary?.path).toBe(next);
    expect(labeling.items).toHaveLength(4);
  });
});
