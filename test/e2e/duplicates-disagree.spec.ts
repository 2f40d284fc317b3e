/**
 * Exact copies of one image labeled as different classes: the Duplicates view flags the group
 * ("Labels disagree", with each class's count) until the group is labeled one way. Exact copies
 * are found without a model.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';

/** Four images, and two byte-identical copies of the first PNG, named to sort first. */
async function folderWithCopies(count: number, prefix: string): Promise<string> {
  const folder = await makeImageFolder(count, prefix);
  const first = (await fs.readdir(folder)).filter((name) => name.endsWith('.png')).sort()[0]!;
  for (const name of ['a-copy-1.png', 'a-copy-2.png']) await fs.copyFile(path.join(folder, first), path.join(folder, name));
  return folder;
}

const setup = hostWithImageFolder(4, 'adma-e2e-disagree-', folderWithCopies);

test('duplicates: exact copies labeled differently are flagged until labeled one way', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 6);
  await createClasses(page, ['eosinophil', 'basophil']);

  // The search first, while the copies have no label: the group agrees.
  await page.keyboard.press('Alt+8');
  const group = page.getByTestId('duplicate-group').filter({ hasText: 'Exact copies' });
  await expect(group).toHaveCount(1);
  await expect(group.getByTestId('labels-disagree')).toHaveCount(0);

  // The two copies come first in folder order: one of each class, given in the label view.
  await page.keyboard.press('Alt+1');
  await page.getByRole('button', { name: 'Folder order' }).click();
  const position = page.getByTestId('position');
  await expect(page.getByTestId('image-path')).toHaveText(/^a-copy-1/);
  await page.keyboard.press('1');
  await expect(page.getByTestId('image-path')).toHaveText(/^a-copy-2/);
  await page.keyboard.press('2');
  await expect(position).not.toHaveText(/^2 /);
  await expect(page.getByTestId('project-counts')).toContainText('2 labeled');

  // Back in Duplicates, the same search shows the labels given since, and flags the group.
  await page.keyboard.press('Alt+8');
  await expect(group.getByTestId('labels-disagree')).toHaveText('Labels disagree: 1 “basophil”, 1 “eosinophil”');
  await group.getByRole('toolbar', { name: 'Label the whole group' }).getByRole('button', { name: 'eosinophil' }).click();
  await expect(group.getByTestId('labels-disagree')).toHaveCount(0);
  expect(problems).toEqual([]);
});
