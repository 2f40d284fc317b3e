import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Creating a project opens its model step; flows that label without a model choose "Decide later".
 * Returns once the step has closed: while it is open it owns the keyboard (a view key pressed
 * then does nothing), so a flow that goes on with keys waits for that state, not for the click.
 */
export async function decideModelLater(page: Page): Promise<void> {
  const step = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
  await step.getByRole('button', { name: 'Decide later' }).click();
  await expect(step).toBeHidden();
}

/** At creation, choose the built-in starter model (whatever is recommended for the images). */
export async function useStarterModel(page: Page): Promise<void> {
  const step = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
  const starter = step.getByRole('radio', { name: /Starter model/ });
  // A click, not check(): check() does nothing on a radio already checked, and the step's
  // selection follows its recommendation until the user clicks a choice (once the scan has
  // indexed the images, photographs are recommended MobileNet).
  await starter.click();
  await expect(starter).toBeChecked();
  await step.getByRole('button', { name: 'Use this model' }).click();
}

/**
 * Create a project in `folder` (from the picker) with the starter model, then wait in Adapt until
 * features are ready for all `count` images (an extraction started before the scan had found them
 * all is followed by one over the whole folder), at most `readyMs`.
 */
export async function createProjectWithStarterModel(page: Page, folder: string, count: number, readyMs: number): Promise<void> {
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  await useStarterModel(page);
  await expect(page.getByTestId('project-counts')).toContainText(`${count} images`, { timeout: 60_000 });
  await page.getByRole('tab', { name: /Adapt/ }).click();
  await expect(page.getByTestId('features-state')).toContainText(new RegExp(`Ready.*${count} / ${count} images`), { timeout: readyMs });
}

/** Create a project in `folder` (from the picker) without a model; waits until its `count` images are indexed. */
export async function createProjectWithoutModel(page: Page, folder: string, count: number): Promise<void> {
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText(`${count} images`, { timeout: 60_000 });
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

/** Create a project in `folder` (from the picker) with the model folder `model`; waits until its features are ready. */
export async function createProjectWithModelFolder(page: Page, folder: string, model: string): Promise<void> {
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  const field = await chooseModelFolderInAdapt(page);
  await field.fill(model);
  await page.getByRole('button', { name: 'Inspect' }).click();
  await expect(page.getByRole('group', { name: 'Layer picker' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Use this model' }).click();
  await expect(page.getByTestId('features-state')).toContainText('Ready', { timeout: 5 * 60_000 });
}

/** In the Classes view, create each class of `names` (keys 1, 2, … in that order). */
export async function createClasses(page: Page, names: readonly string[]): Promise<void> {
  await page.getByRole('tab', { name: /Classes/ }).click();
  for (const name of names) {
    await page.getByLabel('New class').fill(name);
    await page.getByLabel('New class').press('Enter');
    await expect(page.getByLabel(`Name of ${name}`)).toBeVisible();
  }
}
