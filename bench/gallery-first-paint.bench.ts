/**
 * The gallery of a fresh folder of camera photos, before any extraction: how soon its tiles show
 * something, and how soon their real gallery thumbnails, in the real renderer against the built
 * web host. `npx tsx bench/gallery-first-paint.bench.ts [--images 48] [--size 6000x4000]
 * [--runs 2] [--old <checkout with a build>] [--shots <folder>]`
 *
 * Camera-like photo JPEGs (bench/support/jpeg-folder.ts: fine noise that costs a decoder what a
 * photo does, a padded 160×120 EXIF thumbnail). Each session copies the folder afresh, creates
 * the project through the UI with "Decide later" (no model, no extraction: no thumbnail exists),
 * waits until every image is indexed, and opens the gallery (the label view it opened on has
 * meanwhile asked the host to render its first images ahead, as it does for an expert). From the
 * click on the Gallery tab, every animation frame, for the tiles inside the window: when the first
 * and the last of them shows a picture (any image of the tile loaded and visible: the EXIF
 * thumbnail or the gallery thumbnail), and when the last shows its gallery thumbnail. `--old`:
 * every run also on that build (its `out/`), alternating old and new. `--shots`: a screenshot of
 * the first run's gallery when every tile shows a picture, and when every tile is sharp.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { writeJpegs } from './support/jpeg-folder';
import { withBenchPage } from './support/labeling-session';
import { decideModelLater } from '../test/e2e/support/model-step';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '48' },
    size: { type: 'string', default: '6000x4000' },
    runs: { type: 'string', default: '2' },
    old: { type: 'string' },
    shots: { type: 'string' },
  },
});
const imageCount = Number(values.images);
const [width, height] = values.size.split('x').map(Number) as [number, number];

interface Timeline {
  tiles: number;
  /** ms from the click to the first tile showing a picture, the last one, and the last one sharp (its gallery thumbnail). */
  first: number;
  all: number;
  sharp: number;
}

/**
 * Watch the tiles in the window every frame until each shows its gallery thumbnail (or `limitMs`).
 * A string: tsx would wrap named helpers in a function the page does not have.
 */
function watchTiles(page: Page, limitMs: number): Promise<Timeline> {
  return page.evaluate(`new Promise((resolve) => {
    const started = performance.now();
    const result = { tiles: 0, first: NaN, all: NaN, sharp: NaN };
    const shows = (img) => img.complete && img.naturalWidth > 0 && getComputedStyle(img).opacity !== '0';
    const frame = () => {
      const now = performance.now() - started;
      const tiles = [...document.querySelectorAll('[data-testid="thumb"]')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      });
      const pictured = tiles.filter((t) => [...t.querySelectorAll('img')].some(shows)).length;
      const sharp = tiles.filter((t) => [...t.querySelectorAll('img')].some((img) => /\\/thumb(\\?|$)/.test(img.src) && shows(img))).length;
      result.tiles = tiles.length;
      if (tiles.length > 0 && pictured > 0 && Number.isNaN(result.first)) result.first = now;
      if (tiles.length > 0 && pictured === tiles.length && Number.isNaN(result.all)) result.all = now;
      if ((tiles.length > 0 && sharp === tiles.length) || now > ${limitMs}) {
        if (tiles.length > 0 && sharp === tiles.length) result.sharp = now;
        resolve(result);
        return;
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })`);
}

async function copyFolder(from: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-gallery-'));
  for (const name of await fs.readdir(from)) if (name.endsWith('.jpg')) await fs.copyFile(path.join(from, name), path.join(dir, name));
  return dir;
}

async function session(source: string, root: string | undefined, shots: string | null): Promise<Timeline> {
  const folder = await copyFolder(source);
  let timeline: Timeline | null = null;
  await withBenchPage(
    folder,
    async (page) => {
      await page.getByLabel('Project folder').fill(folder);
      await page.getByRole('button', { name: 'Create project' }).click();
      await decideModelLater(page);
      await page.getByTestId('project-counts').filter({ hasText: `${imageCount} images` }).waitFor({ timeout: 600_000 });
      await page.getByRole('tab', { name: /Gallery/ }).click();
      const watched = watchTiles(page, 300_000);
      if (shots) {
        // The moment every tile shows a picture (polled: the watch above runs in the page).
        await page.waitForFunction(
          () => {
            const tiles = [...document.querySelectorAll<HTMLElement>('[data-testid="thumb"]')].filter((t) => t.getBoundingClientRect().top < window.innerHeight);
            return tiles.length > 0 && tiles.every((t) => [...t.querySelectorAll('img')].some((img) => img.complete && img.naturalWidth > 0 && getComputedStyle(img).opacity !== '0'));
          },
          undefined,
          { timeout: 300_000, polling: 'raf' },
        );
        await page.screenshot({ path: path.join(shots, `gallery-${root ? 'old' : 'new'}-pictured.png`) });
      }
      timeline = await watched;
      if (shots) await page.screenshot({ path: path.join(shots, `gallery-${root ? 'old' : 'new'}-sharp.png`) });
    },
    root,
  );
  if (!timeline) throw new Error('no timeline');
  return timeline;
}

async function main(): Promise<void> {
  const builds: { name: string; root: string | undefined }[] = values.old ? [{ name: 'old', root: path.resolve(values.old) }, { name: 'new', root: undefined }] : [{ name: 'this', root: undefined }];
  const started = Date.now();
  const source = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-gallery-src-'));
  if (values.shots) await fs.mkdir(values.shots, { recursive: true });
  try {
    await writeJpegs(source, width, height, imageCount, true, true);
    console.log(`${imageCount} photo-like camera JPEGs (EXIF thumbnail) of ${width}×${height} (${Date.now() - started} ms to generate)`);
    for (let run = 1; run <= Number(values.runs); run++) {
      for (const build of builds) {
        const load = os.loadavg()[0]!.toFixed(1);
        const t = await session(source, build.root, run === 1 && values.shots ? values.shots : null);
        const ms = (v: number): string => (Number.isNaN(v) ? 'not within the limit' : `${Math.round(v)} ms`);
        console.log(`run ${run} ${build.name.padEnd(4)} load ${load}: ${t.tiles} tiles in the window; first picture ${ms(t.first)}, every tile a picture ${ms(t.all)}, every tile its gallery thumbnail ${ms(t.sharp)}`);
      }
    }
  } finally {
    await fs.rm(source, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
