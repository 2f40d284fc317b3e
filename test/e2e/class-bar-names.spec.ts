/**
 * The label view's class bar shows a long class name whole wherever its row has room (walkthrough
 * of a haematologist's blood cells: "immature granulocyte (metamyelocyte)" was cut at 160 px with
 * half the row empty). In Chromium against the built web host: with the eight blood-cell classes
 * at 1024 and 1440 px, and with twenty classes at 1024 px, no name that fits its row is cut
 * (its text is no wider than its box); a name longer than the row, in a narrow window, is cut
 * with an ellipsis, its button stays inside the bar, and its title says it whole.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const setup = hostWithImageFolder(4, 'adma-e2e-classbar-');

const LONG = 'immature granulocyte (metamyelocyte)';
const BLOOD = ['basophil', 'eosinophil', 'erythroblast', LONG, 'lymphocyte', 'monocyte', 'neutrophil', 'platelet'];
const MORE = Array.from({ length: 12 }, (_, i) => `reactive lymphocyte type ${i + 1}`);
/** The longest name a class may have (80 characters): longer than a 600 px window's row. */
const LONGEST = 'smudge cell (basket cell) in a chronic lymphocytic leukaemia sample, as seen';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

/** Each class button's name: its text, and whether it is cut (its text wider than its box). */
async function names(bar: Locator): Promise<{ name: string; cut: boolean }[]> {
  return bar.locator('.name').evaluateAll((spans) => spans.map((s) => ({ name: s.textContent ?? '', cut: s.scrollWidth > s.clientWidth })));
}

test('class names use the bar\'s width: cut only when longer than a row, and then said whole in the title', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 4);
  await createClasses(page, BLOOD);
  await page.getByRole('tab', { name: /^Label/ }).click();
  const bar = page.getByRole('toolbar', { name: 'Classes' });
  await expect(bar.getByRole('button')).toHaveCount(BLOOD.length);

  for (const width of [1024, 1440]) {
    await page.setViewportSize({ width, height: 700 });
    await shot(page, `class-bar-8-${width}.png`);
    expect(await names(bar), `8 classes at ${width} px`).toEqual(BLOOD.map((name) => ({ name, cut: false })));
  }

  // Twenty classes at 1024 px: more rows, every name whole, every button inside the bar.
  await createClasses(page, MORE);
  await page.getByRole('tab', { name: /^Label/ }).click();
  await page.setViewportSize({ width: 1024, height: 700 });
  await expect(bar.getByRole('button')).toHaveCount(20);
  await shot(page, 'class-bar-20-1024.png');
  expect(await names(bar), '20 classes at 1024 px').toEqual([...BLOOD, ...MORE].map((name) => ({ name, cut: false })));

  // A name longer than the row: cut with an ellipsis, the button within the bar, the title whole.
  await createClasses(page, [LONGEST]);
  await page.getByRole('tab', { name: /^Label/ }).click();
  await page.setViewportSize({ width: 600, height: 700 });
  const longest = bar.getByRole('button', { name: `${LONGEST} (key l)` });
  await expect(longest).toBeVisible();
  await shot(page, 'class-bar-longest-600.png');
  const fit = await longest.evaluate((button) => {
    const name = button.querySelector('.name') as HTMLElement;
    const barBox = (button.parentElement as HTMLElement).getBoundingClientRect();
    const box = button.getBoundingClientRect();
    return { cut: name.scrollWidth > name.clientWidth, ellipsis: getComputedStyle(name).textOverflow, inside: box.left >= barBox.left - 0.5 && box.right <= barBox.right + 0.5 };
  });
  expect(fit).toEqual({ cut: true, ellipsis: 'ellipsis', inside: true });
  await expect(longest).toHaveAttribute('title', new RegExp(`^Label as ${LONGEST.replace(/[()]/g, '\\$&')} — key l\\.`));
  expect(problems).toEqual([]);
});
