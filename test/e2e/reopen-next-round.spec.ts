/**
 * The app stopped while the model trained on a labeled batch (the host's stop waits for the
 * training to be recorded, then queries nothing: the same state a crash between the training and
 * the next query leaves). Started again and the project opened, the label view moves onto the next
 * round by itself, as it would have without the stop: no "Next round now" to click.
 *
 * "No up or down" makes the training turn every labeled image (several seconds for a batch), so
 * that the stop falls between the last label and the next round.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDemoProjectInAdapt, labelDemoBatch, readDemoTruth } from './support/demo-project';
import { watchProblems } from './support/page-problems';
import { ROOT } from './support/paths';
import { startWebHost, type RunningHost } from './support/web-host';

const BATCH = 10;

const hosts: RunningHost[] = [];
const dirs: string[] = [];
test.afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop()));
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

/** Stop a host as Ctrl+C does, and wait for it to exit however long its close takes (never killed: a kill would lose the training). */
function stopGracefully(host: RunningHost): Promise<void> {
  return new Promise((resolve) => {
    host.process.once('exit', () => resolve());
    host.process.kill('SIGTERM');
  });
}

test('stopped while the model trains on a labeled batch, the app opens the next round by itself once started again', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const truth = await readDemoTruth(ROOT);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-reopen-round-'));
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-reopen-round-state-'));
  dirs.push(work, stateDir);
  const folder = path.join(work, 'demo');
  const first = await startWebHost(ROOT, stateDir);
  hosts.push(first);
  const problems = watchProblems(page);

  await page.goto(first.url);
  await createDemoProjectInAdapt(page, folder);
  await page.getByRole('checkbox', { name: 'No up or down' }).check();
  await expect(page.getByLabel('Batch size')).toHaveValue(String(BATCH));
  await page.getByRole('button', { name: 'Query the first batch' }).click();
  await expect(page.getByTestId('round-facts')).toContainText('Round 0');
  await page.getByRole('button', { name: 'Label this batch' }).click();
  const source = page.getByTestId('label-source');
  await expect(source).toHaveText('Queue · round 0');
  await labelDemoBatch(page, truth, BATCH, BATCH);

  // The model trains on the batch: the app is stopped meanwhile.
  await expect(page.getByText('The model is training on every label; the next batch opens by itself.')).toBeVisible();
  await stopGracefully(first);

  // Started again, the project opened: the label view comes to the next round's first image, no click.
  const second = await startWebHost(ROOT, stateDir);
  hosts.push(second);
  await page.goto(second.url);
  await page.getByRole('button', { name: `Open ${path.basename(folder)}` }).click();
  await expect(page.getByTestId('project-counts')).toContainText(`${BATCH} labeled`, { timeout: 60_000 });
  await page.keyboard.press('Alt+1');
  await expect(source).toHaveText('Queue · round 1', { timeout: 3 * 60_000 });
  await expect(page.getByTestId('position')).toHaveText(`1 / ${BATCH}`);
  await expect(page.getByTestId('batch-done')).toHaveCount(0);
  expect(problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p))).toEqual([]);
});
