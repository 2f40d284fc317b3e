/**
 * Duplicates and "more like this" in Chromium against the built web host, on real photos
 * (hymenoptera, read from ../shared) with planted copies: the Duplicates view groups each
 * original with its re-encoded and byte-identical copies, a group is labeled at once and the
 * label undone, the threshold moves, an image opens in the label view, and "more like this"
 * (label view, gallery) shows the copies first and labels the picked images in bulk; the
 * evaluation sample leaves out the copy of a training image.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { createClasses, createProjectWithModelFolder } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { webHostForSpec } from './support/web-host';
import { HYMENOPTERA_VAL as PHOTOS, MOBILENET_025 as MODEL, photosAndModelAvailable as available, SHOTS } from './support/paths';


/** The originals that got copies (relative paths). */
const originals: string[] = [];

test.skip(!available, `skipped: the shared model ${MODEL} or photos ${PHOTOS} are absent`);

// The project folder: twelve photos of each class, and a re-encoded and a byte-identical copy of one of each.
// A photo is added later and Rescan clicked: the folder watch is off, or its own scan would race the click.
const spec = webHostForSpec(
  'adma-e2e-dup-',
  async (folder) => {
    for (const cls of ['ants', 'bees']) {
      await fs.mkdir(path.join(folder, cls));
      for (const file of (await fs.readdir(path.join(PHOTOS, cls))).sort().slice(0, 12)) await fs.copyFile(path.join(PHOTOS, cls, file), path.join(folder, cls, file));
    }
    await fs.mkdir(path.join(folder, 'copies'));
    for (const [k, cls] of ['ants', 'bees'].entries()) {
      const file = (await fs.readdir(path.join(folder, cls))).sort()[1] as string;
      originals.push(`${cls}/${file}`);
      await sharp(path.join(folder, cls, file)).rotate().jpeg({ quality: 40 }).toFile(path.join(folder, 'copies', `recoded-${k}.jpg`));
      await fs.copyFile(path.join(folder, cls, file), path.join(folder, 'copies', `same-${k}.jpg`));
    }
  },
  { folderWatch: false },
);

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

