/**
 * A name cut in its middle in a gallery caption ("neutro…0042.png") shows its "…" right against
 * the name's end, at every tile width: the room the cut leaves (less than a character, at no
 * character boundary) was drawn between the "…" and the end (logic/ellipsis-gap.ts). Read from
 * the pixels of the caption as rendered, at tile widths a few pixels apart.
 */
import { expect, test, type Locator } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

async function longNames(count: number, prefix: string): Promise<string> {
  const folder = await makeImageFolder(count, prefix);
  await fs.rename(path.join(folder, 'img-000.png'), path.join(folder, 'neutrophil_segmented_band_form_0042.png'));
  await fs.rename(path.join(folder, 'img-001.png'), path.join(folder, 'lymphocyte_large_granular_reactive_0007.png'));
  return folder;
}

const setup = hostWithImageFolder(3, 'adma-e2e-cut-name-', longNames);

/** The empty pixel columns right before the tail (the "…" to the end's first character). */
async function roomBeforeTail(tail: Locator): Promise<number> {
  const box = (await tail.boundingBox())!;
  const clip = { x: Math.round(box.x) - 14, y: Math.round(box.y), width: 14, height: Math.round(box.height) };
  const png = await tail.page().screenshot({ clip });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const background = [data[0]!, data[1]!, data[2]!];
  const ink = (x: number): boolean => {
    for (let y = 0; y < info.height; y++) {
      const i = (y * info.width + x) * info.channels;
      if (Math.abs(data[i]! - background[0]!) + Math.abs(data[i + 1]! - background[1]!) + Math.abs(data[i + 2]! - background[2]!) > 60) return true;
    }
    return false;
  };
  let room = 0;
  for (let x = info.width - 1; x >= 0 && !ink(x); x--) room++;
  return room;
}

test('a cut name shows its "…" against its end at every tile width', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1024, height: 720 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 3);
  await page.keyboard.press('Alt+2');
  await expect(page.getByTestId('gallery-count')).toHaveText('3 images');
  const rooms: number[] = [];
  for (let width = 1000; width <= 1060; width += 4) {
    await page.setViewportSize({ width, height: 720 });
    for (const relPath of ['neutrophil_segmented_band_form_0042.png', 'lymphocyte_large_granular_reactive_0007.png']) {
      const name = page.locator(`[data-testid="thumb"][title="${relPath}"]`).getByTestId('thumb-name');
      // Cut: the head is narrower than its text.
      await expect.poll(() => name.locator('.head').evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
      // Two frames: the resize observed, the room measured and moved.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      rooms.push(await roomBeforeTail(name.locator('.tail')));
    }
  }
  await page.screenshot({ path: path.join(SHOTS, 'cut-name-gap.png') });
  // A character's own spacing (1-2 px at 11 px), never the 3-6 px of a character left out.
  expect(Math.max(...rooms), `rooms: ${rooms.join(' ')}`).toBeLessThanOrEqual(2);
  expect(problems).toEqual([]);
});
