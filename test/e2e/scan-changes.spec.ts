/**
 * A labeled image whose file is replaced: the rescan names it with its label, and "Review"
 * opens it in the label view to confirm or fix the label. The same changes made while the
 * project is closed are told when it opens (the scan at opening applied them silently before;
 * found in a walkthrough).
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

// Files are changed, then Rescan is clicked: the folder watch's own scan would race it.
const setup = hostWithImageFolder(6, 'adma-e2e-scan-changes-', undefined, { folderWatch: false });
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

/** Replace `name`'s bytes with those of `from` (another image) and move its date on, as an overwrite does. */
async function replaceFile(name: string, from: string): Promise<void> {
  const file = path.join(setup.folder, name);
  await fs.copyFile(path.join(setup.folder, from), file);
  const later = new Date(Date.now() + 60_000);
  await fs.utimes(file, later, later);
}

test('a replaced labeled file is named with its label after a rescan and at opening, and Review opens it', async ({ page }) => {
  const problems = watchProblems(page);
  await fs.mkdir(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 6);
  await createClasses(page, ['Ant', 'Bee']);
  await page.getByRole('tab', { name: /^Label/ }).click();
  await expect(page.getByTestId('image-path')).toHaveText('img-000.png');
  await page.keyboard.press('1');
  await expect(page.getByTestId('image-path')).toHaveText('img-001.png');
  await page.keyboard.press('2');
  await expect(page.getByTestId('project-counts')).toContainText('2 labeled');

  // The file of the Bee image is overwritten with another picture; the rescan says so by name.
  await replaceFile('img-001.png', 'img-004.png');
  await page.getByRole('button', { name: 'Rescan folder' }).click();
  const dialog = page.getByRole('dialog', { name: 'Rescan finished' });
  await expect(dialog.getByTestId('scan-report')).toContainText(/Changed\s*1/);
  const changed = dialog.getByTestId('scan-labeled-changed');
  await expect(changed).toContainText('Labeled images whose file changed (1)');
  await expect(changed.getByRole('listitem')).toHaveCount(1);
  await expect(changed.getByRole('listitem')).toContainText(/img-001\.png\s*Bee\s*training/);
  await shot(page, 'scan-changes-rescan.png');

  await dialog.getByRole('button', { name: 'Review 1 labeled image whose file changed' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('label-source')).toHaveText('Labeled images whose file changed · check each label');
  await expect(page.getByTestId('image-path')).toHaveText('img-001.png');
  await expect(page.getByTestId('current-label')).toHaveText('Bee');
  await expect(page.getByTestId('position')).toHaveText('1 / 1');
  // The new picture (img-004's 200 x 120 pixels), not the old one (200 x 150) the page showed before under this image's id.
  await expect(page.getByText('200 × 120')).toBeVisible();
  await expect(page.getByTestId('current-image')).toBeVisible();
  await expect.poll(() => page.getByTestId('current-image').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalHeight : 0))).toBe(120);
  await shot(page, 'scan-changes-review.png');
  // The new picture is an Ant: fixed with its key; the list ends there.
  await page.keyboard.press('1');
  await expect(page.getByRole('heading', { name: 'End of “Labeled images whose file changed · check each label”' })).toBeVisible();
  // On from there: the active loop's queue first (as the toolbar's Queue), folder order named as such.
  await expect(page.getByRole('button', { name: 'Back to the queue' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Label in folder order' })).toBeVisible();
  await expect(page.getByTestId('project-counts')).toContainText('2 labeled');

  // While the project is closed: the Ant image's file is replaced and the Bee… now Ant image's file goes.
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByLabel('Project folder')).toBeVisible();
  await replaceFile('img-000.png', 'img-003.png');
  await fs.rm(path.join(setup.folder, 'img-001.png'));
  await page.getByRole('button', { name: `Open ${path.basename(setup.folder)}` }).click();
  const notice = page.getByTestId('folder-changed');
  await expect(notice).toContainText("The folder changed while the project was closed: 1 labeled image's file changed, 1 labeled file is missing.");
  await expect(page.getByTestId('project-counts')).toContainText('5 images');
  await expect(page.getByTestId('project-counts')).toContainText('1 labeled');
  // The class bar counts the present images' labels too, as the header does.
  await expect(page.getByTestId('class-button').filter({ hasText: 'Ant' }).locator('.count')).toHaveText('1');
  await shot(page, 'scan-changes-at-open.png');

  await notice.getByRole('button', { name: 'See what changed' }).click();
  const list = page.getByRole('dialog', { name: 'The folder changed while the project was closed' });
  await expect(list.getByTestId('scan-labeled-changed').getByRole('listitem')).toContainText(/img-000\.png\s*Ant\s*training/);
  await expect(list.getByTestId('scan-labeled-removed')).toContainText('Their labels are kept and come back when the files do');
  await expect(list.getByTestId('scan-labeled-removed').getByRole('listitem')).toContainText(/img-001\.png\s*Ant/);
  await shot(page, 'scan-changes-at-open-list.png');
  await list.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(list).toBeHidden();

  await notice.getByRole('button', { name: 'Review 1 labeled image whose file changed' }).click();
  await expect(page.getByTestId('image-path')).toHaveText('img-000.png');
  await expect(page.getByTestId('current-label')).toHaveText('Ant');
  // img-003's 160 x 150 pixels, not the 160 x 120 this page showed under this id before the close.
  await expect.poll(() => page.getByTestId('current-image').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalHeight : 0))).toBe(150);
  // The one image checked (labeled Ant again, key 1): the list ends, and the notice, its work
  // done, goes for good (a reload does not bring it back).
  await page.keyboard.press('1');
  await expect(page.getByRole('heading', { name: 'End of “Labeled images whose file changed · check each label”' })).toBeVisible();
  await expect(notice).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('project-counts')).toContainText('5 images');
  await expect(page.getByTestId('folder-changed')).toHaveCount(0);

  // The labeled file is moved and renamed: the same image, its label kept, the report says where it went.
  await fs.mkdir(path.join(setup.folder, 'sorted'));
  await fs.rename(path.join(setup.folder, 'img-000.png'), path.join(setup.folder, 'sorted', 'ant.png'));
  await page.getByRole('button', { name: 'Rescan folder' }).click();
  const movedDialog = page.getByRole('dialog', { name: 'Rescan finished' });
  await expect(movedDialog.getByTestId('scan-report')).toContainText(/Added\s*0/);
  await expect(movedDialog.getByTestId('scan-report')).toContainText(/Moved\s*1/);
  const moved = movedDialog.getByTestId('scan-moved');
  await expect(moved).toContainText('1 file moved or renamed (labels kept)');
  await expect(moved.getByRole('listitem')).toHaveText(/img-000\.png → sorted\/ant\.png\s*· labeled/);
  await shot(page, 'scan-changes-moved.png');
  await movedDialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('project-counts')).toContainText('5 images');
  await expect(page.getByTestId('project-counts')).toContainText('1 labeled');

  // A file replaced by one of the same size with its old date: a rescan does not read it, "Check every file" does.
  // Two pictures of the same pixel size, stored uncompressed: files of the same byte size.
  const quiet = path.join(setup.folder, 'img-004.png');
  const oldDate = new Date('2026-01-02T03:04:05Z');
  // Written beside the project folder and renamed over the file: the page may be reading it at
  // that moment (the Label view loads its neighbours' renditions again after a rescan), and a read
  // of a half-written PNG is refused (422), which is the test's race, not the app's fault. The scan
  // compares size and modification date only, so the rename leaves the premise intact.
  const solid = async (r: number): Promise<void> => {
    const next = path.join(path.dirname(setup.folder), 'img-004.next.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 90, b: 40 } } })
      .png({ compressionLevel: 0, adaptiveFiltering: false })
      .toFile(next);
    await fs.rename(next, quiet);
  };
  await solid(200);
  await fs.utimes(quiet, oldDate, oldDate);
  await page.getByRole('button', { name: 'Rescan folder' }).click();
  await page.getByRole('dialog', { name: 'Rescan finished' }).getByRole('button', { name: 'Close', exact: true }).click();
  const sizeBefore = (await fs.stat(quiet)).size;
  await solid(20);
  expect((await fs.stat(quiet)).size).toBe(sizeBefore);
  await fs.utimes(quiet, oldDate, oldDate);
  await page.getByRole('button', { name: 'Rescan folder' }).click();
  const plain = page.getByRole('dialog', { name: 'Rescan finished' });
  await expect(plain.getByTestId('scan-report')).toContainText(/Changed\s*0/);
  await plain.getByRole('button', { name: 'Check every file' }).click();
  const checked = page.getByRole('dialog', { name: 'Every file checked' });
  await expect(checked.getByTestId('scan-report')).toContainText(/Changed\s*1/);
  await expect(checked.getByTestId('scan-check-every-file')).toHaveCount(0);
  await checked.getByTestId('scan-changed-files').click();
  await expect(checked.getByTestId('scan-changed-files')).toContainText('img-004.png');
  await shot(page, 'scan-changes-check-every-file.png');
  await checked.getByRole('button', { name: 'Close', exact: true }).click();
  expect(problems).toEqual([]);
});