test('Duplicates view and more like this: group, label a group and undo, threshold, open, bulk label similar images', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(spec.host.url);
  await createProjectWithModelFolder(page, spec.work, MODEL);
  await createClasses(page, ['ant', 'bee']);

  // The Duplicates view: one group per original, each with its two copies.
  await page.keyboard.press('Alt+8');
  await expect(page.getByRole('tab', { name: /Duplicates/ })).toHaveAttribute('aria-selected', 'true');
  const groups = page.getByTestId('duplicate-group');
  await expect(groups).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('duplicate-summary')).toContainText('2 groups, 4 extra copies');
  for (const group of await groups.all()) await expect(group.getByTestId('duplicate-item')).toHaveCount(3);
  const first = groups.first();
  await expect(first).toContainText('Near duplicates');
  // Its header says how alike the pairs that joined it measured (the byte-identical copy: 1.00), not a second threshold beside the slider's.
  const similarity = first.getByTestId('duplicate-similarity');
  await expect(similarity).toHaveText(/^3 images, feature similarity 0\.\d\d–1\.00 between linked pairs$/);
  await expect(similarity).toHaveAttribute('title', /at least 0\.70, the threshold/);
  await shot(page, 'duplicates-view.png');

  // Label the whole group at once, then undo it (one action in the history).
  await first.getByRole('toolbar', { name: 'Label the whole group' }).getByRole('button', { name: 'ant' }).click();
  for (const item of await first.getByTestId('duplicate-item').all()) await expect(item).toContainText('ant');
  await page.keyboard.press('Control+z');
  for (const item of await first.getByTestId('duplicate-item').all()) await expect(item).toContainText('unlabeled');
  await first.getByRole('toolbar', { name: 'Label the whole group' }).getByRole('button', { name: 'ant' }).click();
  for (const item of await first.getByTestId('duplicate-item').all()) await expect(item).toContainText('ant');

  // At similarity 1 only the byte-identical copies stay together.
  await page.getByTestId('duplicate-threshold').fill('1');
  await expect(page.getByTestId('duplicate-threshold-value')).toHaveText('1.00');
  await expect(page.getByTestId('duplicate-summary')).toContainText('2 groups, 2 extra copies');
  await expect(groups.first()).toContainText('Exact copies');
  await page.getByTestId('duplicate-threshold').fill('0.7');
  await expect(page.getByTestId('duplicate-summary')).toContainText('2 groups, 4 extra copies');

  // Open an image of the second group in the label view.
  const second = groups.nth(1);
  const opened = second.getByTestId('duplicate-item').first();
  const openedPath = ((await opened.getAttribute('title')) ?? '').split(' — ')[0] as string;
  await opened.click();
  await expect(page.getByRole('tab', { name: /Label/ }).first()).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('image-path')).toHaveText(openedPath);

  // More like this from the label view: the two copies first, marked as copies; label them in bulk.
  await page.getByTestId('more-like-this').click();
  const dialog = page.getByTestId('similar-dialog');
  await expect(dialog.getByTestId('similar-item').first()).toBeVisible({ timeout: 30_000 });
  const items = dialog.getByTestId('similar-item');
  await expect(items.nth(0)).toContainText('copy');
  await expect(items.nth(1)).toContainText('copy');
  await expect(items.nth(2)).not.toContainText('copy');
  await shot(page, 'more-like-this.png');
  // The unlabeled copies start picked; picking by hand works too.
  await expect(dialog.getByTestId('similar-picked')).toContainText('2 of');
  await dialog.getByRole('button', { name: 'Pick none' }).click();
  await expect(dialog.getByTestId('similar-picked')).toContainText('0 of');
  await items.nth(0).click();
  await items.nth(1).click();
  await expect(items.nth(0)).toHaveAttribute('aria-pressed', 'true');
  await expect(dialog.getByTestId('similar-picked')).toContainText('2 of');
  await dialog.getByRole('toolbar', { name: 'Label the picked images' }).getByRole('button', { name: 'bee' }).click();
  await expect(items.nth(0)).toContainText('bee');
  await expect(items.nth(1)).toContainText('bee');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // More like this from the gallery: one image selected.
  await page.keyboard.press('Alt+2');
  await page.getByTestId('thumb').first().click();
  await page.getByTestId('gallery-more-like-this').click();
  await expect(page.getByTestId('similar-dialog').getByTestId('similar-item').first()).toBeVisible({ timeout: 30_000 });
  await shot(page, 'more-like-this-gallery.png');
  await page.getByTestId('similar-dialog').getByRole('button', { name: 'Close' }).click();

  // The Duplicates view shows the labels made elsewhere.
  await page.keyboard.press('Alt+8');
  await shot(page, 'duplicates-labeled.png');
  await expect(groups.nth(1).getByTestId('duplicate-item').filter({ hasText: /bee\s*$/ })).toHaveCount(2);

  // The evaluation sampler skips copies of training images (every unlabeled image but the copies:
  // test/unit/adaptation/adaptation-fake-engine.test.ts), so nothing leaks (the warning and its
  // fix: test/integration/adaptation/duplicates.test.ts). 28 images, 5 labeled (a group of 3 ants,
  // 2 bee copies): of the 23 that are not training labels, the set may take half (11).
  await page.keyboard.press('Alt+6');
  // The dashboard's data for now (its suggested size follows it: typing before it came, the new
  // suggestion landed in the middle of the typing and the field read "11100").
  await expect(page.getByTestId('sample-limit')).toContainText('Up to 11 images now');
  await page.locator('#sample-size').fill('100');
  await expect(page.getByTestId('sample-limit')).toContainText('At most 11 images can be added now, not 100');
  await page.getByRole('button', { name: 'Use 11' }).click();
  await page.getByRole('button', { name: 'random images' }).click();
  await expect(page.getByRole('button', { name: 'Label evaluation set (11)' })).toBeVisible();
  await expect(page.getByTestId('leakage-warning')).toBeHidden();
  await shot(page, 'evaluation-without-copies.png');

  // A rescan finds one more photo: the Duplicates view says its groups are from before, until Find again.
  await page.keyboard.press('Alt+8');
  await expect(page.getByTestId('duplicate-summary')).toBeVisible();
  await expect(page.getByTestId('duplicate-outdated')).toBeHidden();
  const extra = (await fs.readdir(path.join(PHOTOS, 'ants'))).sort()[12] as string;
  await fs.copyFile(path.join(PHOTOS, 'ants', extra), path.join(spec.work, 'ants', extra));
  await page.getByRole('button', { name: 'Rescan folder' }).click();
  await expect(page.getByTestId('scan-report')).toContainText(/Added\s*1/);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('duplicate-outdated')).toContainText('29 images now, 28 then');
  await page.getByRole('button', { name: 'Find again' }).click();
  await expect(page.getByTestId('duplicate-outdated')).toBeHidden();
  await expect(page.getByTestId('duplicate-summary')).toContainText('of 29 images');
  expect(problems).toEqual([]);
});
