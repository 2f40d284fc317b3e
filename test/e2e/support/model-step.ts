import type { Page } from '@playwright/test';

/** Creating a project opens its model step; flows that label without a model choose "Decide later". */
export async function decideModelLater(page: Page): Promise<void> {
  await page.getByRole('dialog', { name: 'Choose the pre-trained model' }).getByRole('button', { name: 'Decide later' }).click();
}
