/**
 * The Export dialog's result says where the export went (with its path to copy) and what was
 * written, grouped by kind with counts and sizes; the full list of files is there but collapsed.
 * It listed every file written, 242 lines for a small project with an image copy (walkthrough: a
 * haematologist), so what mattered (where, and were the labels and model in it) was lost in it.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';
import { openImageFolderExport } from './support/export-dialog';

const COUNT = 12;
const LABELED = 10;
const setup = hostWithImageFolder(COUNT, 'adma-e2e-export-result-', makeImageFolder);

test('the export result says where it went and what, by kind, with every file behind "Show all"', async ({ page, context }) => {
  const problems = watchProblems(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, COUNT);
  await createClasses(page, ['ant', 'bee']);

  await page.getByRole('tab', { name: /Label/ }).click();
  const position = page.getByTestId('position');
  await expect(position).toHaveText(`1 / ${COUNT}`);
  for (let i = 0; i < LABELED; i++) {
    await page.keyboard.press(i % 2 === 0 ? '1' : '2');
    await expect(position).toHaveText(`${i + 2} / ${COUNT}`);
  }
  await expect(page.getByTestId('label-progress')).toHaveText(`${LABELED} of ${COUNT} labeled`);

  const destination = path.join(setup.work, 'export');
  const dialog = await openImageFolderExport(page, destination, false);
  await dialog.getByRole('checkbox', { name: /Hugging Face imagefolder/ }).check();
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();

  const result = dialog.getByTestId('export-result');
  await expect(result).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'export-result.png') });
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();

  // Where: the folder's path, to copy.
  await expect(dialog.getByTestId('export-destination-written')).toHaveText(destination);
  await dialog.getByRole('button', { name: 'Copy path' }).click();
  await expect(dialog.getByTestId('export-copy-status')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(destination);

  // What, by kind: each with its files or its count, and the size on disk.
  const total = LABELED * 2 + 1 + 2; // ImageFolder and Hugging Face copies, metadata.csv, labels.csv and labels.json
  await expect(result).toContainText(`Wrote ${total} files`);
  const groups = dialog.getByTestId('export-group');
  await expect(groups).toHaveCount(3);
  const size = /\d+ (KB|MB)$/;
  await expect(groups.nth(0)).toContainText('Labelslabels.csv, labels.json');
  await expect(groups.nth(1)).toContainText(`ImageFolder copy${LABELED} images in 2 class folders\u00a0(images/)`);
  await expect(groups.nth(2)).toContainText(`Hugging Face imagefolder${LABELED} images and metadata.csv\u00a0(huggingface/)`);
  for (const group of await groups.all()) await expect(group.getByTestId('export-group-size')).toHaveText(size);

  // Every file, collapsed until asked for.
  const list = dialog.getByRole('list', { name: 'Files written' });
  await expect(list).toBeHidden();
  await dialog.getByText(`Show all ${total} files`).click();
  await expect(list).toBeVisible();
  await expect(list.getByRole('listitem').first()).toBeVisible();
  await expect(list).toContainText(path.join('images', 'ant'));
  await page.screenshot({ path: path.join(SHOTS, 'export-result-all.png') });
  expect(fs.readdirSync(destination).sort()).toEqual(['huggingface', 'images', 'labels.csv', 'labels.json']);
  expect(problems).toEqual([]);
});
