/**
 * The Import dialog's path field completes the files it can import, not only folders: a user in
 * the browser typed the start of a labels CSV's name, pressed Tab, and nothing happened (Tab
 * completed folders only, and the browser has no file dialog), so the whole name had to be typed.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';

const setup = hostWithImageFolder(3, 'adma-e2e-import-completion-');

test('Tab completes a labels CSV in the Import field, and the import reads it', async ({ page }) => {
  const problems = watchProblems(page);
  const from = path.join(setup.work, 'from-the-lab');
  await fs.mkdir(from);
  await fs.writeFile(path.join(from, 'labels-2026.csv'), 'path,class\nimg-000.png,cell\nimg-001.png,cell\n');
  await fs.writeFile(path.join(from, 'notes.txt'), 'not a labels file');
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 3);
  await page.keyboard.press('Alt+6');
  await page.getByRole('button', { name: 'Import labels…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import labels or suggestions' });
  const field = dialog.getByLabel('File or folder');
  await expect(field).toHaveAttribute('placeholder', /Tab completes folders and \.csv, \.json files/);
  // The browser has no file dialog: no "Choose file…" (nor "Choose folder…").
  await expect(dialog.getByRole('button', { name: 'Choose file…' })).toHaveCount(0);

  await field.fill(path.join(from, 'la'));
  // The field lists the file it can import (without a slash: it is no folder), not the notes.
  const listed = dialog.getByRole('list', { name: 'Folders and files here' });
  await expect(listed.getByRole('button')).toHaveText(['labels-2026.csv']);
  await field.press('Tab');
  await expect(field).toHaveValue(path.join(from, 'labels-2026.csv'));
  await expect(field).toBeFocused();
  await expect(dialog.getByTestId('import-path-status')).toHaveText(/^A file: a labels CSV/);

  await dialog.getByRole('checkbox', { name: 'Create classes that do not exist yet' }).check();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByTestId('import-report')).toContainText(/Labeled\s*2/);
  expect(problems).toEqual([]);
});
