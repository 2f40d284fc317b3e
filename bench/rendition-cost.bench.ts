/**
 * CPU per screen rendition and thumbnail of a large JPEG, as the media code renders them.
 * `npx tsx bench/rendition-cost.bench.ts [--size 6000x4000] [--images 6]`
 *
 * Photo-like JPEGs (fine noise under shapes: a JPEG decoder's cost is mostly its entropy
 * decoding, so flat synthetic images decode ~3× faster than photos) and flat ones. sharp runs
 * on one thread (`sharp.concurrency(1)`) so that process CPU time is the work of one render.
 * - decode scale: sharp's pipeline for a 1280 px rendition (shrink-on-load), a full decode, and
 *   a 1200 px rendition (the largest edge sharp decodes at 1/4 for a 6000 px image); the 1280 px
 *   rendition as readMedia makes it, from the bytes read once from the checked file (readInside),
 *   alternating with the one from the path;
 * - per image ahead of the labeler, through `readMedia` on a fresh cache: rendition first (its
 *   decode gives the thumbnail too) against thumbnail first (two decodes, as before).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { readMedia, type MediaSource } from '../src-main/media/image-media';
import { readInside } from '../src-main/media/path-containment';
import { writeJpegs } from './support/jpeg-folder';

const { values } = parseArgs({ options: { size: { type: 'string', default: '6000x4000' }, images: { type: 'string', default: '6' } } });
const [width, height] = values.size.split('x').map(Number) as [number, number];
const count = Number(values.images);
sharp.concurrency(1);
sharp.cache(false);

async function cpu(run: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-rendition-'));
  try {
    for (const photo of [true, false]) {
      const files = await writeJpegs(dir, width, height, count, photo);
      const kind = photo ? 'photo-like' : 'flat';
      const scale: Record<string, number[]> = { 'rendition 1280 (sharp: 1/2 decode)': [], 'rendition 1280 from the bytes read once (readInside)': [], 'full decode': [], 'rendition 1200 (1/4 decode)': [] };
      for (const file of files) {
        scale['rendition 1280 (sharp: 1/2 decode)']!.push(await cpu(() => sharp(file).rotate().resize(1280, 1280, { fit: 'inside' }).jpeg({ quality: 88 }).toBuffer()));
        scale['rendition 1280 from the bytes read once (readInside)']!.push(
          await cpu(async () => sharp(await readInside(dir, path.basename(file))).rotate().resize(1280, 1280, { fit: 'inside' }).jpeg({ quality: 88 }).toBuffer()),
        );
        scale['full decode']!.push(await cpu(() => sharp(file).raw().toBuffer()));
        scale['rendition 1200 (1/4 decode)']!.push(await cpu(() => sharp(file).rotate().resize(1200, 1200, { fit: 'inside' }).jpeg({ quality: 88 }).toBuffer()));
      }
      for (const [name, xs] of Object.entries(scale)) console.log(`${kind} ${width}×${height}: ${name}: median ${median(xs).toFixed(0)} ms CPU`);

      // Through the media code, each order on its own fresh cache.
      for (const order of [['screen1280', 'thumb'], ['thumb', 'screen1280']] as const) {
        const admin = await fs.mkdtemp(path.join(dir, 'cache-'));
        const source: MediaSource = {
          root: dir,
          adminDir: admin,
          locate: (id) => ({ relPath: path.basename(files[id]!), hash: `h${id}`, format: 'jpeg', orientation: 1, width, height }),
        };
        const costs: number[] = [];
        for (let id = 0; id < files.length; id++) {
          costs.push(
            await cpu(async () => {
              for (const variant of order) await readMedia(source, id, variant);
            }),
          );
        }
        console.log(`${kind} ${width}×${height}: rendition + thumbnail, ${order[0]} first: median ${median(costs).toFixed(0)} ms CPU per image`);
      }
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
