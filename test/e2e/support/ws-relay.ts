import type { Page, WebSocketRoute } from '@playwright/test';
import type { WsEvent } from '../../../src-shared/ws-protocol';

export interface Relay {
  /** Push an event to the page as the host would (throws before the page has connected). */
  push(message: WsEvent): void;
  /** Whether the page's WebSocket has connected through the relay. */
  readonly connected: boolean;
}

/** Pass the page's WebSocket through, keeping a handle to push events to the page. */
export async function relay(page: Page): Promise<Relay> {
  let route: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/ws\?/, (ws) => {
    ws.connectToServer();
    route = ws;
  });
  return {
    push(message) {
      if (!route) throw new Error('the page has not connected yet');
      route.send(JSON.stringify(message));
    },
    get connected() {
      return route !== null;
    },
  };
}
