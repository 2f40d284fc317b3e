import { expect, type Page, type Route } from '@playwright/test';
import { createClasses, createProjectWithoutModel } from './model-step';

/**
 * Hold every request matching `held` from the start (the label view shows, and prefetches, as
 * soon as the project is created), create a project on `folder` without a model, with the class
 * Ant, and open its label view on the first image. Returns the held routes (continue them later).
 */
export async function openLabelViewHolding(page: Page, url: string, folder: string, count: number, held: RegExp): Promise<Route[]> {
  const routes: Route[] = [];
  await page.route(held, (route) => {
    routes.push(route);
  });
  await page.goto(url);
  await createProjectWithoutModel(page, folder, count);
  await createClasses(page, ['Ant']);
  await page.getByRole('tab', { name: /Label/ }).click();
  await expect(page.getByTestId('position')).toHaveText(`1 / ${count}`);
  return routes;
}
