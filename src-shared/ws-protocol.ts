/**
 * Wire format of the web host: the same requests and events as Electron IPC, carried as
 * JSON over one WebSocket at `/ws?token=<token>` on 127.0.0.1.
 */
import type { Result } from './app-error';
import type { Channel, EventName, Events } from './contract';

export interface WsRequest {
  type: 'request';
  id: number;
  channel: Channel;
  args: unknown;
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

export type WsServerMessage = WsResponse | WsEvent;

/** HTTP route of the media endpoint: `/media/<imageId>/<variant>?token=<token>`. */
export const MEDIA_ROUTE = '/media/';
export const WS_ROUTE = '/ws';
export const TOKEN_PARAM = 'token';
