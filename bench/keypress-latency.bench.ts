/**
 * Keypress → next image, in the real renderer against the built web host.
 * `npx tsx bench/keypress-latency.bench.ts [--images 40] [--labels 30] [--size 1024x768[,640x480…]]
 *   [--pace 0[,1200]] [--texture flat|photo] [--old <checkout with a build>] [--extract no|yes|no,yes] [--exif no|yes]
 *   [--until rendition|paint|rendition,paint]`
 * `--pace <ms>`: wait that long after each image shows before the next key (an expert's pace;
 * the back end renders renditions ahead meanwhile); 0: press as soon as the image's rendition
 * shows (`--until paint`: as soon as its first paint shows, whichever piece it is, so the labeler
 * can outrun the renditions; a key's rendition time is then counted only when it came before the
 * next key). `--texture photo`: images with fine noise under the shapes, which costs a JPEG decoder
 * what a real photo does (the flat default decodes 3× faster). `--old`: run every session on
 * that build too (its `out/`, e.g. main's), alternating old and new, each on a fresh copy of the
 * folder (cold caches). `--extract yes`: the project is created with the built-in starter model
 * and labeling starts once its feature extraction (and the perceptual pass after it, which in the
 * new build stores every image's gallery thumbnail) is complete; `no` (default): "Decide later",
 * no extraction, so no thumbnail exists before the label view asks for it. `--exif yes`: camera-like
 * JPEGs, each with the 160×120 thumbnail a camera embeds in its EXIF (black bars where the aspect
 * differs), which the label view shows first while nothing better is ready.
 *
 * Per key, from the key event (`adma:label-key`) to two frames the renderer marks:
 * - first paint (`adma:image-first-paint`): the frame after the next image first shows, as its
 *   thumbnail scaled up or its rendition, whichever came first (a build without the mark, such
 *   as the old one, first paints with the rendition: its first paint is its rendition);
 * - rendition (`adma:image-shown`): the frame after its rendition (or original, when smaller)
 *   is shown.
 * Prints p50 / p95 / max of both, and which piece was the first paint (the EXIF-embedded thumbnail,
 * the cached thumbnail or the rendition).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeJpegs } from './support/jpeg-folder';
import { createLabelingProject, labelByKey, withBenchPage } from './support/labeling-session';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '40' },
    labels: { type: 'string', default: '30' },
    size: { type: 'string', default: '1024x768' },
    pace: { type: 'string', default: '0' },
    texture: { type: 'string', default: 'flat' },
    old: { type: 'string' },
    extract: { type: 'string', default: 'no' },
    exif: { type: 'string', default: 'no' },
    until: { type: 'string', default: 'rendition' },
  },
});
const imageCount = Number(values.images);
const labelCount = Math.min(Number(values.labels), imageCount - 1);
const sizes = values.size.split(',').map((size) => size.split('x').map(Number) as [number, number]);
const paces = values.pace.split(',').map(Number);
const photo = values.texture === 'photo';
const extracts = values.extract.split(',').map((v) => v === 'yes');
const exif = values.exif === 'yes';
const untils = values.until.split(',').map((v) => (v === 'paint' ? ('paint' as const) : ('rendition' as const)));

async function makeFolder(width: number, height: number): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-'));
  await writeJpegs(dir, width, height, imageCount, photo, exif);
  return dir;
}

async function copyFolder(from: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-bench-'));
  for (const name of await fs.readdir(from)) if (name.endsWith('.jpg')) await fs.copyFile(path.join(from, name), path.join(dir, name));
  return dir;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const stats = (samples: number[]): string => {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return 'none';
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
};

interface Session {
  firstPaint: number[];
  rendition: number[];
  thumbFirst: number;
  /** Keys whose first paint was the thumbnail embedded in the JPEG's EXIF. */
  embeddedFirst: number;
  /** Keys whose next image (thumbnail or rendition) the page had decoded, so on screen in the first frame after the move. */
  firstFrame: number;
  /** Keys whose next rendition the prefetcher had decoded (shown without waiting). */
  prefetched: number;
  labelsPerMinute: number;
}

