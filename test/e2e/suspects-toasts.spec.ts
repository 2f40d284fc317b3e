/**
 * Toasts never cover the controls the expert answers with in the Suspect labels view: with four
 * long notifications stacked, every relabel button and "Check labels" is whole on screen and
 * takes a real mouse click, in a large and a small window. The page talks to the real web host;
 * only the check's report is made here (from the project's real images and classes), so the
 * view shows a queue without a trained model.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { relayWithReport } from './support/suspect-report';
import { createClasses, createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

const COUNT = 12;
const CLASSES = ['Neutrophil', 'Lymphocyte', 'Monocyte', 'Eosinophil', 'Basophil', 'Platelet', 'Erythroblast', 'Artefact', 'Smudge cell'];
const setup = hostWithImageFolder(COUNT, 'adma-e2e-suspects-toasts-');

/**
 * Whether each control is whole on screen: no toast over any part of it, and its centre takes the
 * click; with `detail`, the selected image's preview and its reasons too.
 */
async function controlsUncovered(page: Page, detail = false): Promise<{ toasts: number; covered: string[] }> {
  return page.evaluate((detail) => {
    const toasts = [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.getBoundingClientRect());
    const selector = '[data-testid="suspect-actions"] button, [data-testid="check-labels"]' + (detail ? ', [data-testid="suspect-detail"] > img, [data-testid="suspect-detail"] > p' : '');
    const controls = [...document.querySelectorAll<HTMLElement>(selector)];
    const covered = controls
      .filter((control) => {
        const r = control.getBoundingClientRect();
        const under = toasts.some((t) => t.left < r.right && r.left < t.right && t.top < r.bottom && r.top < t.bottom);
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return under || !hit || !control.contains(hit);
      })
      .map((control) => control.textContent?.trim() || control.tagName.toLowerCase());
    return { toasts: toasts.length, covered };
  }, detail);
}

test('suspect labels: toasts never cover the class buttons (nor, in the usual window, the picture and reasons); they take clicks while toasts show', async ({ page }) => {
  const problems = watchProblems(page);
  const push = await relayWithReport(page);
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, COUNT);
  await createClasses(page, CLASSES);

  await page.keyboard.press('Alt+7');
  await page.getByTestId('check-labels').click();
  await expect(page.getByTestId('suspect')).toHaveCount(8);
  const actions = page.getByTestId('suspect-actions').getByRole('button');
  // "Relabel as" the suggestion, and every other class.
  await expect(actions).toHaveCount(CLASSES.length);

  // Four long notifications at once (the most the page stacks), as a repaired project's warnings
  // come; pushed again before each look, so that none has timed out (they last 9 s).
  const notify = async (): Promise<void> => {
    for (let k = 1; k <= 4; k++) {
      push({ type: 'event', event: 'project:changed', payload: { change: 'warning', message: `Notice ${k}: the project's history was repaired after an unclean shutdown; nothing was lost, and the labels are as they were.` } });
    }
    await expect(page.getByTestId('toast')).toHaveCount(4);
  };

  for (const size of [
    { width: 1280, height: 800 },
    { width: 1024, height: 640 },
  ]) {
    await page.setViewportSize(size);
    // In a small window the buttons are below the fold until the detail is scrolled: the expert scrolls to them.
    await page.getByTestId('suspect-actions').scrollIntoViewIfNeeded();
    await notify();
    await page.screenshot({ path: path.join(SHOTS, `suspects-toasts-${size.width}.png`) });
    // In the usual window the picture and the reasons stay clear too; in a small one, the buttons.
    await expect.poll(() => controlsUncovered(page, size.width === 1280)).toEqual({ toasts: 4, covered: [] });
  }

  // A real click on the last class button while the toasts show relabels the selected image.
  const last = actions.last();
  const name = (await last.textContent())?.replace(/\s+\S+$/, '').trim() ?? '';
  await notify();
  await last.click();
  await expect(page.getByTestId('suspect').first().getByTestId('suspect-status')).toHaveText(`now ${name}`);
  expect(problems.filter((p) => !p.includes('Project repaired'))).toEqual([]);
});
