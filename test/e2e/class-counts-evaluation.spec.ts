/**
 * Label counts read the same everywhere once some labels are held out (walkthrough of a
 * haematologist's blood cells: the class bar said "rbc 14" where the dashboard said 12 training +
 * 2 evaluation). In Chromium against the built web host, with no model: two images sampled into
 * the evaluation set, labeled rbc and wbc there, three labeled in folder order (rbc, rbc,
 * wbc). The class bar, the Classes view's row and the gallery's Labeled and class filters then
 * show the training labels first and the held-out ones after them ("2 +1 eval"), the titles say
 * both in words, the filters still list every labeled image, and the dashboard's table agrees;
 * so does the header ("3 labeled +2 eval"), and the class delete question counts rbc's
 * evaluation label from the class list (no request to the host).
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
  // The channels of the requests the page sends (the delete question below asks none).
  const requests: string[] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      const message = typeof payload === 'string' ? (JSON.parse(payload) as { type?: string; channel?: string }) : null;
      if (message?.type === 'request' && message.channel) requests.push(message.channel);
    });
  });
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
  // Both evaluation images labeled first (rbc, wbc): folder order lists the unlabeled evaluation
  // images too, so one left unlabeled could take a folder-order key below.
  await sources.getByRole('button', { name: 'Evaluation' }).click();
  await labelInTurn(page, ['1']);
  await page.keyboard.press('2');
  await expect(page.getByTestId('evaluation-done')).toBeVisible();
  await sources.getByRole('button', { name: 'Folder order' }).click();
  await labelInTurn(page, ['1', '1', '2']);

  const bar = page.getByRole('toolbar', { name: 'Classes' });
  const rbc = bar.getByRole('button', { name: 'rbc (key 1)' });
  await expect(rbc.getByTestId('class-count')).toHaveText('2 +1 eval');
  await expect(rbc).toHaveAttribute('title', 'Label as rbc — key 1. 2 training labels + 1 evaluation label (held out to measure accuracy, never trained on)');
  const wbc = bar.getByRole('button', { name: 'wbc (key 2)' });
  await expect(wbc.getByTestId('class-count')).toHaveText('1 +1 eval');
  await expect(wbc).toHaveAttribute('title', 'Label as wbc — key 2. 1 training label + 1 evaluation label (held out to measure accuracy, never trained on)');
  // The header: the same split, summed ("3 labeled +2 eval"), not 5 labeled.
  const headerLabeled = page.getByTestId('project-counts').getByTestId('labeled-count');
  await expect(headerLabeled).toHaveText(/^3 labeled\s\+2 eval$/);
  await expect(headerLabeled).toHaveAttribute('title', '3 training labels + 2 evaluation labels (held out to measure accuracy, never trained on)');
  await shot(page, 'class-counts-evaluation-bar.png');

  await page.getByRole('tab', { name: /Classes/ }).click();
  const rows = page.getByTestId('class-row-count');
  await expect(rows).toHaveText(['2 training + 1 evaluation label', '1 training + 1 evaluation label']);
  await shot(page, 'class-counts-evaluation-classes.png');
  // The delete question says how many of rbc's labels are evaluation labels, from the class
  // list's counts: it asks the host nothing (no request goes out between the click and the question).
  const before = requests.length;
  await page.getByRole('button', { name: 'Delete rbc' }).click();
  const question = page.getByRole('dialog', { name: 'Delete “rbc”?' });
  await expect(question).toContainText('3 images labeled “rbc” will become unlabeled. 1 of them is an evaluation image');
  expect(requests.slice(before)).toEqual([]);
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(question).toBeHidden();

  await page.getByRole('tab', { name: /Gallery/ }).click();
  const filters = page.getByRole('group', { name: 'Filter' });
  const labeled = filters.getByRole('button', { name: /^Labeled/ });
  await expect(labeled).toHaveText('Labeled3 +2 eval');
  await labeled.click();
  await expect(page.getByTestId('gallery-count')).toHaveText('5 images');
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
