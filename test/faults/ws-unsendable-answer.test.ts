/**
 * Fault script: a handler whose answer cannot be serialised (here a BigInt). The failed
 * send used to surface as an unhandled rejection, which ends a Node process; now the
 * request is answered with an INTERNAL error and the connection carries on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { wsCall, wsConnect } from '../support/web-host-client';
import { hostWithProject, type HostFixture } from './host-fixture';

vi.mock('../../src-main/api/handlers', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src-main/api/handlers')>();
  return {
    ...original,
    createHandlers: (...args: Parameters<typeof original.createHandlers>) => ({ ...original.createHandlers(...args), 'app:info': () => ({ big: 1n }) }),
  };
});

let fx: HostFixture;

beforeAll(async () => {
  fx = await hostWithProject(1);
});

afterAll(async () => {
  await fx.close();
});

describe('an answer that cannot be sent', () => {
  it('ends the request with INTERNAL and keeps the connection', async () => {
    const socket = await wsConnect(fx.port, `?token=${fx.host.token}`);
    try {
      expect((await wsCall(socket, 1, 'app:info')).result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'The answer could not be sent.' } });
      expect(fx.logs.some((m) => /cannot send a response: .*BigInt/.test(m))).toBe(true);
      expect((await wsCall(socket, 2, 'project:current')).result).toMatchObject({ ok: true });
    } finally {
      socket.close();
    }
  });
});
