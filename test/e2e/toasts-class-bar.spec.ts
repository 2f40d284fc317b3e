/**
 * In a 1024 x 700 window, eight classes with the blood cells' names wrap the label view's class
 * bar onto two rows; a toast then goes above the bar instead of covering class buttons (it hid
 * "lymphocyte" and "monocyte"; found in a walkthrough).
 */
import { expect, test } from '@playwright/test';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';

const setup = hostWithImageFolder(4, 'adma-e2e-toasts-');

test('a toast does not cover the class bar when the classes wrap onto two rows', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 4);
  await createClasses(page, ['basophil', 'eosinophil', 'erythroblast', 'immature granulocyte', 'lymphocyte', 'monocyte', 'neutrophil', 'platelet']);
  await page.getByRole('tab', { name: /^Label/ }).click();
  const bar = page.getByRole('toolbar', { name: 'Classes' });
  await expect(bar.getByRole('button')).toHaveCount(8);
  const barBox = (await bar.boundingBox())!;
  const buttonHeight = (await bar.getByRole('button').first().boundingBox())!.height;
  expect(barBox.height, 'the classes wrap onto two rows').toBeGreaterThan(1.5 * buttonHeight);

  // Nothing to undo yet: a toast says so.
  await page.keyboard.press('Control+z');
  const toast = page.getByTestId('toast').filter({ hasText: 'Nothing to undo.' });
  await expect(toast).toBeVisible();
  await expect
    .poll(async () => {
      const t = (await toast.boundingBox())!;
      return t.y + t.height <= barBox.y || t.y >= barBox.y + barBox.height || t.x + t.width <= barBox.x || t.x >= barBox.x + barBox.width;
    }, { message: 'the toast covers the class bar' })
    .toBe(true);
  expect(problems).toEqual([]);
});
