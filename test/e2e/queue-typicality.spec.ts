/**
 * The first batch of the recommended strategy (typical first, then unsure) is ranked by
 * typicality, a number with no upper limit (walkthrough of a haematologist's blood cells: the
 * round-0 queue showed "1.412" in its Score column, read as a probability over 1). In Chromium
 * against the built web host, with the starter model on 24 images: each row's score says
 * "typicality", its title that it is not a probability, its reason keeps the group in words; the
 * rounds table's mean and the label view's line over the image say "typicality" too.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithStarterModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const COUNT = 24;
const setup = hostWithImageFolder(COUNT, 'adma-e2e-typicality-');

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

test('the round-0 queue of the recommended strategy names its scores typicality, not a bare number', async ({ page }) => {
  test.setTimeout(6 * 60_000);
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createProjectWithStarterModel(page, setup.folder, COUNT, 3 * 60_000);
  await createClasses(page, ['rbc', 'wbc']);
  await page.getByRole('tab', { name: /Adapt/ }).click();
  await expect(page.getByLabel('Strategy').locator('option:checked')).toHaveText(/Recommended: typical first/);
  await page.getByRole('button', { name: 'Query the first batch' }).click();
  const rows = page.getByTestId('queue-row');
  await expect(rows).toHaveCount(10);

  const scores = page.getByTestId('queue-score');
  await expect(scores).toHaveCount(10);
  for (const text of await scores.allTextContents()) expect(text.trim()).toMatch(/^typicality\s\d+(\.\d+)?$/);
  await expect(scores.first()).toHaveAttribute('title', /^Typicality [\d.]+: how typical the image is of its group .*not a probability/);
  // The reason keeps its words: the group the pick stands for.
  await expect(rows.first().locator('.reason')).toHaveText(/^(typical of a group of \d+ similar images with no label yet|unlike any other image \(a group of its own\))/);
  // The rounds table: the batch's mean typicality, named so.
  await expect(page.getByTestId('round-means')).toHaveText(/· typicality\s\d+(\.\d+)?$/);
  await shot(page, 'queue-typicality.png');

  await page.getByRole('button', { name: 'Label this batch' }).click();
  await expect(page.getByTestId('label-source')).toHaveText('Queue · round 0');
  await expect(page.getByTestId('queue-scores')).toHaveText(/· typicality \d+(\.\d+)?$/);
  expect(problems).toEqual([]);
});
