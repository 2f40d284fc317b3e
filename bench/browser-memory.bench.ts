/**
 * Memory of the renderer with a large project, in Debian Chromium against the built web host.
 * `npx tsx bench/browser-memory.bench.ts [--images 10000] [--labels 200] [--size 96x96] [--folder <dir>]`
 * (`--folder`: an existing folder of `--images` images, e.g. the scale bench's /tmp folder;
 * `--gallery-only`: create the project and go straight to the gallery, no labeling.)
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
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { decideModelLater } from '../test/e2e/support/model-step';
import { createLabelingProject, labelByKey, withBenchPage } from './support/labeling-session';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    labels: { type: 'string', default: '200' },
    size: { type: 'string', default: '96x96' },
    folder: { type: 'string' },
    'gallery-only': { type: 'boolean', default: false },
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
  // Several collections: DOM nodes held only by dead JS wrappers go in a later pass than the wrappers.
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(300);
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? NaN;
  console.log(
    `${label.padEnd(62)} JS heap ${(metric('JSHeapUsedSize') / 2 ** 20).toFixed(1).padStart(7)} MB` +
      `  DOM nodes ${String(metric('Nodes')).padStart(7)}  Chromium PSS ${chromiumPss().toFixed(0).padStart(6)} MB`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const folder = values.folder ?? (await makeFolder());
  console.log(`${imageCount} images ${values.folder ? 'from' : `of ${width}×${height} in`} ${folder} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await withBenchPage(folder, async (page) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await measure('start page', page, cdp);
    if (values['gallery-only']) {
      await page.getByLabel('Project folder').fill(folder);
      // The folder check counts the images first: slow at 100,000 on loaded cores.
      const checkStarted = Date.now();
      // A folder scanned before (e.g. by the scale bench) is opened, otherwise created.
      const open = page.getByRole('button', { name: 'Open project' });
      const create = page.getByRole('button', { name: 'Create project' });
      await open.and(page.locator(':enabled')).or(create.and(page.locator(':enabled'))).waitFor({ timeout: 600_000 });
      console.log(`folder check until a button was enabled: ${((Date.now() - checkStarted) / 1000).toFixed(1)} s`);
      const creating = !(await open.isEnabled());
      await (creating ? create : open).click();
      if (creating) await decideModelLater(page);
      const counts = page.getByTestId('project-counts');
      await counts.filter({ hasText: `${imageCount.toLocaleString('en-US')} images` }).or(counts.filter({ hasText: `${imageCount} images` })).waitFor({ timeout: 900_000 });
      await measure(`project open (${imageCount} images)`, page, cdp);
    } else {
      await createLabelingProject(page, folder, imageCount);
      await measure(`project open (${imageCount} images), labeling view`, page, cdp);
      for (let i = 0; i < labelCount; i++) await labelByKey(page, i);
      await measure(`after ${labelCount} labels by keyboard`, page, cdp);
    }

    await page.getByRole('tab', { name: /Gallery/ }).click();
    await page.getByTestId('thumb').first().waitFor();
    await measure('gallery, first page', page, cdp);
    // The virtual gallery: scroll its list a viewport per animation frame to the end (a fast
    // fling), recording every frame's duration (requestAnimationFrame deltas) while the rows and
    // their pages load. The loop runs in the page: driven step by step from here, the ≈3,700
    // steps of 100,000 images took two CDP round trips each and did not finish in 7 minutes.
    const scrollStarted = Date.now();
    // A string, not a function: tsx would wrap the named callback in a helper the page lacks.
    const scrolled = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('.scroller');
      const frames = [];
      let steps = 0;
      let last = performance.now();
      const tick = (now) => {
        frames.push(now - last);
        last = now;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 2) return resolve({ steps, frames });
        el.scrollBy({ top: el.clientHeight });
        steps++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })`)) as { steps: number; frames: number[] };
    const steps = scrolled.steps;
    const frames = scrolled.frames.slice(1).sort((a, b) => a - b);
    const q = (p: number): string => (frames[Math.min(frames.length - 1, Math.floor(p * frames.length))] ?? NaN).toFixed(1);
    console.log(`gallery scroll: ${steps} viewport steps, ${frames.length} frames: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`);
    // The last rows' page may still be loading after a fling to the end.
    await page.getByTestId('thumb').last().waitFor({ timeout: 300_000 });
    const thumbs = await page.getByTestId('thumb').count();
    await page.waitForTimeout(2000);
    await measure(`gallery scrolled to the end (${thumbs} thumbnails in the DOM, ${((Date.now() - scrollStarted) / 1000).toFixed(0)} s)`, page, cdp);
    await page.getByRole('tab', { name: /Label/ }).click();
    await page.waitForTimeout(1000);
    await measure('back in the labeling view', page, cdp);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
