/**
 * The host goes away mid-labeling. While the page has no connection, a label key is refused on
 * the spot (a notice, and the view stays on its image) instead of moving on as if the label had
 * been saved. When a host starts again at the same address it has a new token, so the old page
 * can never reconnect: it says so and which address to open, instead of retrying forever.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeImageFolder } from './support/image-folder';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { ROOT } from './support/paths';
import { startWebHost, type RunningHost } from './support/web-host';

const hosts: RunningHost[] = [];
const dirs: string[] = [];
test.afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop()));
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

test('no connection: label keys are refused in place; a restarted host is named, not retried forever', async ({ page }) => {
  const folder = await makeImageFolder(6, 'adma-e2e-lost-');
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-lost-state-'));
  dirs.push(folder, stateDir);
  const first = await startWebHost(ROOT, stateDir);
  hosts.push(first);
  // The page logs its failed reconnects; only the app's own problems count here.
  const problems = watchProblems(page);

  // Which labels:set requests the page has had answered: the host announces a label (the header's
  // count) before it answers the request, and a label whose answer the connection lost is taken
  // back and its image shown again (its outcome is unknown to the page). The host is stopped only
  // once the label's answer has arrived.
  const labelRequests = new Set<number>();
  let labelsAnswered = 0;
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      const message = typeof payload === 'string' ? (JSON.parse(payload) as { type?: string; id?: number; channel?: string }) : null;
      if (message?.type === 'request' && message.channel === 'labels:set' && typeof message.id === 'number') labelRequests.add(message.id);
    });
    socket.on('framereceived', ({ payload }) => {
      const message = typeof payload === 'string' ? (JSON.parse(payload) as { type?: string; id?: number }) : null;
      if (message?.type === 'response' && typeof message.id === 'number' && labelRequests.has(message.id)) labelsAnswered++;
    });
  });

  await page.goto(first.url);
  await createProjectWithoutModel(page, folder, 6);
  await createClasses(page, ['cell']);
  await page.keyboard.press('Alt+1');
  const position = page.getByTestId('position');
  await expect(position).toHaveText('1 / 6');
  await page.keyboard.press('1');
  await expect(position).toHaveText('2 / 6');
  await expect(page.getByTestId('project-counts')).toContainText('1 labeled');
  await expect.poll(() => labelsAnswered).toBe(1);

  // The host dies: the banner says so, and a label key changes nothing, shown or saved.
  first.process.kill('SIGKILL');
  await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toBeVisible();
  await page.keyboard.press('1');
  await expect(page.getByText('Not saved: ADMA Studio is not connected')).toBeVisible();
  await expect(position).toHaveText('2 / 6');
  await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');

  // A host started again at the same address has a new token: the page says to open its address.
  const port = Number(new URL(first.url).port);
  const second = await startWebHost(ROOT, stateDir, 30_000, port);
  hosts.push(second);
  expect(second.url).not.toBe(first.url);
  await expect(page.getByTestId('connection-refused')).toContainText('ADMA Studio was restarted and no longer accepts this page: open the address it printed', {
    timeout: 60_000,
  });
  await page.keyboard.press('1');
  await expect(page.getByText('Not saved: this page is no longer connected to ADMA Studio')).toBeVisible();
  await expect(position).toHaveText('2 / 6');

  // The new address has the project, with the one label that was saved.
  await page.goto(second.url);
  await page.getByRole('button', { name: `Open ${path.basename(folder)}` }).click();
  await expect(page.getByTestId('project-counts')).toContainText('1 labeled', { timeout: 60_000 });
  expect(problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|401|Failed to load resource/.test(p))).toEqual([]);
});

test('a page opened without its key says how to open the app, and shows nothing it cannot do', async ({ page }) => {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-nokey-state-'));
  dirs.push(stateDir);
  const host = await startWebHost(ROOT, stateDir);
  hosts.push(host);
  const problems = watchProblems(page);

  await page.goto(new URL('/', host.url).href);
  await expect(page.getByTestId('connection-refused')).toContainText('This page was opened without its key: open the address ADMA Studio printed');
  // Neither the project picker nor the workstation: no control at all, and no second notice.
  await expect(page.getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(1);
  expect(problems).toEqual([]);
});
