/**
 * The label view's two lines above the image in a narrow window: the info line (what to label,
 * the image's path, size, position and label) wraps onto more lines and pushes the suggestion
 * line down; it never runs over it. A review at 600 px wide saw its second line (the position
 * and "Unlabeled") drawn over the suggestion line: with many classes the class bar's rows took
 * the height, and the info line shrank to one line's height. The class bar now scrolls past
 * 25 % of a narrow window, so the image keeps room too. Screenshots at 600 and 1024 px wide.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

/** Four images, the first in a folder with a long name (the info line at its longest). */
async function longPathFolder(count: number, prefix: string): Promise<string> {
  const folder = await makeImageFolder(count, prefix);
  const deep = path.join(folder, 'A17_peripheral_blood_smear', 'slide03');
  await fs.mkdir(deep, { recursive: true });
  await fs.rename(path.join(folder, 'img-000.png'), path.join(deep, 'img-000.png'));
  return folder;
}

const setup = hostWithImageFolder(4, 'adma-e2e-label-narrow-', longPathFolder);

const box = async (element: Locator): Promise<{ top: number; bottom: number }> => {
  const b = await element.boundingBox();
  if (!b) throw new Error('not rendered');
  return { top: b.y, bottom: b.y + b.height };
};

/** Every piece of the info line ends above the suggestion line's top (a pixel's rounding aside). */
async function expectInfoAboveModelBar(page: Page): Promise<void> {
  const info = page.getByRole('group', { name: 'What to label' }).locator('xpath=..');
  const modelBar = page.getByTestId('model-bar');
  const { top } = await box(modelBar);
  expect((await box(info)).bottom).toBeLessThanOrEqual(top + 0.5);
  for (const piece of await info.locator('xpath=./*').all()) expect((await box(piece)).bottom).toBeLessThanOrEqual(top + 0.5);
}

test('in a 600 px wide window the label view’s info line wraps above the suggestion line, never over it', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1024, height: 720 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 4);
  // 24 classes: eight rows of keys at 600 px wide.
  await createClasses(page, Array.from({ length: 24 }, (_, k) => `cell type ${k + 1}`));
  await page.keyboard.press('Alt+1');
  await page.getByRole('group', { name: 'What to label' }).getByRole('button', { name: 'Folder order' }).click();
  await expect(page.getByTestId('image-path')).toHaveText('A17_peripheral_blood_smear/slide03/img-000.png');
  await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');

  await expect(page.getByTestId('image-loading')).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'label-view-1024.png') });
  await expectInfoAboveModelBar(page);

  await page.setViewportSize({ width: 600, height: 720 });
  await expect(page.getByTestId('position')).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'label-view-600.png') });
  await expectInfoAboveModelBar(page);
  // What the expert reads there is still on screen: the position and the image's label; the
  // image keeps room, and the navigation row stays in the window below the class bar.
  for (const id of ['position', 'current-label']) await expect(page.getByTestId(id)).toBeInViewport();
  expect((await page.getByTestId('viewport').boundingBox())?.height ?? 0).toBeGreaterThan(150);
  await expect(page.getByRole('toolbar', { name: 'Navigation' }).getByRole('button', { name: /Skip/ })).toBeInViewport();
  expect(problems).toEqual([]);
});
