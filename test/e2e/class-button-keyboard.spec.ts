/**
 * A class button pressed from the keyboard labels once: the focus then leaves it for the view,
 * so the next Space is Skip again. In a walkthrough a keyboard user tabbed to "Neutrophil
 * (key 1)" and pressed Space; the button kept the focus, and every Space after it, meant as
 * Skip, labeled the next image Neutrophil.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { createDemoProject } from './support/demo-project';
import { watchProblems } from './support/page-problems';
import { webHostForSpec } from './support/web-host';

const setup = webHostForSpec('adma-e2e-class-button-keyboard-');

test('a class button pressed with Space labels one image; the next Space skips', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createDemoProject(page, path.join(setup.work, 'demo'));
  const position = page.getByTestId('position');
  await expect(position).toHaveText('1 / 300');
  const counts = page.getByTestId('project-counts');
  await expect(counts).toContainText('0 labeled');

  // Focus the class "3" button the way a keyboard user gets there, and press it with Space.
  const three = page.getByRole('button', { name: '3 (key 3)' });
  await three.focus();
  await expect(three).toBeFocused();
  await page.keyboard.press('Space');
  await expect(position).toHaveText('2 / 300');
  await expect(counts).toContainText('1 labeled');
  // The focus is on the view's panel now, not on the button.
  await expect(three).not.toBeFocused();
  await expect(page.locator('#view-panel')).toBeFocused();

  // Space is Skip again: the second image is left unlabeled and the third comes.
  await page.keyboard.press('Space');
  await expect(position).toHaveText('3 / 300');
  await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');
  await expect(counts).toContainText('1 labeled');
  // Tab goes on from the view: still a way to reach the class buttons.
  expect(problems).toEqual([]);
});
