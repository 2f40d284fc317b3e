/**
 * The whole first-milestone flow in Chromium against the built web host: create a project
 * through the path field, define three classes, label 20 images by keyboard, undo one,
 * reload, and find every label again through the gallery's filters and counts.
 */
import { expect, test, type Page, type Route, type WebSocketRoute } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeImageFolder } from './support/image-folder';
import { hostWithImageFolder } from './support/folder-host';
import { watchProblems } from './support/page-problems';
import { decideModelLater } from './support/model-step';
import { SHOTS } from './support/paths';

const CLASSES = ['Normal', 'Mitosis', 'Artifact'];

// The second test continues the first one's project: run them in order, skip on failure.
test.describe.configure({ mode: 'serial' });

// The rescan test changes files, then clicks Rescan: the folder watch's own scan would race it.
const setup = hostWithImageFolder(30, 'adma-e2e-labeling-', makeImageFolder, { folderWatch: false });

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

test('label 20 images by keyboard, undo one, reload: every label is still there', async ({ page }) => {
  const problems = watchProblems(page);
  // Pass the WebSocket through, able to make one label request fail as a busy database would.
  let failNextLabel = false;
  await page.routeWebSocket(/\/ws\?/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { id: number; channel: string };
      if (failNextLabel && request.channel === 'labels:set') {
        failNextLabel = false;
        const error = { code: 'BUSY', message: 'The project database is busy; try again.' };
        ws.send(JSON.stringify({ type: 'response', id: request.id, result: { ok: false, error } }));
        return;
      }
      server.send(message);
    });
  });
  await page.goto(setup.host.url);

  // Project picker: live validation, Tab completion, create.
  const pathField = page.getByLabel('Project folder');
  await pathField.fill(setup.folder.slice(0, -2));
  await pathField.press('Tab');
  await expect(pathField).toHaveValue(`${setup.folder}/`);
  await expect(page.getByTestId('path-status')).toContainText('create one');
  await shot(page, 'picker.png');
  await page.getByRole('button', { name: 'Create project' }).click();
  // The model step of the creation: this flow labels without a model.
  await decideModelLater(page);
  const counts = page.getByTestId('project-counts');
  await expect(counts).toContainText('30 images', { timeout: 30_000 });
  await expect(page.getByTestId('shell-indicator')).toContainText('Browser');

  // Three classes, added with the keyboard.
  await page.getByRole('tab', { name: /Classes/ }).click();
  for (const name of CLASSES) {
    await page.getByLabel('New class').fill(name);
    await page.getByLabel('New class').press('Enter');
    await expect(page.getByLabel(`Name of ${name}`)).toBeVisible();
  }
  await expect(page.getByTestId('class-row')).toHaveCount(3);
  await expect(page.getByLabel('Hotkey of Artifact')).toHaveValue('3');
  await shot(page, 'classes.png');

  // Label 20 images: class keys 1, 2, 3 in turn; each moves on at once and commits in the background.
  await page.getByRole('tab', { name: /Label/ }).click();
  const position = page.getByTestId('position');
  const imagePath = page.getByTestId('image-path');
  await expect(position).toHaveText('1 / 30');
  const labeledPaths: string[] = [];
  for (let i = 0; i < 20; i++) {
    labeledPaths.push((await imagePath.textContent()) ?? '');
    await page.keyboard.press(String((i % 3) + 1));
    await expect(position).toHaveText(`${i + 2} / 30`);
  }
  await expect(page.getByTestId('label-progress')).toHaveText('20 of 30 labeled');
  await expect(page.getByTestId('current-image')).toHaveJSProperty('complete', true);
  await shot(page, 'label.png');

  // A label that fails to commit brings the view back to its image (it moved on at the key
  // press), takes the label away and says why.
  failNextLabel = true;
  await page.keyboard.press('1');
  await expect(page.getByRole('alert').filter({ hasText: 'The label was not saved, back on its image: The project database is busy' })).toBeVisible();
  await expect(position).toHaveText('21 / 30');
  await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');
  await shot(page, 'label-error.png');

  // Undo the last label: the view goes back to that image, now unlabeled.
  await page.keyboard.press('Control+z');
  await expect(imagePath).toHaveText(labeledPaths[19]!);
  await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');
  await expect(page.getByTestId('label-progress')).toHaveText('19 of 30 labeled');

  // Space skips (the image stays unlabeled), the arrows walk back and forth, + zooms, Ctrl+0 fits.
  await page.keyboard.press(' ');
  await expect(position).toHaveText('21 / 30');
  await page.keyboard.press('ArrowLeft');
  await expect(position).toHaveText('20 / 30');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('current-label')).toHaveText('Normal');
  await expect(page.getByRole('button', { name: 'Normal (key 1)' })).toHaveAttribute('aria-pressed', 'true');
  // Backspace clears the label and stays (the image stays shown); the class key labels it again and moves on.
  await page.keyboard.press('Backspace');
  await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');
  await expect(page.getByTestId('label-progress')).toHaveText('18 of 30 labeled');
  await expect(page.getByTestId('current-image')).toHaveClass(/loaded/);
  await page.keyboard.press('1');
  await expect(imagePath).toHaveText(labeledPaths[19]!);
  await expect(page.getByTestId('label-progress')).toHaveText('19 of 30 labeled');
  const zoom = page.getByTestId('zoom-level');
  const fitted = await zoom.textContent();
  await page.keyboard.press('+');
  await expect(zoom).not.toHaveText(fitted ?? '');
  await page.keyboard.press('Control+0');
  await expect(zoom).toHaveText(fitted ?? '');

  // The help overlay lists the keys; Esc closes it.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(help).toBeVisible();
  // Undo and the view keys work everywhere and are listed there; the suspect-label keys have their own list.
  await expect(help.getByRole('heading', { name: 'Everywhere' }).locator('xpath=following-sibling::dl[1]')).toContainText('Ctrl+Z');
  await expect(help.getByRole('heading', { name: 'Suspect labels' })).toBeVisible();
  // The Classes view's own keys (reorder) are listed with the classes.
  await expect(help.getByRole('heading', { name: 'Classes' }).locator('xpath=following-sibling::dl[2]')).toContainText(/^Alt\+↑\s*or\s*Alt\+↓\s*In Classes/);
  await shot(page, 'help.png');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard' })).toBeHidden();

  // Reload: the project is still open and every label is there.
  await page.reload();
  await expect(counts).toContainText('19 labeled');
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('tab', { name: /Gallery/ })).toHaveAttribute('aria-selected', 'true');
  const galleryCount = page.getByTestId('gallery-count');
  await expect(galleryCount).toHaveText('30 images');
  await page.getByRole('button', { name: /^Labeled/ }).click();
  await expect(galleryCount).toHaveText('19 images');
  await expect(page.getByTestId('thumb')).toHaveCount(19);
  // Keys 1, 2, 3 in turn over 19 images: 7, 6 and 6.
  const expected = { Normal: 7, Mitosis: 6, Artifact: 6 };
  for (const [name, n] of Object.entries(expected)) {
    await page.getByRole('button', { name: `Only ${name} (${n})` }).click();
    await expect(galleryCount).toHaveText(`${n} images`);
    await expect(page.getByTestId('thumb')).toHaveCount(n);
  }
  await page.getByRole('button', { name: /^Unlabeled/ }).click();
  await expect(galleryCount).toHaveText('11 images');
  await expect(page.getByRole('button', { name: new RegExp(`^${labeledPaths[19]!.replace(/[.]/g, '\\.')}, unlabeled`) })).toBeVisible();
  await page.getByRole('button', { name: /^All/ }).click();
  await expect(galleryCount).toHaveText('30 images');
  await shot(page, 'gallery.png');

  // History lists the changes, the undo included.
  await page.getByRole('tab', { name: /History/ }).click();
  await expect(page.getByRole('row')).toHaveCount(24); // 20 labels, the undo, the clear, the relabel, the header
  await expect(page.getByRole('cell', { name: 'Undo' })).toBeVisible();
  await shot(page, 'history.png');
  // A path in the history opens that image in the labeling view.
  await page.getByRole('button', { name: labeledPaths[18]!, exact: true }).first().click();
  await expect(page.getByTestId('image-path')).toHaveText(labeledPaths[18]!);
  await expect(page.getByTestId('current-label')).toHaveText('Normal');

  expect(problems).toEqual([]);
});

