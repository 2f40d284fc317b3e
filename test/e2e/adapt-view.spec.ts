/**
 * The Adapt view as a first-time user meets it, in Chromium against the built web host (the demo
 * project, starter model): a refused number leaves its field showing the value in force, says so
 * once beside the field (no stack of identical notices); an image marked unsure reads "Unsure" in
 * the batch table, as it counts; in a 1024 × 700 window the batch table shows at least five rows
 * and every Rounds column is in view, in 1280 × 800 too.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { createDemoProjectInAdapt } from './support/demo-project';
import { watchProblems } from './support/page-problems';
import { webHostForSpec } from './support/web-host';
import { SHOTS } from './support/paths';

/** The batch table must show at least this many whole rows, in every window size tested. */
const ROWS = 5;

// The web host, and an empty folder the demo project is made in.
const setup = webHostForSpec('adma-e2e-adapt-');

/** Type `text` into a number field and press Enter (the field commits on Enter). */
async function enter(field: Locator, text: string): Promise<void> {
  await field.fill(text);
  await field.press('Enter');
}

/**
 * How many of the batch table's rows are whole inside its scrolling box (scrolled to the top),
 * once the page brings that box into view; 0 when the box itself is not whole in the window.
 */
async function visibleBatchRows(page: Page): Promise<number> {
  const table = page.getByTestId('queue-table');
  await table.evaluate((el) => {
    el.parentElement!.scrollTop = 0;
    el.parentElement!.scrollIntoView({ block: 'nearest' });
  });
  return table.evaluate((el) => {
    const box = el.parentElement!.getBoundingClientRect();
    const head = el.querySelector('thead')!.getBoundingClientRect();
    const rows = [...el.querySelectorAll('tbody tr')].filter((row) => {
      const r = row.getBoundingClientRect();
      return r.height > 0 && r.top >= head.bottom - 1 && r.bottom <= box.bottom + 1;
    }).length;
    return box.top >= 0 && box.bottom <= window.innerHeight + 1 ? rows : 0;
  });
}

/** The Rounds headers not whole in the window (nor in their table's box) once the table is scrolled into view. */
async function roundHeadersOutOfView(page: Page): Promise<string[]> {
  const table = page.getByTestId('round-history');
  await table.scrollIntoViewIfNeeded();
  return table.evaluate((el) => {
    const box = el.parentElement!.getBoundingClientRect();
    return [...el.querySelectorAll('thead th')]
      .filter((th) => {
        const r = th.getBoundingClientRect();
        return r.left < Math.max(0, box.left) - 1 || r.right > Math.min(box.right, window.innerWidth) + 1 || r.top < 0 || r.bottom > window.innerHeight + 1;
      })
      .map((th) => th.textContent?.trim() ?? '');
  });
}

