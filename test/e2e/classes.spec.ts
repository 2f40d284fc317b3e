/**
 * The Classes view as a first-time user meets it: "Define classes" puts the cursor in the New
 * class field; names typed as fast as the keyboard goes, Enter between them, each become a class
 * (none merged); a key that cannot be a class key says why; a class delete is one undoable
 * action: Ctrl+Z right after it brings the class back with its labels, Ctrl+Shift+Z deletes it
 * again, and a name taken meanwhile brings it back renamed.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

// The second test continues the first one's project.
test.describe.configure({ mode: 'serial' });

const run = hostWithImageFolder(12, 'adma-e2e-classes-');

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });
const rows = (page: Page) => page.getByTestId('class-row');
/** The class names in the list, in order (polled until they are `expected`). */
const expectNames = (page: Page, expected: string[]) =>
  expect.poll(() => rows(page).locator('input.name').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(expected);
const notice = (page: Page, text: string | RegExp) => page.getByTestId('toast').filter({ hasText: text });

test('define classes: the cursor waits in the field, fast typing loses and merges nothing, a refused key says why', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(run.host.url);
  await createProjectWithoutModel(page, run.folder, 12);

  await page.getByRole('button', { name: 'Define classes' }).click();
  const field = page.getByLabel('New class');
  await expect(field).toBeFocused();

  // As fast as the keyboard goes: no wait between the names and their Enter.
  for (const name of ['ant', 'bee', 'wasp', 'fly']) {
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
  }
  await expectNames(page, ['ant', 'bee', 'wasp', 'fly']);
  await expect(field).toHaveValue('');
  await expect(field).toBeFocused();
  await expect(page.getByLabel('Hotkey of fly')).toHaveValue('4');

  // A name taken (in another case): said in words, and the name is back in the field to fix.
  await page.keyboard.type('Ant');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: '“Ant” was not added: “ant” is already a class (names that differ only in case count as one).' })).toBeVisible();
  await expect(field).toHaveValue('Ant');
  await field.fill('');

  // "?" is the help key: it cannot be a class key, and the view says so instead of silently reverting.
  await page.getByLabel('Hotkey of ant').click();
  await page.keyboard.type('?');
  await expect(notice(page, '“?” cannot be a class key: it is the key for “Show or hide this list of keys”.')).toBeVisible();
  await expect(page.getByLabel('Hotkey of ant')).toHaveValue('1');
  // A word pasted into the key field (a name put in the wrong field) is refused whole, not cut to its last letter.
  await page.keyboard.insertText('eosinophil');
  await expect(notice(page, '“eosinophil” cannot be a class key.')).toBeVisible();
  await expect(page.getByLabel('Hotkey of ant')).toHaveValue('1');
  await shot(page, 'classes-fast-typing.png');
  expect(problems).toEqual([]);
});

