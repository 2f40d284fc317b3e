import { expect, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface DemoIndex {
  labels: string[];
  items: { file: string; label: number }[];
}

/** The demo set's truth, read straight from its index in the repository at `root`. */
export async function readDemoIndex(root: string): Promise<DemoIndex> {
  return JSON.parse(await fs.readFile(path.join(root, 'resources/demo/mnist-demo.json'), 'utf8')) as DemoIndex;
}

/** The demo set's true class of each image, by file name (the class is the digit to press). */
export async function readDemoTruth(root: string): Promise<Map<string, string>> {
  const index = await readDemoIndex(root);
  return new Map(index.items.map((item) => [item.file, index.labels[item.label]!]));
}

/** From whatever the host shows (the picker, or a project an earlier test left open): create the demo project in `folder`. */
export async function createDemoProject(page: Page, folder: string): Promise<string> {
  const close = page.getByRole('button', { name: 'Close project' });
  await expect(close.or(page.getByLabel('Where to create it'))).toBeVisible();
  if (await close.isVisible()) await close.click();
  await page.getByLabel('Where to create it').fill(folder);
  await expect(page.getByTestId('demo-path-status')).toContainText('will be created');
  await page.getByRole('button', { name: 'Create demo project' }).click();
  await expect(page.getByTestId('project-counts')).toContainText('300 images', { timeout: 60_000 });
  return folder;
}

/** Create the demo project in `folder` (as createDemoProject), open Adapt and wait until its features are ready. */
export async function createDemoProjectInAdapt(page: Page, folder: string): Promise<string> {
  await createDemoProject(page, folder);
  // The project is entered (its label view on the first image) only after its counts show: an
  // Alt+5 before that was overridden by the entry's own switch to the label view.
  await expect(page.getByTestId('position')).toHaveText('1 / 300');
  await page.keyboard.press('Alt+5');
  await expect(page.getByTestId('features-state')).toContainText('Ready', { timeout: 5 * 60_000 });
  return folder;
}

/**
 * Label the open batch of `batch` images in the label view by the demo's true classes (`truth`,
 * readDemoTruth), and wait until the last label is committed: the project's count, from the back
 * end, reads `labeledAfter` of 300.
 */
export async function labelDemoBatch(page: Page, truth: ReadonlyMap<string, string>, batch: number, labeledAfter: number): Promise<void> {
  const imagePath = page.getByTestId('image-path');
  for (let i = 0; i < batch; i++) {
    await expect(page.getByTestId('position')).toHaveText(new RegExp(`^\\d+ / ${batch}$`));
    const relPath = (await imagePath.textContent()) ?? '';
    const digit = truth.get(path.basename(relPath));
    if (digit === undefined) throw new Error(`${relPath} is not a demo image`);
    await page.keyboard.press(digit);
    if (i < batch - 1) await expect(imagePath).not.toHaveText(relPath);
  }
  await expect(page.getByTestId('batch-done')).toBeVisible();
  await expect(page.getByTestId('label-progress')).toHaveText(`${labeledAfter} of 300 labeled`);
}
