/**
 * Memory of the renderer with a large project, in Debian Chromium against the built web host.
 * `npx tsx bench/browser-memory.bench.ts [--images 10000] [--labels 200] [--size 96x96]`
 *
 * Generates a folder of small JPEGs, creates a project through the UI, then measures after
 * each step: opening the project, labeling by keyboard, and scrolling the gallery to its end
 * (every page of thumbnails loaded). Reports the page's JS heap and DOM size (CDP
 * Performance.getMetrics, after a forced garbage collection) and the proportional set size of
 * all Chromium processes (from /proc/<pid>/smaps_rollup). Prints numbers; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import sharp from 'sharp';
import { startWebHost } from '../test/e2e/support/web-host';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    labels: { type: 'string', default: '200' },
    size: { type: 'string', default: '96x96' },
  },
});
const imageCount = Number(values.images);
const labelCount = Math.min(Number(values.labels), imageCount - 1);
const [width, height] = values.size.split('x').map(Number) as [number, number];

async function makeFolder(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-mem-'));
  const base = await sharp({ create: { width, height, channels: 3, background: '#404850' } }).raw().toBuffer();
  for (let i = 0; i < imageCount; i++) {
    const pixels = Buffer.from(base);
    // A few varied pixels so every file has its own content hash.
    for (let k = 0; k < 12; k++) pixels[(i * 7919 + k * 104729) % pixels.length] = (i * 31 + k * 17) % 256;
    const sub = path.join(dir, `part-${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) await fs.mkdir(sub);
    await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toFile(path.join(sub, `img-${String(i).padStart(5, '0')}.jpg`));
  }
  return dir;
}

/** Proportional set size (shared pages split between sharers) of every Chromium process, in MB. */
function chromiumPss(): number {
  const pids = execFileSync('ps', ['-C', 'chromium', '-o', 'pid='], { encoding: 'utf8' }).split('\n').map((line) => line.trim()).filter(Boolean);
  let kb = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      kb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024;
}

async function measure(label: string, page: Page, cdp: CDPSession): Promise<void> {
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(300);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? NaN;
  console.log(
    `${label.padEnd(62)} JS heap ${(metric('JSHeapUsedSize') / 2 ** 20).toFixed(1).padStart(7)} MB` +
      `  DOM nodes ${String(metric('Nodes')).padStart(7)}  Chromium PSS ${chromiumPss().toFixed(0).padStart(6)} MB`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const folder = await makeFolder();
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-state-'));
  console.log(`${imageCount} images of ${width}×${height} in ${folder} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const host = await startWebHost(ROOT, stateDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(host.url);
    await measure('start page', page, cdp);
    await page.getByLabel('Project folder').fill(folder);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByTestId('project-counts').filter({ hasText: `${imageCount.toLocaleString('en-US')} images` }).or(page.getByTestId('project-counts').filter({ hasText: `${imageCount} images` })).waitFor({ timeout: 600_000 });
    await page.getByRole('tab', { name: /Classes/ }).click();
    for (const name of ['A', 'B', 'C']) {
      await page.getByLabel('New class').fill(name);
      await page.getByLabel('New class').press('Enter');
      await page.getByLabel(`Name of ${name}`).waitFor();
    }
    await page.getByRole('tab', { name: /Label/ }).click();
    await page.waitForFunction(() => performance.getEntriesByName('adma:image-shown').length > 0);
    await measure(`project open (${imageCount} images), labeling view`, page, cdp);

    for (let i = 0; i < labelCount; i++) {
      const shownBefore = await page.evaluate(() => performance.getEntriesByName('adma:image-shown').length);
      await page.keyboard.press(String((i % 3) + 1));
      await page.waitForFunction((n) => performance.getEntriesByName('adma:image-shown').length > n, shownBefore);
    }
    await measure(`after ${labelCount} labels by keyboard`, page, cdp);

    await page.getByRole('tab', { name: /Gallery/ }).click();
    await page.getByTestId('thumb').first().waitFor();
    await measure('gallery, first page', page, cdp);
    const scrollStarted = Date.now();
    let shown = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const count = await page.getByTestId('thumb').count();
      if (count >= imageCount) break;
      if (count === shown && guard > 0) {
        const more = page.getByRole('button', { name: 'Load more' });
        if (await more.isVisible()) await more.click();
      }
      shown = count;
      await page.getByTestId('thumb').last().scrollIntoViewIfNeeded();
      await page.waitForTimeout(50);
    }
    const thumbs = await page.getByTestId('thumb').count();
    await page.waitForTimeout(2000);
    await measure(`gallery scrolled to the end (${thumbs} thumbnails, ${((Date.now() - scrollStarted) / 1000).toFixed(0)} s)`, page, cdp);
    await page.getByRole('tab', { name: /Label/ }).click();
    await page.waitForTimeout(1000);
    await measure('back in the labeling view', page, cdp);
  } finally {
    await browser.close();
    await host.stop();
    await fs.rm(folder, { recursive: true, force: true });
    await fs.rm(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
