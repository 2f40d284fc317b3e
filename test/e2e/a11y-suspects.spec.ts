/**
 * Suspect labels with the keyboard and a screen reader at 200 % zoom (683 × 384 CSS pixels):
 * "Check labels" pressed with Enter keeps the focus while it works, then gives it to the queue
 * (so that Enter relabels, not checks again); what the check found, the cursor's image, a
 * relabel and its undo are said in the live region. The check's report is made by the test
 * (support/suspect-report.ts), on the project's real images and classes.
 */
import { expect, test } from '@playwright/test';
import { expectAnnounced, ZOOMED } from './support/a11y';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { relayWithReport } from './support/suspect-report';

const setup = hostWithImageFolder(12, 'adma-e2e-a11y-suspects-');

test.use(ZOOMED);

test('suspect labels by keyboard: the focus goes from Check labels to the queue; the cursor, a relabel and its undo are said', async ({ page }) => {
  const problems = watchProblems(page);
  await relayWithReport(page);
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 12);
  await createClasses(page, ['ant', 'bee', 'wasp']);

  await page.keyboard.press('Alt+7');
  await page.getByTestId('check-labels').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('suspect-summary')).toContainText('of 8 suspects open');
  const queue = page.getByRole('list', { name: 'Suspect labels, most suspect first' });
  await expect(queue).toBeFocused();
  await expectAnnounced(page, /^8 suspect labels\. 1 of 8: \S+, labeled ant, suggested bee$/);

  await page.keyboard.press('ArrowDown');
  // (The report is made up: the images are unlabeled in fact, and the words say so.)
  await expectAnnounced(page, /^2 of 8: \S+, labeled bee, suggested wasp, now unlabeled$/);
  // Enter takes the suggestion and moves on: both said.
  await page.keyboard.press('Enter');
  await expectAnnounced(page, /^\S+ relabeled wasp\. 3 of 8: \S+, labeled wasp, suggested ant, now unlabeled$/);
  await expect(queue).toBeFocused();
  await page.keyboard.press('Control+z');
  await expectAnnounced(page, /^\S+ now unlabeled\. 2 of 8: /);
  expect(problems).toEqual([]);
});
