/**
 * A keyboard-only expert at 200% zoom (walkthrough 6): a 1366 × 768 laptop at 200% is a
 * 683 × 384 CSS-pixel window. The app scrolls as a page there, so the image being labeled and
 * the gallery's grid keep most of a screen (they were squeezed to 0-35 px); the tabs are one Tab
 * stop moved with the arrows; a view switched to by its Alt key takes the focus; a skip link
 * leads past the header; the gallery is one Tab stop whose tile takes the cursor; and a screen
 * reader hears the label given and the image that follows.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const run = hostWithImageFolder(12, 'adma-e2e-keyboard-zoom-');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
const heightOf = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().height);
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName ?? '');

test.use({ viewport: { width: 683, height: 384 }, deviceScaleFactor: 2 });

test('at 200% zoom the image and the grid keep a screen; tabs, views, the grid and labels work from the keyboard and are announced', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(run.host.url);
  await createProjectWithoutModel(page, run.folder, 12);
  await createClasses(page, ['cat', 'dog']);

  // The label view: the image keeps nearly the window's height (the page scrolls to the keys).
  await page.keyboard.press('Alt+1');
  await page.getByRole('button', { name: 'Folder order' }).click();
  await expect(page.getByTestId('position')).toHaveText('1 / 12');
  expect(await heightOf(page, '.viewport')).toBeGreaterThanOrEqual(200);
  await shot(page, 'zoom200-label.png');

  // A class key: the label given and the next image, said in one message.
  const announcer = page.getByTestId('announcer-position');
  await page.keyboard.press('1');
  await expect(page.getByTestId('position')).toHaveText('2 / 12');
  await expect(announcer).toHaveText(/^Labeled cat\. Image 2 of 12: .+, unlabeled\.$/);
  await page.keyboard.press('Backspace'); // nothing to clear on an unlabeled image: nothing new said
  await page.keyboard.press('ArrowLeft');
  await expect(announcer).toHaveText(/^Image 1 of 12: .+, cat\.$/);
  await page.keyboard.press('Backspace');
  await expect(announcer).toHaveText('Label cleared.');

  // The gallery: its grid keeps nearly the window's height too.
  await page.keyboard.press('Alt+2');
  await expect(page.getByTestId('gallery-count')).toHaveText('12 images');
  // The evaluation set's chip has its count before the dashboard was ever opened.
  await expect(page.getByRole('group', { name: 'Filter' }).getByRole('button', { name: /^Evaluation set\s*0$/ })).toBeVisible();
  expect(await heightOf(page, '.images .scroller')).toBeGreaterThanOrEqual(200);
  // The view switched to by its Alt key has the focus: the next Tab starts in it.
  await expect.poll(() => focusedId(page)).toBe('view-panel');
  await shot(page, 'zoom200-gallery.png');

  // The grid is one Tab stop (the first tile in view, then the cursor's): focused, a tile takes the
  // cursor and the arrows move from there.
  const tiles = page.locator('.images button.thumb');
  await expect(tiles.first()).toHaveAttribute('tabindex', '0');
  await expect(page.locator('.images button.thumb[tabindex="0"]')).toHaveCount(1);
  await tiles.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(tiles.nth(1)).toBeFocused();
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await expect(page.locator('.images button.thumb[tabindex="0"]')).toHaveCount(1);
  await expect(tiles.nth(1)).toHaveAttribute('tabindex', '0');

  // The tabs: one Tab stop (the selected tab), the arrows move and show, Home and End jump.
  const tab = (name: RegExp) => page.getByRole('tab', { name });
  await expect(page.locator('[role="tab"][tabindex="0"]')).toHaveCount(1);
  await tab(/Gallery/).focus();
  await page.keyboard.press('ArrowRight');
  await expect(tab(/Classes/)).toBeFocused();
  await expect(tab(/Classes/)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('New class')).toBeVisible();
  await page.keyboard.press('End');
  await expect(tab(/Duplicates/)).toBeFocused();
  // Alt+N while a tab has the focus: the focus follows to the selected tab.
  await page.keyboard.press('Alt+4');
  await expect(tab(/History/)).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowRight');
  await expect(tab(/Label/)).toBeFocused();
  await expect(tab(/Label/)).toHaveAttribute('aria-selected', 'true');

  // The skip link: the page's first Tab stop (after a reload too: the first view does not take
  // the focus), shown when focused, past the header and the tabs to the view.
  const skip = page.getByRole('link', { name: /Skip to the Label view/ });
  await expect(skip).not.toBeInViewport();
  await page.reload();
  await expect(page.getByTestId('project-counts')).toContainText('12 images');
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect.poll(() => focusedId(page)).toBe('view-panel');
  await expect(page.getByRole('main')).toHaveCount(1);
  expect(problems).toEqual([]);
});
