/**
 * The start screen's path fields tell the truth before any click: a relative path is refused
 * with how to type it (it used to name the app's own working folder); the demo's folder must be
 * new or empty, said up front; and when opening fails because the folder changed since it was
 * checked, the field's status is checked again (it kept "An ADMA Studio project: open it").
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { decideModelLater } from './support/model-step';
import { watchProblems } from './support/page-problems';

// The folder of three images that becomes a project whose database is then removed.
const setup = hostWithImageFolder(3, 'adma-e2e-gone-db-');

test('relative paths are refused, the demo folder must be empty, and a failed open checks the path again', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  const field = page.getByLabel('Project folder');
  const create = page.getByRole('button', { name: 'Create project' });
  const open = page.getByRole('button', { name: 'Open project' });

  // "resources" would have named the app's own resources folder.
  await field.fill('resources');
  await expect(page.getByTestId('path-status')).toContainText('"resources" is not a full path');
  await expect(create).toBeDisabled();
  await expect(open).toBeDisabled();

  // The demo: a relative path, a folder with files, then a new folder.
  const demo = page.getByLabel('Where to create it');
  const demoButton = page.getByRole('button', { name: 'Create demo project' });
  await demo.fill('demo-here');
  await expect(page.getByTestId('demo-path-status')).toContainText('not a full path');
  await expect(demoButton).toBeDisabled();
  await demo.fill(setup.folder);
  await expect(page.getByTestId('demo-path-status')).toContainText('This folder is not empty');
  await expect(demoButton).toBeDisabled();
  await demo.fill(path.join(setup.folder, 'new-demo'));
  await expect(page.getByTestId('demo-path-status')).toContainText('will be created');
  await expect(demoButton).toBeEnabled();

  // A project, closed; its database folder removed behind the app's back; Open fails, and the
  // field says what the folder is now.
  const folder = setup.folder;
  await field.fill(folder);
  await expect(page.getByTestId('path-status')).toContainText('create one');
  await create.click();
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText('3 images', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(field).toHaveValue(folder);
  await expect(page.getByTestId('path-status')).toContainText('An ADMA Studio project');
  await fs.rm(path.join(folder, '.adma'), { recursive: true, force: true });
  await open.click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByTestId('path-status')).toContainText('A folder without a project: create one');
  await expect(create).toBeEnabled();

  // Enter pressed at once after typing, before the path's check has answered, is not lost: it
  // opens a project once the check says it is one (and never creates one).
  await create.click();
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText('3 images', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Close project' }).click();
  await field.fill('');
  await field.pressSequentially(folder);
  await field.press('Enter');
  await expect(page.getByTestId('project-counts')).toContainText('3 images');
  await page.getByRole('button', { name: 'Close project' }).click();
  const plain = path.join(folder, 'batch-b');
  await field.fill(plain);
  await field.press('Enter');
  await expect(page.getByTestId('path-status')).toContainText('A folder without a project');
  expect(await fs.readdir(plain)).not.toContain('.adma');
  expect(problems).toEqual([]);
});
