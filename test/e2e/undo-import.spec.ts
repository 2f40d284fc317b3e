/**
 * Ctrl+Z on an import: the history keeps every action across sessions, so one Ctrl+Z too many
 * could take back a whole import. The window asks first (what, when, how many), Cancel changes
 * nothing, Undo takes back exactly that change and says how to redo it, and Ctrl+Shift+Z brings
 * every label back. (A small change made in this window is undone at once, as labeling.spec shows.)
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { decideModelLater } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { webHostForSpec } from './support/web-host';
import { HYMENOPTERA_VAL as PHOTOS, SHOTS } from './support/paths';

const PER_CLASS = 6;
test.skip(!(existsSync(path.join(PHOTOS, 'ants')) && existsSync(path.join(PHOTOS, 'bees'))), '../shared/data/hymenoptera is absent');

const spec = webHostForSpec('adma-e2e-undo-import-');

test('Ctrl+Z on an import asks first; Cancel keeps it, Undo takes back only it, Ctrl+Shift+Z brings it back', async ({ page }) => {
  const problems = watchProblems(page);
  const folder = path.join(spec.work, 'photos');
  await fs.mkdir(folder, { recursive: true });
  const lines = ['path,class'];
  for (const cls of ['ants', 'bees']) {
    const names = (await fs.readdir(path.join(PHOTOS, cls))).filter((f) => f.endsWith('.jpg')).sort().slice(0, PER_CLASS);
    for (const name of names) {
      await fs.copyFile(path.join(PHOTOS, cls, name), path.join(folder, name));
      lines.push(`${name},${cls}`);
    }
  }
  const csv = path.join(spec.work, 'labels.csv');
  await fs.writeFile(csv, `${lines.join('\n')}\n`);
  const total = PER_CLASS * 2;

  await page.goto(spec.host.url);
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  await decideModelLater(page);
  const counts = page.getByTestId('project-counts');
  await expect(counts).toContainText(`${total} images`, { timeout: 60_000 });

  await page.keyboard.press('Alt+6');
  await page.getByRole('button', { name: 'Import labels…' }).click();
  const importDialog = page.getByRole('dialog', { name: 'Import labels or suggestions' });
  await importDialog.getByLabel('File or folder').fill(csv);
  await importDialog.getByRole('checkbox', { name: 'Create classes that do not exist yet' }).check();
  await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(importDialog.getByTestId('import-report')).toContainText(new RegExp(`Labeled\\s*${total}`));
  await importDialog.getByRole('button', { name: 'Close' }).click();
  await expect(counts).toContainText(`${total} labeled`);

  // Ctrl+Z asks, naming the file and the number; the focus is on Cancel, so an impatient Enter keeps the import.
  await page.keyboard.press('Control+z');
  const question = page.getByRole('dialog', { name: 'Undo the import of “labels.csv”?' });
  await expect(question).toBeVisible();
  await expect(question).toContainText(`Undo gives ${total} images back the label or mark they had before.`);
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.screenshot({ path: path.join(SHOTS, 'undo-import-question.png') });
  await page.keyboard.press('Enter');
  await expect(question).toBeHidden();
  await expect(counts).toContainText(`${total} labeled`);

  // Asked again after a reload (a new window: the import is older than it); Undo takes it back.
  await page.reload();
  await expect(counts).toContainText(`${total} labeled`);
  await page.keyboard.press('Control+z');
  await question.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText(`Undid the import of “labels.csv”: ${total} images. Ctrl+Shift+Z redoes it.`)).toBeVisible();
  await expect(counts).toContainText(/(^|\s)0 labeled/);

  // Redo brings every label back, without a question.
  await page.keyboard.press('Control+Shift+Z');
  await expect(counts).toContainText(`${total} labeled`);
  await expect(question).toHaveCount(0);

  expect(problems).toEqual([]);
});
