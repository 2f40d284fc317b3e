/**
 * Files changed in the project's folder while the app is open are found without Rescan: an image
 * copied in is counted and said in passing; a labeled image's file deleted raises the notice
 * that names it. (Before, the app noticed nothing until the expert clicked Rescan.)
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const setup = hostWithImageFolder(6, 'adma-e2e-folder-watch-');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

test('an image copied into the folder is counted, and a labeled file deleted is named, without Rescan', async ({ page }) => {
  const problems = watchProblems(page);
  await fs.mkdir(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 6);
  await createClasses(page, ['Ant', 'Bee']);
  await page.getByRole('tab', { name: /^Label/ }).click();
  await expect(page.getByTestId('image-path')).toHaveText('img-000.png');
  await page.keyboard.press('1');
  await expect(page.getByTestId('project-counts')).toContainText('1 labeled');

  // A new photo, as a file manager copies it in. Writing it again is harmless (the same bytes), so
  // the write is repeated until it is seen: the watch may still be starting when the first lands.
  const arrived = path.join(setup.folder, 'arrived.png');
  await expect(async () => {
    await sharp({ create: { width: 90, height: 60, channels: 3, background: '#c33' } })
      .png()
      .toFile(arrived);
    await expect(page.getByTestId('project-counts')).toContainText('7 images', { timeout: 10_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Files changed in the folder: 1 file added.' })).toBeVisible();
  await expect(page.getByTestId('folder-changed')).toBeHidden();

  // The labeled Ant photo's file is deleted: the notice names it, as a rescan would.
  await fs.rm(path.join(setup.folder, 'img-000.png'));
  const notice = page.getByTestId('folder-changed');
  await expect(notice).toContainText('Files changed in the folder: 1 labeled file is missing.', { timeout: 60_000 });
  await expect(page.getByTestId('project-counts')).toContainText('6 images');
  await shot(page, 'folder-watch-notice.png');
  await notice.getByTestId('folder-changed-list').click();
  const dialog = page.getByRole('dialog', { name: 'Files changed in the folder' });
  await expect(dialog.getByTestId('scan-labeled-removed')).toContainText('img-000.png');
  await shot(page, 'folder-watch-dialog.png');
  expect(problems).toEqual([]);
});