test('deleting a class is one undoable action: Ctrl+Z brings it back with its labels, a name taken meanwhile renames it', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(run.host.url);
  const counts = page.getByTestId('project-counts');
  await expect(counts).toContainText('12 images');

  // Label six images: ant, bee, bee, wasp, bee, ant (the ant labels are older and unrelated).
  await page.getByRole('tab', { name: /Label/ }).click();
  const position = page.getByTestId('position');
  await expect(position).toHaveText('1 / 12');
  for (const [i, key] of ['1', '2', '2', '3', '2', '1'].entries()) {
    await page.keyboard.press(key);
    await expect(position).toHaveText(`${i + 2} / 12`);
  }
  await expect(page.getByTestId('label-progress')).toHaveText('6 of 12 labeled');

  await page.getByRole('tab', { name: /Classes/ }).click();
  await expect(page.getByLabel('Class bee')).toContainText('3 labels');
  // Cancel gives the focus back to the Delete button (the keyboard user keeps her place).
  const deleteBee = page.getByRole('button', { name: 'Delete bee' });
  await deleteBee.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Delete “bee”?' }).getByRole('button', { name: 'Cancel' }).click();
  await expect(deleteBee).toBeFocused();
  await deleteBee.click();
  const dialog = page.getByRole('dialog', { name: 'Delete “bee”?' });
  await expect(dialog).toContainText('3 images labeled “bee” will become unlabeled. Ctrl+Z brings the class back with its 3 labels');
  await shot(page, 'classes-delete-dialog.png');
  await dialog.getByRole('button', { name: 'Delete class' }).click();
  await expect(notice(page, 'Class “bee” deleted; 3 images became unlabeled. Ctrl+Z brings it back.')).toBeVisible();
  await expectNames(page, ['ant', 'wasp', 'fly']);
  await expect(counts).toContainText('3 labeled');

  // Ctrl+Z right after: the class, its key, colour and place, and its three labels; not an older label.
  await page.keyboard.press('Control+z');
  await expect(notice(page, 'Class “bee” is back with its 3 labels.')).toBeVisible();
  // The delete's notice, no longer true, is gone.
  await expect(notice(page, /Class “bee” deleted/)).toHaveCount(0);
  await expectNames(page, ['ant', 'bee', 'wasp', 'fly']);
  await expect(page.getByLabel('Hotkey of bee')).toHaveValue('2');
  await expect(page.getByLabel('Class bee')).toContainText('3 labels');
  await expect(page.getByLabel('Class ant')).toContainText('2 labels');
  await expect(counts).toContainText('6 labeled');
  await shot(page, 'classes-delete-undone.png');

  // Redo deletes it again; undo brings it back again.
  await page.keyboard.press('Control+Shift+z');
  await expect(notice(page, 'Class “bee” deleted again; 3 images became unlabeled.')).toBeVisible();
  await expectNames(page, ['ant', 'wasp', 'fly']);
  await page.keyboard.press('Control+z');
  await expectNames(page, ['ant', 'bee', 'wasp', 'fly']);

  // Deleted, then a new "bee" added before the undo: the old one comes back renamed, with a free key.
  await page.getByRole('button', { name: 'Delete bee' }).click();
  await page.getByRole('dialog', { name: 'Delete “bee”?' }).getByRole('button', { name: 'Delete class' }).click();
  await expectNames(page, ['ant', 'wasp', 'fly']);
  const field = page.getByLabel('New class');
  await field.fill('bee');
  await field.press('Enter');
  await expectNames(page, ['ant', 'wasp', 'fly', 'bee']);
  await field.blur();
  await page.keyboard.press('Control+z');
  await expect(notice(page, 'A class named “bee” was added after the delete, so this one is back as “bee (restored)”.')).toBeVisible();
  await expectNames(page, ['ant', 'bee (restored)', 'wasp', 'fly', 'bee']);
  await expect(page.getByLabel('Class bee (restored)')).toContainText('3 labels');
  await expect(page.getByLabel('Hotkey of bee (restored)')).toHaveValue('5');
  await shot(page, 'classes-restored-renamed.png');

  // The history tells the delete and its undo apart from label changes.
  await page.getByRole('tab', { name: /History/ }).click();
  await expect(page.locator('.kind', { hasText: 'Undo: class back' }).first()).toBeVisible();
  await expect(page.locator('.kind', { hasText: 'Redo: class deleted' }).first()).toBeVisible();
  await expect(page.locator('.kind', { hasText: 'Class deleted' }).first()).toBeVisible();
  // Each delete, undo and redo is a line of its own, with the class's name then; the labels given
  // before the restore still name "bee", not the "bee (restored)" it is called now.
  const rows = page.getByRole('row');
  await expect(rows.filter({ hasText: 'Deleted class “bee” – 3 images unlabeled' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Deleted class “bee” again – 3 images unlabeled' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Class “bee” back – 3 images labeled again' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Class “bee” back as “bee (restored)” – 3 images labeled again' })).toHaveCount(1);
  const labelRows = rows.filter({ has: page.locator('.kind', { hasText: /^Label$/ }) });
  await expect(labelRows.getByRole('cell', { name: 'unlabeled → bee', exact: true })).toHaveCount(3);
  await expect(labelRows.filter({ hasText: 'bee (restored)' })).toHaveCount(0);
  await shot(page, 'classes-history.png');

  // A class without labels leaves a line too.
  await page.getByRole('tab', { name: /Classes/ }).click();
  await page.getByRole('button', { name: 'Delete fly' }).click();
  await page.getByRole('dialog', { name: 'Delete “fly”?' }).getByRole('button', { name: 'Delete class' }).click();
  await expectNames(page, ['ant', 'bee (restored)', 'wasp', 'bee']);
  await page.getByRole('tab', { name: /History/ }).click();
  await expect(rows.nth(1)).toContainText('Deleted class “fly” (no labels)');
  await expect(rows.nth(1)).toContainText('Class deleted');
  expect(problems).toEqual([]);
});
