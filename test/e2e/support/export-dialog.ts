import { expect, type Locator, type Page } from '@playwright/test';

/**
 * From the dashboard, open the Export dialog on a new `destination` folder with the ImageFolder
 * copy on; returns the dialog, not yet exported. With `split` (a project with evaluation labels),
 * checks the copy is split into train and evaluation by default.
 */
export async function openImageFolderExport(page: Page, destination: string, split = true): Promise<Locator> {
  await page.keyboard.press('Alt+6');
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByLabel('Destination folder').fill(destination);
  await expect(dialog.getByTestId('export-destination-status')).toHaveText('A new folder: it will be created.');
  await dialog.getByRole('checkbox', { name: /ImageFolder copy/ }).check();
  if (split) await expect(dialog.getByRole('checkbox', { name: /Split/ })).toBeChecked();
  return dialog;
}
