/**
 * The part every browser benchmark shares: the built web host on a fresh state folder, Debian
 * Chromium (headless) on a 1280×800 page, a project created through the UI with three classes
 * (keys 1, 2, 3), and labeling by keyboard as fast as the images show.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startWebHost } from '../../test/e2e/support/web-host';
import { decideModelLater } from '../../test/e2e/support/model-step';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Start the host and the browser, run `body` on a page at the start screen, then clean up (the
 * image folder too). `root`: the build to run (another checkout's, to compare old code in one run).
 */
export async function withBenchPage(folder: string, body: (page: Page) => Promise<void>, root = ROOT): Promise<void> {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-state-'));
  const host = await startWebHost(root, stateDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.url);
    await body(page);
  } finally {
    await browser.close();
    await host.stop();
    await fs.rm(folder, { recursive: true, force: true });
    await fs.rm(stateDir, { recursive: true, force: true });
  }
}

/**
 * Create a project on `folder` from the start screen, add classes A, B, C and open the labeling
 * view on its first image. `extract`: choose the built-in starter model at creation (instead of
 * "Decide later") and wait until its feature extraction is complete, i.e. also the perceptual
 * pass that follows it (near-duplicate codes and, where the build does it, every image's gallery
 * thumbnail), as an expert's project is once the model has been chosen.
 */
export async function createLabelingProject(page: Page, folder: string, imageCount: number, extract = false): Promise<void> {
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  if (extract) {
    await page.getByRole('dialog', { name: 'Choose the pre-trained model' }).getByRole('button', { name: 'Use this model' }).click();
  } else await decideModelLater(page);
  const counts = page.getByTestId('project-counts');
  await counts.filter({ hasText: `${imageCount.toLocaleString('en-US')} images` }).or(counts.filter({ hasText: `${imageCount} images` })).waitFor({ timeout: 600_000 });
  if (extract) {
    await page.getByRole('tab', { name: /Adapt/ }).click();
    // Ready for every image: an extraction started before the scan had found them all is
    // followed by one over the whole folder.
    const all = `${imageCount.toLocaleString('en-US')} / ${imageCount.toLocaleString('en-US')} images`;
    await page.getByTestId('features-state').filter({ hasText: 'Ready' }).filter({ hasText: all }).waitFor({ timeout: 1_800_000 });
  }
  await page.getByRole('tab', { name: /Classes/ }).click();
  for (const name of ['A', 'B', 'C']) {
    await page.getByLabel('New class').fill(name);
    await page.getByLabel('New class').press('Enter');
    await page.getByLabel(`Name of ${name}`).waitFor();
  }
  await page.getByRole('tab', { name: /Label/ }).click();
  await page.getByTestId('position').filter({ hasText: `1 / ${imageCount.toLocaleString('en-US')}` }).or(page.getByTestId('position').filter({ hasText: `1 / ${imageCount}` })).waitFor();
  await page.waitForFunction(() => performance.getEntriesByName('adma:image-shown').length > 0);
}

/**
 * Press the key of class (i mod 3) + 1 and wait until the next image is shown: its rendition
 * (`adma:image-shown`), or with `until: 'paint'` its first paint, whichever piece it is
 * (`adma:image-first-paint`: a labeler who presses on as soon as they see the image).
 */
export async function labelByKey(page: Page, i: number, until: 'rendition' | 'paint' = 'rendition'): Promise<void> {
  const mark = until === 'paint' ? 'adma:image-first-paint' : 'adma:image-shown';
  const before = await page.evaluate((name) => performance.getEntriesByName(name).length, mark);
  await page.keyboard.press(String((i % 3) + 1));
  await page.waitForFunction(([name, n]) => performance.getEntriesByName(name as string).length > (n as number), [mark, before] as const);
}
