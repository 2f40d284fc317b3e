/**
 * The Adapt view's suggestion to turn on "No up or down" when the labels' check suggests it
 * (EngineStatus.symmetryCheck): a plain-words notice beside the checkbox with the two
 * out-of-fold accuracies; "Turn it on" sets the setting as the checkbox does; "Not now" hides that
 * check's suggestion (a reload does not bring it back), and the later check at 80 labels asks
 * again. The checks' outcomes are written into the project's kept checks (the meta row the host
 * reads, as a finished check leaves it), since a real check needs 50 labels of images with no up
 * or down; a settings change makes the host send its status.
 */
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDemoProjectInAdapt } from './support/demo-project';
import { ROOT } from './support/paths';
import { startWebHost, type RunningHost } from './support/web-host';

const hosts: RunningHost[] = [];
const dirs: string[] = [];
test.afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop()));
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

test('the suggestion to turn on No up or down: Turn it on sets the setting; Not now hides that check\'s, the 80 labels check asks again', async ({ page }) => {
  test.setTimeout(6 * 60_000);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-symmetry-'));
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-symmetry-state-'));
  dirs.push(work, stateDir);
  const folder = path.join(work, 'demo');
  const host = await startWebHost(ROOT, stateDir);
  hosts.push(host);
  await page.goto(host.url);
  await createDemoProjectInAdapt(page, folder);

  /** Keep finished checks at these label counts, each suggesting it (as the host's check writes them). */
  const keepChecks = (...at: number[]): void => {
    const db = new Database(path.join(folder, '.adma', 'project.db'));
    try {
      const modelId = db.prepare('SELECT model_id FROM engine_model').pluck().get() as string;
      const checks = at.map((n) => ({ modelId, at: n, n, plainAccuracy: 0.61, viewsAccuracy: 0.68, meanDifference: -0.2, standardError: 0.05, suggest: true, checkedAt: new Date().toISOString() }));
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('symmetry-checks', JSON.stringify(checks));
    } finally {
      db.close();
    }
  };
  keepChecks(50);
  const continuous = page.getByRole('checkbox', { name: 'Continuous' });
  const noUpOrDown = page.getByRole('checkbox', { name: 'No up or down' });
  const notice = page.getByRole('status').filter({ hasText: 'Your labels say these images have no up or down' });
  await continuous.check();
  await expect(notice).toHaveText(/61% → 68% right, each of 50 labels predicted by a model trained without it\)\. Turn on No up or down\?/);
  await expect(noUpOrDown).not.toBeChecked();

  await notice.getByRole('button', { name: 'Turn it on' }).click();
  await expect(noUpOrDown).toBeChecked();
  await expect(notice).toHaveCount(0);

  // Off again by hand: the suggestion is back (not answered); Not now hides it, also after a reload.
  await noUpOrDown.uncheck();
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: 'Not now' }).click();
  await expect(notice).toHaveCount(0);
  await expect(noUpOrDown).not.toBeChecked();
  await page.reload();
  // The key goes to the project once it is open again (a key pressed while the page loads is lost).
  await expect(page.getByTestId('project-counts')).toContainText('images');
  await page.keyboard.press('Alt+5');
  await expect(page.getByRole('tab', { name: /Adapt/ })).toHaveAttribute('aria-selected', 'true');
  await expect(continuous).toBeChecked();
  await expect(page.getByText('Your labels say these images have no up or down')).toHaveCount(0);

  // The check at 80 labels suggests it too: asked again (its numbers), until answered Not now as well.
  keepChecks(50, 80);
  await continuous.uncheck();
  await expect(notice).toHaveText(/each of 80 labels predicted by a model trained without it\)\. Turn on No up or down\?/);
  await notice.getByRole('button', { name: 'Not now' }).click();
  await expect(notice).toHaveCount(0);
  await continuous.check();
  await expect(continuous).toBeChecked();
  // Answered: the checkbox's tooltip says what the labels suggested, and nothing asks.
  await expect(page.locator('label', { has: noUpOrDown })).toHaveAttribute('title', /Your labels suggested it \(61% → 68% right, each of 80 labels/);
  await expect(page.getByText('Your labels say these images have no up or down')).toHaveCount(0);
  await expect(noUpOrDown).not.toBeChecked();
});
