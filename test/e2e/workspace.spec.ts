/**
 * The workspace around the labeler: background progress never moves what is under the cursor,
 * a new project asks for its pre-trained model as a step of its creation, and closing a project
 * leaves its views at once and loads nothing of it while the host closes it.
 */
import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import path from 'node:path';
import type { ProjectChanged } from '../../src-shared/events';
import type { WsEvent } from '../../src-shared/ws-protocol';
import { makeImageFolder } from './support/image-folder';
import { chooseModelFolderInAdapt } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { relay } from './support/ws-relay';
import { webHostForSpec } from './support/web-host';
import { ROOT, SHOTS } from './support/paths';


const spec = webHostForSpec('adma-e2e-workspace-');

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

/** Create a project on a fresh folder of `count` images through the picker (closing the one a previous test left open). */
async function createProject(page: Page, count: number): Promise<string> {
  const folder = await makeImageFolder(count, path.join(spec.work, 'images-'));
  const close = page.getByRole('button', { name: 'Close project' });
  await expect(page.getByLabel('Project folder').or(close)).toBeVisible();
  if (await close.isVisible()) await close.click();
  await page.getByLabel('Project folder').fill(folder);
  await expect(page.getByTestId('path-status')).toContainText('create one');
  await page.getByRole('button', { name: 'Create project' }).click();
  return folder;
}

test('background progress does not move the image being labeled', async ({ page }) => {
  const problems = watchProblems(page);
  const { push } = await relay(page);
  await page.goto(spec.host.url);
  await createProject(page, 12);
  const modelStep = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
  if (await modelStep.isVisible()) await modelStep.getByRole('button', { name: 'Decide later' }).click();
  await expect(page.getByTestId('project-counts')).toContainText('12 images', { timeout: 30_000 });
  const image = page.getByTestId('current-image');
  await expect(image).toBeVisible();
  const box = async () => {
    const [viewport, picture] = await Promise.all([page.getByTestId('viewport').boundingBox(), image.boundingBox()]);
    return { viewport, picture };
  };
  const before = await box();

  // Extraction and training at once, the widest the progress gets.
  const progress = (kind: 'extract' | 'train', done: number, total: number): WsEvent => ({
    type: 'event',
    event: 'job:progress',
    payload: { jobId: `e2e-${kind}`, kind, phase: kind === 'train' ? 'training' : '', done, total, rate: 12.5, etaSeconds: 42 },
  });
  push(progress('extract', 3, 12));
  const strip = page.getByRole('group', { name: 'Background work' });
  await expect(strip).toContainText('Feature extraction');
  const duringOne = await box();
  await shot(page, 'workspace-progress-one.png');
  push(progress('train', 1, 20));
  await expect(strip).toContainText('Training');
  await expect(strip.getByRole('button', { name: 'Cancel feature extraction' })).toBeVisible();
  const during = await box();
  await shot(page, 'workspace-progress.png');

  push({ type: 'event', event: 'job:completed', payload: { jobId: 'e2e-extract', kind: 'extract' } });
  push({ type: 'event', event: 'job:completed', payload: { jobId: 'e2e-train', kind: 'train' } });
  await expect(strip).toBeHidden();
  const after = await box();

  expect(duringOne, 'the progress moved the image').toEqual(before);
  expect(during, 'a second job moved the image').toEqual(before);
  expect(after, 'the end of the progress moved the image').toEqual(before);
  expect(problems).toEqual([]);
});

test('a new project asks for its model, recommending one for its images; the starter can be chosen', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(spec.host.url);
  await createProject(page, 6);
  const step = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
  await expect(step).toBeVisible();
  // The test images are 160-240 by 120-150 px: once indexed, an ImageNet MobileNet is
  // recommended (and chosen) with the reason, not the 28-pixel starter.
  await expect(page.getByTestId('project-counts')).toContainText('6 images', { timeout: 60_000 });
  const mobileNet = step.getByRole('radio', { name: /MobileNet v1 0\.25/ });
  await expect(mobileNet).toBeChecked();
  const mobileNetChoice = step.locator('label', { has: page.getByRole('radio', { name: /MobileNet v1 0\.25/ }) });
  await expect(mobileNetChoice).toContainText('recommended');
  await expect(mobileNetChoice).toContainText('about 120 px on the shorter side');
  await expect(step.getByRole('radio', { name: /model folder on this computer/ })).toBeVisible();
  await shot(page, 'model-step.png');
  await step.getByRole('radio', { name: /Starter model/ }).check();
  await step.getByRole('button', { name: 'Use this model' }).click();
  await expect(step).toBeHidden();
  // The model in use is named in the row under the header once its features are ready.
  await expect(page.getByTestId('engine-summary')).toContainText('Model: Starter CNN', { timeout: 60_000 });
  await expect(page.getByTestId('engine-summary')).toContainText('features ready', { timeout: 60_000 });
  await page.keyboard.press('Alt+5');
  const choices = page.getByRole('list', { name: 'Model choices' });
  await expect(choices.getByRole('listitem').filter({ hasText: 'Starter model' })).toContainText('In use');

  // "No up or down" (images whose orientation means nothing): off by default, kept with the
  // project, for light fine-tuning only.
  const symmetries = page.getByRole('checkbox', { name: 'No up or down' });
  await expect(symmetries).not.toBeChecked();
  await expect(symmetries).toBeEnabled();
  await symmetries.check();
  await page.reload();
  await page.getByRole('tab', { name: /^Adapt/ }).click();
  await expect(symmetries).toBeChecked();
  await expect(page.getByText('No up or down: the model learns every label turned and mirrored too')).toBeVisible();
  await shot(page, 'settings-no-up-or-down.png');
  const depth = page.getByRole('group', { name: 'Loop settings' }).getByRole('combobox').filter({ has: page.getByRole('option', { name: 'Deep (last block too)' }) });
  await depth.selectOption('deep');
  await expect(symmetries).toBeDisabled();
  await depth.selectOption('light');
  await expect(symmetries).toBeEnabled();
  await expect(symmetries).toBeChecked();
  expect(problems).toEqual([]);
});

