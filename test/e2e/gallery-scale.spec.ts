/**
 * The virtual gallery in Chromium against the built web host, over more images than it renders:
 * only the rows shown are in the DOM, sorting reorders on the back end, the arrows move through
 * the grid and scroll it, and Ctrl+A selects every image of the filter (not only those rendered)
 * with the count shown before the bulk label, which the back end resolves by filter.
 */
import { expect, test } from '@playwright/test';
import { watchProblems } from './support/page-problems';
import { hostWithImageFolder } from './support/folder-host';
import { decideModelLater } from './support/model-step';

const COUNT = 1200;
const setup = hostWithImageFolder(COUNT, 'adma-e2e-gallery-');

test('virtual gallery: rendered rows only, sort, keyboard moves, Ctrl+A over every image and a bulk label by filter', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await page.getByLabel('Project folder').fill(setup.folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  // The model step of the creation: the gallery needs no model.
  await decideModelLater(page);
  const counts = page.getByTestId('project-counts');
  await expect(counts).toContainText(`${COUNT} images`, { timeout: 60_000 });

  await page.getByRole('tab', { name: /Classes/ }).click();
  await page.getByLabel('New class').fill('Cell');
  await page.getByLabel('New class').press('Enter');
  await expect(page.getByLabel('Name of Cell')).toBeVisible();

  await page.keyboard.press('Alt+2');
  const galleryCount = page.getByTestId('gallery-count');
  await expect(galleryCount).toHaveText(`${COUNT} images`);
  const thumbs = page.getByTestId('thumb');
  await expect(thumbs.first()).toBeVisible();
  expect(await thumbs.count()).toBeLessThan(300);

  // Sort by file name, descending: the last name comes first, in natural order img-1199 (after
  // img-999 and img-1000: numbers by value; binary order put img-999 last).
  await page.getByRole('button', { name: 'Ascending order' }).click();
  await expect(thumbs.first()).toHaveAccessibleName(/^img-1199\.jpg, unlabeled/);
  await expect(thumbs.nth(1)).toHaveAccessibleName(/^img-1198\.png, unlabeled/);
  await page.getByRole('button', { name: 'Descending order' }).click();
  await expect(thumbs.first()).toHaveAccessibleName(/^batch-b\/img-006\.png, unlabeled/);

  // Keyboard: the first arrow selects the first image, then moves; ArrowDown goes a row down and scrolls.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await expect(thumbs.first()).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(thumbs.nth(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(thumbs.first()).toHaveAttribute('aria-pressed', 'false');
  for (let k = 0; k < 25; k++) await page.keyboard.press('ArrowDown');
  const focused = page.locator('[data-testid="thumb"]:focus');
  await expect(focused).toHaveAttribute('aria-pressed', 'true');
  await expect(focused).toBeInViewport();
  await expect(thumbs.first()).not.toHaveAccessibleName(/^batch-b\/img-006\.png/);
  await page.keyboard.press('Shift+ArrowUp');
  const columns = await page.evaluate(() => getComputedStyle(document.querySelector('.scroller .row')!).gridTemplateColumns.split(' ').length);
  await expect(page.getByTestId('selection-count')).toHaveText(`${columns + 1} selected`);
  // Ctrl+End and Ctrl+Home: the last and the first image, scrolled to and focused; Shift+End: to the row's end.
  await page.keyboard.press('Control+End');
  await expect(focused).toHaveAccessibleName(/^img-1199\.jpg, unlabeled/);
  await expect(focused).toBeInViewport();
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await page.keyboard.press('Control+Home');
  await expect(focused).toHaveAccessibleName(/^batch-b\/img-006\.png, unlabeled/);
  await expect(focused).toBeInViewport();
  await page.keyboard.press('Shift+End');
  await expect(page.getByTestId('selection-count')).toHaveText(`${columns} selected`);

  // Scrolled to the bottom, the DOM still holds only the rows shown.
  // (virtua may still be settling the cursor's scrollToIndex of the key press above, which can
  // take a scroll made meanwhile back: scroll again until the bottom row is there)
  await expect(async () => {
    await page.locator('.scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(page.getByRole('button', { name: /^img-1199\.jpg, unlabeled/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  expect(await thumbs.count()).toBeLessThan(300);

  // Ctrl+A: every image of the filter, far more than rendered; Ctrl+click leaves one out.
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('selection-count')).toHaveText(`${COUNT} selected`);
  // Dispatched on the tile, not clicked at its place: a click goes to where the tile was when it
  // was found, and virtua, still settling the scroll above, may have moved the rows since (a CI run
  // under load clicked there and left the selection at 1200).
  await page.getByRole('button', { name: /^img-1199\.jpg, unlabeled/ }).dispatchEvent('click', { ctrlKey: true });
  await expect(page.getByTestId('selection-count')).toHaveText(`${COUNT - 1} selected`);
  await expect(page.getByRole('button', { name: `Label ${COUNT - 1} selected as Cell` })).toBeVisible();
  await page.keyboard.press('1');
  await expect(page.getByText(`Labeled ${COUNT - 1} images as “Cell”. Ctrl+Z undoes it.`)).toBeVisible();
  await expect(counts).toContainText(`${COUNT - 1} labeled`);
  await page.getByRole('button', { name: /^Unlabeled/ }).click();
  await expect(galleryCount).toHaveText('1 image');
  await expect(thumbs).toHaveCount(1);
  await expect(thumbs.first()).toHaveAccessibleName(/^img-1199\.jpg, unlabeled/);

  // A key that would replace many labels asks first: Ctrl+A over every image, then Backspace.
  // Cancel keeps every label; the confirmed clear takes them all, and Ctrl+Z brings them back.
  await page.getByRole('button', { name: /^All/ }).click();
  await expect(galleryCount).toHaveText(`${COUNT} images`);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
  const question = page.getByRole('dialog', { name: `Clear ${(COUNT - 1).toLocaleString('en-US')} labels?` });
  await expect(question).toContainText(`The selection holds ${COUNT.toLocaleString('en-US')} images; ${(COUNT - 1).toLocaleString('en-US')} labels would be cleared (${(COUNT - 1).toLocaleString('en-US')} “Cell”). Ctrl+Z undoes it.`);
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(question).toBeHidden();
  await expect(counts).toContainText(`${COUNT - 1} labeled`);
  await page.keyboard.press('Backspace');
  await question.getByRole('button', { name: `Clear ${(COUNT - 1).toLocaleString('en-US')} labels` }).click();
  await expect(page.getByText(`Cleared the label of ${COUNT} images. Ctrl+Z undoes it.`)).toBeVisible();
  await expect(counts).toContainText('0 labeled');
  await page.keyboard.press('Control+z');
  await expect(counts).toContainText(`${COUNT - 1} labeled`);

  // Find by file name: the images whose name contains the text; Ctrl+A then takes only those.
  const find = page.getByLabel('Find by file name');
  await find.fill('IMG-99');
  await expect(galleryCount).toHaveText('10 images');
  await expect(thumbs.first()).toHaveAccessibleName(/^(batch-b\/)?img-99\d\.png/);
  await find.blur();
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('selection-count')).toHaveText('10 selected');
  // All ten found have a label (the one left out, img-1199, is not among them): clearing ten asks first.
  await page.keyboard.press('Backspace');
  await page.getByRole('dialog', { name: 'Clear 10 labels?' }).getByRole('button', { name: 'Clear 10 labels' }).click();
  await expect(page.getByText('Cleared the label of 10 images. Ctrl+Z undoes it.')).toBeVisible();
  await expect(counts).toContainText(`${COUNT - 11} labeled`);
  // A filter chip ends the search.
  await page.getByRole('button', { name: /^All/ }).click();
  await expect(find).toHaveValue('');
  await expect(galleryCount).toHaveText(`${COUNT} images`);

  expect(problems).toEqual([]);
});
