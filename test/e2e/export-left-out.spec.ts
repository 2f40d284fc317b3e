/**
 * The Export dialog's result names a labeled image whose file was deleted after the scan, and
 * why: the export goes on without it (it failed with "The file … is missing from the project
 * folder"), lists only the files it wrote, and makes no folder for a class whose only image it was.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { ROOT } from './support/paths';
import { openImageFolderExport } from './support/export-dialog';

const COUNT = 6;
// The file is deleted between the scan and the export: the folder watch would scan it away first.
const setup = hostWithImageFolder(COUNT, 'adma-e2e-export-left-out-', makeImageFolder, { folderWatch: false });

test('the export result lists a labeled image whose file was deleted after the scan, and leaves it out', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, COUNT);
  await createClasses(page, ['ant', 'bee']);

  // Two ants, then one bee: the bee's file is the one deleted.
  await page.getByRole('tab', { name: /Label/ }).click();
  const position = page.getByTestId('position');
  const imagePath = page.getByTestId('image-path');
  await expect(position).toHaveText(`1 / ${COUNT}`);
  const labeled: string[] = [];
  for (const [i, key] of ['1', '1', '2'].entries()) {
    labeled.push((await imagePath.textContent()) ?? '');
    await page.keyboard.press(key);
    await expect(position).toHaveText(`${i + 2} / ${COUNT}`);
  }
  await expect(page.getByTestId('label-progress')).toHaveText(`3 of ${COUNT} labeled`);
  const bee = labeled[2]!;
  fs.rmSync(path.join(setup.folder, ...bee.split('/')));

  const destination = path.join(setup.work, 'export');
  const dialog = await openImageFolderExport(page, destination, false);
  await expect(dialog.getByRole('checkbox', { name: /Labels CSV/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();

  const result = dialog.getByTestId('export-result');
  await expect(result).toBeVisible();
  const leftOut = dialog.getByTestId('export-left-out').filter({ hasText: bee });
  await expect(leftOut).toHaveText(/1 labeled image's file is gone from the project folder since the last scan \(moved or deleted\), so it is not in this export/);
  // Every file written is behind "Show all" (a handful here: the virtual list renders them all).
  await dialog.getByText(/^Show all \d+ files$/).click();
  const written = dialog.getByRole('list', { name: 'Files written' }).getByRole('listitem');
  await expect(written.first()).toBeVisible();
  const files = await written.allTextContents();
  expect(files.some((f) => f.includes(path.basename(bee)))).toBe(false);
  await expect(result).toContainText(`Wrote ${files.length} files`);
  await page.screenshot({ path: path.join(ROOT, 'test-results/e2e/export-left-out.png') });

  // On disk: the two ants and their rows; no row, copy or folder for the bee.
  const flat = (rel: string): string => rel.split('/').join('__');
  const copies = (fs.readdirSync(path.join(destination, 'images'), { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(destination, 'images', f)).isFile());
  expect(copies.map((f) => path.basename(f)).sort()).toEqual([flat(labeled[0]!), flat(labeled[1]!)].sort());
  expect(copies.every((f) => f.split(path.sep).includes('ant'))).toBe(true);
  expect((fs.readdirSync(path.join(destination, 'images'), { recursive: true }) as string[]).some((f) => f.split(path.sep).includes('bee'))).toBe(false);
  const rows = fs.readFileSync(path.join(destination, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  expect(rows.map((r) => r.split(',')[0]).sort()).toEqual([labeled[0]!, labeled[1]!].sort());
  expect(problems).toEqual([]);
});
