/**
 * Before any thumbnail or rendition exists (no feature extraction yet), a camera JPEG's next
 * image paints as the thumbnail its camera embedded in the EXIF (read from the file's first
 * bytes, oriented as the image), and its rendition replaces it when it arrives; so does the first
 * image the view opens on (asked about as it shows). An image without one behaves as before (and
 * the page never asks for one it does not have).
 * Every rendition and thumbnail is held here (and the host's background renders), so nothing else
 * can paint first.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { cameraFolder } from './support/camera-folder';
import { hostWithImageFolder } from './support/folder-host';
import { holdBackgroundRenders, openLabelViewHolding } from './support/label-view';
import { watchProblems } from './support/page-problems';
import { ROOT } from './support/paths';

const COUNT = 5;
/** Names sort in this order; the second is shown turned (EXIF orientation 6: stored 3:2 landscape, shown portrait), the third has no EXIF thumbnail. */
const ORIENTATIONS = [1, 6, 1, 1, 1];
const WITHOUT_THUMBNAIL = 2;

const setup = hostWithImageFolder(COUNT, 'adma-e2e-embedded-', (count, prefix) => cameraFolder(count, prefix, { orientations: ORIENTATIONS, without: [WITHOUT_THUMBNAIL] }));
const HELD = /\/media\/\d+\/(screen\d+|thumb)(\?|$)/;

const lastFirstPaint = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const marks = performance.getEntriesByName('adma:image-first-paint') as PerformanceMark[];
    return marks[marks.length - 1]?.detail as { imageId: number; kind: string } | undefined;
  });

test('label view: a camera JPEG paints its EXIF thumbnail first, oriented, then its rendition', async ({ page }) => {
  const problems = watchProblems(page);
  // The label view asks which images (the one shown and those ahead) carry an EXIF thumbnail and
  // prefetches those: the key below must not outrun those answers (every image but one has one).
  const prefetched = new Set<string>();
  page.on('response', (response) => {
    if (/\/media\/\d+\/embedded/.test(response.url()) && response.status() === 200) prefetched.add(new URL(response.url()).pathname);
  });
  await holdBackgroundRenders(page);
  const held = await openLabelViewHolding(page, setup.host.url, setup.folder, COUNT, HELD);
  const position = page.getByTestId('position');
  const embedded = page.getByTestId('embedded-image');

  // The first image the view opens on (no image before it to have asked ahead): its EXIF
  // thumbnail, not a blank placeholder, while its rendition and thumbnail are held. The same
  // question says which images ahead have one (the key below must not outrun its answer).
  await expect(page.getByTestId('image-path')).toHaveText('camera-0.jpg');
  await expect(embedded).toHaveClass(/loaded/);
  await expect(embedded).toHaveAttribute('data-image-id', (await page.getByTestId('current-image').getAttribute('data-image-id')) ?? '');
  await expect(page.getByTestId('current-image')).not.toHaveClass(/loaded/);
  await expect(page.getByTestId('image-loading')).toHaveCount(0);
  expect((await lastFirstPaint(page))?.kind).toBe('embedded');
  await page.screenshot({ path: path.join(ROOT, 'test-results/e2e/label-embedded-first-image.png') });
  await expect.poll(() => prefetched.size).toBe(COUNT - 1);

  // Image 2 (orientation 6): nothing but its embedded thumbnail can come.
  await page.keyboard.press('1');
  await expect(position).toHaveText(`2 / ${COUNT}`);
  await expect(page.getByTestId('image-path')).toHaveText('camera-1.jpg');
  await expect(embedded).toHaveClass(/loaded/);
  await expect(page.getByTestId('current-image')).not.toHaveClass(/loaded/);
  await expect(page.getByTestId('image-loading')).toHaveCount(0);
  expect((await lastFirstPaint(page))?.kind).toBe('embedded');
  // Oriented as the image: stored 160×120 landscape, shown portrait (Chromium applies the orientation the host put in front).
  const natural = await embedded.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
  expect(natural).toEqual({ width: 120, height: 160 });
  const box = await embedded.boundingBox();
  expect(box!.height).toBeGreaterThan(box!.width);
  await page.screenshot({ path: path.join(ROOT, 'test-results/e2e/label-embedded-thumbnail.png') });

  // The thumbnails and renditions arrive: the rendition takes the embedded thumbnail's place.
  await page.unroute(HELD);
  for (const route of held.splice(0)) await route.continue().catch(() => undefined);
  await expect(page.getByTestId('current-image')).toHaveClass(/loaded/);
  await expect(embedded).toHaveCount(0);
  await expect(page.getByTestId('placeholder-image')).toHaveCount(0);
  const shown = await page.getByTestId('current-image').evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
  expect(shown.height).toBeGreaterThan(shown.width);
  expect((await lastFirstPaint(page))?.kind).toBe('embedded');
  await page.screenshot({ path: path.join(ROOT, 'test-results/e2e/label-embedded-rendition.png') });

  // Image 3 has no embedded thumbnail: no element asks for one; it shows as before.
  await page.keyboard.press('1');
  await expect(position).toHaveText(`3 / ${COUNT}`);
  await expect(page.getByTestId('current-image')).toHaveClass(/loaded/);
  await expect(embedded).toHaveCount(0);
  expect(problems).toEqual([]);
});
