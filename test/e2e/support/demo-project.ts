import { expect, type Page } from '@playwright/test';

/** From whatever the host shows (the picker, or a project an earlier test left open): create the demo project in `folder`. */
export async function createDemoProject(page: Page, folder: string): Promise<string> {
  const close = page.getByRole('button', { name: 'Close project' });
  await expect(close.or(page.getByLabel('Where to create it'))).toBeVisible();
  if (await close.isVisible()) await close.click();
  await page.getByLabel('Where to create it').fill(folder);
  await expect(page.getByTestId('demo-path-status')).toContainText('will be created');
  await page.getByRole('button', { name: 'Create demo project' }).click();
  await expect(page.getByTestId('project-counts')).toContainText('300 images', { timeout: 60_000 });
  return folder;
}
