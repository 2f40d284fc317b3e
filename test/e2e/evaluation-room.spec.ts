/**
 * The evaluation set never takes the loop's whole pool, and gives it back (issue: "the evaluation
 * sample takes everything, with no way back"). In Chromium against the built web host, on 24
 * images with the starter model: the dashboard says the most a sample may add before the click
 * and refuses 1000 with the rule's numbers; the largest allowed sample leaves half for the loop;
 * two rounds use that half up, and the Label view then says why no next round opens (not "when
 * training finishes") and offers to return the evaluation set's unlabeled images; after the
 * confirmation they go back, and the loop goes on with a new round.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithStarterModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const COUNT = 24;

const setup = hostWithImageFolder(COUNT, 'adma-e2e-evalroom-');

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

/** Label the `count` images of the open batch by keyboard, alternating the two classes. */
async function labelBatch(page: Page, count: number): Promise<void> {
  const imagePath = page.getByTestId('image-path');
  for (let i = 0; i < count; i++) {
    await expect(imagePath).toBeVisible();
    const relPath = (await imagePath.textContent()) ?? '';
    await page.keyboard.press(i % 2 === 0 ? '1' : '2');
    if (i < count - 1) await expect(imagePath).not.toHaveText(relPath);
  }
}

test('a sample beyond half of the pool is refused before the click; the unlabeled evaluation images go back and the loop goes on', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  const problems = watchProblems(page);
  await page.goto(setup.host.url);
  await createProjectWithStarterModel(page, setup.folder, COUNT, 3 * 60_000);
  await createClasses(page, ['Ant', 'Bee']);

  // The dashboard says the limit before any click.
  await page.getByRole('tab', { name: /Dashboard/ }).click();
  const limit = page.getByTestId('sample-limit');
  await expect(limit).toHaveText(
    `Up to 12 images now: the evaluation set may hold at most half of the ${COUNT} images that are not training labels (12), so that as many stay for the loop to ask about.`,
  );
  await expect(page.getByTestId('loop-pool')).toHaveText(`${COUNT} images left for the loop to ask about.`);

  // 1000 is refused as it is typed: the reason with the numbers, the button disabled.
  const add = page.getByLabel('Add');
  const sample = page.getByRole('button', { name: 'random images' });
  await add.fill('1000');
  await expect(limit).toHaveText(
    `At most 12 images can be added now, not 1000: the evaluation set may hold at most half of the ${COUNT} images that are not training labels (12), so that as many stay for the loop to ask about. It holds 0.`,
  );
  await expect(limit).toHaveAttribute('role', 'alert');
  await expect(sample).toBeDisabled();
  await expect(add).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'evaluation-room-refused.png');

  // The most it may take: half stays for the loop.
  await page.getByRole('button', { name: 'Use 12' }).click();
  await expect(add).toHaveValue('12');
  await expect(sample).toBeEnabled();
  await sample.click();
  await expect(page.getByText('Added 12 images to the evaluation set (12 in all).')).toBeVisible();
  await expect(page.getByTestId('loop-pool')).toHaveText('12 images left for the loop to ask about.');
  await expect(limit).toHaveText(/^The evaluation set is full: it holds 12 images and may hold at most half of the 24 images/);
  await expect(sample).toBeDisabled();
  await shot(page, 'evaluation-room-full.png');

  // Two rounds use up the loop's half: 10, then the 2 left.
  await page.getByRole('tab', { name: /Label/ }).click();
  // The queue: its first batch is queried on the way.
  await page.getByRole('group', { name: 'What to label' }).getByRole('button', { name: 'Queue' }).click();
  const source = page.getByTestId('label-source');
  await expect(source).toHaveText('Queue · round 0');
  await expect(page.getByTestId('position')).toHaveText('1 / 10');
  await labelBatch(page, 10);
  await expect(source).toHaveText('Queue · round 1', { timeout: 3 * 60_000 });
  await expect(page.getByTestId('position')).toHaveText('1 / 2');
  await labelBatch(page, 2);

  // Nothing is left to ask: the view says why and what to do, once the training has ended.
  const empty = page.getByTestId('pool-empty');
  await expect(empty).toBeVisible({ timeout: 3 * 60_000 });
  await expect(empty).toContainText('No image is left for the loop to ask about, so no next round opens');
  await expect(empty).toContainText('12 unlabeled images are in the evaluation set');
  await expect(empty).toContainText("return the evaluation set's unlabeled images to the pool, or add images to the folder and rescan");
  await expect(page.getByText('The next round opens when training finishes.')).toHaveCount(0);
  await shot(page, 'evaluation-room-pool-empty.png');

  // Return them, after a confirmation that says what happens.
  await page.getByRole('button', { name: 'Return evaluation images to the loop…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Return evaluation images to the loop' });
  await expect(dialog).toContainText('The evaluation set holds 12 images: 0 labeled, 12 without a label.');
  await expect(dialog).toContainText('The evaluation set will be empty');
  await expect(dialog.getByLabel('Images to return')).toHaveValue('12');
  await shot(page, 'evaluation-room-return.png');
  await dialog.getByRole('button', { name: 'Return 12 images' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Returned 12 images to the loop's pool; the evaluation set holds 0.")).toBeVisible();

  // The loop goes on by itself: a new round from the returned images.
  await expect(source).toHaveText('Queue · round 2', { timeout: 60_000 });
  await expect(page.getByTestId('position')).toHaveText('1 / 10');
  await shot(page, 'evaluation-room-loop-goes-on.png');

  // The dashboard: 12 training labels now, so the set may hold 6; only the 2 images never
  // queried can be sampled (the field starts there). Return one of them from the dashboard.
  await page.getByRole('tab', { name: /Dashboard/ }).click();
  await expect(page.getByTestId('loop-pool')).toHaveText('12 images left for the loop to ask about.');
  await expect(limit).toHaveText(/^Up to 2 images now/);
  await expect(add).toHaveValue('2');
  await sample.click();
  await expect(page.getByText('Added 2 images to the evaluation set (2 in all).')).toBeVisible();
  await page.getByRole('button', { name: 'Return unlabeled…' }).click();
  const fromDashboard = page.getByRole('dialog', { name: 'Return evaluation images to the loop' });
  const howMany = fromDashboard.getByLabel('Images to return');
  await howMany.fill('3');
  await expect(fromDashboard.getByRole('alert')).toHaveText('Enter a number from 1 to 2.');
  await expect(fromDashboard.getByRole('button', { name: /^Return/ })).toBeDisabled();
  await howMany.fill('1');
  await expect(fromDashboard).toContainText('The images you keep can still be labeled to measure accuracy.');
  await fromDashboard.getByRole('button', { name: 'Return 1 image' }).click();
  await expect(page.getByText("Returned 1 image to the loop's pool; the evaluation set holds 1.")).toBeVisible();
  await expect(page.getByRole('button', { name: 'Label evaluation set (1)' })).toBeVisible();
  await expect(page.getByTestId('loop-pool')).toHaveText('11 images left for the loop to ask about.');
  expect(problems).toEqual([]);
});
