import type { Page, WebSocketRoute } from '@playwright/test';
import type { ClassInfo, ImagePage, SuspectReport } from '../../../src-shared/contract';
import type { WsEvent } from '../../../src-shared/ws-protocol';

/**
 * Pass the page's WebSocket through, answering `quality:suspects` with a report on the project's
 * own images and classes (asked of the host on the page's session); returns a function that
 * pushes an event to the page as the host would.
 */
export async function relayWithReport(page: Page): Promise<(message: WsEvent) => void> {
  let route: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/ws\?/, (ws) => {
    route = ws;
    const server = ws.connectToServer();
    const mine = new Map<number, (value: unknown) => void>();
    let nextId = 1_000_000;
    const ask = <T,>(channel: string, args: unknown, session: string | null): Promise<T> =>
      new Promise((resolve) => {
        const id = nextId++;
        mine.set(id, resolve as (value: unknown) => void);
        server.send(JSON.stringify({ type: 'request', id, channel, args, session }));
      });
    server.onMessage((message) => {
      const data = JSON.parse(String(message)) as { type: string; id?: number; result?: { value: unknown } };
      const waiting = data.type === 'response' && data.id !== undefined ? mine.get(data.id) : undefined;
      if (waiting && data.id !== undefined) {
        mine.delete(data.id);
        waiting(data.result?.value);
      } else ws.send(message);
    });
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { type: string; id: number; channel?: string; session: string | null };
      if (request.type !== 'request' || request.channel !== 'quality:suspects') {
        server.send(message);
        return;
      }
      void (async () => {
        const images = await ask<ImagePage>('images:list', { filter: { kind: 'all' }, offset: 0, limit: 50 }, request.session);
        const classes = await ask<ClassInfo[]>('classes:list', undefined, request.session);
        const report: SuspectReport = {
          items: images.items.slice(0, 8).map((image, k) => ({
            image,
            givenClassId: classes[k % classes.length]!.id,
            suggestedClassId: classes[(k + 1) % classes.length]!.id,
            givenProbability: 0.04,
            suggestedProbability: 0.81,
          })),
          judged: images.items.length,
          folds: 5,
          modelId: 'test',
          millis: 1,
          checkedAt: new Date().toISOString(),
          changesSince: 0,
        };
        ws.send(JSON.stringify({ type: 'response', id: request.id, result: { ok: true, value: report } }));
      })();
    });
  });
  return (message) => {
    if (!route) throw new Error('the page has not connected yet');
    route.send(JSON.stringify(message));
  };
}
