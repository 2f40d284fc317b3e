/**
 * Near-duplicate detection on planted copies of real photos: for a sample of originals from
 * ../shared/data (hymenoptera, blood cells), four copies each (JPEG re-encoded at quality 40,
 * resized to half, cropped by 6% on every side, brightened by 20%), written to bench/.work;
 * features extracted with MobileNet v1 0.25 (ONNX Runtime) as the app does, difference hashes
 * as the app computes them. Recall: the share of planted pairs (copy-original and two copies
 * of one original) found; precision: the share of found pairs that are planted. Swept over
 * the similarity threshold and the Hamming bound, with the feature test alone and the
 * perceptual test alone for comparison; plus the all-pairs time on the photos and on a
 * synthetic pool of 10,000 and (with --big) 100,000 rows (random rows: no pair survives the bound).
 * Last, pairs among the 300 MNIST digits of the demo set (no copies at all) under the starter
 * model: how strict the batch filter must be to leave a strategy's batch alone on such data.
 *
 * Run: npx tsx bench/duplicates.bench.ts [--originals 60] [--big]
 * Reads ../shared in place; says so and exits when it is absent.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { deriveSeed, mulberry32 } from '../src-main/core/seeded-random';
import { createFeatureMatrix } from '../src-main/engine/adma/feature-matrix';
import { DEFAULT_NEAR_DUPLICATE_CRITERIA, NearDuplicateIndex, type DuplicatePair } from '../src-main/engine/adma/near-duplicates';
import { activeOnnxRuntime, initBackend } from '../src-main/engine/backend';
import { perceptualCodes } from '../src-main/engine/features/difference-hash';
import { extractFeatures } from '../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../src-main/engine/features/feature-store';
import { hashImageFile } from '../src-main/engine/features/image-content-hash';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { findDemoDir, writeDemoSet } from '../src-main/engine/starter/demo-set';
import { BATCH_DUPLICATE_FLOOR } from '../src-shared/contract';
import { openOnnxFeatureRunner } from '../src-main/engine/onnx/onnx-feature-runner';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const shared = process.env.ADMA_SHARED_DIR ?? resolve(repoRoot, '../shared');
const modelDir = join(shared, 'models', 'mobilenet_v1_0.25_224');
const work = join(repoRoot, 'bench', '.work', 'duplicates');

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const TRANSFORMS = {
  'jpeg q40': (image: Sharp) => image.jpeg({ quality: 40 }),
  'resized to half': async (image: Sharp) => {
    const { width = 0 } = await image.metadata();
    return image.resize(Math.max(16, Math.round(width / 2))).jpeg({ quality: 90 });
  },
  'cropped 6%': async (image: Sharp) => {
    const { width = 0, height = 0 } = await image.metadata();
    const dx = Math.round(width * 0.06);
    const dy = Math.round(height * 0.06);
    return image.extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).jpeg({ quality: 90 });
  },
  'brightness +20%': (image: Sharp) => image.modulate({ brightness: 1.2 }).jpeg({ quality: 90 }),
} as const;
type TransformName = keyof typeof TRANSFORMS;

interface Photo {
  path: string;
  hash: string;
  /** The original's index among the photos for a copy; its own index for an original. */
  family: number;
  transform: TransformName | null;
}

function photosUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...photosUnder(path));
    else if (/\.(jpe?g|png)$/i.test(entry.name)) out.push(path);
  }
  return out;
}

async function plant(name: string, dir: string, originals: number): Promise<Photo[]> {
  const paths = photosUnder(dir);
  const photos: Photo[] = await Promise.all(paths.map(async (path, i) => ({ path, hash: await hashImageFile(path), family: i, transform: null })));
  const random = mulberry32(deriveSeed(7, originals, 1));
  const chosen = new Set<number>();
  while (chosen.size < Math.min(originals, photos.length)) chosen.add(Math.floor(random() * photos.length));
  const out = join(work, name);
  mkdirSync(out, { recursive: true });
  for (const index of [...chosen].sort((a, b) => a - b)) {
    const source = photos[index] as Photo;
    for (const [k, transform] of (Object.keys(TRANSFORMS) as TransformName[]).entries()) {
      const path = join(out, `${index}-${k}.jpg`);
      const image = await TRANSFORMS[transform](sharp(source.path).rotate());
      await image.toFile(path);
      photos.push({ path, hash: await hashImageFile(path), family: index, transform });
    }
  }
  return photos;
}

