/**
 * Wire format of the web host: the same requests and events as Electron IPC, carried as
 * JSON over one WebSocket at `/ws?token=<token>` on 127.0.0.1.
 */
import type { Result } from './app-error';
import type { Channel, EventName, Events } from './contract';
import { s, SchemaError } from './schema';
import { windowIdSchema } from './window-id';

export interface WsRequest {
  type: 'request';
  id: number;
  channel: Channel;
  args: unknown;
  /**
   * The opening of a project the sending window shows (OpenProjectSummary.session), null when
   * it shows none. Project requests whose session is not the open one are refused with
   * PROJECT_CHANGED; a missing session counts as null.
   */
  session: string | null;
  /**
   * The sending page's own random id (src-shared/window-id.ts), null or missing for none: the
   * events its request causes carry it as their `origin`, so the page knows them for its own.
   */
  windowId?: string | null;
}

export interface WsResponse {
  type: 'response';
  id: number;
  result: Result<unknown>;
}

export interface WsEvent<E extends EventName = EventName> {
  type: 'event';
  event: E;
  payload: Events[E];
}

/**
 * The host's answer to a message that is not a request it can read (not JSON, not an
 * object, no numeric id, binary). `id` is the message's own id when it had a numeric one,
 * so the sender's waiting request ends.
 */
export interface WsProtocolError {
  type: 'protocol-error';
  id: number | null;
  message: string;
}

export type WsServerMessage = WsResponse | WsEvent | WsProtocolError;

/** Malformed messages one connection may send; the next one closes it with code 1008. */
export const MAX_PROTOCOL_ERRORS = 20;
/** WebSocket close code for a client that broke the protocol too often (RFC 6455 policy violation). */
export const CLOSE_POLICY_VIOLATION = 1008;

const requestShape = s.object({
  type: s.literal('request'),
  id: s.int({ min: 0 }),
  // checked against the contract by dispatch, which answers an unknown channel as BAD_ARGUMENT
  channel: s.string({ min: 1, max: 200 }),
  args: s.unknown(),
  session: s.optional(s.nullable(s.string({ min: 1, max: 200 }))),
  windowId: s.optional(s.nullable(windowIdSchema)),
});

export type ParsedRequest = { ok: true; request: Omit<WsRequest, 'channel'> & { channel: string } } | { ok: false; error: WsProtocolError };

/** Read one text message from a client as a request, or say why it is not one. */
export function parseWsRequest(text: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { type: 'protocol-error', id: null, message: `The message is not JSON: ${(error as Error).message}` } };
  }
  try {
    const { type, id, channel, args, session, windowId } = requestShape.parse(value, 'message');
    return { ok: true, request: { type, id, channel, args, session: session ?? null, windowId: windowId ?? null } };
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    const rawId = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
    const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : null;
    return { ok: false, error: { type: 'protocol-error', id, message: `The message is not a request: ${error.message}` } };
  }
}

/** HTTP route of the media endpoint: `/media/<imageId>/<variant>?token=<token>`. */
export const MEDIA_ROUTE = '/media/';
export const WS_ROUTE = '/ws';
export const TOKEN_PARAM = 'token';
/**
 * The address the host prints: the app's page at `/open#token=…`. The page reads the token and
 * shows itself at `/`, so opening the printed address again (a restarted host's, in the same tab)
 * loads the page anew rather than only changing the fragment of the one shown.
 */
export const OPEN_ROUTE = '/open';
