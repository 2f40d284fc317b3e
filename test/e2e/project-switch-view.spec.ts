/**
 * A project created after closing another opens on the Label view, never on the view the last
 * project was left on. The new project's workstation shows as soon as its opening is answered;
 * before the fix it showed there the last view (the Dashboard, with Import labels… to click)
 * until the model step's question was answered and the project entered, when the view jumped to
 * Label under the user. Seen in the trace of trust-workflow's second project under load.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { decideModelLater } from './support/model-step';
import { watchProblems } from './support/page-problems';

const setup = hostWithImageFolder(3, 'adma-e2e-switch-view-');

/**
 * From now on, every view the page shows for the project named `name`, in order (read with
 * `viewsShown`): each change of the header or the selected tab is recorded as it happens, so a
 * view shown for a moment only is seen too.
 */
async function recordViews(page: Page, name: string): Promise<void> {
  await page.evaluate((name) => {
    const seen: string[] = [];
    (window as unknown as { viewsShown: string[] }).viewsShown = seen;
    const note = (): void => {
      const shown = document.querySelector('header h1')?.textContent === name ? document.querySelector('[role="tab"][aria-selected="true"]')?.id : undefined;
      if (shown && seen.at(-1) !== shown) seen.push(shown);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, name);
}

const viewsShown = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { viewsShown: string[] }).viewsShown);

test('a project created after another one was left on the Dashboard opens on the Label view', async ({ page }) => {
  const problems = watchProblems(page);
  const second = await makeImageFolder(3, path.join(setup.work, 'second-'));
  await page.goto(setup.host.url);
  await page.getByLabel('Project folder').fill(setup.folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  await decideModelLater(page);
  await page.getByRole('tab', { name: /Dashboard/ }).click();
  await expect(page.getByRole('button', { name: 'Import labels…' })).toBeVisible();
  await page.getByRole('button', { name: 'Close project' }).click();

  await page.getByLabel('Project folder').fill(second);
  await recordViews(page, path.basename(second));
  await page.getByRole('button', { name: 'Create project' }).click();
  const step = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
  await expect(step).toBeVisible();
  await decideModelLater(page);
  await expect(page.getByRole('tab', { name: /Label/ }).first()).toHaveAttribute('aria-selected', 'true');
  expect(await viewsShown(page)).toEqual(['tab-label']);
  expect(problems).toEqual([]);
});
