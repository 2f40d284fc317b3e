/**
 * Two tabs on one web host, one project: tab A labels an image, tab B relabels it from the
 * gallery. Tab A must be told, in a notice a screen reader reads (the toast stack is a polite live
 * region), which image went from which label to which; B, which made the change, is told nothing.
 * Then B relabels every image at once: A is told in one notice, not one per image.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const IMAGES = 6;
const setup = hostWithImageFolder(IMAGES, 'adma-e2e-other-window-');
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a label replaced in another tab is told in this tab, naming the image and both labels; a bulk change in one notice', async ({ context }) => {
  const tabA = await context.newPage();
  const problemsA = watchProblems(tabA);
  await tabA.goto(setup.host.url);
  await createProjectWithoutModel(tabA, setup.folder, IMAGES);
  await createClasses(tabA, ['Neutrophil', 'Monocyte']);
  await tabA.getByRole('tab', { name: /Label/ }).click();
  const first = (await tabA.getByTestId('image-path').textContent())!;
  expect(first).toBeTruthy();
  await tabA.keyboard.press('1');
  await expect(tabA.getByTestId('project-counts')).toContainText('1 labeled');
  await expect(tabA.getByTestId('image-path')).not.toHaveText(first);

  // Tab B opens the same project and relabels A's image from the gallery.
  const tabB = await context.newPage();
  const problemsB = watchProblems(tabB);
  await tabB.goto(setup.host.url);
  await expect(tabB.getByTestId('project-counts')).toContainText('1 labeled');
  await tabB.keyboard.press('Alt+2');
  await tabB.getByRole('button', { name: new RegExp(`^${escaped(first)}, Neutrophil`) }).click();
  await expect(tabB.getByTestId('selection-count')).toHaveText('1 selected');
  await tabB.keyboard.press('2');
  await expect(tabB.getByRole('button', { name: new RegExp(`^${escaped(first)}, Monocyte`) })).toBeVisible();

  // A is told, in the live region of its notices; B is not (its own change).
  const noticesA = tabA.getByTestId('toast').filter({ hasText: 'Another window' });
  await expect(noticesA).toHaveCount(1);
  await expect(noticesA).toContainText(`Another window changed ${path.basename(first)} from Neutrophil to Monocyte.`);
  await expect(tabA.getByTestId('toasts')).toHaveAttribute('aria-live', 'polite');
  await expect(tabA.getByTestId('toasts')).toHaveAttribute('role', 'status');
  await tabA.screenshot({ path: path.join(SHOTS, 'other-window-notice.png') });
  // B has handled the event of its own change (the class counts come only with it; the notice,
  // had there been one, is decided in the same step): only now does "no notice" mean something.
  await expect(tabB.getByRole('button', { name: 'Only Monocyte (1)' })).toBeVisible();
  await expect(tabB.getByRole('button', { name: 'Only Neutrophil (0)' })).toBeVisible();
  await expect(tabB.getByTestId('toast').filter({ hasText: 'Another window' })).toHaveCount(0);

  // A labels two more images; B labels every image Monocyte with one key.
  await tabA.keyboard.press('1');
  await tabA.keyboard.press('1');
  await expect(tabA.getByTestId('project-counts')).toContainText('3 labeled');
  await expect(tabB.getByTestId('project-counts')).toContainText('3 labeled');
  await tabB.getByTestId('thumb').first().click();
  await tabB.keyboard.press('Control+a');
  await expect(tabB.getByTestId('selection-count')).toHaveText(`${IMAGES} selected`);
  await tabB.keyboard.press('2');
  await expect(tabB.getByTestId('project-counts')).toContainText(`${IMAGES} labeled`);

  // One notice for the bulk change (said when the quiet time after the first notice ends).
  await expect(tabA.getByTestId('project-counts')).toContainText(`${IMAGES} labeled`);
  const bulk = tabA.getByTestId('toast').filter({ hasText: `Another window labeled ${IMAGES} images as Monocyte` });
  await expect(bulk).toHaveCount(1, { timeout: 15_000 });
  await expect(bulk).toContainText('among them 2 you labeled in this window');
  await tabA.screenshot({ path: path.join(SHOTS, 'other-window-bulk-notice.png') });
  // B handled its own bulk change's event (its counts come only with it), so its notice would be up.
  await expect(tabB.getByRole('button', { name: `Only Monocyte (${IMAGES})` })).toBeVisible();
  await expect(tabB.getByTestId('toast').filter({ hasText: 'Another window' })).toHaveCount(0);

  expect(problemsA).toEqual([]);
  expect(problemsB).toEqual([]);
});
