/**
 * Before any thumbnail or rendition exists (no feature extraction yet), a camera JPEG's next
 * image paints as the thumbnail its camera embedded in the EXIF (read from the file's first
 * bytes, oriented as the image), and its rendition replaces it when it arrives. An image
 * without one behaves as before (and the page never asks for one it does not have).
 * Every rendition and cached thumbnail is held here, so nothing else can paint first.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { cameraJpeg } from '../support/camera-jpeg';
import { hostWithImageFolder } from './support/folder-host';
import { openLabelViewHolding } from './support/label-view';
import { watchProblems } from './support/page-problems';
import { ROOT } from './support/paths';

const COUNT = 5;
/** Names sort in this order; the second is shown turned (EXIF orientation 6: stored 3:2 landscape, shown portrait), the third has no EXIF thumbnail. */
const ORIENTATIONS = [1, 6, 1, 1, 1];
const WITHOUT_THUMBNAIL = 2;

async function cameraFolder(count: number, prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  for (let i = 0; i < count; i++) {
    const hue = (i * 83) % 360;
    // 1500×1000 as stored: larger than the 1280 px rendition, so the rendition is a rendition.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1500" height="1000">
      <rect width="100%" height="100%" fill="hsl(${hue},45%,35%)"/>
      <rect x="0" y="0" width="750" height="500" fill="hsl(${(hue + 180) % 360},70%,60%)"/>
      <circle cx="1100" cy="650" r="220" fill="hsl(${(hue + 90) % 360},70%,55%)"/></svg>`;
    const bytes = await cameraJpeg(sharp(Buffer.from(svg)), ORIENTATIONS[i], { withThumbnail: i !== WITHOUT_THUMBNAIL });
    await fs.writeFile(path.join(dir, `camera-${i}.jpg`), bytes);
  }
  return dir;
}

const setup = hostWithImageFolder(COUNT, 'adma-e2e-embedded-', cameraFolder);
const HELD = /\/media\/\d+\/(screen\d+|thumb)(\?|$)/;

const lastFirstPaint = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const marks = performance.getEntriesByName('adma:image-first-paint') as PerformanceMark[];
    return marks[marks.length - 1]?.detail as { imageId: number; kind: string } | undefined;
  });

test('label view: a camera JPEG paints its EXIF thumbnail first, oriented, then its rendition', async ({ page }) => {
  const problems = watchProblems(page);
  // The label view asks which images ahead carry an EXIF thumbnail and prefetches those; image 2
  // is the first ahead, so the first one fetched is its (the key must not outrun that answer).
  const prefetched = page.waitForResponse((response) => /\/media\/\d+\/embedded/.test(response.url()) && response.status() === 200);
  const held = await openLabelViewHolding(page, setup.host.url, setup.folder, COUNT, HELD);
  await prefetched;
  const position = page.getByTestId('position');

  // Image 2 (orientation 6): nothing but its embedded thumbnail can come.
  await page.keyboard.press('1');
  await expect(position).toHaveText(`2 / ${COUNT}`);
  await expect(page.getByTestId('image-path')).toHaveText('camera-1.jpg');
  const embedded = page.getByTestId('embedded-image');
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
