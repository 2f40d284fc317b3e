/**
 * Issue 15 item 2 in the renderer: this window shows project A; another window opens B on the
 * same back end. This window must not label B's image: it stops sending project requests once
 * it learns of the switch (from the `opened` event, or from the back end's PROJECT_CHANGED when
 * the event came late), keeps showing A, and says so, rather than following B silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/api/dispatch';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { useBridge } from '../../../src-renderer/api/bridge';
import { windowSession } from '../../../src-renderer/api/session';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { jobs } from '../../../src-renderer/stores/jobs.svelte';
import { toasts } from '../../../src-renderer/stores/toasts.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { project } from '../../../src-renderer/stores/project.svelte';
import { openProject, refreshesIdle, wireEvents } from '../../../src-renderer/orchestration/project-lifecycle';
import { AppError } from '../../../src-shared/app-error';
import type { Channel, EventName, Events, RawApi } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder, tempDir } from '../../support/image-folder';
import { until } from '../../support/until';

const sent: { channel: Channel; session: string | null }[] = [];
let ws: Workspace;
let unwire: () => void;
/** While true, events are held back (a slow connection): the back end's check must catch the switch. */
let holdEvents = false;
const held: (() => void)[] = [];
/** Events sent to this window, and those its listeners have handled (equal: every event sent is handled). */
const events = { sent: 0, handled: 0 };

/** This window's bridge: the real handlers behind the shells' session check. */
function windowApi(workspace: Workspace): RawApi {
  const handlers = createHandlers(workspace);
  const on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) =>
    workspace.events.subscribe((name, payload) => {
      if ((name as EventName) !== event) return;
      events.sent++;
      const deliver = () => {
        listener(structuredClone(payload) as Events[E]);
        events.handled++;
      };
      if (holdEvents) held.push(deliver);
      else queueMicrotask(deliver);
    });
  return new Proxy({} as RawApi, {
    get: (_target, key) => {
      if (key === 'on') return on;
      return (args: unknown, session: string | null) => {
        sent.push({ channel: key as Channel, session });
        return dispatch(handlers, key, structuredClone(args), () => {}, { session, workspace }).then((result) => structuredClone(result));
      };
    },
  });
}

/** Another window opens `folder` (what its project:open does on the shared workspace). */
async function otherWindowOpens(folder: string): Promise<void> {
  await ws.open(folder, true);
  await ws.rescan();
  ws.current!.classes.create('ant', undefined);
}

let folderA: string;
let folderB: string;

beforeAll(async () => {
  [folderA, folderB] = [await imageFolder(4), await imageFolder(4)];
  ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
  useBridge({ raw: windowApi(ws), kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });
  unwire = wireEvents();
});

afterAll(async () => {
  unwire?.();
  await ws?.shutdown();
});

/** This window opens A, makes class "ant", and shows A's first image. */
async function showA(folder = folderA): Promise<{ antId: number; imageId: number; session: string }> {
  await openProject(folder, true);
  await ws.rescan();
  await classes.create('ant');
  await labeling.start({ kind: 'queue' });
  const item = await until(() => labeling.current);
  return { antId: classes.list[0]!.id, imageId: item.id, session: windowSession.id! };
}

describe('a window whose project another window replaced', () => {
  it('sends every request with the session it shows', async () => {
    const { session } = await showA();
    expect(session).toBe(ws.session);
    // its own open (which closed nothing and opened A) does not make it stale
    expect(windowSession.stale).toBeNull();
    expect(project.summary).toMatchObject({ path: folderA, session });
    expect(sent.filter((s) => s.channel === 'classes:create')).toEqual([{ channel: 'classes:create', session }]);
  });

  it('learns of the switch from the opened event, labels nothing, keeps showing A', async () => {
    const { antId, imageId } = { antId: classes.list[0]!.id, imageId: labeling.current!.id };
    await otherWindowOpens(folderB);
    const stale = await until(() => windowSession.stale);
    expect(stale.message).toMatch(/^This window shows .+, but .+ was opened in another window; reload to continue\.$/);
    sent.length = 0;
    await expect(labeling.label(antId)).rejects.toMatchObject({ code: 'PROJECT_CHANGED' });
    expect(sent).toEqual([]);
    expect(ws.current!.root).toBe(folderB);
    expect(ws.current!.images.get(imageId).classId).toBeNull();
    expect(project.summary?.path).toBe(folderA);
    // B's jobs are not this window's: no progress shown, no failure toast
    const errorsBefore = toasts.items.filter((t) => t.kind === 'error').length;
    ws.events.emit('job:progress', { jobId: 'b-job', kind: 'extract', phase: 'extracting', done: 1, total: 4, rate: null, etaSeconds: null });
    ws.events.emit('job:failed', { jobId: 'b-job2', kind: 'extract', error: { code: 'IO_ERROR', message: 'B failed' } });
    await until('this window to handle both events', () => events.handled === events.sent);
    expect(jobs.running).toEqual([]);
    expect(toasts.items.filter((t) => t.kind === 'error')).toHaveLength(errorsBefore);
  });

  it('is stopped by the back end when the event comes late, and stays stopped', async () => {
    // The refreshes B's scan scheduled here (coalesced, on timers) run first: one running after
    // the reset would ask with no session, be refused, and make this window stale before it opens C.
    await until(refreshesIdle);
    windowSession.reset();
    const folderC = await imageFolder(4);
    const { antId, imageId } = await showA(folderC);
    // C's scan refreshes (project:current) must be done: one landing after the switch would
    // tell this window of it before the back end can
    await until(() => !ws.current!.isScanning && refreshesIdle());
    holdEvents = true;
    await otherWindowOpens(await imageFolder(4));
    sent.length = 0;
    const error = await labeling.label(antId).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'PROJECT_CHANGED', message: expect.stringMatching(/Nothing was changed\.$/) as unknown });
    // (The view moved on at the key press and may have asked for the next page: refused too.)
    const labelRequests = () => sent.map((s) => s.channel).filter((c) => c.startsWith('labels:'));
    expect(labelRequests()).toEqual(['labels:set']);
    expect(ws.current!.images.get(imageId).classId).toBeNull();
    expect(windowSession.stale).not.toBeNull();
    // the late events change nothing here: the window keeps A and sends nothing more
    holdEvents = false;
    for (const deliver of held.splice(0)) deliver();
    const sentBefore = sent.length;
    await expect(labeling.label(antId)).rejects.toMatchObject({ code: 'PROJECT_CHANGED' });
    expect(labelRequests()).toEqual(['labels:set']);
    expect(sent.length).toBe(sentBefore);
    expect(project.summary?.path).toBe(folderC);
    expect(ws.current!.summary().labeledCount).toBe(0);
  });
});
