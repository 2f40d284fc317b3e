/**
 * A recent project whose folder was moved: the start page marks it missing (at once after a
 * failed Open, and when the page loads), and Locate… with the folder's new path opens it with its
 * labels and lists it there once. A folder holding another project, or none, is refused first
 * and the list stays as it was.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { decideModelLater } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const setup = hostWithImageFolder(6, 'adma-e2e-locate-');

/** Create a project in `folder` from the picker (no model), wait for its images, and close it. */
async function createAndClose(page: Page, folder: string, images: number, label?: (page: Page) => Promise<void>): Promise<void> {
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText(`${images} images`, { timeout: 60_000 });
  await label?.(page);
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByLabel('Project folder')).toBeVisible();
}

test('a moved project is marked missing and Locate… opens it from its new folder, listed there once', async ({ page }) => {
  const problems = watchProblems(page);
  const folder = setup.folder;
  const name = path.basename(folder);
  const other = await makeImageFolder(2, path.join(setup.work, 'other-'));
  await page.goto(setup.host.url);

  // The project, with three images labeled "Cat"; then another project.
  await createAndClose(page, folder, 6, async () => {
    await page.getByRole('tab', { name: /Classes/ }).click();
    await page.getByLabel('New class').fill('Cat');
    await page.getByLabel('New class').press('Enter');
    await expect(page.getByLabel('Name of Cat')).toBeVisible();
    await page.getByRole('tab', { name: /Label/ }).click();
    await expect(page.getByTestId('position')).toHaveText('1 / 6');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('1');
      await expect(page.getByTestId('position')).toHaveText(`${i + 2} / 6`);
    }
    await expect(page.getByTestId('project-counts')).toContainText('3 labeled');
  });
  await createAndClose(page, other, 2);
  const recent = page.getByRole('region', { name: 'Recent projects' });
  await expect(recent.getByRole('listitem')).toHaveCount(2);

  // The folder is moved and renamed behind the app's back. The list on screen was read before:
  // Open fails, says why, and the entry is marked missing at once, with Locate… in place of Open.
  const moved = path.join(setup.work, 'moved', 'cells-2026');
  await fs.mkdir(path.dirname(moved));
  await fs.rename(folder, moved);
  await recent.getByRole('button', { name: `Open ${name}` }).click();
  await expect(page.getByRole('alert')).toContainText(`The folder ${folder} does not exist`);
  const entry = recent.getByRole('listitem').filter({ hasText: folder });
  await expect(entry.getByText('Missing')).toBeVisible();
  await expect(entry.getByRole('button', { name: `Open ${name}` })).toHaveCount(0);
  // As the page shows it when it loads.
  await page.reload();
  await expect(entry.getByText('Missing')).toBeVisible();
  await expect(entry).toContainText('No project at this path now');
  await expect(recent.getByRole('button', { name: `Open ${path.basename(other)}` })).toBeEnabled();
  await entry.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'recent-missing.png') });

  // Locate…: the field starts at the old folder's parent.
  await entry.getByRole('button', { name: `Locate ${name}` }).click();
  const form = page.getByRole('form', { name: `Locate ${name}` });
  const field = form.getByLabel(`Where is the folder of ${name} now?`);
  await expect(field).toBeFocused();
  await expect(field).toHaveValue(`${path.dirname(folder)}/`);
  // Escape closes the form, back on its button; the button opens it again.
  await field.press('Escape');
  await expect(form).toHaveCount(0);
  await expect(entry.getByRole('button', { name: `Locate ${name}` })).toBeFocused();
  await entry.getByRole('button', { name: `Locate ${name}` }).click();
  await expect(field).toBeFocused();
  const submit = form.getByRole('button', { name: 'Open from here' });

  // A folder without a project cannot be chosen.
  await field.fill(path.join(setup.work, 'moved'));
  await expect(page.getByTestId('locate-path-status')).toContainText(`No ADMA Studio project in this folder: choose the folder ${name} was moved to`);
  await expect(submit).toBeDisabled();
  // Another project's folder is refused when its project is read: nothing changes.
  await field.fill(other);
  await expect(page.getByTestId('locate-path-status')).toContainText(`Open from here checks that it is ${name}`);
  await submit.click();
  await expect(form.getByRole('alert')).toContainText(`${other} holds another project, not the ${name} last opened at ${folder}`);
  await expect(form.getByRole('alert')).toContainText('Nothing was changed.');
  await page.screenshot({ path: path.join(SHOTS, 'recent-locate-refused.png') });
  await page.reload();
  await expect(recent.getByRole('listitem')).toHaveCount(2);
  await expect(entry.getByText('Missing')).toBeVisible();

  // The folder it was moved to: opened with its labels.
  await entry.getByRole('button', { name: `Locate ${name}` }).click();
  await field.fill(moved);
  await expect(page.getByTestId('locate-path-status')).toContainText(`Open from here checks that it is ${name}`);
  await submit.click();
  await expect(page.getByTestId('project-counts')).toContainText('6 images');
  await expect(page.getByTestId('project-counts')).toContainText('3 labeled');

  // Listed at its new path, once; the old path is gone from the list.
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByLabel('Project folder')).toBeVisible();
  await expect(recent.getByRole('listitem')).toHaveCount(2);
  await expect(recent.getByText(moved, { exact: true })).toHaveCount(1);
  await expect(recent.getByText(folder, { exact: true })).toHaveCount(0);
  await expect(recent.getByText('Missing')).toHaveCount(0);
  await expect(recent.getByRole('listitem').first()).toContainText('cells-2026');
  await recent.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'recent-located.png') });

  expect(problems).toEqual([]);
});
