/**
 * Keyboard-only and screen-reader use at 200 % zoom (a 1366 × 768 screen: 683 × 384 CSS pixels):
 * the focus never falls back to the page (the model step's first choice, a renamed or deleted
 * class, an export written, a closed project), the key list is a modal dialog whose list scrolls
 * by keyboard, the header wraps instead of pushing Close project out of the window, and what
 * changes without moving the focus (a class added, renamed or moved, a job started or ended, an
 * export written) is said in the live region. Axe finds no WCAG A/AA violation in these parts.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import type { WsEvent } from '../../src-shared/ws-protocol';
import { axeViolations, expectAnnounced, focusedDescription, ZOOMED } from './support/a11y';
import { hostWithImageFolder } from './support/folder-host';
import { createClasses, decideModelLater } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { relay } from './support/ws-relay';
import { ROOT, SHOTS } from './support/paths';

// The tests share one project (made by the first that needs it): each passes or fails on its own.
const run = hostWithImageFolder(12, 'adma-e2e-a11y-');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });
const keysButton = (page: Page) => page.getByRole('button', { name: /^(Keys|Keyboard shortcuts)/ });
const names = (page: Page) =>
  page
    .getByTestId('class-row')
    .locator('input.name')
    .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));

/** The page with the spec's project open (created, without a model, by the first test that gets here). */
async function openProject(page: Page): Promise<void> {
  await page.goto(run.host.url);
  const counts = page.getByTestId('project-counts');
  const field = page.getByLabel('Project folder');
  await expect(counts.or(field)).toBeVisible();
  if (await field.isVisible()) {
    await field.fill(run.folder);
    const open = page.getByRole('button', { name: 'Open project' });
    const create = page.getByRole('button', { name: 'Create project' });
    await expect(open.or(create).and(page.locator(':enabled'))).toBeVisible();
    if (await create.isEnabled()) {
      await create.click();
      await decideModelLater(page);
    } else await open.click();
  }
  await expect(counts).toContainText('12 images', { timeout: 60_000 });
}

/** Open the key list from the Keys button with the keyboard; returns the dialog and its list. */
async function openKeyList(page: Page) {
  await keysButton(page).focus();
  await page.keyboard.press('Enter');
  const help = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(help).toBeVisible();
  return { help, list: help.getByRole('region', { name: 'Keyboard shortcuts' }) };
}

const columns = (page: Page) =>
  page
    .getByRole('dialog', { name: 'Keyboard' })
    .locator('.columns')
    .evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);

