/**
 * The label view moves on at the key press and shows the next image at once: while an image's
 * rendition is still on its way (here: held), its thumbnail is shown scaled up; the rendition
 * takes its place when it arrives. The label itself is committed in the background.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { openLabelViewHolding } from './support/label-view';
import { ROOT } from './support/paths';

const COUNT = 8;
const setup = hostWithImageFolder(COUNT, 'adma-e2e-placeholder-');
const SCREEN = /\/media\/\d+\/screen\d+/;

test('label view: the next image shows as its thumbnail while its rendition is held, then sharp', async ({ page }) => {
  // Every rendition is held: only thumbnails arrive.
  const held = await openLabelViewHolding(page, setup.host.url, setup.folder, COUNT, SCREEN);
  const position = page.getByTestId('position');
  await expect(page.getByTestId('placeholder-image')).toHaveClass(/loaded/);

  // The key moves on at once, although no rendition has come: image 2 shows as its thumbnail.
  const firstPath = await page.getByTestId('image-path').textContent();
  await page.keyboard.press('1');
  await expect(position).toHaveText(`2 / ${COUNT}`);
  const placeholder = page.getByTestId('placeholder-image');
  await expect(placeholder).toHaveClass(/loaded/);
  await expect(page.getByTestId('current-image')).not.toHaveClass(/loaded/);
  const kind = await page.evaluate(() => {
    const marks = performance.getEntriesByName('adma:image-first-paint') as PerformanceMark[];
    return (marks[marks.length - 1]?.detail as { kind?: string } | undefined)?.kind;
  });
  expect(kind).toBe('thumbnail');
  await expect(page.getByTestId('label-progress')).toHaveText(`1 of ${COUNT} labeled`);
  await page.screenshot({ path: path.join(ROOT, 'test-results/e2e/label-placeholder.png') });

  // The renditions arrive: image 2's takes the thumbnail's place.
  await page.unroute(SCREEN);
  for (const route of held.splice(0)) await route.continue().catch(() => undefined);
  await expect(page.getByTestId('current-image')).toHaveClass(/loaded/);
  await expect(placeholder).toHaveCount(0);
  await expect(page.getByTestId('image-path')).not.toHaveText(firstPath ?? '');
  // Image 1's rendition was still loading when the view moved on: its cancelled load is not
  // taken for a failure of image 2.
  await expect(page.getByText('This image could not be loaded')).toHaveCount(0);
});
