/**
 * Keypress → next image shown, in the real renderer against the built web host.
 * `npx tsx bench/keypress-latency.bench.ts [--images 220] [--labels 200] [--size 1024x768] [--pace 0]`
 * (`--pace <ms>`: wait that long after each image shows before the next key, an expert's pace;
 * the back end renders renditions ahead meanwhile. 0: press as soon as the image shows.)
 *
 * Generates a folder of JPEGs, creates a project through the UI, adds three classes, then
 * presses class keys one after another, waiting for each next image. The renderer marks
 * `adma:label-key` when the key is handled and `adma:image-shown` on the frame after the
 * next image has loaded, so each sample covers the label's round trip and commit, the
 * view update and the image display. Prints p50 / p95 / max.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createLabelingProject, labelByKey, withBenchPage } from './support/labeling-session';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '220' },
    labels: { type: 'string', default: '200' },
    size: { type: 'string', default: '1024x768' },
    pace: { type: 'string', default: '0' },
  },
});
const imageCount = Number(values.images);
const labelCount = Math.min(Number(values.labels), imageCount - 1);
const [width, height] = values.size.split('x').map(Number) as [number, number];

async function makeFolder(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-'));
  for (let i = 0; i < imageCount; i++) {
    const hue = (i * 47) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <rect width="100%" height="100%" fill="hsl(${hue},40%,30%)"/>
      <circle cx="${(i * 97) % width}" cy="${(i * 61) % height}" r="${60 + (i % 7) * 20}" fill="hsl(${(hue + 120) % 360},70%,60%)"/>
      <rect x="${(i * 31) % width}" y="${(i * 17) % height}" width="180" height="90" fill="hsl(${(hue + 220) % 360},60%,50%)"/></svg>`;
    await sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toFile(path.join(dir, `frame-${String(i).padStart(4, '0')}.jpg`));
  }
  return dir;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const started = Date.now();
  const folder = await makeFolder();
  console.log(`${imageCount} images of ${width}×${height} in ${folder} (${Date.now() - started} ms)`);
  await withBenchPage(folder, async (page) => {
    await createLabelingProject(page, folder, imageCount);
    await page.waitForTimeout(500);

    const samples: number[] = [];
    const loopStarted = performance.now();
    for (let i = 0; i < labelCount; i++) {
      if (Number(values.pace) > 0) await page.waitForTimeout(Number(values.pace));
      await labelByKey(page, i);
      const ms = await page.evaluate(() => {
        const keys = performance.getEntriesByName('adma:label-key');
        const key = keys[keys.length - 1]!;
        const shown = performance.getEntriesByName('adma:image-shown').find((e) => e.startTime >= key.startTime)!;
        return shown.startTime - key.startTime;
      });
      samples.push(ms);
    }
    const loopMinutes = (performance.now() - loopStarted) / 60_000;
    // Every label was committed before its next image showed; the counts catch up just after.
    await page.getByTestId('label-progress').filter({ hasText: `${labelCount} of ${imageCount} labeled` }).waitFor();
    const labeled = await page.getByTestId('label-progress').textContent();
    const sorted = [...samples].sort((a, b) => a - b);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    console.log(`labels: ${samples.length} (${labeled})`);
    console.log(`sustained rate: ${Math.round(samples.length / loopMinutes)} labels/min (each key pressed as soon as the previous image showed, Playwright's round trips included)`);
    console.log(`keypress → next image shown: p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms, mean ${mean.toFixed(1)} ms`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