test.describe('at 200 % zoom (683 × 384)', () => {
  test.use(ZOOMED);

  test('a new project: the picker and the model step start on the right control', async ({ page }) => {
    const problems = watchProblems(page);
    await page.goto(run.host.url);
    const field = page.getByLabel('Project folder');
    await expect(field).toBeFocused();
    await field.fill(run.folder);
    await page.getByRole('button', { name: 'Create project' }).click();

    // The model step: the focus is on the checked choice once the list is there, not on the
    // unchecked "model folder" radio that was first in the dialog while it loaded.
    const step = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
    await expect(step.getByRole('radio', { checked: true })).toBeFocused();
    await expect(step.getByRole('radio', { name: /model folder on this computer/ })).not.toBeChecked();
    await shot(page, 'a11y-model-step-zoomed.png');
    await decideModelLater(page);
    await expect(page.getByTestId('project-counts')).toContainText('12 images', { timeout: 60_000 });
    expect(problems).toEqual([]);
  });

  test('the header wraps; the key list is a modal dialog whose list scrolls by keyboard', async ({ page }) => {
    const problems = watchProblems(page);
    await openProject(page);

    // The header wraps: Close project and the badges are in the window, nothing scrolls sideways.
    const header = page.locator('header.header');
    expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    for (const control of [page.getByRole('button', { name: 'Close project' }), page.getByTestId('shell-indicator')]) {
      const box = (await control.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(683);
    }
    expect(await axeViolations(page, 'header.header')).toEqual([]);
    await shot(page, 'a11y-header-zoomed.png');

    // The key list: a modal dialog with the focus in its list, one column, PageDown scrolls it,
    // Tab stays inside, Escape gives the focus back to the Keys button.
    const { help, list } = await openKeyList(page);
    await expect(list).toBeFocused();
    expect(await columns(page)).toBe(1);
    await page.keyboard.press('PageDown');
    await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null && document.activeElement?.closest('dialog') !== undefined)).toBe(true);
    }
    expect(await axeViolations(page, 'dialog')).toEqual([]);
    await shot(page, 'a11y-key-list-zoomed.png');
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();
    await expect(keysButton(page)).toBeFocused();
    expect(problems).toEqual([]);
  });

  test('classes: added, renamed and moved are said; Enter and Escape keep the focus in the row; a delete puts it on the next row; its question is read', async ({ page }) => {
    const problems = watchProblems(page);
    await openProject(page);
    await createClasses(page, ['ant', 'bee', 'wasp']);
    await expectAnnounced(page, 'Class wasp added, key 3');

    // Rename with Enter: said, and the focus stays in the field (Alt+↓ then moves the row).
    const bee = page.getByLabel('Name of bee');
    await bee.fill('hornet');
    await bee.press('Enter');
    const hornet = page.getByLabel('Name of hornet');
    await expect(hornet).toBeFocused();
    await expectAnnounced(page, 'Renamed bee to hornet');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => names(page)).toEqual(['ant', 'wasp', 'hornet']);
    await expectAnnounced(page, 'hornet moved to position 3 of 3');
    await expect(hornet).toBeFocused();

    // Escape puts the name back and keeps the focus.
    await hornet.fill('moth');
    await page.keyboard.press('Escape');
    await expect(hornet).toHaveValue('hornet');
    await expect(hornet).toBeFocused();

    // Delete the middle class with the keyboard: the dialog's question is its description;
    // the focus goes to the row that takes its place, and Ctrl+Z there brings the class back.
    await page.getByRole('button', { name: 'Delete wasp' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete “wasp”?' });
    await expect(dialog).toHaveAccessibleDescription(/^No image has this label, so no label is lost\./);
    await dialog.getByRole('button', { name: 'Delete class' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => names(page)).toEqual(['ant', 'hornet']);
    await expect(page.getByRole('listitem', { name: 'Class hornet' })).toBeFocused();
    await page.keyboard.press('Control+z');
    await expect.poll(() => names(page)).toEqual(['ant', 'wasp', 'hornet']);
    expect(await focusedDescription(page)).not.toBe('body');
    expect(await axeViolations(page, '.classes')).toEqual([]);
    await shot(page, 'a11y-classes-zoomed.png');
    expect(problems).toEqual([]);
  });

  test('background work: the progress is shown, not read; its start and end are said', async ({ page }) => {
    const problems = watchProblems(page);
    const events = await relay(page);
    const { push } = events;
    await openProject(page);
    await expect.poll(() => events.connected).toBe(true);

    push({ type: 'event', event: 'job:progress', payload: { jobId: 'e2e-extract', kind: 'extract', phase: '', done: 3, total: 12, rate: 12.5, etaSeconds: 42 } });
    const strip = page.getByRole('group', { name: 'Background work' });
    await expect(strip).toContainText('3 / 12');
    await expectAnnounced(page, 'Feature extraction started.');
    // No live region holds the numbers that change every tick.
    expect(await page.locator('[role="status"], [aria-live]').filter({ hasText: '3 / 12' }).count()).toBe(0);
    push({ type: 'event', event: 'job:progress', payload: { jobId: 'e2e-extract', kind: 'extract', phase: '', done: 12, total: 12, rate: 12.5, etaSeconds: 0 } });
    await expect(strip).toContainText('12 / 12');
    push({ type: 'event', event: 'job:completed', payload: { jobId: 'e2e-extract', kind: 'extract' } });
    await expect(strip).toBeHidden();
    await expectAnnounced(page, 'Feature extraction finished.');
    expect(problems).toEqual([]);
  });

  test('a toast is compact at 200 % zoom and keeps off the focused control', async ({ page }) => {
    const problems = watchProblems(page);
    const events = await relay(page);
    await openProject(page);
    await expect.poll(() => events.connected).toBe(true);
    await page.getByRole('tab', { name: /Classes/ }).click();
    await expect(page.getByLabel('New class')).toBeVisible();
    if ((await page.getByTestId('class-row').count()) < 3) await createClasses(page, ['fly', 'gnat', 'midge']);
    // The last class's Delete button, focused, brought to the toasts' usual corner (bottom right).
    const last = page.getByTestId('class-row').last().getByRole('button', { name: /^Delete / });
    await last.focus();
    await last.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    events.push(
      {
        type: 'event',
        event: 'project:changed',
        payload: { change: 'warning', message: "The project's history was repaired after an unclean shutdown; nothing was lost, and the labels are as they were." },
      } satisfies WsEvent,
    );
    const toast = page.getByTestId('toast');
    await expect(toast).toBeVisible();
    await expect
      .poll(async () => {
        const [t, f] = [(await toast.boundingBox())!, (await last.boundingBox())!];
        const overlaps = t.x < f.x + f.width && f.x < t.x + t.width && t.y < f.y + f.height && f.y < t.y + t.height;
        return { width: t.width <= 300, overlaps };
      })
      .toEqual({ width: true, overlaps: false });
    await shot(page, 'a11y-toast-zoomed.png');
    expect(problems).toEqual([]);
  });

  test('export: the Close button gets the focus and the files written are said; the dashboard tables have no empty header', async ({ page }) => {
    const problems = watchProblems(page);
    await openProject(page);
    await page.getByRole('tab', { name: /Classes/ }).click();
    await expect(page.getByLabel('New class')).toBeVisible();
    if ((await page.getByTestId('class-row').count()) === 0) await createClasses(page, ['ant']);
    await page.getByRole('tab', { name: /Label/ }).click();
    await expect(page.getByTestId('position')).toHaveText(/^\d+ \/ 12$/);
    await page.keyboard.press('1');
    await expect(page.getByTestId('project-counts')).not.toContainText(/\b0 labeled/);

    await page.keyboard.press('Alt+6');
    const sample = page.getByRole('button', { name: /random images/ });
    await expect(sample).toHaveAccessibleName(/^Put \d+ random images in the evaluation set$/);
    expect(await axeViolations(page, '[data-testid="per-class"]')).toEqual([]);

    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export' });
    await dialog.getByLabel('Destination folder').fill(path.join(run.work, 'export'));
    await expect(dialog.getByTestId('export-destination-status')).toHaveText('A new folder: it will be created.');
    await dialog.getByRole('button', { name: 'Export', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect(dialog.getByTestId('export-result')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
    await expectAnnounced(page, /^Export written: \d+ files?$/);
    await shot(page, 'a11y-export-written-zoomed.png');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    expect(problems).toEqual([]);
  });

  test('Close project puts the focus in the Project folder field', async ({ page }) => {
    await openProject(page);
    await page.getByRole('button', { name: 'Close project' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Project folder')).toBeFocused();
  });
});

test.describe('at 1366 × 768', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('the key list shows three columns, takes the focus and gives it back', async ({ page }) => {
    await openProject(page);
    const { help, list } = await openKeyList(page);
    await expect(list).toBeFocused();
    expect(await columns(page)).toBe(3);
    expect(await axeViolations(page, 'dialog')).toEqual([]);
    await shot(page, 'a11y-key-list.png');
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();
    await expect(keysButton(page)).toBeFocused();
  });
});

// Last: choosing a model starts a feature extraction in the shared project.
test.describe('a model folder at 200 % zoom', () => {
  test.use(ZOOMED);

  test('Inspect and Use this model keep the focus while they work; what was read and the model in use are said', async ({ page }) => {
    const problems = watchProblems(page);
    await openProject(page);
    await page.keyboard.press('Alt+5');
    await page.getByLabel('Model folder').fill(path.join(ROOT, '../shared/models/mobilenet_v1_0.25_224'));
    const inspect = page.getByRole('button', { name: /^(Inspect|Reading…)$/ });
    await inspect.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('group', { name: 'Layer picker' })).toBeVisible({ timeout: 60_000 });
    await expect(inspect).toBeFocused();
    await expectAnnounced(page, /^\d+ layers read\. Layers detected automatically; check them below\.$/);

    const use = page.getByRole('button', { name: /^(Use this model|Loading…)$/ });
    await use.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('folder-model')).toContainText('In use', { timeout: 60_000 });
    await expect(use).toBeFocused();
    // Said, unless the feature extraction it starts is said right after it (the newest only is kept).
    await expectAnnounced(page, /^The model folder is in use$|^Feature extraction started\.$/);
    expect(problems).toEqual([]);
  });
});
