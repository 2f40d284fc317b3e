/**
 * Another project opened in the same page shows its own pictures. Image ids restart in every
 * project, and the page reuses a decoded image by its URL whatever the cache headers say: before
 * the fix, a second project's label view and gallery showed the first project's pictures under
 * the same ids (found in a walkthrough: blood cells in a folder of test patterns), so an expert
 * would have labeled one image while looking at another.
 */
import { expect, test, type Locator } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { hostWithImageFolder } from './support/folder-host';
import { createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';

const setup = hostWithImageFolder(3, 'adma-e2e-project-switch-');

/** The decoded picture's pixel size, once loaded. */
const naturalSize = (image: Locator): Promise<string> => image.evaluate((img: HTMLImageElement) => (img.complete && img.naturalWidth > 0 ? `${img.naturalWidth}x${img.naturalHeight}` : 'loading'));

test('a second project opened in the same page shows its own pictures under the ids the first one used', async ({ page }) => {
  const problems = watchProblems(page);
  // The second folder: three wide strips (300 x 50), where the first has 160-240 x 120-150 pictures.
  const second = path.join(setup.work, 'strips');
  await fs.mkdir(second);
  for (let i = 0; i < 3; i++) {
    await sharp({ create: { width: 300, height: 50, channels: 3, background: { r: 40 + 60 * i, g: 160, b: 90 } } })
      .png()
      .toFile(path.join(second, `strip-${i}.png`));
  }
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 3);
  await page.getByRole('tab', { name: /^Label/ }).click();
  await expect(page.getByTestId('image-path')).toHaveText('img-000.png');
  await expect.poll(() => naturalSize(page.getByTestId('current-image'))).toBe('160x120');
  await page.getByRole('tab', { name: /^Gallery/ }).click();
  await expect(page.getByTestId('thumb-image')).toHaveCount(3);
  await expect.poll(() => naturalSize(page.getByTestId('thumb-image').first())).toMatch(/^\d+x\d+$/);

  await page.getByRole('button', { name: 'Close project' }).click();
  await createProjectWithoutModel(page, second, 3);
  await page.getByRole('tab', { name: /^Label/ }).click();
  await expect(page.getByTestId('image-path')).toHaveText('strip-0.png');
  await expect.poll(() => naturalSize(page.getByTestId('current-image'))).toBe('300x50');
  await page.getByRole('tab', { name: /^Gallery/ }).click();
  const tiles = page.getByTestId('thumb-image');
  await expect(tiles).toHaveCount(3);
  // Thumbnails keep the aspect: 6 to 1 for every strip.
  for (let i = 0; i < 3; i++) {
    await expect
      .poll(() => tiles.nth(i).evaluate((img: HTMLImageElement) => (img.complete && img.naturalHeight > 0 ? Math.round(img.naturalWidth / img.naturalHeight) : 0)))
      .toBe(6);
  }
  expect(problems).toEqual([]);
});
