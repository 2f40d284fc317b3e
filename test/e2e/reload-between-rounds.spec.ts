/**
 * A reload between rounds keeps the expert in the loop: the last image of a batch labeled, the
 * page reloaded while the model trains on it, the label view comes back on the Queue and moves
 * onto the next round when it opens, as it does without a reload. An expert who then chooses
 * folder order stays there when the next round opens.
 *
 * "No up or down" makes the training turn every labeled image (several seconds for a batch),
 * so that the reload falls between the last label and the next round.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { webHostForSpec } from './support/web-host';
import { watchProblems } from './support/page-problems';
import { createDemoProject, labelDemoBatch, readDemoTruth } from './support/demo-project';
import { ROOT, SHOTS } from './support/paths';

const BATCH = 10;

const spec = webHostForSpec('adma-e2e-reload-round-');
let truth: Map<string, string>;

test.beforeAll(async () => {
  truth = await readDemoTruth(ROOT);
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

test('a reload while the model trains on a labeled batch comes back on the Queue and follows the next round; folder order chosen by hand stays', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const problems = watchProblems(page);
  await page.goto(spec.host.url);
  await createDemoProject(page, path.join(spec.work, 'demo'));

  await page.getByRole('tab', { name: /^Adapt/ }).click();
  await expect(page.getByTestId('features-state')).toContainText('Ready', { timeout: 5 * 60_000 });
  await page.getByRole('checkbox', { name: 'No up or down' }).check();
  await expect(page.getByLabel('Batch size')).toHaveValue(String(BATCH));
  await page.getByRole('button', { name: 'Query the first batch' }).click();
  await expect(page.getByTestId('round-facts')).toContainText('Round 0');
  // The recommended strategy uses no λ: the facts name no λ schedule (they are rendered at once with "Round 0").
  await expect(page.getByTestId('round-facts')).not.toContainText(/λ|step/);
  await page.getByRole('button', { name: 'Label this batch' }).click();

  const source = page.getByTestId('label-source');
  const queue = page.getByRole('group', { name: 'What to label' }).getByRole('button', { name: 'Queue' });
  const folder = page.getByRole('group', { name: 'What to label' }).getByRole('button', { name: 'Folder order' });
  await expect(source).toHaveText('Queue · round 0');
  await labelDemoBatch(page, truth, BATCH, BATCH);

  // Reload while the model trains on the batch: the view comes back on the Queue...
  await page.reload();
  await expect(queue).toHaveAttribute('aria-pressed', 'true');
  await expect(source).toHaveText(/^Queue · round [01]$/);
  await shot(page, 'reload-between-rounds.png');
  // ...and moves onto the next round when it opens, at its first image.
  await expect(source).toHaveText('Queue · round 1', { timeout: 3 * 60_000 });
  await expect(page.getByTestId('position')).toHaveText(`1 / ${BATCH}`);
  await expect(page.getByTestId('queue-scores')).toBeVisible();
  await shot(page, 'reload-between-rounds-next.png');

  // The same again, but the expert chooses folder order after the reload: a new round never takes it away.
  await labelDemoBatch(page, truth, BATCH, 2 * BATCH);
  await page.reload();
  await expect(queue).toHaveAttribute('aria-pressed', 'true');
  await folder.click();
  await expect(source).toHaveText('Unlabeled · folder order');
  await page.getByRole('tab', { name: /^Adapt/ }).click();
  await expect(page.getByTestId('round-facts')).toContainText('Round 2', { timeout: 3 * 60_000 });
  await page.getByRole('tab', { name: /^Label/ }).click();
  await expect(folder).toHaveAttribute('aria-pressed', 'true');
  await expect(source).toHaveText('Unlabeled · folder order');
  await expect(page.getByTestId('position')).toHaveText(/^1 \/ /);
  expect(problems).toEqual([]);
});
