/**
 * The Adapt view with the keyboard and a screen reader at 200 % zoom (683 × 384 CSS pixels), on
 * the demo project with the starter model: "Query the first batch" keeps the focus while it
 * works and the new batch is said; Train now keeps the focus while training; the batch and
 * rounds tables have named headers and toggles, and the dashboard's confusion matrix scrolls in a
 * focusable, named region (axe: no WCAG A/AA violation there).
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { axeViolations, expectAnnounced, focusedDescription, recordButtonStates, ZOOMED } from './support/a11y';
import { createDemoProjectInAdapt } from './support/demo-project';
import { watchProblems } from './support/page-problems';
import { webHostForSpec } from './support/web-host';
import { SHOTS } from './support/paths';

const setup = webHostForSpec('adma-e2e-a11y-adapt-');

test.use(ZOOMED);

test('Adapt by keyboard at 200 % zoom: busy buttons keep the focus, a new batch is said, the tables are named', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createDemoProjectInAdapt(page, path.join(setup.work, 'demo'));

  // Query the first batch with Enter: the button keeps the focus while it works and after.
  const query = page.getByRole('button', { name: 'Query the first batch' });
  await query.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('queue-row')).toHaveCount(10);
  await expect(page.getByRole('button', { name: 'Next round' })).toBeFocused();
  await expectAnnounced(page, /^Round \d+: batch of 10 images ready$/);
  expect(await axeViolations(page, '[data-testid="queue-table"]')).toEqual([]);

  // Two images of the batch labeled, of two classes (right or not: enough to train).
  await page.getByRole('button', { name: 'Label this batch' }).click();
  await expect(page.getByTestId('position')).toHaveText('1 / 10');
  await page.keyboard.press('1');
  await expect(page.getByTestId('position')).toHaveText('2 / 10');
  await page.keyboard.press('2');
  await expect(page.getByTestId('position')).toHaveText('3 / 10');
  await page.keyboard.press('Alt+5');
  await expect(page.getByTestId('round-labeled')).toHaveText('2 / 10 labeled');

  // Train now: focused while training (it was disabled, and the focus fell to the page).
  const train = page.getByRole('button', { name: /^(Train now|Training…)$/ });
  // Training on two labels can end before a poll sees it: every state the button passes through
  // is recorded in the page and checked once training is over.
  await train.focus();
  const states = await recordButtonStates(train);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await states()).some((s) => s.text === 'Training…')).toBe(true);
  await expect(train).toHaveText('Train now', { timeout: 2 * 60_000 });
  await expect(train).toBeFocused();
  const seen = await states();
  expect(seen.filter((s) => s.text === 'Training…')).not.toEqual([]);
  for (const s of seen) expect(s).toEqual({ text: s.text, ariaDisabled: s.text === 'Training…' ? 'true' : 'false', focused: true });
  expect(await focusedDescription(page)).not.toBe('body');

  // The rounds: each toggle says what it does and whether it is open.
  const toggle = page.getByRole('button', { name: /^Round \d+: show its images$/ }).first();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  expect(await axeViolations(page, '[data-testid="round-history"]')).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'a11y-adapt-zoomed.png') });

  // A labeled evaluation set: the dashboard's confusion matrix scrolls in a focusable, named region.
  await page.keyboard.press('Alt+6');
  await page.getByLabel('Add').fill('4');
  await page.getByRole('button', { name: 'Put 4 random images in the evaluation set' }).click();
  await page.getByRole('button', { name: 'Label evaluation set (4)' }).click();
  await expect(page.getByTestId('position')).toHaveText('1 / 4');
  for (const key of ['1', '2', '1', '2']) await page.keyboard.press(key);
  await expect(page.getByTestId('evaluation-done')).toBeVisible();
  await page.keyboard.press('Alt+6');
  await expect(page.getByTestId('confusion-matrix')).toBeVisible({ timeout: 60_000 });
  const scroller = page.getByRole('region', { name: 'True by predicted class (scrolls)' });
  await expect(scroller).toHaveAttribute('tabindex', '0');
  expect(await axeViolations(page, '.wrap:has([data-testid="confusion-matrix"])')).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'a11y-dashboard-zoomed.png') });
  expect(problems).toEqual([]);
});
