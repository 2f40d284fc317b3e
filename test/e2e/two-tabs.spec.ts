/**
 * Issue 15 item 2 in Chromium: two tabs on one web host. Tab 1 labels project A; tab 2 closes
 * it and opens B. Tab 1's class key must not label B's image (same file name, same id): tab 1
 * shows a banner with Reload, and after reloading it shows B. Then the same with tab 1 missing
 * every event (a late connection): the host refuses its label and tab 1 shows the banner.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { makeImageFolder } from './support/image-folder';
import { webHostForSpec } from './support/web-host';
import { watchProblems } from './support/page-problems';
import { decideModelLater } from './support/model-step';
import { SHOTS } from './support/paths';


const folders: string[] = [];
const spec = webHostForSpec('adma-e2e-two-tabs-', async (work) => {
  for (const count of [4, 6, 5]) folders.push(await makeImageFolder(count, path.join(work, 'images-')));
});

async function createProject(page: Page, folder: string, images: number): Promise<void> {
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  // The model step of the creation: these tabs label without a model.
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText(`${images} images`, { timeout: 30_000 });
}

async function addClass(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name: /Classes/ }).click();
  await page.getByLabel('New class').fill(name);
  await page.getByLabel('New class').press('Enter');
  await expect(page.getByLabel(`Name of ${name}`)).toBeVisible();
  await page.getByRole('tab', { name: /Label/ }).click();
}

test('a tab whose project another tab replaced labels nothing, says so, and shows the new project after Reload', async ({ context }) => {
  const [folderA, folderB, folderC] = folders as [string, string, string];
  const tab1 = await context.newPage();
  const problems = watchProblems(tab1);
  // Tab 1's connection can lose the pushed events, as a late or lossy one would.
  let dropEvents = false;
  await tab1.routeWebSocket(/\/ws\?/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      if (dropEvents && (JSON.parse(String(message)) as { type: string }).type === 'event') return;
      ws.send(message);
    });
  });
  await tab1.goto(spec.host.url);
  await createProject(tab1, folderA, 4);
  await addClass(tab1, 'Cat');
  const shownInTab1 = await tab1.getByTestId('image-path').textContent();
  expect(shownInTab1).toBeTruthy();

  // Tab 2 closes A and opens B, whose images have the same names (and ids).
  const tab2 = await context.newPage();
  await tab2.goto(spec.host.url);
  await expect(tab2.getByTestId('project-counts')).toContainText('4 images');
  await tab2.getByRole('button', { name: 'Close project' }).click();
  await createProject(tab2, folderB, 6);
  await expect(tab2.getByTestId('image-path')).toHaveText(shownInTab1!);

  // Tab 1 learned of it: a banner, still A's view, and its class key writes nothing.
  const banner = tab1.getByTestId('project-changed');
  await expect(banner).toContainText(`but ${path.basename(folderB)} was opened in another window`);
  await expect(tab1.getByTestId('project-counts')).toContainText('4 images');
  await tab1.keyboard.press('1');
  await expect(tab1.getByRole('alert').filter({ hasText: 'The label was not saved' })).toBeVisible();
  await tab1.screenshot({ path: path.join(SHOTS, 'two-tabs-banner.png') });
  await tab2.reload();
  await expect(tab2.getByTestId('project-counts')).toContainText('0 labeled');
  await expect(tab2.getByTestId('current-label')).toHaveText('Unlabeled');

  // Reload: tab 1 shows B, and labels it.
  await banner.getByRole('button', { name: 'Reload' }).click();
  await expect(tab1.getByTestId('project-counts')).toContainText('6 images');
  await expect(banner).toBeHidden();
  await addClass(tab1, 'Dog');
  await tab1.keyboard.press('1');
  await expect(tab1.getByTestId('label-progress')).toHaveText('1 of 6 labeled');

  // Now tab 1 hears nothing while tab 2 switches to C: the host refuses its label.
  dropEvents = true;
  await tab2.reload();
  await expect(tab2.getByTestId('project-counts')).toContainText('1 labeled');
  await tab2.getByRole('button', { name: 'Close project' }).click();
  await createProject(tab2, folderC, 5);
  await expect(banner).toBeHidden();
  await tab1.keyboard.press('1');
  await expect(banner).toContainText(`but ${path.basename(folderC)} was opened in another window; reload to continue. Nothing was changed.`);
  await tab2.reload();
  await expect(tab2.getByTestId('project-counts')).toContainText('0 labeled');
  await expect(tab1.getByTestId('project-counts')).toContainText('6 images');

  expect(problems).toEqual([]);
});