interface Scores {
  recall: number;
  precision: number;
  found: number;
  falsePairs: number;
  perTransform: Record<string, number>;
}

function score(photos: Photo[], pairs: DuplicatePair[]): Scores {
  const families = new Map<number, number[]>();
  photos.forEach((p, row) => {
    if (photos.some((q) => q.transform !== null && q.family === p.family)) families.set(p.family, [...(families.get(p.family) ?? []), row]);
  });
  let planted = 0;
  for (const rows of families.values()) planted += (rows.length * (rows.length - 1)) / 2;
  const truePairs = pairs.filter((p) => photos[p.a]?.family === photos[p.b]?.family);
  const perTransform: Record<string, number> = {};
  for (const transform of Object.keys(TRANSFORMS)) {
    const copies = photos.map((p, row) => ({ p, row })).filter(({ p }) => p.transform === transform);
    const found = copies.filter(({ p, row }) => truePairs.some((t) => (t.a === row && photos[t.b]?.transform === null) || (t.b === row && photos[t.a]?.transform === null)) && p).length;
    perTransform[transform] = found / copies.length;
  }
  return {
    recall: truePairs.length / planted,
    precision: pairs.length ? truePairs.length / pairs.length : 1,
    found: pairs.length,
    falsePairs: pairs.length - truePairs.length,
    perTransform,
  };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

async function measureDataset(name: string, dir: string, originals: number): Promise<string[]> {
  process.stderr.write(`${name}: planting copies of ${originals} photos...\n`);
  const photos = await plant(name, dir, originals);
  await initBackend('onnxruntime');
  const loaded = await loadModelFolder(modelDir);
  const ort = activeOnnxRuntime();
  if (!ort) throw new Error('ONNX Runtime did not load.');
  const runner = await openOnnxFeatureRunner(ort, loaded, work, 2);
  const store = FeatureStore.open(join(work, `${name}-features.db`), featureLayoutOf(loaded));
  process.stderr.write(`${name}: extracting features of ${photos.length} images...\n`);
  await extractFeatures(loaded, store, photos, { batchSize: 16, runner });
  const matrices = store.load(photos.map((p) => p.hash));
  store.close();
  await runner.release();
  loaded.dispose();
  let started = performance.now();
  const codes = await perceptualCodes(join(work, name), photos);
  const hashSeconds = (performance.now() - started) / 1000;
  const features = createFeatureMatrix(matrices.b, matrices.n, matrices.dB);
  const keys = photos.map((p) => p.hash);
  const lines: string[] = [];
  const originalsCount = photos.filter((p) => p.transform === null).length;
  lines.push(`**${name}**: ${originalsCount} photos, ${photos.length - originalsCount} planted copies of ${originals} of them; difference hashes of all ${photos.length} in ${hashSeconds.toFixed(1)} s.`);
  lines.push('');
  lines.push('| test | similarity ≥ | Hamming ≤ | recall | precision | false pairs | jpeg q40 | half size | crop 6% | brighter |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  const row = (test: string, minSimilarity: number, maxHammingDistance: number): void => {
    const index = new NearDuplicateIndex(features, codes, keys, { minSimilarity, maxHammingDistance });
    started = performance.now();
    const s = score(photos, index.pairs());
    const isDefault = minSimilarity === DEFAULT_NEAR_DUPLICATE_CRITERIA.minSimilarity && maxHammingDistance === DEFAULT_NEAR_DUPLICATE_CRITERIA.maxHammingDistance;
    const cells = [test + (isDefault ? ' **(default)**' : ''), String(minSimilarity), String(maxHammingDistance), percent(s.recall), percent(s.precision), String(s.falsePairs), ...Object.values(s.perTransform).map(percent)];
    lines.push(`| ${cells.join(' | ')} |`);
  };
  for (const minSimilarity of [0.6, 0.7, 0.8, 0.9]) for (const hamming of [12, 16, 20, 24]) row('both', minSimilarity, hamming);
  row('both (batch filter floor)', BATCH_DUPLICATE_FLOOR.minSimilarity, BATCH_DUPLICATE_FLOOR.maxHammingDistance);
  for (const minSimilarity of [0.6, 0.7, 0.8, 0.9]) row('features alone', minSimilarity, 64);
  for (const hamming of [8, 12]) row('difference hash alone', 0.0001, hamming);
  return lines;
}

function syntheticTiming(n: number): string {
  const d = 256;
  const random = mulberry32(n);
  const features = createFeatureMatrix(Float32Array.from({ length: n * d }, () => random()), n, d);
  const words = Uint32Array.from({ length: 2 * n }, () => Math.floor(random() * 2 ** 32) >>> 0);
  const index = new NearDuplicateIndex(features, { words, known: new Uint8Array(n).fill(1) }, Array.from({ length: n }, (_, i) => String(i)), DEFAULT_NEAR_DUPLICATE_CRITERIA);
  const started = performance.now();
  const found = index.pairs().length;
  const seconds = (performance.now() - started) / 1000;
  const similar = performance.now();
  index.mostSimilar(0, 50);
  return `| ${n.toLocaleString('en')} | ${d} | ${seconds.toFixed(2)} s | ${found} | ${(performance.now() - similar).toFixed(0)} ms |`;
}

/** Pairs among the demo set's 300 digits (different drawings, no copies) under the starter model. */
async function demoPairs(): Promise<string[]> {
  const dir = join(work, 'demo');
  await writeDemoSet(findDemoDir() as string, dir);
  const files = photosUnder(dir).filter((p) => p.endsWith('.png'));
  await initBackend('wasm');
  const loaded = await loadModelFolder(join(repoRoot, 'resources', 'starter'));
  const items = await Promise.all(files.map(async (path) => ({ path, hash: await hashImageFile(path) })));
  const store = FeatureStore.open(join(work, 'demo-features.db'), featureLayoutOf(loaded));
  await extractFeatures(loaded, store, items, { batchSize: 16 });
  const m = store.load(items.map((i) => i.hash));
  store.close();
  loaded.dispose();
  const codes = await perceptualCodes(dir, items);
  const features = createFeatureMatrix(m.b, m.n, m.dB);
  const lines = ['| criteria (MNIST demo, 300 digits, starter model) | pairs |', '|---|---|'];
  const criteria: [string, number, number][] = [
    ['view default', DEFAULT_NEAR_DUPLICATE_CRITERIA.minSimilarity, DEFAULT_NEAR_DUPLICATE_CRITERIA.maxHammingDistance],
    ['', 0.9, 12],
    ['', 0.95, 8],
    ['', 0.98, 6],
    ['batch filter floor', BATCH_DUPLICATE_FLOOR.minSimilarity, BATCH_DUPLICATE_FLOOR.maxHammingDistance],
  ];
  for (const [name, minSimilarity, maxHammingDistance] of criteria) {
    const index = new NearDuplicateIndex(features, codes, items.map((i) => i.hash), { minSimilarity, maxHammingDistance });
    lines.push(`| ${minSimilarity} / ${maxHammingDistance} bits${name ? ` (${name})` : ''} | ${index.pairs().length} |`);
  }
  return lines;
}

async function main(): Promise<void> {
  const datasets: [string, string][] = [
    ['hymenoptera', join(shared, 'data', 'hymenoptera')],
    ['pbc-blood-cells', join(shared, 'data', 'pbc-blood-cells')],
  ];
  if (!existsSync(join(modelDir, 'model.json')) || !datasets.every(([, dir]) => existsSync(dir))) {
    console.log(`Shared material not found under ${shared} (MobileNet 0.25, data/hymenoptera, data/pbc-blood-cells); nothing to measure.`);
    return;
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const originals = Number(argument('--originals', '60'));
  const out: string[] = [];
  for (const [name, dir] of datasets) out.push(...(await measureDataset(name, dir, originals)), '');
  out.push('| pool rows | dims | all pairs (`pairs`) | pairs found | more like this (one row) |', '|---|---|---|---|---|');
  for (const n of process.argv.includes('--big') ? [10_000, 100_000] : [10_000]) {
    process.stderr.write(`timing all pairs at ${n} rows...\n`);
    out.push(syntheticTiming(n));
  }
  process.stderr.write('pairs among the demo digits...\n');
  out.push('', ...(await demoPairs()));
  console.log(out.join('\n'));
}

await main();
