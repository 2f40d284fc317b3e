import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../../../src-renderer/api/connection-status';
import { createWsRawApi, pageToken, wsUrlFor } from '../../../src-renderer/api/ws-raw-api';
import { callOn } from '../../../src-renderer/api/client';
import { windowSession } from '../../../src-renderer/api/session';
import { AppError } from '../../../src-shared/app-error';
import { requestAnsweredAfterOwnClose } from '../../support/late-answer';
import type { OpenProjectSummary, RawApi } from '../../../src-shared/contract';

/** A stand-in for the browser WebSocket: records what is sent, lets the test drive events. */
class FakeSocket {
  static readonly OPEN = 1;
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  private listeners = new Map<string, ((event: unknown) => void)[]>();

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  emit(type: string, event: unknown = {}): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }

  open(): void {
    this.readyState = 1;
    this.emit('open');
  }

  receive(message: unknown): void {
    this.emit('message', { data: JSON.stringify(message) });
  }

  drop(): void {
    this.readyState = 3;
    this.emit('close', { code: 1006 });
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('WebSocket RawApi', () => {
  beforeEach(() => {
    FakeSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('sends typed requests once open and resolves them by id', async () => {
    const { api } = createWsRawApi('ws://127.0.0.1:1/ws?token=t');
    const socket = FakeSocket.instances[0]!;
    const pending = api['classes:list'](undefined, 'session-a');
    await tick();
    expect(socket.sent).toEqual([]);
    socket.open();
    await tick();
    expect(socket.sent).toEqual([{ type: 'request', id: 1, channel: 'classes:list', session: 'session-a' }]);
    socket.receive({ type: 'response', id: 1, result: { ok: true, value: [] } });
    await expect(pending).resolves.toEqual({ ok: true, value: [] });
  });

  it("sends the page's window id with a request, the origin of the changes it makes", async () => {
    const { api } = createWsRawApi('ws://127.0.0.1:1/ws?token=t');
    const socket = FakeSocket.instances[0]!;
    socket.open();
    await tick();
    void api['labels:undo'](undefined, 'session-a', 'w'.repeat(22));
    await tick();
    expect(socket.sent).toEqual([{ type: 'request', id: 1, channel: 'labels:undo', session: 'session-a', windowId: 'w'.repeat(22) }]);
  });

  it('ends a request the host could not read with the host\'s reason', async () => {
    const { api } = createWsRawApi('ws://x/ws?token=t');
    const socket = FakeSocket.instances[0]!;
    socket.open();
    const pending = api['classes:list'](undefined, null);
    await tick();
    socket.receive({ type: 'protocol-error', id: 1, message: 'The message is not a request: message.args: …' });
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: 'The message is not a request: message.args: …' } });
  });

  it('delivers pushed events to exactly the listeners still subscribed', async () => {
    const { api } = createWsRawApi('ws://x/ws?token=t');
    const socket = FakeSocket.instances[0]!;
    socket.open();
    const seen: string[] = [];
    const off = api.on('project:changed', (p) => seen.push(p.change));
    socket.receive({ type: 'event', event: 'project:changed', payload: { change: 'labels' } });
    off();
    socket.receive({ type: 'event', event: 'project:changed', payload: { change: 'classes' } });
    socket.receive({ type: 'event', event: 'no:such', payload: {} });
    expect(seen).toEqual(['labels']);
  });

  it('fails requests in flight with NETWORK when the socket drops, then reconnects with backoff', async () => {
    vi.useFakeTimers();
    const handle = createWsRawApi('ws://x/ws?token=t');
    const statuses: ConnectionStatus['state'][] = [];
    handle.onStatus((s) => statuses.push(s.state));
    const socket = FakeSocket.instances[0]!;
    socket.open();
    const pending = handle.api['labels:undo'](undefined, null);
    await vi.advanceTimersByTimeAsync(0);
    socket.drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    expect(statuses).toEqual(['connecting', 'open', 'lost']);
    await vi.advanceTimersByTimeAsync(400);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1]!.open();
    expect(statuses.at(-1)).toBe('open');
  });

  it('after failed reconnects asks the host about its token: a refused one stops retrying and fails requests at once', async () => {
    vi.useFakeTimers();
    const asked: string[] = [];
    let answer: 'refused' | 'unknown' = 'unknown';
    const handle = createWsRawApi('ws://x/ws?token=old', async (url) => {
      asked.push(url);
      return answer;
    });
    const statuses: ConnectionStatus[] = [];
    handle.onStatus((s) => statuses.push(s));
    FakeSocket.instances[0]!.open();
    FakeSocket.instances[0]!.drop();
    await vi.advanceTimersByTimeAsync(400);
    expect(asked).toEqual([]); // the first retry reconnects without asking
    FakeSocket.instances[1]!.drop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(asked).toEqual(['ws://x/ws?token=old']); // not refused: it goes on retrying
    expect(FakeSocket.instances).toHaveLength(3);
    answer = 'refused';
    FakeSocket.instances[2]!.drop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(asked).toHaveLength(2);
    expect(statuses.at(-1)).toMatchObject({ state: 'refused', reason: expect.stringMatching(/restarted.*open the address it printed/) });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.instances).toHaveLength(3); // no more sockets
    await expect(handle.api['labels:undo'](undefined, null)).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK', message: expect.stringMatching(/restarted/) } });
  });

  it('reads the token from the address’s fragment, keeps it in the tab, and takes it out of the address bar', () => {
    const stored = new Map<string, string>();
    const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
    const replaced: string[] = [];
    const history = { replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) };
    const at = (href: string) => ({ href }) as Location;
    expect(pageToken(at('http://127.0.0.1:5000/open#token=abc_DEF-1'), storage, history)).toBe('abc_DEF-1');
    expect(replaced).toEqual(['/']);
    // A reload: the address has no token any more; the tab's copy is used.
    expect(pageToken(at('http://127.0.0.1:5000/'), storage, history)).toBe('abc_DEF-1');
    expect(replaced).toHaveLength(1);
    // An older host's address (?token=) is read and cleaned the same way, other parameters kept.
    expect(pageToken(at('http://127.0.0.1:5000/?token=old&x=1'), storage, history)).toBe('old');
    expect(replaced.at(-1)).toBe('/?x=1');
    // A tab that never had one: none.
    expect(pageToken(at('http://127.0.0.1:5000/'), { getItem: () => null, setItem: () => undefined }, history)).toBe('');
  });

  it('a page without a token does not try to connect: it says at once how to open the app', async () => {
    const handle = createWsRawApi('ws://127.0.0.1:5000/ws?token=');
    const statuses: ConnectionStatus[] = [];
    handle.onStatus((s) => statuses.push(s));
    expect(FakeSocket.instances).toHaveLength(0);
    expect(statuses).toEqual([{ state: 'refused', reason: expect.stringMatching(/opened without its key.*#token=/) }]);
    await expect(handle.api['app:info'](undefined, null)).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });

  it('builds the socket URL from the page location and token', () => {
    const location = { protocol: 'http:', host: '127.0.0.1:5000' } as Location;
    expect(wsUrlFor(location, 'a b')).toBe('ws://127.0.0.1:5000/ws?token=a%20b');
  });
});

describe('client', () => {
  const raw = (impl: () => Promise<unknown>) => ({ 'project:current': impl }) as unknown as RawApi;

  it('returns the value of an ok result', async () => {
    await expect(callOn(raw(async () => ({ ok: true, value: null })), 'project:current')).resolves.toBeNull();
  });

  it('throws an AppError with the same code for an error result', async () => {
    const error = await callOn(raw(async () => ({ ok: false, error: { code: 'NO_PROJECT', message: 'Open one.' } })), 'project:current').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'NO_PROJECT', message: 'Open one.' });
  });

  it('a project request refused because this window closed its own project meanwhile: the window is not stale (no "another window" banner)', async () => {
    // A refresh on its way when Close project is clicked: the back end answers it once the project is closed.
    const { late, answer } = await requestAnsweredAfterOwnClose('This window shows the project cells, but that project was closed in another window; reload to continue.');
    expect(windowSession.id).toBeNull();
    answer();
    expect(await late).toMatchObject({ code: 'CANCELLED' });
    expect(windowSession.stale).toBeNull();
    // Another window's close, learned from a refusal while this window switched nothing, still makes it stale.
    windowSession.adopt({ session: 'S2', name: 'cells' } as OpenProjectSummary);
    const refused = { 'classes:list': async () => ({ ok: false, error: { code: 'PROJECT_CHANGED', message: 'closed in another window' } }) } as unknown as RawApi;
    expect(await callOn(refused, 'classes:list').catch((e: unknown) => e)).toMatchObject({ code: 'PROJECT_CHANGED' });
    expect(windowSession.stale).toEqual({ message: 'closed in another window' });
    windowSession.reset();
  });

  it('turns a transport exception into an INTERNAL AppError', async () => {
    const error = await callOn(
      raw(async () => {
        throw new Error('boom');
      }),
      'project:current',
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL' });
  });
});
