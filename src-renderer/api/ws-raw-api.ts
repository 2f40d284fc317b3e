/**
 * A RawApi over the web host's WebSocket (`src-shared/ws-protocol.ts`). Requests wait for
 * an open socket for a while, then fail with a NETWORK error; a request in flight when the
 * socket drops fails the same way (the label may or may not have been committed, so the
 * caller re-reads state). The socket reconnects with backoff and reports its status.
 */
import type { Result } from '../../src-shared/app-error';
import { channels, eventNames, type Channel, type EventName, type Events, type RawApi } from '../../src-shared/contract';
import { CLOSE_POLICY_VIOLATION, OPEN_ROUTE, TOKEN_PARAM, WS_ROUTE, type WsRequest, type WsServerMessage } from '../../src-shared/ws-protocol';
import { reconnectDelay } from './backoff';
import type { ConnectionStatus } from './connection-status';

const WAIT_FOR_SOCKET_MS = 15_000;

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

export interface WsApiHandle {
  api: RawApi;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

const networkError = (message: string): Result<never> => ({ ok: false, error: { code: 'NETWORK', message } });

function isServerMessage(value: unknown): value is WsServerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'response' || type === 'event' || type === 'protocol-error';
}

function isEventName(value: string): value is EventName {
  return (eventNames as string[]).includes(value);
}

/**
 * Whether the host at a WebSocket URL's address refuses the URL's token: 'refused' when it
 * answers 401 (a restarted host has a new token), 'unknown' when it does not answer or lets it in.
 */
export type TokenProbe = (wsUrl: string) => Promise<'refused' | 'unknown'>;

export const probeToken: TokenProbe = async (wsUrl) => {
  // The socket's own address over plain HTTP: the host answers 401 there when it refuses the token.
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  try {
    const response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    return response.status === 401 ? 'refused' : 'unknown';
  } catch {
    return 'unknown';
  }
};

/** Failed reconnects in a row before the host is asked whether it still knows the token. */
const PROBE_AFTER_ATTEMPTS = 2;

const REFUSED =
  'ADMA Studio was restarted and no longer accepts this page: open the address it printed when it started (the project and every saved label are there).';
const NO_TOKEN =
  'This page was opened without its key: open the address ADMA Studio printed when it started (the whole of it, with “#token=…”), or start it with npm start.';

