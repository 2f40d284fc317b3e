/**
 * Two tabs on one web host, one project: tab B labels an image; Ctrl+Z in tab A must not take
 * B's label back unasked. A asks first, in the dialog an import's undo uses, naming the label, the
 * image and "made in another window"; Cancel keeps the label (both tabs still show it), and Ctrl+Z
 * again with Undo takes it back. A label given in tab A itself is undone at once, as before.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const IMAGES = 5;
const setup = hostWithImageFolder(IMAGES, 'adma-e2e-undo-other-window-');
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('Ctrl+Z on a label given in another tab asks first, after a reload too; Cancel keeps it in both tabs, Undo takes it back; a label given here is undone at once, after a reload too', async ({ context }) => {
  const tabA = await context.newPage();
  const problemsA = watchProblems(tabA);
  await tabA.goto(setup.host.url);
  await createProjectWithoutModel(tabA, setup.folder, IMAGES);
  await createClasses(tabA, ['Neutrophil', 'Monocyte']);
  await tabA.getByRole('tab', { name: /Label/ }).click();
  const countsA = tabA.getByTestId('project-counts');

  // Tab B opens the same project and labels the image it shows.
  const tabB = await context.newPage();
  const problemsB = watchProblems(tabB);
  await tabB.goto(setup.host.url);
  const countsB = tabB.getByTestId('project-counts');
  await expect(countsB).toContainText(`${IMAGES} images`);
  const labeled = (await tabB.getByTestId('image-path').textContent())!;
  expect(labeled).toBeTruthy();
  await tabB.keyboard.press('1');
  await expect(countsB).toContainText('1 labeled');
  await expect(countsA).toContainText('1 labeled');

  // Ctrl+Z in A asks, naming what, which image and where it was made; the focus is on Cancel.
  const question = tabA.getByRole('dialog', { name: `Undo the label “Neutrophil” given to ${labeled}, made in another window?` });
  await tabA.keyboard.press('Control+z');
  await expect(question).toBeVisible();
  await expect(question).toContainText(`The last change is the label “Neutrophil” given to ${labeled}, made in another window`);
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await tabA.screenshot({ path: path.join(SHOTS, 'undo-other-window-question.png') });
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(question).toBeHidden();

  // Cancel kept it: Ctrl+Z asks about the same label again (it is still the last change done),
  // and both tabs still show it, B on its gallery tile.
  await tabA.keyboard.press('Control+z');
  await expect(question).toBeVisible();
  await expect(countsA).toContainText('1 labeled');
  await expect(countsB).toContainText('1 labeled');
  await tabB.keyboard.press('Alt+2');
  await expect(tabB.getByRole('button', { name: new RegExp(`^${escaped(labeled)}, Neutrophil`) })).toBeVisible();

  // Undo takes it back, in both tabs, and says so.
  await question.getByRole('button', { name: 'Undo' }).click();
  await expect(question).toBeHidden();
  await expect(tabA.getByTestId('toast').filter({ hasText: `Undid the label “Neutrophil” given to ${labeled}. Ctrl+Shift+Z redoes it.` })).toBeVisible();
  await expect(countsA).toContainText(/(^|\s)0 labeled/);
  await expect(countsB).toContainText(/(^|\s)0 labeled/);
  await expect(tabB.getByRole('button', { name: new RegExp(`^${escaped(labeled)}, Neutrophil`) })).toHaveCount(0);

  // A label given in A is A's own: Ctrl+Z takes it back at once (an asking undo would wait at the dialog).
  await tabA.keyboard.press('Alt+1');
  await tabA.keyboard.press('2');
  await expect(countsA).toContainText('1 labeled');
  await tabA.keyboard.press('Control+z');
  await expect(countsA).toContainText(/(^|\s)0 labeled/);
  await expect(countsB).toContainText(/(^|\s)0 labeled/);
  await expect(tabA.getByRole('dialog')).toHaveCount(0);

  // A reload keeps the tab the same window: a label given in A before it is undone at once after
  // it; one given in B still asks (each page load was a new window, and both went unasked).
  await tabA.keyboard.press('2');
  await expect(countsA).toContainText('1 labeled');
  await tabA.reload();
  await expect(countsA).toContainText('1 labeled');
  await tabA.keyboard.press('Control+z');
  await expect(countsA).toContainText(/(^|\s)0 labeled/);
  await expect(tabA.getByRole('dialog')).toHaveCount(0);
  await tabB.keyboard.press('Alt+1');
  const fromB = (await tabB.getByTestId('image-path').textContent())!;
  await tabB.keyboard.press('1');
  await expect(countsB).toContainText('1 labeled');
  await tabA.reload();
  await expect(countsA).toContainText('1 labeled');
  await tabA.keyboard.press('Control+z');
  await expect(tabA.getByRole('dialog', { name: `Undo the label “Neutrophil” given to ${fromB}, made in another window?` })).toBeVisible();

  expect(problemsA).toEqual([]);
  expect(problemsB).toEqual([]);
});
