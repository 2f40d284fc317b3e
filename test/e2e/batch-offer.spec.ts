/**
 * The label view on the folder order when a batch opens (here queried in another tab): the image
 * the expert is looking at stays, the view offers the batch (Ctrl+B), and a key pressed while the
 * switch is on its way labels the image that was on screen when it was pressed. Then the batch
 * takes the view at its first image to label.
 */
import { expect, test, type WebSocketRoute } from '@playwright/test';
import path from 'node:path';
import { createDemoProjectInAdapt } from './support/demo-project';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';
import { webHostForSpec } from './support/web-host';

const spec = webHostForSpec('adma-e2e-batch-offer-');
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a batch opening while the label view shows the folder order is offered, and a key pressed as it switches labels the image on screen', async ({ context }) => {
  test.setTimeout(8 * 60_000);
  const tabA = await context.newPage();
  const problemsA = watchProblems(tabA);
  // Tab A's WebSocket passes through, able to hold its requests for the open batch (the switch
  // reading it) until the test lets them go.
  let holdRound = false;
  const heldRound: string[] = [];
  let server: WebSocketRoute | null = null;
  await tabA.routeWebSocket(/\/ws\?/, (ws) => {
    const upstream = ws.connectToServer();
    server = upstream;
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { type: string; channel?: string };
      if (holdRound && request.type === 'request' && request.channel === 'loop:currentRound') heldRound.push(String(message));
      else upstream.send(message);
    });
  });
  await tabA.goto(spec.host.url);
  await createDemoProjectInAdapt(tabA, path.join(spec.work, 'demo'));

  // Tab A labels in the folder order the project opened on (no batch yet).
  await tabA.keyboard.press('Alt+1');
  const source = tabA.getByTestId('label-source');
  const imagePath = tabA.getByTestId('image-path');
  const position = tabA.getByTestId('position');
  const offer = tabA.getByTestId('batch-offer');
  await expect(source).toHaveText('Unlabeled · folder order');
  await expect(position).toHaveText('1 / 300');
  const first = (await imagePath.textContent())!;
  expect(first).toBeTruthy();
  await expect(offer).toBeHidden();

  // Tab B queries the first batch.
  const tabB = await context.newPage();
  const problemsB = watchProblems(tabB);
  await tabB.goto(spec.host.url);
  await expect(tabB.getByTestId('project-counts')).toContainText('300 images');
  await tabB.keyboard.press('Alt+5');
  await expect(tabB.getByTestId('features-state')).toContainText('Ready');
  await tabB.getByRole('button', { name: 'Query the first batch' }).click();
  await expect(tabB.getByTestId('queue-row')).toHaveCount(10);

  // Tab A: the batch is offered; the image, its place and the folder order stay.
  await expect(offer).toContainText('A batch of 10 images is ready');
  await expect(offer.getByRole('button', { name: 'Label the batch Ctrl+B' })).toBeVisible();
  await expect(source).toHaveText('Unlabeled · folder order');
  await expect(imagePath).toHaveText(first);
  await expect(position).toHaveText('1 / 300');
  await tabA.screenshot({ path: path.join(SHOTS, 'label-batch-offer.png') });
  // In a 1024 px window too, the offer is whole, in the bar of fixed height (the image does not move).
  const barHeight = (await tabA.getByTestId('model-bar').boundingBox())?.height;
  await tabA.setViewportSize({ width: 1024, height: 800 });
  const notNow = offer.getByRole('button', { name: 'Not now' });
  await expect.poll(async () => ((box) => (box ? box.x + box.width : Infinity))(await notNow.boundingBox())).toBeLessThanOrEqual(1024);
  expect((await tabA.getByTestId('model-bar').boundingBox())?.height).toBe(barHeight);
  await tabA.screenshot({ path: path.join(SHOTS, 'label-batch-offer-1024.png') });
  await tabA.setViewportSize({ width: 1280, height: 800 });

  // A key labels the image on screen and the folder order goes on, offer still up.
  await tabA.keyboard.press('3');
  await expect(imagePath).not.toHaveText(first);
  await expect(position).toHaveText('2 / 300');
  await expect(tabA.getByTestId('label-progress')).toHaveText('1 of 300 labeled');
  await expect(offer).toBeVisible();

  // Ctrl+B: while the batch is read, the image on screen stays, and a key pressed then is its.
  holdRound = true;
  await tabA.keyboard.press('Control+b');
  await expect.poll(() => heldRound.length).toBe(1);
  await expect(source).toHaveText('Unlabeled · folder order');
  const second = (await imagePath.textContent())!;
  await tabA.keyboard.press('5');
  await expect(imagePath).not.toHaveText(second);
  await expect(tabA.getByTestId('label-progress')).toHaveText('2 of 300 labeled');
  holdRound = false;
  for (const message of heldRound.splice(0)) server!.send(message);

  // The batch takes the view, at an image to label that no key was meant for.
  await expect(source).toHaveText('Queue · round 0');
  await expect(position).toHaveText(/^\d+ \/ 10$/);
  await expect(tabA.getByTestId('current-label')).toHaveText('Unlabeled');
  await expect(imagePath).not.toHaveText(first);
  await expect(imagePath).not.toHaveText(second);
  await expect(offer).toBeHidden();
  await expect(tabA.getByTestId('label-progress')).toHaveText('2 of 300 labeled');

  // Each key's label is on the image it was pressed on.
  await tabA.keyboard.press('Alt+2');
  await tabA.getByRole('group', { name: 'Filter' }).getByRole('button', { name: /^Labeled/ }).click();
  await expect(tabA.getByTestId('thumb')).toHaveCount(2);
  await expect(tabA.getByRole('button', { name: new RegExp(`^${escaped(first)}, 3$`) })).toBeVisible();
  await expect(tabA.getByRole('button', { name: new RegExp(`^${escaped(second)}, 5$`) })).toBeVisible();

  expect(problemsA).toEqual([]);
  expect(problemsB).toEqual([]);
});
