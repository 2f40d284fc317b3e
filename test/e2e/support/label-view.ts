import { expect, type Page, type Route } from '@playwright/test';
import { createClasses, createProjectWithoutModel } from './model-step';

/**
 * Hold every request matching `held` from the start (the label view shows, and prefetches, as
 * soon as the project is created), create a project on `folder` without a model, with the class
 * Ant, and open its label view on the first image. Returns the held routes (continue them later).
 */
export async function openLabelViewHolding(page: Page, url: string, folder: string, count: number, held: RegExp): Promise<Route[]> {
  const routes: Route[] = [];
  await page.route(held, (route) => {
    routes.push(route);
  });
  await page.goto(url);
  await createProjectWithoutModel(page, folder, count);
  await createClasses(page, ['Ant']);
  await page.getByRole('tab', { name: /Label/ }).click();
  await expect(page.getByTestId('position')).toHaveText(`1 / ${count}`);
  return routes;
}

/**
 * The label view has the host render the thumbnails and renditions of the images ahead in the
 * background (`images:prepare`): answered here without reaching the host, so that no thumbnail is
 * made behind a spec's back (call before the page opens its WebSocket; "extraction held").
 */
export async function holdBackgroundRenders(page: Page): Promise<void> {
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { type: string; id: number; channel?: string };
      if (request.type === 'request' && request.channel === 'images:prepare') ws.send(JSON.stringify({ type: 'response', id: request.id, result: { ok: true, value: { queued: 0, pending: 0 } } }));
      else server.send(message);
    });
  });
}
