/**
 * The Export result offers "Show all N files" only when its summary leaves a file unnamed: after
 * a labels-only export the summary named labels.csv and labels.json, and "Show all 2 files" under
 * it listed the same two names again. (An export with an image copy keeps it: export-result.spec.)
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';

const COUNT = 3;
const setup = hostWithImageFolder(COUNT, 'adma-e2e-export-named-');

test('a labels-only export names both files and offers no "Show all"', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, COUNT);
  await createClasses(page, ['ant', 'bee']);
  await page.getByRole('tab', { name: /Label/ }).click();
  const position = page.getByTestId('position');
  await expect(position).toHaveText(`1 / ${COUNT}`);
  await page.keyboard.press('1');
  await expect(position).toHaveText(`2 / ${COUNT}`);

  await page.keyboard.press('Alt+6');
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  const destination = path.join(setup.work, 'export');
  await dialog.getByLabel('Destination folder').fill(destination);
  await expect(dialog.getByTestId('export-destination-status')).toHaveText('A new folder: it will be created.');
  await expect(dialog.getByRole('checkbox', { name: /Labels CSV/ })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: /Labels JSON/ })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: /ImageFolder copy/ })).not.toBeChecked();
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();

  const result = dialog.getByTestId('export-result');
  await expect(result).toContainText('Wrote 2 files');
  const groups = dialog.getByTestId('export-group');
  await expect(groups).toHaveCount(1);
  await expect(groups.first()).toContainText('Labelslabels.csv, labels.json');
  await expect(dialog.getByText(/Show all/)).toHaveCount(0);
  expect(fs.readdirSync(destination).sort()).toEqual(['labels.csv', 'labels.json']);
  expect(problems).toEqual([]);
});