test('Adapt: refused numbers keep the value in force, unsure reads Unsure, the batch and every Rounds column in view at 1024 × 700', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createDemoProjectInAdapt(page, path.join(setup.work, 'demo'));

  // A batch size out of range: the field shows the size in force again, and the line beside the
  // settings says what was refused; entered again, still one line and no notice stacked.
  const batch = page.getByLabel('Batch size');
  const refused = page.getByTestId('setting-refused');
  await expect(batch).toHaveValue('10');
  await enter(batch, '99999');
  await expect(batch).toHaveValue('10');
  await expect(refused).toHaveText('99999 is out of range: the batch size stays 10. Enter a number from 1 to 500.');
  await expect(batch).toHaveAttribute('aria-describedby', 'setting-refused');
  await enter(batch, '99999');
  await expect(batch).toHaveValue('10');
  await expect(refused).toHaveCount(1);
  const numberToasts = page.getByTestId('toast').filter({ hasText: /number/ });
  await expect(numberToasts).toHaveCount(0);
  // A number in range is taken (rounded to a whole batch) and the refusal goes.
  await enter(batch, '12.4');
  await expect(batch).toHaveValue('12');
  await expect(refused).toHaveCount(0);
  await enter(batch, '10');
  await expect(batch).toHaveValue('10');

  // The recommended rule uses neither λ nor the Uncertainty setting: neither is offered with it.
  const step = page.getByLabel('Step');
  const uncertainty = page.getByRole('combobox', { name: 'Uncertainty' });
  await expect(step).toHaveCount(0);
  await expect(uncertainty).toHaveCount(0);
  // The λ step of a λ strategy, the same way.
  await page.getByLabel('Strategy').selectOption('adma');
  await expect(uncertainty).toBeVisible();
  await expect(step).toHaveValue('0.5');
  await enter(step, '-3');
  await expect(step).toHaveValue('0.5');
  await expect(refused).toHaveText('-3 is out of range: the step stays 0.5. Enter a number from 0.001 to 1.');
  await enter(step, '');
  await expect(step).toHaveValue('0.5');
  await expect(refused).toHaveText('That is not a number: the step stays 0.5. Enter a number from 0.001 to 1.');
  await page.screenshot({ path: path.join(SHOTS, 'adapt-refused-number.png') });
  await expect(numberToasts).toHaveCount(0);
  // A strategy without λ hides its fields, and the refusal of a λ value with them.
  await page.getByLabel('Strategy').selectOption('typical-margin');
  await expect(refused).toHaveCount(0);
  await page.getByLabel('Strategy').selectOption('adma');

  // The first batch is queried with the sizes in force.
  await page.getByRole('button', { name: 'Query the first batch' }).click();
  await expect(page.getByTestId('queue-row')).toHaveCount(10);
  await expect(page.getByTestId('round-facts')).toContainText('b = 10');
  // Gone to the label view by its key, not through "Label this batch": it opens on the batch, not
  // on the folder order the project opened on before there was a round.
  await page.keyboard.press('Alt+1');
  await expect(page.getByTestId('label-source')).toContainText(/queue/i);
  await expect(page.getByTestId('position')).toHaveText('1 / 10');
  await page.keyboard.press('Alt+5');

  // The first image of the batch marked unsure (".") in the label view: the batch table says
  // "Unsure" for it, as the count does.
  await page.getByRole('button', { name: 'Label this batch' }).click();
  await expect(page.getByTestId('position')).toHaveText('1 / 10');
  await page.keyboard.press('.');
  await expect(page.getByTestId('position')).toHaveText('2 / 10');
  await page.keyboard.press('Alt+5');
  await expect(page.getByTestId('round-labeled')).toHaveText('1 / 10 labeled');
  const first = page.getByTestId('queue-row').first();
  await expect(first.locator('td').last()).toHaveText('Unsure');
  await expect(first.getByTestId('queue-unsure')).toBeVisible();
  await expect(page.getByTestId('queue-row').nth(1).locator('td').last()).toHaveText('Unlabeled');
  await page.screenshot({ path: path.join(SHOTS, 'adapt-unsure.png') });

  // Rounds enough to fill the history: three more batches, each after one image of the open
  // batch is marked unsure (a batch with nothing decided would come back unchanged: refused).
  for (let round = 1; round <= 3; round++) {
    if (round > 1) {
      await page.getByTestId('queue-row').first().getByRole('button').first().click();
      await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');
      await page.keyboard.press('.');
      await page.keyboard.press('Alt+5');
      await expect(page.getByTestId('round-labeled')).toHaveText('1 / 10 labeled');
    }
    await page.getByRole('button', { name: 'Next round' }).click();
    await expect(page.getByTestId('round-facts')).toContainText(`Round ${round}`);
  }
  await expect(page.getByTestId('round-history').locator('tbody tr')).toHaveCount(4);

  // The demo's 28 px digits fill their gallery tiles, pixels crisp (not 28 px in a 150 px square).
  await page.keyboard.press('Alt+2');
  const digit = page.getByTestId('thumb-image').first();
  await expect(digit).toHaveAttribute('data-loaded', '');
  await expect(digit).toHaveCSS('image-rendering', 'pixelated');
  expect((await digit.boundingBox())!.width).toBeGreaterThanOrEqual(140);
  await page.keyboard.press('Alt+5');

  for (const size of [
    { width: 1024, height: 700 },
    { width: 1280, height: 800 },
  ]) {
    await page.setViewportSize(size);
    await expect.poll(() => visibleBatchRows(page), { message: `batch rows in view at ${size.width} × ${size.height}` }).toBeGreaterThanOrEqual(ROWS);
    await page.screenshot({ path: path.join(SHOTS, `adapt-${size.width}x${size.height}.png`) });
    expect(await roundHeadersOutOfView(page), `Rounds headers out of view at ${size.width} × ${size.height}`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `adapt-${size.width}x${size.height}-rounds.png`) });
  }
  expect(problems).toEqual([]);
});
