/**
 * The model step shown when a project is created fits the window: at 1024×700 "Decide later"
 * and "Use this model" showed only their top 2 px and the dialog had to be scrolled to reach
 * them, and at every size a 6 px horizontal overflow (the form 520 px wide in a 514 px
 * content box) drew a scrollbar under the buttons. Now the list of models scrolls inside the
 * dialog while the text above it and the buttons stay, and nothing overflows sideways.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeImageFolder } from './support/image-folder';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';
import { webHostForSpec } from './support/web-host';

const setup = webHostForSpec('model-step');

/** Elements of `dialog` (itself included) that would scroll sideways: content wider than their box, which scrolls. */
async function overflowingSideways(dialog: Locator): Promise<string[]> {
  return dialog.evaluate((root) =>
    [root, ...root.querySelectorAll('*')]
      .filter((el) => el.scrollWidth > el.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`),
  );
}

async function insideWindow(page: Page, locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, 'laid out').not.toBeNull();
  expect(box!.y, 'top inside the window').toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, 'bottom inside the window').toBeLessThanOrEqual(viewport.height);
  expect(box!.x + box!.width, 'right edge inside the window').toBeLessThanOrEqual(viewport.width);
}

for (const [width, height] of [
  [1024, 700],
  [1280, 800],
  [1440, 900],
] as const) {
  test(`the model step at ${width}×${height}: the buttons are visible without scrolling, nothing overflows sideways`, async ({ page }) => {
    const problems = watchProblems(page);
    await page.setViewportSize({ width, height });
    const folder = await makeImageFolder(6, `adma-e2e-model-step-${width}-`);
    try {
      await page.goto(setup.host.url);
      await page.getByLabel('Project folder').fill(folder);
      await page.getByRole('button', { name: 'Create project' }).click();
      const step = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
      await expect(step).toBeVisible();
      // Photographs: a MobileNet is recommended, with the longest text the step shows.
      await expect(step.getByText('· recommended')).toBeVisible({ timeout: 60_000 });
      const later = step.getByRole('button', { name: 'Decide later' });
      const use = step.getByRole('button', { name: /Use this model|Download and use/ });
      await insideWindow(page, later);
      await insideWindow(page, use);
      await insideWindow(page, step);
      // The dialog itself does not scroll: what does not fit scrolls in the list of models.
      expect(await step.evaluate((el) => el.scrollHeight <= el.clientHeight)).toBe(true);
      expect(await overflowingSideways(step)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `model-step-${width}x${height}.png`) });
      // The last choice is reachable in the list, and the buttons stay where they were.
      const folderChoice = step.getByRole('radio', { name: /model folder on this computer/ });
      // Scrolled to its end, the list shows it whole inside its box (not drawn past its edge over the buttons).
      const choices = step.getByTestId('model-choices');
      await choices.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      const list = (await choices.boundingBox())!;
      const last = (await folderChoice.locator('xpath=ancestor::label').boundingBox())!;
      expect(last.y).toBeGreaterThanOrEqual(list.y);
      expect(last.y + last.height).toBeLessThanOrEqual(list.y + list.height + 0.5);
      await folderChoice.check();
      await insideWindow(page, step.getByRole('button', { name: 'Continue in Adapt' }));
      await insideWindow(page, later);
      await later.click();
      await expect(step).toBeHidden();
      await page.getByRole('button', { name: 'Close project' }).click();
      await expect(page.getByLabel('Project folder')).toBeVisible();
      expect(problems).toEqual([]);
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
}
