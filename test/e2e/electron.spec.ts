/**
 * The short flow in the real Electron shell, where its binary exists. Where it cannot be
 * installed (no network to download it), the test is skipped and labeling.spec.ts covers
 * the same renderer in Chromium against the web host.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { makeImageFolder } from './support/image-folder';
import { decideModelLater } from './support/model-step';
import { ROOT, SHOTS } from './support/paths';


function electronBinary(): string | null {
  if (!fs.existsSync(path.join(ROOT, 'node_modules/electron/dist'))) return null;
  try {
    const binary: unknown = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test('Electron: create a project, add a class, label by keyboard', async () => {
  test.skip(binary === null, 'Electron binary not installed here (no network to download it); the same flow ran in Chromium against the web host');
  const folder = await makeImageFolder(6, 'adma-electron-');
  const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'adma-electron-home-'));
  const app = await electron.launch({
    executablePath: binary!,
    args: [path.join(ROOT, 'out/main/index.js'), '--no-sandbox'],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('shell-indicator').or(page.getByLabel('Project folder'))).toBeVisible();
    await page.getByLabel('Project folder').fill(folder);
    await expect(page.getByRole('button', { name: 'Choose folder…' })).toBeVisible();
    await page.getByRole('button', { name: 'Create project' }).click();
    // The model step of the creation: this flow labels without a model.
    await decideModelLater(page);
    await expect(page.getByTestId('project-counts')).toContainText('6 images', { timeout: 30_000 });
    await expect(page.getByTestId('shell-indicator')).toContainText('Desktop');
    await page.getByRole('tab', { name: /Classes/ }).click();
    await page.getByLabel('New class').fill('Good');
    await page.getByLabel('New class').press('Enter');
    await expect(page.getByTestId('class-row')).toHaveCount(1);
    await page.getByRole('tab', { name: /Label/ }).click();
    await expect(page.getByTestId('position')).toHaveText('1 / 6');
    await page.keyboard.press('1');
    await page.keyboard.press('1');
    await expect(page.getByTestId('label-progress')).toHaveText('2 of 6 labeled');
    await expect(page.getByTestId('current-image')).toHaveJSProperty('complete', true);
    await page.screenshot({ path: path.join(SHOTS, 'electron-label.png') });
  } finally {
    await app.close();
    await fsp.rm(folder, { recursive: true, force: true });
    await fsp.rm(home, { recursive: true, force: true });
  }
});

test('Electron: demo project, one round of the queue by keyboard, dashboard and export dialog', async () => {
  test.skip(binary === null, 'Electron binary not installed here (no network to download it); the same flow ran in Chromium against the web host');
  test.setTimeout(5 * 60_000);
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'adma-electron-demo-'));
  const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'adma-electron-home-'));
  const index = JSON.parse(await fsp.readFile(path.join(ROOT, 'resources/demo/mnist-demo.json'), 'utf8')) as {
    labels: string[];
    items: { file: string; label: number }[];
  };
  const truth = new Map(index.items.map((item) => [item.file, index.labels[item.label]!]));
  const app = await electron.launch({
    executablePath: binary!,
    args: [path.join(ROOT, 'out/main/index.js'), '--no-sandbox'],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home },
  });
  try {
    const page = await app.firstWindow();
    await page.getByLabel('Where to create it').fill(path.join(work, 'demo'));
    await expect(page.getByTestId('demo-path-status')).toContainText('will be created');
    await page.getByRole('button', { name: 'Create demo project' }).click();
    await expect(page.getByTestId('project-counts')).toContainText('300 images', { timeout: 60_000 });
    await page.keyboard.press('Alt+5');
    await expect(page.getByTestId('engine-backend')).not.toHaveText('Starting the engine…', { timeout: 60_000 });
    await expect(page.getByTestId('features-state')).toContainText('Ready', { timeout: 3 * 60_000 });
    await page.getByRole('button', { name: 'Query the first batch' }).click();
    await expect(page.getByTestId('queue-row')).toHaveCount(10);
    await page.getByRole('button', { name: 'Label this batch' }).click();
    await expect(page.getByTestId('label-source')).toHaveText('Queue · round 0');
    const imagePath = page.getByTestId('image-path');
    for (let i = 0; i < 10; i++) {
      const relPath = (await imagePath.textContent()) ?? '';
      await page.keyboard.press(truth.get(path.basename(relPath))!);
      if (i < 9) await expect(imagePath).not.toHaveText(relPath);
    }
    await expect(page.getByTestId('label-source')).toHaveText('Queue · round 1', { timeout: 2 * 60_000 });
    await page.keyboard.press('Alt+6');
    await expect(page.getByTestId('accuracy-unknown')).toBeVisible();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export' });
    // The desktop shell offers its native folder dialog beside the path field.
    await expect(dialog.getByRole('button', { name: 'Choose folder…' })).toBeVisible();
    await dialog.getByLabel('Destination folder').fill(path.join(work, 'export'));
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(dialog.getByTestId('export-result')).toContainText('model.json', { timeout: 2 * 60_000 });
    await page.screenshot({ path: path.join(SHOTS, 'electron-export.png') });
  } finally {
    await app.close();
    await fsp.rm(work, { recursive: true, force: true });
    await fsp.rm(home, { recursive: true, force: true });
  }
});