test('a model folder chosen at creation continues in Adapt: layers fit the panel and scroll into view, its card says "In use"', async ({ page }) => {
  const problems = watchProblems(page);
  // A laptop's window: the model list fills the panel, so what Inspect reads opens below its fold.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(spec.host.url);
  await createProject(page, 6);
  const field = await chooseModelFolderInAdapt(page);
  await field.fill(path.join(ROOT, '../shared/models/mobilenet_v1_0.25_224'));
  await page.getByRole('button', { name: 'Inspect' }).click();
  const picker = page.getByRole('group', { name: 'Layer picker' });
  await expect(picker).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Use this model' }), 'what Inspect read is scrolled into view').toBeInViewport();
  const card = await page.getByRole('region', { name: 'Model' }).boundingBox();
  for (const select of await picker.getByRole('combobox').all()) {
    const box = (await select.boundingBox())!;
    expect(box.x + box.width, 'a layer dropdown overflows the model panel').toBeLessThanOrEqual(card!.x + card!.width + 0.5);
  }
  await shot(page, 'model-folder-layers.png');
  await page.getByRole('button', { name: 'Use this model' }).click();
  await expect(page.getByTestId('folder-model')).toContainText('In use', { timeout: 60_000 });
  await expect(page.getByRole('list', { name: 'Model choices' }).getByText('In use')).toHaveCount(1);
  await shot(page, 'model-folder-in-use.png');
  expect(problems).toEqual([]);
});

test('closing a project: the workstation leaves at once, and nothing of the project loads while the host closes it', async ({ page }) => {
  const problems = watchProblems(page);
  // Pass the WebSocket through, holding the page's project:close until the test lets it go (a
  // slow close: the host still has the project open and still announces its changes).
  let route: WebSocketRoute | null = null;
  let letCloseThrough: (() => void) | null = null;
  let holdClose = false;
  await page.routeWebSocket(/\/ws\?/, (ws) => {
    route = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { channel?: string };
      if (holdClose && request.channel === 'project:close') letCloseThrough = () => server.send(message);
      else server.send(message);
    });
  });
  await page.goto(spec.host.url);
  await createProject(page, 12);
  const modelStep = page.getByRole('dialog', { name: 'Choose the pre-trained model' });
  await expect(modelStep).toBeVisible();
  await modelStep.getByRole('button', { name: 'Decide later' }).click();
  await expect(page.getByTestId('current-image')).toBeVisible();
  await expect(page.getByTestId('project-counts')).toContainText('12 images', { timeout: 30_000 });

  holdClose = true;
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Closing the project…' })).toBeVisible();
  await expect.poll(() => letCloseThrough !== null).toBe(true);
  const loadsWhileClosing: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/media/')) loadsWhileClosing.push(request.url());
  });
  await expect(page.locator('img[src*="/media/"]')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Close project' })).toBeHidden();
  await shot(page, 'project-closing.png');
  // What the host announces meanwhile (a scan ended, a model trained) is not followed.
  const push = (payload: ProjectChanged): void => route!.send(JSON.stringify({ type: 'event', event: 'project:changed', payload } satisfies WsEvent));
  push({ change: 'scanned' });
  push({ change: 'model' });
  await expect(page.getByRole('status').filter({ hasText: 'Closing the project…' })).toBeVisible();

  letCloseThrough!();
  await expect(page.getByLabel('Project folder')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Closing the project…' })).toBeHidden();
  expect(loadsWhileClosing).toEqual([]);
  expect(problems).toEqual([]);
});
