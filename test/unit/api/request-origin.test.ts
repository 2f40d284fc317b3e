/**
 * The window a request came from reaches its handler (the origin of the changes it announces):
 * dispatch hands over the caller's window id, in-process callers and requests without one give
 * none; the ids the pages make, and the shells' check of what they are sent.
 */
import { describe, expect, it } from 'vitest';
import { dispatch, type SessionSource } from '../../../src-main/api/dispatch';
import type { RequestOrigin } from '../../../src-main/api/domains/domain-handlers';
import type { Handlers } from '../../../src-main/api/handlers';
import { newWindowId, windowIdOf, windowIdSchema } from '../../../src-shared/window-id';
import { parseWsRequest } from '../../../src-shared/ws-protocol';

const open: SessionSource = { session: 's1', sessionName: () => null, summary: () => ({ name: 'p' }) };

/** Handlers that record the origin each one was given. */
function recording() {
  const given: (RequestOrigin | undefined)[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: () => (_args: unknown, from?: RequestOrigin) => {
      given.push(from);
      return null;
    },
  });
  return { handlers, given };
}

describe('the origin of a request', () => {
  it('is the caller’s window id, or none for a caller without one and for in-process callers', async () => {
    const { handlers, given } = recording();
    const windowId = newWindowId();
    await dispatch(handlers, 'labels:redo', undefined, () => {}, { session: 's1', workspace: open, windowId });
    await dispatch(handlers, 'labels:redo', undefined, () => {}, { session: 's1', workspace: open });
    await dispatch(handlers, 'labels:redo', undefined);
    expect(given).toEqual([{ origin: windowId }, { origin: null }, { origin: null }]);
  });

  it('is a fresh random id per page, of the shape the shells accept', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newWindowId()));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(windowIdOf(id)).toBe(id);
      expect(windowIdSchema.parse(id)).toBe(id);
    }
    // Electron's IPC check: anything else counts as no window
    for (const bad of [undefined, null, 42, {}, '', 'short', 'x'.repeat(65), 'has spaces, and more words', 'ünïcödé-ünïcödé-ünïcödé']) expect(windowIdOf(bad)).toBeNull();
  });

  it('rides in the WebSocket envelope, missing counting as none and malformed refused', () => {
    const windowId = newWindowId();
    const parsed = (message: object) => parseWsRequest(JSON.stringify({ type: 'request', id: 1, channel: 'labels:redo', args: null, session: 's1', ...message }));
    expect(parsed({ windowId })).toMatchObject({ ok: true, request: { windowId } });
    expect(parsed({})).toMatchObject({ ok: true, request: { windowId: null } });
    expect(parsed({ windowId: null })).toMatchObject({ ok: true, request: { windowId: null } });
    expect(parsed({ windowId: 'no good' })).toMatchObject({ ok: false, error: { type: 'protocol-error', id: 1, message: expect.stringContaining('windowId') as unknown } });
  });
});