async function session(source: string, pace: number, until: 'rendition' | 'paint', extract: boolean, root: string | undefined): Promise<Session> {
  const folder = await copyFolder(source);
  const result: Session = { firstPaint: [], rendition: [], thumbFirst: 0, embeddedFirst: 0, firstFrame: 0, prefetched: 0, labelsPerMinute: 0 };
  await withBenchPage(
    folder,
    async (page) => {
      await createLabelingProject(page, folder, imageCount, extract);
      await page.waitForTimeout(500);
      const started = performance.now();
      for (let i = 0; i < labelCount; i++) {
        if (pace > 0) await page.waitForTimeout(pace);
        await labelByKey(page, i, until);
        const sample = await page.evaluate(() => {
          const keys = performance.getEntriesByName('adma:label-key');
          const key = keys[keys.length - 1]!;
          // (No named helper here: the bundler would wrap it in a function the page does not have.)
          const shownMark = performance.getEntriesByName('adma:image-shown').find((e) => e.startTime >= key.startTime) as PerformanceMark | undefined;
          const shown = shownMark?.startTime ?? Infinity;
          const painted = performance.getEntriesByName('adma:image-first-paint').find((e) => e.startTime >= key.startTime) as PerformanceMark | undefined;
          const first = Math.min(painted?.startTime ?? Infinity, shown);
          const paintedDetail = painted?.detail as { kind?: string; prefetched?: boolean } | undefined;
          return {
            rendition: shownMark ? shown - key.startTime : null,
            firstPaint: first - key.startTime,
            thumbFirst: paintedDetail?.kind === 'thumbnail',
            embeddedFirst: paintedDetail?.kind === 'embedded',
            firstFrame: paintedDetail?.prefetched === true,
            prefetched: (shownMark?.detail as { prefetched?: boolean } | null | undefined)?.prefetched === true,
          };
        });
        if (sample.rendition !== null) result.rendition.push(sample.rendition);
        result.firstPaint.push(sample.firstPaint);
        result.thumbFirst += Number(sample.thumbFirst);
        result.embeddedFirst += Number(sample.embeddedFirst);
        result.firstFrame += Number(sample.firstFrame);
        result.prefetched += Number(sample.prefetched);
      }
      result.labelsPerMinute = Math.round(labelCount / ((performance.now() - started) / 60_000));
      await page.getByTestId('label-progress').filter({ hasText: `${labelCount} of ${imageCount} labeled` }).waitFor();
    },
    root,
  );
  return result;
}

async function main(): Promise<void> {
  const builds: { name: string; root: string | undefined }[] = values.old ? [{ name: 'old', root: path.resolve(values.old) }, { name: 'new', root: undefined }] : [{ name: 'this', root: undefined }];
  for (const [width, height] of sizes) {
    const started = Date.now();
    const source = await makeFolder(width, height);
    console.log(`\n${imageCount} ${photo ? 'photo-like' : 'flat'}${exif ? ' camera-like (EXIF thumbnail)' : ''} JPEGs of ${width}×${height} (${Date.now() - started} ms to generate), ${labelCount} labels per session`);
    try {
      for (const extract of extracts) {
        for (const pace of paces) {
          for (const until of pace === 0 ? untils : (['rendition'] as const)) {
            for (const build of builds) {
              const load = os.loadavg()[0]!.toFixed(1);
              const s = await session(source, pace, until, extract, build.root);
              console.log(
                `${width}×${height} ${extract ? 'after extraction' : 'no extraction'} pace ${pace === 0 ? `fast (until ${until})` : `${pace} ms`} ${build.name.padEnd(4)} load ${load}: first paint ${stats(s.firstPaint)} | rendition ${stats(s.rendition)} (${s.rendition.length} before the next key) | first paint by the EXIF thumbnail ${s.embeddedFirst}/${labelCount}, by the thumbnail ${s.thumbFirst}/${labelCount}, decoded ahead (any piece; not recorded by older builds) ${s.firstFrame}/${labelCount}, rendition decoded ahead ${s.prefetched}/${labelCount} | ${s.labelsPerMinute} labels/min`,
              );
            }
          }
        }
      }
    } finally {
      await fs.rm(source, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
