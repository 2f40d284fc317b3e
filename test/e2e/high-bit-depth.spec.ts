/**
 * 12-bit data in 16-bit files, as a microscope writes them, in the label view of the browser:
 * a TIFF larger than the rendition (shown as its rendition) and a PNG smaller than it (shown as
 * the original, re-encoded at 8 bits: a browser would draw a 16-bit PNG's high bytes). Both fill
 * the display range; before, the brightest pixel of either was 15 or 16 of 255.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sixteenBit, twelveBitGradient } from '../support/high-bit-depth-images';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';
import { webHostForSpec } from './support/web-host';

let folder = '';
const spec = webHostForSpec('adma-e2e-16bit-', async (work) => {
  folder = path.join(work, 'cells');
  await fs.mkdir(folder);
  await fs.writeFile(path.join(folder, 'a-large.tif'), await sixteenBit(twelveBitGradient(1600, 1200), 1600, 1200, 'tiff'));
  await fs.writeFile(path.join(folder, 'b-small.png'), await sixteenBit(twelveBitGradient(600, 400), 600, 400, 'png'));
});

/** The darkest and brightest grey of the image the label view shows, drawn as the page decoded it. */
async function shownRange(page: Page): Promise<{ min: number; max: number }> {
  const image = page.getByTestId('current-image');
  await expect(image).toHaveClass(/loaded/);
  return image.evaluate((img: HTMLImageElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let min = 255;
    let max = 0;
    for (let i = 0; i < data.length; i += 4) {
      min = Math.min(min, data[i]!);
      max = Math.max(max, data[i]!);
    }
    return { min, max };
  });
}

test('a 12-bit TIFF and PNG fill the display range in the label view', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(spec.host.url);
  await createProjectWithoutModel(page, folder, 2);
  await createClasses(page, ['Cell']);
  await page.getByRole('tab', { name: /Label/ }).click();
  const imagePath = page.getByTestId('image-path');

  await expect(imagePath).toHaveText('a-large.tif');
  await expect(page.getByTestId('current-image')).toHaveAttribute('src', /screen\d+/);
  const large = await shownRange(page);
  expect(large.max).toBeGreaterThanOrEqual(250);
  expect(large.min).toBeLessThanOrEqual(5);
  await page.screenshot({ path: path.join(SHOTS, 'high-bit-depth-tiff.png') });

  await page.keyboard.press('Space');
  await expect(imagePath).toHaveText('b-small.png');
  const small = await shownRange(page);
  expect(small.max).toBeGreaterThanOrEqual(250);
  expect(small.min).toBeLessThanOrEqual(5);
  expect(problems).toEqual([]);
});
