/**
 * The perceptual pass after feature extraction (engine/features/difference-hash.ts,
 * `perceptualCodes`): its time per image, wall and CPU (the whole process: sharp's threads
 * included), and how much its codes moved when it went from two decodes of the original (9x8
 * dHash and 64x64 grey thumbnail, each straight from the file) to one decode to the gallery
 * thumbnail's pixels (which also stores the gallery thumbnail) with both codes derived from those.
 *
 *   npx tsx bench/perceptual-pass.bench.ts --old <checkout of the code before> [--images 12]
 *     [--size 6000x4000,640x480] [--rounds 2] [--photos 300]
 *
 * Timing: `--images` photo-like JPEGs per size (bench/support/jpeg-folder.ts), each pass on a
 * fresh project folder (no cached codes, no thumbnails), old and new alternating `--rounds`
 * times. "old + thumbnail" adds what the gallery or the label view later paid for the same
 * image's thumbnail under the old code (a third decode, timed on its own).
 * Codes: on `--photos` real photos of each of ../shared/data/hymenoptera and pbc-blood-cells,
 * the old codes against the new: Hamming distance of the difference hashes, mean absolute
 * difference of the grey thumbnails, and the gradient correlation of old against new
 * thumbnail (the near-duplicate test's third check, bound 0.95).
 */
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { thumbnailCodes, thumbnailCorrelation } from '../src-main/engine/adma/thumbnail-correlation';
import * as current from '../src-main/engine/features/difference-hash';
import { decodeOriginal, encodeThumbnail, thumbnailPixels } from '../src-main/media/media-cache';
import { hashImageFile } from '../src-main/engine/features/image-content-hash';
import { writeJpegs } from './support/jpeg-folder';
import { photosUnder } from './support/photos-under';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    images: { type: 'string', default: '12' },
    size: { type: 'string', default: '6000x4000,640x480' },
    rounds: { type: 'string', default: '2' },
    photos: { type: 'string', default: '300' },
  },
});
if (!values.old) throw new Error('--old <checkout of the code before> is required (its src-main is imported as is).');
type Pass = typeof current;
const old = (await import(pathToFileURL(path.resolve(values.old, 'src-main/engine/features/difference-hash.ts')).href)) as Pick<Pass, 'perceptualCodes' | 'differenceHash' | 'greyThumbnail'>;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.ADMA_SHARED_DIR ?? path.resolve(repoRoot, '../shared');

interface Cost {
  wallMs: number;
  cpuMs: number;
}

async function measure(work: () => Promise<unknown>): Promise<Cost> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

async function files(dir: string): Promise<{ hash: string; path: string }[]> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.jpg')).sort();
  return Promise.all(names.map(async (n) => ({ path: path.join(dir, n), hash: await hashImageFile(path.join(dir, n)) })));
}

/** One pass over a fresh project folder holding nothing but `source`'s images. */
async function pass(source: string, run: (dir: string, items: { hash: string; path: string }[]) => Promise<unknown>): Promise<Cost> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-perceptual-'));
  try {
    for (const name of await fs.readdir(source)) await fs.copyFile(path.join(source, name), path.join(dir, name));
    const items = await files(dir);
    return await measure(() => run(dir, items));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const perImage = (costs: Cost[], n: number): string => {
  const wall = costs.map((c) => c.wallMs / n).sort((a, b) => a - b);
  const cpu = costs.map((c) => c.cpuMs / n).sort((a, b) => a - b);
  return `wall ${wall.map((x) => x.toFixed(1)).join(' / ')} ms, CPU ${cpu.map((x) => x.toFixed(1)).join(' / ')} ms`;
};

async function timing(): Promise<void> {
  const n = Number(values.images);
  for (const [width, height] of values.size.split(',').map((s) => s.split('x').map(Number) as [number, number])) {
    const source = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-perceptual-src-'));
    try {
      await writeJpegs(source, width, height, n, true);
      const costs: Record<string, Cost[]> = { old: [], 'old + thumbnail': [], new: [] };
      for (let round = 0; round < Number(values.rounds); round++) {
        const load = os.loadavg()[0]!.toFixed(1);
        const before = await pass(source, (dir, items) => old.perceptualCodes(dir, items, undefined, 'onDemand'));
        // The thumbnail the old code made later, when the image was shown: one more decode each.
        const thumbs = await pass(source, async (_dir, items) => {
          for (const item of items) await encodeThumbnail(await thumbnailPixels(await decodeOriginal(item.path)));
        });
        const after = await pass(source, (dir, items) => current.perceptualCodes(dir, items, undefined, 'onDemand'));
        costs.old!.push(before);
        costs['old + thumbnail']!.push({ wallMs: before.wallMs + thumbs.wallMs, cpuMs: before.cpuMs + thumbs.cpuMs });
        costs.new!.push(after);
        console.error(`${width}×${height} round ${round + 1} load ${load}: old ${(before.cpuMs / n).toFixed(1)} ms CPU/image, new ${(after.cpuMs / n).toFixed(1)} ms`);
      }
      for (const [name, c] of Object.entries(costs)) console.log(`| ${width}×${height} photo-like | ${name} | ${perImage(c, n)} |`);
    } finally {
      await fs.rm(source, { recursive: true, force: true });
    }
  }
}


const popcount = (x: number): number => {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
};

async function codes(): Promise<void> {
  for (const set of ['hymenoptera', 'pbc-blood-cells']) {
    const dir = path.join(shared, 'data', set);
    if (!existsSync(dir)) {
      console.log(`${dir} not found: codes not compared.`);
      continue;
    }
    const all = photosUnder(dir);
    const step = Math.max(1, Math.floor(all.length / Number(values.photos)));
    const chosen = all.filter((_, i) => i % step === 0).slice(0, Number(values.photos));
    const hamming: number[] = [];
    const meanAbs: number[] = [];
    const correlation: number[] = [];
    for (const file of chosen) {
      const [oldHash, oldThumb, fresh] = await Promise.all([old.differenceHash(file), old.greyThumbnail(file), current.codesOfImage(file)]);
      hamming.push(popcount(oldHash[0] ^ fresh.words[0]) + popcount(oldHash[1] ^ fresh.words[1]));
      let sum = 0;
      for (let i = 0; i < oldThumb.length; i++) sum += Math.abs((oldThumb[i] as number) - (fresh.thumbnail[i] as number));
      meanAbs.push(sum / oldThumb.length);
      correlation.push(thumbnailCorrelation(thumbnailCodes(oldThumb), thumbnailCodes(fresh.thumbnail)));
    }
    const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
    const q = (xs: number[], p: number): number => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `| ${set} | ${chosen.length} | ${mean(hamming).toFixed(2)} / ${q(hamming, 0.95)} / ${Math.max(...hamming)} | ${((hamming.filter((h) => h === 0).length / hamming.length) * 100).toFixed(0)}% | ${mean(meanAbs).toFixed(2)} / ${Math.max(...meanAbs).toFixed(2)} | ${Math.min(...correlation).toFixed(3)} / ${q(correlation, 0.05).toFixed(3)} / ${q(correlation, 0.5).toFixed(3)} |`,
    );
  }
}

console.log('| images | code | per image: wall / CPU (each run, sorted) |\n|---|---|---|');
await timing();
console.log('\n| set | photos | dHash bits changed: mean / p95 / max | unchanged hashes | grey thumbnail mean abs. difference (0–255): mean / max | gradient correlation old vs new: min / p5 / median |\n|---|---|---|---|---|---|');
await codes();
