/**
 * Chooses how this page talks to the back end: Electron's preload exposes `window.api`;
 * in a browser served by the web host, the same RawApi is built over the WebSocket with the
 * token from the page URL. Media URLs follow the same choice.
 */
import { MEDIA_SCHEME, type MediaVariant, type RawApi } from '../../src-shared/contract';
import { MEDIA_ROUTE, TOKEN_PARAM } from '../../src-shared/ws-protocol';
import type { ConnectionStatus } from './connection-status';
import { createWsRawApi, pageToken, wsUrlFor } from './ws-raw-api';

export interface Bridge {
  raw: RawApi;
  kind: 'electron' | 'web';
  mediaUrl(imageId: number, variant: MediaVariant): string;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

function preloadApi(): RawApi | null {
  const candidate: unknown = Reflect.get(window, 'api');
  return typeof candidate === 'object' && candidate !== null ? (candidate as RawApi) : null;
}

function chooseBridge(): Bridge {
  const electron = preloadApi();
  if (electron) {
    return {
      raw: electron,
      kind: 'electron',
      mediaUrl: (imageId, variant) => `${MEDIA_SCHEME}://image/${imageId}/${variant}`,
      onStatus(listener) {
        listener({ state: 'open' });
        return () => undefined;
      },
    };
  }
  const token = pageToken(window.location, window.sessionStorage, window.history);
  const handle = createWsRawApi(wsUrlFor(window.location, token));
  return {
    raw: handle.api,
    kind: 'web',
    mediaUrl: (imageId, variant) => `${MEDIA_ROUTE}${imageId}/${variant}?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    onStatus: handle.onStatus,
  };
}

let chosen: Bridge | null = null;

/** The bridge, chosen on first use (so modules importing this one load without a window). */
export function bridge(): Bridge {
  chosen ??= chooseBridge();
  return chosen;
}

/** Use `chosen` instead of choosing (store tests run against a fake or in-process API). */
export function useBridge(given: Bridge): void {
  chosen = given;
}

/** Bumped when the pixels behind an image id may have changed (see `mediaContentChanged`). */
let contentEpoch = 0;

/**
 * A scan found files whose content changed under their image ids, or the page leaves a project
 * (ids restart in the next one): from now on every media URL is a new one, so that nothing in
 * the page serves the old pixels for an id (the document's decoded images are reused by URL
 * whatever the cache headers say, and so are the prefetchers'). Unchanged images are
 * revalidated by their ETag (the content hash) and not sent again.
 */
export function mediaContentChanged(): void {
  contentEpoch++;
}

export function mediaUrl(imageId: number, variant: MediaVariant): string {
  const url = bridge().mediaUrl(imageId, variant);
  return contentEpoch === 0 ? url : `${url}${url.includes('?') ? '&' : '?'}v=${contentEpoch}`;
}
