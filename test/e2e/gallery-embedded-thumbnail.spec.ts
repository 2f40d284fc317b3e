/**
 * Before the gallery thumbnails exist (a fresh folder of camera photos, no extraction yet), each
 * tile shows the thumbnail the camera embedded in the JPEG's EXIF (oriented, padding bars
 * cropped: in the image's own aspect ratio, as the label view shows it), asks for its gallery
 * thumbnail only after that has come, and shows the gallery thumbnail once it is made. An image
 * without one shows as before and never asks for one. An image opened from the gallery paints its
 * EXIF thumbnail in the label view while its rendition decodes. Every gallery thumbnail and
 * rendition is held here until released, so nothing else can paint first.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { cameraFolder } from './support/camera-folder';
import { hostWithImageFolder } from './support/folder-host';
import { holdBackgroundRenders, openLabelViewHolding } from './support/label-view';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const COUNT = 12;
/** camera-1 and camera-9 are shown turned (orientation 6: stored 3:2 landscape, shown portrait); camera-2 has no EXIF thumbnail. */
const ORIENTATIONS = [1, 6, 1, 1, 1, 1, 1, 1, 1, 6, 1, 1];
const WITHOUT_THUMBNAIL = 2;
const setup = hostWithImageFolder(COUNT, 'adma-e2e-gallery-embedded-', (count, prefix) => cameraFolder(count, prefix, { orientations: ORIENTATIONS, without: [WITHOUT_THUMBNAIL] }));
const HELD = /\/media\/\d+\/(screen\d+|thumb)(\?|$)/;

test('gallery: tiles show the EXIF thumbnail, cropped, until their gallery thumbnail is made; an image opened from there paints it too', async ({ page }) => {
  const problems = watchProblems(page);
  // Every media request of the page, and those since the gallery opened.
  const all: string[] = [];
  const requests: string[] = [];
  page.on('request', (request) => {
    const match = /\/media\/(\d+)\/(\w+)/.exec(request.url());
    if (match) for (const log of [all, requests]) log.push(`${match[1]}/${match[2]}`);
  });
  await holdBackgroundRenders(page);
  const held = await openLabelViewHolding(page, setup.host.url, setup.folder, COUNT, HELD);
  // From here on, the gallery's requests (the label view, opened first, asked for the thumbnails of
  // the images next to its first one and the EXIF thumbnails of those ahead: the page reuses them).
  requests.length = 0;
  await page.getByRole('tab', { name: /Gallery/ }).click();
  const tiles = page.getByTestId('thumb');
  await expect(tiles).toHaveCount(COUNT);

  let orderedThumbnails = 0;
  const tile = (i: number) => page.locator('[data-testid="thumb"]', { hasText: `camera-${i}.jpg` });
  for (let i = 0; i < COUNT; i++) {
    const embedded = tile(i).getByTestId('thumb-embedded');
    if (i === WITHOUT_THUMBNAIL) {
      // As before: its gallery thumbnail asked for at once, no EXIF thumbnail element.
      await expect(tile(i).getByTestId('thumb-image')).toHaveCount(1);
      await expect(embedded).toHaveCount(0);
      continue;
    }
    await expect(embedded).toHaveClass(/shown/);
    const natural = await embedded.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
    // Oriented as the image (Chromium applies the orientation the host put in front of it).
    expect(natural).toEqual(ORIENTATIONS[i] === 6 ? { width: 120, height: 160 } : { width: 160, height: 120 });
    // Laid out in the image's aspect ratio (3:2 or 2:3), the long side filling the square tile:
    // the 4:3 thumbnail's padding bars are cropped (object-fit: cover), as in the label view.
    const box = (await embedded.boundingBox())!;
    const frame = (await tile(i).locator('.frame').boundingBox())!;
    const aspect = ORIENTATIONS[i] === 6 ? 2 / 3 : 3 / 2;
    expect(Math.abs(box.width / box.height - aspect)).toBeLessThan(0.03);
    expect(Math.abs(Math.max(box.width, box.height) - frame.width)).toBeLessThan(2);
    expect(await embedded.evaluate((img) => getComputedStyle(img).objectFit)).toBe('cover');
    // Its gallery thumbnail is asked for (and held), after the EXIF one.
    await expect(tile(i).getByTestId('thumb-image')).toHaveCount(1);
    const id = await tile(i).getAttribute('data-image-id');
    if (requests.includes(`${id}/thumb`)) {
      orderedThumbnails++;
      expect(all.indexOf(`${id}/embedded`)).toBeGreaterThanOrEqual(0);
      expect(all.indexOf(`${id}/embedded`)).toBeLessThan(all.lastIndexOf(`${id}/thumb`));
    }
  }
  // The label view asked for at most 7 (its first image and those next to it).
  expect(orderedThumbnails).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: path.join(SHOTS, 'gallery-embedded-before-extraction.png') });
  // No request for an EXIF thumbnail the host did not report.
  const without = await tile(WITHOUT_THUMBNAIL).getAttribute('data-image-id');
  expect(all).not.toContain(`${without}/embedded`);

  // Opened from the gallery (its rendition and thumbnail held): the label view paints its EXIF thumbnail.
  await tile(4).dblclick();
  await expect(page.getByTestId('image-path')).toHaveText('camera-4.jpg');
  await expect(page.getByTestId('embedded-image')).toHaveClass(/loaded/);
  await expect(page.getByTestId('current-image')).not.toHaveClass(/loaded/);
  await expect(page.getByTestId('image-loading')).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'gallery-embedded-opened.png') });

  // The thumbnails are made (released while the label view still shows camera-4): back in the
  // gallery, each tile's replaces its EXIF thumbnail. Released before the gallery comes back, not
  // after: the label view's held request for camera-4's thumbnail has the same address as that
  // tile's, and a tile made while it was held could join that load in Chromium's memory cache,
  // then wait on it for good when leaving the label view cancelled it (CI: only camera-4's tile
  // never loaded).
  await page.unroute(HELD);
  for (const route of held.splice(0)) await route.continue().catch(() => undefined);
  await page.getByRole('tab', { name: /Gallery/ }).click();
  for (let i = 0; i < COUNT; i++) {
    await expect(tile(i).getByTestId('thumb-image')).toHaveAttribute('data-loaded', '');
    await expect(tile(i).getByTestId('thumb-embedded')).toHaveCount(0);
  }
  await page.screenshot({ path: path.join(SHOTS, 'gallery-embedded-after.png') });
  expect(problems).toEqual([]);
});