test('rescan report, class deletion, bulk labeling, recent projects and a lost connection', async ({ page }) => {
  const problems = watchProblems(page);
  // One more image and one broken file for the rescan to find.
  await fs.copyFile(path.join(setup.folder, 'img-000.png'), path.join(setup.folder, 'copy-of-000.png'));
  await fs.writeFile(path.join(setup.folder, 'broken.png'), Buffer.from('this is not a PNG file'));
  // Pass the WebSocket through, keeping a handle to cut it.
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/ws\?/, (ws) => {
    sockets.push(ws);
    ws.connectToServer();
  });
  await page.goto(setup.host.url);
  await expect(page.getByTestId('project-counts')).toContainText('19 labeled');

  await page.getByRole('button', { name: 'Rescan folder' }).click();
  const report = page.getByTestId('scan-report');
  await expect(report).toBeVisible();
  await expect(report).toContainText(/Added\s*1/);
  await expect(report).toContainText(/Unreadable\s*1/);
  await expect(page.getByRole('dialog')).toContainText('broken.png');
  await shot(page, 'rescan-report.png');
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('project-counts')).toContainText('31 images');
  // A 1024-px window holds the header with its unreadable count: nothing scrolls sideways.
  await page.setViewportSize({ width: 1024, height: 700 });
  await expect(page.getByTestId('project-counts')).toContainText('1 unreadable');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
  await expect(page.getByTestId('shell-indicator')).toBeInViewport({ ratio: 1 });
  // The short badge where the model runs is whole, not cut to "On this c…".
  const badge = page.getByTestId('backend-indicator');
  await expect(badge).toHaveText('On this computer');
  expect(await badge.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await shot(page, 'header-1024.png');
  // A large project's counts (100,000 images, 52,340 labeled; written into the page, which
  // the next change of the counts replaces): still no sideways scroll, the version badge gives up
  // its width inside the window, the project's name and the backend badge keep theirs. With 322 /
  // 135 / 187 / 3 and a short name the version badge stuck out by 17 px.
  // (The numbers' own text nodes are changed, the ones the page updates, and put back after.)
  const setCounts = (values: (string | null)[]): Promise<(string | null)[]> =>
    page.getByTestId('project-counts').evaluate((counts, values) => [...counts.querySelectorAll('strong')].map((n, k) => {
      const text = n.firstChild as Text;
      const was = text.data;
      text.data = values[k] ?? was;
      return was;
    }), values);
  const before = await setCounts(['100000', '52340', '47660']);
  await expect(page.getByTestId('project-counts')).toContainText('100000 images');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
  await expect(page.getByTestId('shell-indicator')).toBeInViewport({ ratio: 1 });
  expect(await badge.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await setCounts(before);
  await expect(page.getByTestId('project-counts')).toContainText('31 images');
  // The count opens the History view at the list of unreadable files, each with its reason.
  await page.getByRole('button', { name: /1 unreadable/ }).click();
  await expect(page.locator('#unreadable-files')).toBeInViewport();
  await expect(page.getByRole('cell', { name: /broken\.png/ })).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });

  // Deleting a class says how many labels go, then unlabels them.
  await page.keyboard.press('Alt+3');
  await page.getByRole('button', { name: 'Delete Artifact' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete “Artifact”?' });
  await expect(confirm).toContainText('6 images labeled “Artifact” will become unlabeled');
  await shot(page, 'delete-confirm.png');
  await confirm.getByRole('button', { name: 'Delete class' }).click();
  await expect(page.getByTestId('class-row')).toHaveCount(2);
  await expect(page.getByTestId('project-counts')).toContainText('13 labeled');
  // Rename with Enter, move up with Alt+↑ (the key stays with the class).
  const mitosis = page.getByLabel('Name of Mitosis');
  await mitosis.fill('Mitotic figure');
  await mitosis.press('Enter');
  await expect(page.getByLabel('Name of Mitotic figure')).toBeVisible();
  await page.getByLabel('Name of Mitotic figure').press('Alt+ArrowUp');
  await expect(page.getByTestId('class-row').first()).toHaveAccessibleName('Class Mitotic figure');
  await expect(page.getByLabel('Hotkey of Mitotic figure')).toHaveValue('2');

  // Gallery: select a range of unlabeled images and label them with one key; undo brings them back.
  await page.keyboard.press('Alt+2');
  await page.getByRole('button', { name: /^Unlabeled/ }).click();
  const galleryCount = page.getByTestId('gallery-count');
  await expect(galleryCount).toHaveText('18 images');
  const thumbs = page.getByTestId('thumb');
  await thumbs.nth(0).click();
  await thumbs.nth(3).click({ modifiers: ['Shift'] });
  await thumbs.nth(5).click({ modifiers: ['Control'] });
  await expect(page.getByTestId('selection-count')).toHaveText('5 selected');
  await shot(page, 'gallery-selection.png');
  await page.keyboard.press('2');
  await expect(galleryCount).toHaveText('13 images');
  await expect(page.getByTestId('project-counts')).toContainText('18 labeled');
  await page.keyboard.press('Control+z');
  await expect(galleryCount).toHaveText('18 images');
  await expect(page.getByTestId('project-counts')).toContainText('13 labeled');
  // The arrows move the selection; Shift extends it.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-count')).toBeHidden();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(page.getByTestId('selection-count')).toHaveText('3 selected');
  await expect(thumbs.nth(4)).toHaveAttribute('aria-pressed', 'true');
  await expect(thumbs.nth(7)).toHaveAttribute('aria-pressed', 'false');

  // The socket drops: a banner says so, the page reconnects by itself and carries on.
  await sockets.at(-1)!.close({ code: 1001 });
  await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toBeVisible();
  await expect(page.getByText('Connection restored.')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toBeHidden();
  await expect(sockets).toHaveLength(2);
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('selection-count')).toHaveText('18 selected');
  await page.keyboard.press('Escape');

  // A second project whose folder then disappears is marked missing in the recent list.
  const gone = await makeImageFolder(2, 'adma-e2e-gone-');
  await page.getByRole('button', { name: 'Close project' }).click();
  await page.getByLabel('Project folder').fill(gone);
  await page.getByRole('button', { name: 'Create project' }).click();
  // The model step of the creation: this flow labels without a model.
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText('2 images');
  await page.getByRole('button', { name: 'Close project' }).click();
  // The picker shows once the host has closed it; a reload before then could cut the close short.
  await expect(page.getByLabel('Project folder')).toBeVisible();
  // The field still holds that folder's path, checked again: it now holds a project to open.
  await expect(page.getByLabel('Project folder')).toHaveValue(gone);
  await expect(page.getByRole('button', { name: 'Open project' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Create project' })).toBeDisabled();
  await fs.rm(gone, { recursive: true, force: true });
  await page.reload();
  const recent = page.getByRole('region', { name: 'Recent projects' });
  await expect(recent.getByText('Missing')).toBeVisible();
  await expect(recent.getByRole('button', { name: `Open ${path.basename(setup.folder)}` })).toBeEnabled();
  await shot(page, 'picker-recent.png');
  await recent.getByRole('button', { name: `Open ${path.basename(setup.folder)}` }).click();
  await expect(page.getByTestId('project-counts')).toContainText('13 labeled');

  // Closing while images are still loading: the page cancels those loads before it asks to
  // close, so none is answered "409 No project is open" (an error the page would log). The
  // image responses are held until the project is closed, then let through.
  const held: Route[] = [];
  await page.route(/\/media\//, (route) => void held.push(route));
  await page.reload();
  await expect(page.getByTestId('project-counts')).toContainText('13 labeled');
  await expect.poll(() => held.length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByLabel('Project folder')).toBeVisible();
  await page.unroute(/\/media\//);
  const released = await Promise.all(held.map((route) => route.continue().then(() => route.request().response(), () => null)));
  expect(released.filter((response) => response?.status() === 409)).toEqual([]);
  await recent.getByRole('button', { name: `Open ${path.basename(setup.folder)}` }).click();
  await expect(page.getByTestId('project-counts')).toContainText('13 labeled');

  expect(problems).toEqual([]);

  // The host goes away: the page says so and keeps retrying.
  await setup.host.stop();
  await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toBeVisible();
  await shot(page, 'connection-lost.png');
});
