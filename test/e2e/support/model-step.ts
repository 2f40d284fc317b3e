import { expect, type Locator, type Page } from '@playwright/test';

/** Creating a project opens its model step; flows that label without a model choose "Decide later". */
export async function decideModelLater(page: Page): Promise<void> {
  await page.getByRole('dialog', { name: 'Choose the pre-trained model' }).getByRole('button', { name: 'Decide later' }).click();
}

/** At creation, choose "a model folder on this computer" and continue in Adapt; returns the focused model-folder field. */
export async function chooseModelFolderInAdapt(page: Page): Promise<Locator> {
  const step = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
  await step.getByRole('radio', { name: /model folder on this computer/ }).check();
  await step.getByRole('button', { name: 'Continue in Adapt' }).click();
  await expect(step).toBeHidden();
  const field = page.getByLabel('Model folder');
  await expect(field).toBeFocused();
  return field;
}
