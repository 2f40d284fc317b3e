/**
 * A user's walkthrough: a project whose model is a folder on disk, every feature extracted; the
 * app stopped, the model folder moved (`mv`), the app started again and the project opened. It
 * said "feature extraction failed", "Failed 0 / N" and offered a Resume that could only fail,
 * while every feature was in the cache. Now the header and the model panel say the folder is
 * missing, how many images have features cached, and offer Locate… (no retry while nothing is
 * there); Locate… the moved folder makes the features ready at once. The Locate… form left open
 * does not outlive the project: closed and opened again, the project shows it closed.
 */
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeImageFolder } from './support/image-folder';
import { createProjectWithModelFolder } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { MOBILENET_025, ROOT, SHOTS } from './support/paths';
import { startWebHost, type RunningHost } from './support/web-host';

const IMAGES = 8;

const hosts: RunningHost[] = [];
const dirs: string[] = [];
test.afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop()));
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

test.skip(!existsSync(path.join(MOBILENET_025, 'model.json')), `skipped: the shared model ${MOBILENET_025} is absent`);

/** Stop a host as Ctrl+C does, and wait for it to exit. */
function stopGracefully(host: RunningHost): Promise<void> {
  return new Promise((resolve) => {
    host.process.once('exit', () => resolve());
    host.process.kill('SIGTERM');
  });
}

test('a moved model folder is said missing with its cached features, and Locate… makes them ready', async ({ page }) => {
  test.setTimeout(6 * 60_000);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-model-gone-'));
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-model-gone-state-'));
  dirs.push(work, stateDir);
  const folder = await makeImageFolder(IMAGES, path.join(work, 'images-'));
  const model = path.join(work, 'rvn-model');
  const moved = path.join(work, 'rvn-model-moved');
  await fs.cp(MOBILENET_025, model, { recursive: true });
  const problems = watchProblems(page);

  // The project, its features extracted from the model folder.
  const first = await startWebHost(ROOT, stateDir);
  hosts.push(first);
  await page.goto(first.url);
  await createProjectWithModelFolder(page, folder, model);
  await expect(page.getByTestId('features-state')).toContainText(`Ready ${IMAGES} / ${IMAGES} images`);

  // Stopped, the model folder moved, started again and the project opened.
  await stopGracefully(first);
  await fs.rename(model, moved);
  const second = await startWebHost(ROOT, stateDir);
  hosts.push(second);
  await page.goto(second.url);
  await page.getByRole('button', { name: `Open ${path.basename(folder)}` }).click();
  await expect(page.getByTestId('project-counts')).toContainText(`${IMAGES} images`, { timeout: 60_000 });

  // The header says the folder is missing, not that the extraction failed.
  await expect(page.getByTestId('features-summary')).toHaveText('model folder missing', { timeout: 60_000 });
  await page.getByRole('tab', { name: /Adapt/ }).click();
  const problem = page.getByTestId('model-problem');
  await expect(problem).toContainText('The model folder is missing');
  await expect(problem).toContainText(`Nothing is at ${model} now: the folder of`);
  await expect(problem).toContainText(`The features of all ${IMAGES} images are cached for this model: once it is found they are ready at once`);
  await expect(page.getByTestId('features-state')).toContainText(`Waiting for the model ${IMAGES} / ${IMAGES} images cached`);
  await expect(problem).not.toContainText('No model.json');
  // No retry that can only fail.
  await expect(page.getByRole('button', { name: 'Resume feature extraction' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(page.getByText('resume the extraction')).toHaveCount(0);
  await expect(page.getByText('The model folder cannot be used now (see Model): the queue is computed once it is found.')).toBeVisible();
  await problem.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'model-folder-missing.png') });

  // The Locate… form is the problem's (ModelProblemNotice): left open, the project closed and opened again, it starts closed.
  await problem.getByRole('button', { name: 'Locate…' }).click();
  await expect(page.getByLabel(/Where is the folder of .* now\?/)).toBeVisible();
  await page.getByRole('button', { name: 'Close project' }).click();
  await page.getByRole('button', { name: `Open ${path.basename(folder)}` }).click();
  await expect(page.getByTestId('features-summary')).toHaveText('model folder missing', { timeout: 60_000 });
  await page.getByRole('tab', { name: /Adapt/ }).click();
  await expect(problem.getByRole('button', { name: 'Locate…' })).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByLabel(/Where is the folder of .* now\?/)).toHaveCount(0);

  // Locate…: the field starts beside the old folder; the moved folder is taken.
  await problem.getByRole('button', { name: 'Locate…' }).click();
  const field = page.getByLabel(/Where is the folder of .* now\?/);
  await expect(field).toBeFocused();
  await expect(field).toHaveValue(`${work}/`);
  await field.fill(moved);
  await expect(page.getByTestId('locate-model-path-status')).toContainText('Use this folder checks that it holds');
  await page.screenshot({ path: path.join(SHOTS, 'model-folder-locate.png') });
  await page.getByRole('button', { name: 'Use this folder' }).click();
  await expect(page.getByTestId('features-state')).toContainText(`Ready ${IMAGES} / ${IMAGES} images`, { timeout: 60_000 });
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId('folder-model')).toContainText(moved);
  expect(problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p))).toEqual([]);
});
