/**
 * Label counts read the same everywhere once some labels are held out (walkthrough of a
 * haematologist's blood cells: the class bar said "rbc 14" where the dashboard said 12 training +
 * 2 evaluation). In Chromium against the built web host, with no model: two images sampled into
 * the evaluation set, one of them labeled rbc there, three labeled in folder order (rbc, rbc,
 * wbc). The class bar, the Classes view's row and the gallery's Labeled and class filters then
 * show the training labels first and the held-out ones after them ("2 +1 eval"), the titles say
 * both in words, the filters still list every labeled image, and the dashboard's table agrees.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const COUNT = 8;
const setup = hostWithImageFolder(COUNT, 'adma-e2e-evalcounts-');

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

/** Press each key on the image shown, waiting for the view to move on between them. */
async function labelInTurn(page: Page, keys: readonly string[]): Promise<void> {
  const imagePath = page.getByTestId('image-path');
  for (const key of keys) {
    await expect(imagePath).toBeVisible();
    const relPath = (await imagePath.textContent()) ?? '';
    await page.keyboard.press(key);
    await expect(imagePath).not.toHaveText(relPath);
  }
}

test('after an evaluation image is labeled, the class bar, the Classes view and the gallery split the counts as the dashboard does', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, COUNT);
  await createClasses(page, ['rbc', 'wbc']);

  // Two images held out as the evaluation set (before any training label: no model is needed).
  await page.getByRole('tab', { name: /Dashboard/ }).click();
  await page.getByLabel('Add').fill('2');
  await page.getByRole('button', { name: 'random images' }).click();
  await expect(page.getByText('Added 2 images to the evaluation set (2 in all).')).toBeVisible();

  await page.getByRole('tab', { name: /^Label/ }).click();
  const sources = page.getByRole('group', { name: 'What to label' });
  await sources.getByRole('button', { name: 'Evaluation' }).click();
  await labelInTurn(page, ['1']);
  await sources.getByRole('button', { name: 'Folder order' }).click();
  await labelInTurn(page, ['1', '1', '2']);

  const bar = page.getByRole('toolbar', { name: 'Classes' });
  const rbc = bar.getByRole('button', { name: 'rbc (key 1)' });
  await expect(rbc.getByTestId('class-count')).toHaveText('2 +1 eval');
  await expect(rbc).toHaveAttribute('title', 'Label as rbc — key 1. 2 training labels + 1 evaluation label (held out to measure accuracy, never trained on)');
  const wbc = bar.getByRole('button', { name: 'wbc (key 2)' });
  await expect(wbc.getByTestId('class-count')).toHaveText('1');
  await expect(wbc).toHaveAttribute('title', 'Label as wbc — key 2. 1 label');
  await shot(page, 'class-counts-evaluation-bar.png');

  await page.getByRole('tab', { name: /Classes/ }).click();
  const rows = page.getByTestId('class-row-count');
  await expect(rows).toHaveText(['2 training + 1 evaluation label', '1 label']);
  await shot(page, 'class-counts-evaluation-classes.png');

  await page.getByRole('tab', { name: /Gallery/ }).click();
  const filters = page.getByRole('group', { name: 'Filter' });
  const labeled = filters.getByRole('button', { name: /^Labeled/ });
  await expect(labeled).toHaveText('Labeled3 +1 eval');
  await labeled.click();
  await expect(page.getByTestId('gallery-count')).toHaveText('4 images');
  const onlyRbc = filters.getByRole('button', { name: 'Only rbc (3)' });
  await expect(onlyRbc).toHaveText('rbc2 +1 eval');
  await onlyRbc.click();
  await expect(page.getByTestId('gallery-count')).toHaveText('3 images');
  await shot(page, 'class-counts-evaluation-gallery.png');

  // The dashboard's table: the same split.
  await page.getByRole('tab', { name: /Dashboard/ }).click();
  const rbcRow = page.getByTestId('per-class').getByRole('row').filter({ hasText: 'rbc' });
  await expect(rbcRow.getByRole('cell')).toHaveText(['rbc', '2', '', '1', /.*/, /.*/]);
  await shot(page, 'class-counts-evaluation-dashboard.png');
  expect(problems).toEqual([]);
});
