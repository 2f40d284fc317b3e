/**
 * Issue 15 item 2: a request names the opening of a project its window shows, and dispatch
 * refuses project requests whose session is not the open one, before any handler runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, type Caller, type SessionSource } from '../../../src-main/api/dispatch';
import type { Handlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import type { ProjectChanged } from '../../../src-shared/contract';
import { imageFolder, tempDir } from '../../support/image-folder';

/** A workspace with `open` open; `names` are the projects of past sessions. */
function source(open: string | null, names: Record<string, string> = {}): SessionSource {
  return {
    session: open,
    sessionName: (session) => names[session] ?? null,
    summary: () => (open === null ? null : { name: names[open] ?? 'unnamed' }),
  };
}

function fakeHandlers() {
  const calls: string[] = [];
  const handler = (channel: string) => () => {
    calls.push(channel);
    return channel;
  };
  const handlers = new Proxy({} as Handlers, { get: (_t, channel: string) => handler(channel) });
  return { handlers, calls };
}

const names = { 'session-a': 'Birds', 'session-b': 'Cells' };
const quiet = () => {};

describe('dispatch with the caller\'s project session', () => {
  it('refuses a project command from a window showing another opening, before its handler runs', async () => {
    const { handlers, calls } = fakeHandlers();
    const caller: Caller = { session: 'session-a', workspace: source('session-b', names) };
    const result = await dispatch(handlers, 'labels:set', { imageIds: [1], classId: 1 }, quiet, caller);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'PROJECT_CHANGED',
        message: 'This window shows the project Birds, but Cells was opened in another window; reload to continue. Nothing was changed.',
      },
    });
    expect(calls).toEqual([]);
  });

  it('refuses project queries too, so a stale window shows no other project\'s data', async () => {
    const { handlers, calls } = fakeHandlers();
    const result = await dispatch(handlers, 'images:get', { id: 1 }, quiet, { session: 'session-a', workspace: source('session-b', names) });
    expect(result).toMatchObject({ ok: false, error: { code: 'PROJECT_CHANGED', message: expect.not.stringContaining('Nothing was changed') as unknown } });
    expect(calls).toEqual([]);
  });

  it('refuses a window that shows no project, or one whose project was closed elsewhere', async () => {
    const { handlers, calls } = fakeHandlers();
    const none = await dispatch(handlers, 'labels:undo', undefined, quiet, { session: null, workspace: source('session-b', names) });
    expect(none).toMatchObject({ ok: false, error: { code: 'PROJECT_CHANGED', message: expect.stringMatching(/^This window shows no project, but Cells was opened/) as unknown } });
    const closed = await dispatch(handlers, 'labels:undo', undefined, quiet, { session: 'session-a', workspace: source(null, names) });
    expect(closed).toMatchObject({ ok: false, error: { code: 'PROJECT_CHANGED', message: expect.stringMatching(/Birds, but that project was closed in another window/) as unknown } });
    // project:close is of project scope: a window cannot close the project another one opened
    const close = await dispatch(handlers, 'project:close', undefined, quiet, { session: 'session-a', workspace: source('session-b', names) });
    expect(close).toMatchObject({ ok: false, error: { code: 'PROJECT_CHANGED' } });
    expect(calls).toEqual([]);
  });

  it('runs a project request whose session is the open one', async () => {
    const { handlers, calls } = fakeHandlers();
    const result = await dispatch(handlers, 'labels:set', { imageIds: [1], classId: 1 }, quiet, { session: 'session-b', workspace: source('session-b', names) });
    expect(result).toEqual({ ok: true, value: 'labels:set' });
    expect(calls).toEqual(['labels:set']);
  });

  it('leaves app requests alone whatever the window shows', async () => {
    const { handlers, calls } = fakeHandlers();
    for (const session of [null, 'session-a', 'session-b']) {
      const caller = { session, workspace: source('session-b', names) };
      expect(await dispatch(handlers, 'project:open', { path: '/x', create: false }, quiet, caller)).toMatchObject({ ok: true });
      expect(await dispatch(handlers, 'project:current', undefined, quiet, caller)).toMatchObject({ ok: true });
      expect(await dispatch(handlers, 'app:info', undefined, quiet, caller)).toMatchObject({ ok: true });
    }
    expect(calls).toHaveLength(9);
  });

  it('passes a window without a session to the handler when no project is open (which answers NO_PROJECT itself)', async () => {
    const { handlers, calls } = fakeHandlers();
    expect(await dispatch(handlers, 'labels:undo', undefined, quiet, { session: null, workspace: source(null) })).toMatchObject({ ok: true });
    expect(calls).toEqual(['labels:undo']);
  });

  it('checks nothing for in-process callers (the CLI, tests) that pass no caller', async () => {
    const { handlers, calls } = fakeHandlers();
    expect(await dispatch(handlers, 'labels:set', { imageIds: [1], classId: 1 }, quiet)).toMatchObject({ ok: true });
    expect(calls).toEqual(['labels:set']);
  });
});

describe('Workspace sessions', () => {
  let workspace: Workspace | null = null;
  afterEach(async () => {
    await workspace?.close();
    workspace = null;
  });

  it('gives each opening its own session, announces it, and keeps the names of past ones', async () => {
    const [a, b] = [await imageFolder(1), await imageFolder(1)];
    workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
    const events: ProjectChanged[] = [];
    workspace.events.subscribe((event, payload) => {
      if (event === 'project:changed') events.push(payload as ProjectChanged);
    });
    const first = await workspace.open(a, true);
    expect(first.session).toMatch(/^[0-9a-f-]{36}$/);
    expect(workspace.session).toBe(first.session);
    expect(await workspace.open(a, true)).toMatchObject({ session: first.session });
    expect(workspace.summary()).toMatchObject({ path: first.path, session: first.session });
    const second = await workspace.open(b, true);
    expect(second.session).not.toBe(first.session);
    expect(workspace.sessionName(first.session)).toBe(first.name);
    const switches = events.filter((e) => e.change === 'opened' || e.change === 'closed');
    expect(switches).toEqual([
      { change: 'opened', session: first.session, name: first.name },
      { change: 'closed', session: first.session, name: first.name },
      { change: 'opened', session: second.session, name: second.name },
    ]);
    await workspace.close();
    expect(workspace.session).toBeNull();
    expect(workspace.summary()).toBeNull();
    // reopening the same folder is a new opening: windows that showed the first one are stale
    const again = await workspace.open(a, false);
    expect(again.session).not.toBe(first.session);
  });
});
