/**
 * Several labels given quickly whose commits all fail (the host refused them, or died before
 * answering) are said in one message with their number, and the view is back on the first of
 * them. Each had said "The label may not have been saved, back on its image" (shown once, ×4),
 * as if one label was lost (walkthrough: 6 keys, the host killed, 4 labels lost).
 */
import { expect, test } from '@playwright/test';
import { hostWithImageFolder } from './support/folder-host';
import { createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';

const setup = hostWithImageFolder(12, 'adma-e2e-not-saved-together-');

test('three labels refused together: one message with their number, back on the first', async ({ page }) => {
  const problems = watchProblems(page);
  // Hold the label requests once asked to, then refuse them all at once (as a host that answers late, busy).
  let hold = false;
  const held: { id: number }[] = [];
  let refuseHeld: (() => void) | null = null;
  await page.routeWebSocket(/\/ws\?/, (ws) => {
    const server = ws.connectToServer();
    refuseHeld = () => {
      for (const request of held.splice(0)) ws.send(JSON.stringify({ type: 'response', id: request.id, result: { ok: false, error: { code: 'BUSY', message: 'The project database is busy; try again.' } } }));
    };
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { id: number; channel: string };
      if (hold && request.channel === 'labels:set') {
        held.push(request);
        return;
      }
      server.send(message);
    });
  });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 12);
  await page.getByRole('tab', { name: /^Classes/ }).click();
  for (const name of ['Cell', 'Debris']) {
    await page.getByLabel('New class').fill(name);
    await page.getByLabel('New class').press('Enter');
    await expect(page.getByLabel(`Name of ${name}`)).toBeVisible();
  }
  await page.getByRole('tab', { name: /^Label/ }).click();
  const position = page.getByTestId('position');
  await expect(position).toHaveText('1 / 12');
  await page.keyboard.press('1');
  await expect(position).toHaveText('2 / 12');
  await expect(page.getByTestId('label-progress')).toHaveText('1 of 12 labeled');

  hold = true;
  for (const [k, key] of ['1', '2', '1'].entries()) {
    await page.keyboard.press(key);
    await expect(position).toHaveText(`${k + 3} / 12`);
  }
  // The commits go one after another: the first is held; refuse it, and each after it as it comes.
  await expect.poll(() => held.length).toBeGreaterThan(0);
  for (let refused = 0; refused < 3; ) {
    await expect.poll(() => held.length).toBeGreaterThan(0);
    refused += held.length;
    refuseHeld!();
  }
  await expect(page.getByRole('alert').filter({ hasText: '3 labels were not saved, back on the first of them: The project database is busy' })).toBeVisible();
  // One message: the earlier counts were replaced, not stacked.
  await expect(page.getByRole('alert').filter({ hasText: 'not saved' })).toHaveCount(1);
  await expect(position).toHaveText('2 / 12');
  await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');
  await expect(page.getByTestId('label-progress')).toHaveText('1 of 12 labeled');
  expect(problems).toEqual([]);
});