export function createWsRawApi(wsUrl: string, probe: TokenProbe = probeToken): WsApiHandle {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let status: ConnectionStatus = { state: 'connecting', attempt: 0 };
  const pending = new Map<number, Pending>();
  const waiting = new Set<() => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const eventListeners = new Map<EventName, Set<(payload: never) => void>>();

  const setStatus = (next: ConnectionStatus): void => {
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const connect = (): void => {
    setStatus({ state: 'connecting', attempt });
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.addEventListener('open', () => {
      attempt = 0;
      setStatus({ state: 'open' });
      for (const wake of [...waiting]) wake();
    });
    ws.addEventListener('message', (message) => {
      if (typeof message.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      if (!isServerMessage(parsed)) return;
      if (parsed.type === 'protocol-error') {
        // The host could not read one of our messages: end that request with the host's reason.
        const entry = parsed.id === null ? undefined : pending.get(parsed.id);
        if (parsed.id !== null) pending.delete(parsed.id);
        if (entry) entry.resolve({ ok: false, error: { code: 'BAD_ARGUMENT', message: parsed.message } });
        else console.error(`ADMA Studio host refused a message: ${parsed.message}`);
        return;
      }
      if (parsed.type === 'response') {
        const entry = pending.get(parsed.id);
        if (!entry) return;
        pending.delete(parsed.id);
        entry.resolve(parsed.result);
        return;
      }
      if (!isEventName(parsed.event)) return;
      const listeners = eventListeners.get(parsed.event);
      if (listeners) for (const listener of [...listeners]) listener(parsed.payload as never);
    });
    ws.addEventListener('close', (event) => {
      if (socket !== ws) return;
      socket = null;
      for (const [requestId, entry] of pending) {
        pending.delete(requestId);
        entry.resolve(networkError('The connection to ADMA Studio was lost before the answer arrived. Check the state and try again.'));
      }
      const retryInMs = reconnectDelay(attempt, { baseMs: 250, maxMs: 8_000 });
      attempt += 1;
      const reason = event.code === CLOSE_POLICY_VIOLATION ? 'the host refused too many malformed messages from this page' : 'the host stopped answering';
      setStatus({ state: 'lost', attempt, retryInMs, reason });
      const retry = (): void => {
        if (attempt < PROBE_AFTER_ATTEMPTS) return connect();
        // A host that answers but refuses the token will refuse every retry: say so and stop.
        void probe(wsUrl).then((answer) => {
          if (answer !== 'refused') return connect();
          setStatus({ state: 'refused', reason: REFUSED });
          for (const wake of [...waiting]) wake();
        });
      };
      setTimeout(retry, retryInMs);
    });
  };

  /** Why no request can be answered any more (the host refuses this page), or null. */
  const refusal = (): string | null => (status.state === 'refused' ? status.reason : null);

  const whenOpen = (): Promise<WebSocket | null> =>
    new Promise((resolve) => {
      if (socket && socket.readyState === WebSocket.OPEN) {
        resolve(socket);
        return;
      }
      const wake = (): void => {
        waiting.delete(wake);
        clearTimeout(timer);
        resolve(socket && socket.readyState === WebSocket.OPEN ? socket : null);
      };
      const timer = setTimeout(wake, WAIT_FOR_SOCKET_MS);
      waiting.add(wake);
    });

  const send = async (channel: Channel, args: unknown, session: string | null, windowId: string | null): Promise<Result<unknown>> => {
    const before = refusal();
    if (before) return networkError(before);
    const ws = await whenOpen();
    if (!ws) return networkError(refusal() ?? 'ADMA Studio is not reachable. Is the web host still running? The page keeps retrying.');
    const requestId = nextId++;
    const request: WsRequest = { type: 'request', id: requestId, channel, args, session, ...(windowId === null ? {} : { windowId }) };
    return new Promise((resolve) => {
      pending.set(requestId, { resolve });
      ws.send(JSON.stringify(request));
    });
  };

  const api = {
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = eventListeners.get(event);
      if (!set) {
        set = new Set();
        eventListeners.set(event, set);
      }
      const stored = listener as (payload: never) => void;
      set.add(stored);
      return () => {
        eventListeners.get(event)?.delete(stored);
      };
    },
  } as Record<string, unknown>;
  for (const channel of channels) api[channel] = (args: unknown, session: string | null, windowId?: string | null) => send(channel, args, session, windowId ?? null);

  // A page without a token is refused by the host whatever it does: say so at once.
  if (new URL(wsUrl).searchParams.get(TOKEN_PARAM)) connect();
  else setStatus({ state: 'refused', reason: NO_TOKEN });
  return {
    api: api as RawApi,
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => {
        statusListeners.delete(listener);
      };
    },
  };
}

/** Where a tab keeps its token once read from the address: a reload finds it there. */
export const TOKEN_STORAGE_KEY = 'adma-token';

/**
 * The page's token. The host prints it in the address's fragment (`#token=…`), which no request
 * carries; it is kept in this tab's sessionStorage (a reload finds it there) and taken out of the
 * address bar, so that it is not in the browser's history, a bookmark or a copied address. An
 * address with `?token=` (an older host's) is read the same way. '' when the tab has none.
 */
export function pageToken(location: Location, storage: Pick<Storage, 'getItem' | 'setItem'>, history: Pick<History, 'replaceState'>): string {
  const url = new URL(location.href);
  const fromAddress = new URLSearchParams(url.hash.slice(1)).get(TOKEN_PARAM) ?? url.searchParams.get(TOKEN_PARAM);
  if (fromAddress) {
    storage.setItem(TOKEN_STORAGE_KEY, fromAddress);
    url.searchParams.delete(TOKEN_PARAM);
    // Shown at `/`, not at the printed `/open`: that address, opened again, loads the page anew.
    history.replaceState(null, '', `${url.pathname === OPEN_ROUTE ? '/' : url.pathname}${url.search}`);
    return fromAddress;
  }
  return storage.getItem(TOKEN_STORAGE_KEY) ?? '';
}

export function wsUrlFor(location: Location, token: string): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${WS_ROUTE}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}
