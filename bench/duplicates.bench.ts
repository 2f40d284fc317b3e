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
 * Each test is run twice: with the difference hash as the only perceptual check (before the
 * gradient check, `thumbnails: null`) and with the thumbnails' gradient correlation
 * (adma/thumbnail-correlation.ts) as well.
 * Then pairs among the 5,000 MNIST digits of the study pool (different drawings, no copies;
 * bench/study/write-mnist-pool.ts, starter model), and the batches: per strategy, a few
 * rounds of the loop core (oracle labels, light head) with no filter, with the old batch
 * filter (similarity 0.99, 4 bits, no gradient check) and with the one test at the project's
 * threshold: batch slots spent on a planted copy of a labeled or same-batch image, and on
 * sets without copies (MNIST, the blood cells alone) the rounds whose batch differs from the
 * unfiltered run's (it must be none: there the filter must leave the paper's ADMA exact).
 *
 * Run: npx tsx bench/duplicates.bench.ts [--originals 60] [--rounds 6] [--batch 20] [--big]
 * Parts alone: --mnist-timing [--rows n] (the all-pairs search on the MNIST digits, timed and
 * checked against the full correlation), --synthetic-timing n, and (each way in its own
 * process) node --expose-gc --import tsx bench/duplicates.bench.ts --memory 100000 inMemory|onDemand.
 * Reads ../shared in place; says so and exits when it is absent.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Sharp } from 'sharp';
import { mulberry32 } from '../src-main/core/seeded-random';
import { createFeatureMatrix } from '../src-main/engine/adma/feature-matrix';
import { DEFAULT_NEAR_DUPLICATE_CRITERIA, hammingDistance, NearDuplicateIndex, type DuplicatePair, type NearDuplicateCriteria, type PerceptualCodes } from '../src-main/engine/adma/near-duplicates';
import type { FeatureMatrix } from '../src-main/engine/adma/feature-matrix';
import { THUMBNAIL_SIDE, thumbnailCodes, thumbnailCorrelation } from '../src-main/engine/adma/thumbnail-correlation';
import { computeDistinctiveness } from '../src-main/engine/adma/distinctiveness';
import { estimatePoolCentres } from '../src-main/engine/adma/pool-centres';
import type { StrategyName } from '../src-main/engine/adma/query-strategy';
import { LoopCore } from '../src-main/engine/loop/loop-core';
import { loadShippedCentreSet } from '../src-main/engine/model/shipped-centre-set';
import type { HeadWeights } from '../src-main/engine/train/head-weights';
import { perceptualCodes, perceptualStorePath } from '../src-main/engine/features/difference-hash';
import { plantPool, poolFeatures, type PlantedPhoto } from './support/planted-pool';

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
  'resized to half': (image: Sharp, width: number) => image.resize(Math.max(16, Math.round(width / 2))).jpeg({ quality: 90 }),
  'cropped 6%': (image: Sharp, width: number, height: number) => {
    const dx = Math.round(width * 0.06);
    const dy = Math.round(height * 0.06);
    return image.extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).jpeg({ quality: 90 });
  },
  'brightness +20%': (image: Sharp) => image.modulate({ brightness: 1.2 }).jpeg({ quality: 90 }),
} as const;
type TransformName = keyof typeof TRANSFORMS;

type Photo = PlantedPhoto<TransformName>;

/** The pool's project folder `work/<name>`: the set's photos (hard links) and planted copies of `originals` of them. */
function plant(name: string, dir: string, originals: number): Promise<Photo[]> {
  return plantPool(join(work, name), dir, { originals, transforms: TRANSFORMS });
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

/** Features (layer A, B, source softmax) of the photos, cached in bench/.work between runs. */
interface PoolData {
  photos: Photo[];
  featuresA: FeatureMatrix;
  featuresB: FeatureMatrix;
  sourceProbabilities: FeatureMatrix;
  codes: PerceptualCodes;
  shipped: Awaited<ReturnType<typeof loadShippedCentreSet>>;
  hashSeconds: number;
}

async function poolData(name: string, photos: Photo[], model: string): Promise<PoolData> {
  // As before this bench compares with 'starter', which the MNIST pool's folder path never equals (the low-detail bench compares the path).
  const { matrices: m, loaded } = await poolFeatures(work, name, photos, model, model === 'starter');
  const shipped = await loadShippedCentreSet(loaded);
  loaded.dispose();
  const started = performance.now();
  const codes = await perceptualCodes(join(work, name), photos);
  return {
    photos,
    featuresA: createFeatureMatrix(m.a, m.n, m.dA),
    featuresB: createFeatureMatrix(m.b, m.n, m.dB),
    sourceProbabilities: createFeatureMatrix(m.softmax, m.n, m.classCount),
    codes,
    shipped,
    hashSeconds: (performance.now() - started) / 1000,
  };
}

/** The test before this pass: the difference hash as the only perceptual check. */
function hashOnly(codes: PerceptualCodes): PerceptualCodes {
  return { ...codes, thumbnails: null };
}

/** The old batch filter: near-identical copies only. */
const OLD_BATCH_FLOOR = { minSimilarity: 0.99, maxHammingDistance: 4, minThumbnailCorrelation: 1 };

function indexOf(data: PoolData, criteria: NearDuplicateCriteria, withThumbnails: boolean): NearDuplicateIndex {
  return new NearDuplicateIndex(data.featuresB, withThumbnails ? data.codes : hashOnly(data.codes), data.photos.map((p) => p.hash), criteria);
}

const BOUNDS = [0.95, 0.97];

async function measureDataset(name: string, dir: string, originals: number): Promise<{ lines: string[]; data: PoolData }> {
  process.stderr.write(`${name}: planting copies of ${originals} photos...\n`);
  const photos = await plant(name, dir, originals);
  const data = await poolData(name, photos, modelDir);
  const lines: string[] = [];
  const originalsCount = photos.filter((p) => p.transform === null).length;
  lines.push(`**${name}**: ${originalsCount} photos, ${photos.length - originalsCount} planted copies of ${originals} of them; perceptual codes of all ${photos.length} in ${data.hashSeconds.toFixed(1)} s.`);
  lines.push('');
  lines.push('| test | similarity ≥ | Hamming ≤ | gradient corr. ≥ | recall | precision | false pairs | jpeg q40 | half size | crop 6% | brighter |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  const row = (test: string, criteria: NearDuplicateCriteria, withThumbnails: boolean): void => {
    const s = score(photos, indexOf(data, criteria, withThumbnails).pairs());
    const isDefault = withThumbnails && (Object.keys(criteria) as (keyof NearDuplicateCriteria)[]).every((k) => criteria[k] === DEFAULT_NEAR_DUPLICATE_CRITERIA[k]);
    const cells = [test + (isDefault ? ' **(default)**' : ''), String(criteria.minSimilarity), String(criteria.maxHammingDistance), withThumbnails ? String(criteria.minThumbnailCorrelation) : '—', percent(s.recall), percent(s.precision), String(s.falsePairs), ...Object.values(s.perTransform).map(percent)];
    lines.push(`| ${cells.join(' | ')} |`);
  };
  for (const minSimilarity of process.argv.includes('--no-sweep') ? [] : [0.6, 0.7, 0.8]) {
    for (const hamming of [16, 20]) {
      row('before: features + hash', { minSimilarity, maxHammingDistance: hamming, minThumbnailCorrelation: 1 }, false);
      for (const bound of BOUNDS) row('features + hash + gradients', { minSimilarity, maxHammingDistance: hamming, minThumbnailCorrelation: bound }, true);
    }
  }
  row('features + hash + gradients', DEFAULT_NEAR_DUPLICATE_CRITERIA, true);
  row('old batch filter', OLD_BATCH_FLOOR, false);
  return { lines, data };
}

function syntheticTiming(n: number): string {
  const d = 256;
  const random = mulberry32(n);
  const features = createFeatureMatrix(Float32Array.from({ length: n * d }, () => random()), n, d);
  const words = Uint32Array.from({ length: 2 * n }, () => Math.floor(random() * 2 ** 32) >>> 0);
  const index = new NearDuplicateIndex(features, { words, known: new Uint8Array(n).fill(1), thumbnails: null }, Array.from({ length: n }, (_, i) => String(i)), DEFAULT_NEAR_DUPLICATE_CRITERIA);
  const started = performance.now();
  const found = index.pairs().length;
  const seconds = (performance.now() - started) / 1000;
  const similar = performance.now();
  index.mostSimilar(0, 50);
  return `| ${n.toLocaleString('en')} | ${d} | ${seconds.toFixed(2)} s | ${found} | ${(performance.now() - similar).toFixed(0)} ms |`;
}

/** Pairs among the study's MNIST digits (different drawings, no copies) under the starter model. */
function mnistPairs(data: PoolData): string[] {
  const lines = [`| criteria (${data.photos.length.toLocaleString('en')} MNIST digits, starter model) | pairs, hash only | pairs, hash + gradients ≥ ${BOUNDS.join(' / ')} |`, '|---|---|---|'];
  for (const [minSimilarity, maxHammingDistance] of [[0.7, 20], [0.8, 16], [0.99, 4]] as const) {
    const before = indexOf(data, { minSimilarity, maxHammingDistance, minThumbnailCorrelation: 1 }, false).pairs().length;
    const after = BOUNDS.map((bound) => indexOf(data, { minSimilarity, maxHammingDistance, minThumbnailCorrelation: bound }, true).pairs().length);
    lines.push(`| ${minSimilarity} / ${maxHammingDistance} bits | ${before.toLocaleString('en')} | ${after.join(' / ')} |`);
  }
  return lines;
}

const STRATEGIES: StrategyName[] = ['typical-margin', 'margin', 'adma', 'random'];

interface BatchRun {
  batches: number[][];
  /** Slots given to a planted copy of a labeled image or of an image earlier in the same batch. */
  copySlots: number;
  slots: number;
}

/** Rounds of the loop core with oracle labels; `filter` null = no near-duplicate filter. */
async function runBatches(data: PoolData, strategy: StrategyName, filter: NearDuplicateIndex | null, rounds: number, batch: number): Promise<BatchRun> {
  const n = data.photos.length;
  const imageIds = Int32Array.from({ length: n }, (_, i) => i);
  const centres = data.shipped ?? estimatePoolCentres({ imageIds, featuresA: data.featuresA, featuresB: data.featuresB, sourceProbabilities: data.sourceProbabilities, excludedIds: new Set() });
  const distinctiveness = computeDistinctiveness({ featuresA: data.featuresA, featuresB: data.featuresB, sourceProbabilities: data.sourceProbabilities, centres }, { normalize: true });
  const core = new LoopCore({ imageIds, featuresA: data.featuresA, featuresB: data.featuresB, sourceProbabilities: data.sourceProbabilities, centres, distinctiveness }, () => ({
    data: data.featuresB.data as Float32Array,
    rowShape: [data.featuresB.cols],
  }));
  const labeled: number[] = [];
  const labeledIds = new Set<number>();
  const seen: string[] = [];
  let head: HeadWeights | null = null;
  const out: BatchRun = { batches: [], copySlots: 0, slots: 0 };
  for (let round = 0; round < rounds; round++) {
    const selection = core.select({
      strategy,
      strategyOptions: {},
      round,
      labeledIds,
      excludedIds: new Set(),
      labeledClassCount: seen.length,
      seed: 11,
      batchSize: batch,
      ...(filter ? { nearDuplicates: filter } : {}),
    });
    const picked = selection.items.map((i) => i.imageId);
    out.batches.push(picked);
    const earlier = new Set(labeled);
    for (const id of picked) {
      const family = data.photos[id]?.family;
      if ([...earlier].some((other) => data.photos[other]?.family === family)) out.copySlots++;
      earlier.add(id);
      out.slots++;
    }
    for (const id of picked) {
      labeled.push(id);
      labeledIds.add(id);
      const label = data.photos[id]?.label as string;
      if (!seen.includes(label)) seen.push(label);
    }
    if (seen.length >= 2) {
      const { result } = await core.train({ mode: 'light', classes: seen, rows: labeled, labels: labeled.map((id) => seen.indexOf(data.photos[id]?.label as string)), seed: 11, ...(head ? { previous: head } : {}) });
      head = result.head;
    }
  }
  return out;
}

/** Per strategy: copy slots without a filter, with the old floor and with the one test; rounds changed on data without copies. */
async function batchTable(sets: { name: string; data: PoolData; planted: boolean }[], rounds: number, batch: number): Promise<string[]> {
  const lines = [
    `Batches of ${batch}, ${rounds} rounds, oracle labels, light head; per cell: slots given to a planted copy of a labeled or same-batch image (sets with copies), or rounds whose batch differs from the unfiltered run's (sets without copies).`,
    '',
    `| set | strategy | no filter | old filter (0.99 / 4 bits, no gradients) | one test at the project's threshold (${DEFAULT_NEAR_DUPLICATE_CRITERIA.minSimilarity} / ${DEFAULT_NEAR_DUPLICATE_CRITERIA.maxHammingDistance} bits / gradients ≥ ${DEFAULT_NEAR_DUPLICATE_CRITERIA.minThumbnailCorrelation}) |`,
    '|---|---|---|---|---|',
  ];
  for (const set of sets) {
    const oldFilter = indexOf(set.data, OLD_BATCH_FLOOR, false);
    const newFilter = indexOf(set.data, DEFAULT_NEAR_DUPLICATE_CRITERIA, true);
    for (const strategy of STRATEGIES) {
      process.stderr.write(`batches: ${set.name} ${strategy}...\n`);
      const none = await runBatches(set.data, strategy, null, rounds, batch);
      const old = await runBatches(set.data, strategy, oldFilter, rounds, batch);
      const now = await runBatches(set.data, strategy, newFilter, rounds, batch);
      const changed = (run: BatchRun): string => {
        const differing = run.batches.filter((b, r) => JSON.stringify(b) !== JSON.stringify(none.batches[r])).length;
        return `${differing} of ${rounds} rounds changed`;
      };
      const cells = set.planted
        ? [`${none.copySlots} of ${none.slots}`, `${old.copySlots} of ${old.slots}`, `${now.copySlots} of ${now.slots}`]
        : ['—', changed(old), changed(now)];
      lines.push(`| ${set.name} | ${strategy} | ${cells.join(' | ')} |`);
    }
  }
  return lines;
}

/**
 * `--mnist-timing [--rows n]`: only the all-pairs search on the MNIST digits at the defaults, timed
 * (the Duplicates view's job), with the pairs that pass the hash and features counted and the
 * gradient test's decisions checked against the unbounded correlation (thumbnailCorrelation).
 */
async function mnistTiming(mnistDir: string): Promise<void> {
  const all = await poolData('mnist-5000', await plant('mnist-5000', mnistDir, 0), join(repoRoot, 'resources', 'starter'));
  const n = Math.min(all.photos.length, Number(argument('--rows', String(all.photos.length))));
  const rows = Int32Array.from({ length: n }, (_, r) => r);
  const index = indexOf(all, DEFAULT_NEAR_DUPLICATE_CRITERIA, true);
  const heapBefore = process.memoryUsage();
  const started = performance.now();
  const found = index.pairs(rows);
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = process.memoryUsage();
  let candidates = 0;
  let disagreements = 0;
  const bound = DEFAULT_NEAR_DUPLICATE_CRITERIA.minThumbnailCorrelation;
  const side = THUMBNAIL_SIDE ** 2;
  const thumbnails = all.codes.thumbnails as Uint8Array;
  const codes = new Map<number, Float32Array>();
  const codeOf = (r: number): Float32Array => codes.get(r) ?? (codes.set(r, thumbnailCodes(thumbnails.subarray(r * side, (r + 1) * side))), codes.get(r) as Float32Array);
  const foundKeys = new Set(found.map((p) => `${p.a},${p.b}`));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (hammingDistance(all.codes, i, j) > DEFAULT_NEAR_DUPLICATE_CRITERIA.maxHammingDistance || index.similarity(i, j) < DEFAULT_NEAR_DUPLICATE_CRITERIA.minSimilarity) continue;
      candidates++;
      const reference = thumbnailCorrelation(codeOf(i), codeOf(j)) >= bound || all.photos[i]?.hash === all.photos[j]?.hash;
      if (reference !== foundKeys.has(`${i},${j}`)) disagreements++;
    }
  }
  const mb = (x: number): string => `${(x / 2 ** 20).toFixed(0)} MB`;
  console.log(`| ${n.toLocaleString('en')} MNIST digits | ${candidates.toLocaleString('en')} | ${seconds.toFixed(1)} s | ${found.length} | ${disagreements} | heap ${mb(heapBefore.heapUsed)} → ${mb(heapAfter.heapUsed)}, RSS ${mb(heapAfter.rss)} |`);
}

/**
 * `--memory <rows> inMemory|onDemand`: the engine worker's share of a pool of that many
 * synthetic rows (256 features, random hashes, a random 64x64 thumbnail each in a perceptual
 * cache written once under bench/.work/duplicates/memory-<rows>), with its thumbnails in one
 * array or read on demand: heap and RSS after loading the codes, building the index, and the
 * duplicates of 1,000 rows. Run each way in its own process.
 */
async function memoryMeasure(n: number, kept: 'inMemory' | 'onDemand'): Promise<void> {
  const dir = join(work, `memory-${n}`);
  const side = THUMBNAIL_SIDE ** 2;
  const files = Array.from({ length: n }, (_, i) => ({ hash: `synthetic-${i}` }));
  if (!existsSync(perceptualStorePath(dir))) {
    await perceptualCodes(dir, []); // creates the tables
    const db = new Database(perceptualStorePath(dir));
    const random = mulberry32(n);
    const putHash = db.prepare('INSERT INTO dhash (hash, high, low) VALUES (?, ?, ?)');
    const putThumbnail = db.prepare('INSERT INTO thumbnail (hash, side, pixels) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (const { hash } of files) {
        putHash.run(hash, Math.floor(random() * 2 ** 32), Math.floor(random() * 2 ** 32));
        putThumbnail.run(hash, THUMBNAIL_SIDE, Buffer.from(Uint8Array.from({ length: side }, () => Math.floor(random() * 256))));
      }
    })();
    db.close();
  }
  const random = mulberry32(n + 1);
  const features = createFeatureMatrix(Float32Array.from({ length: n * 256 }, () => random()), n, 256);
  const codes = await perceptualCodes(dir, files, undefined, kept);
  const index = new NearDuplicateIndex(features, codes, files.map((f) => f.hash), DEFAULT_NEAR_DUPLICATE_CRITERIA);
  let found = 0;
  for (let row = 0; row < 1000; row++) found += index.duplicatesOf(row).length;
  globalThis.gc?.();
  const usage = process.memoryUsage();
  const mb = (x: number): string => `${(x / 2 ** 20).toFixed(0)} MB`;
  console.log(`| ${n.toLocaleString('en')} | ${kept} | heap ${mb(usage.heapUsed)} | array buffers ${mb(usage.arrayBuffers)} | RSS ${mb(usage.rss)} | ${found} |`);
  if (codes.thumbnails && !(codes.thumbnails instanceof Uint8Array)) codes.thumbnails.close();
}

async function main(): Promise<void> {
  if (process.argv.includes('--memory')) return memoryMeasure(Number(argument('--memory', '100000')), process.argv.includes('onDemand') ? 'onDemand' : 'inMemory');
  const datasets: [string, string][] = [
    ['hymenoptera', join(shared, 'data', 'hymenoptera')],
    ['pbc-blood-cells', join(shared, 'data', 'pbc-blood-cells')],
  ];
  const mnistDir = join(repoRoot, 'bench', '.work', 'mnist-5000');
  if (!existsSync(join(modelDir, 'model.json')) || !datasets.every(([, dir]) => existsSync(dir))) {
    console.log(`Shared material not found under ${shared} (MobileNet 0.25, data/hymenoptera, data/pbc-blood-cells); nothing to measure.`);
    return;
  }
  if (!existsSync(mnistDir)) {
    console.log(`${mnistDir} not found: write it first (npx tsx bench/study/write-mnist-pool.ts).`);
    return;
  }
  mkdirSync(work, { recursive: true });
  if (process.argv.includes('--mnist-timing')) return mnistTiming(mnistDir);
  if (process.argv.includes('--synthetic-timing')) return console.log(syntheticTiming(Number(argument('--synthetic-timing', '10000'))));
  const originals = Number(argument('--originals', '60'));
  const rounds = Number(argument('--rounds', '6'));
  const batch = Number(argument('--batch', '20'));
  // Each table is printed as soon as it is measured.
  const out = { push: (...lines: string[]) => console.log(lines.join('\n')) };
  const measured: { name: string; data: PoolData; planted: boolean }[] = [];
  for (const [name, dir] of datasets) {
    const { lines, data } = await measureDataset(name, dir, originals);
    out.push(...lines, '');
    measured.push({ name: `${name} + copies`, data, planted: true });
  }
  const pbc = measured[1]?.data as PoolData;
  const pbcOriginals = pbc.photos.map((p, row) => ({ p, row })).filter(({ p }) => p.transform === null).map(({ row }) => row);
  const pick = (m: FeatureMatrix): FeatureMatrix => {
    const data = new Float32Array(pbcOriginals.length * m.cols);
    pbcOriginals.forEach((row, k) => data.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), k * m.cols));
    return createFeatureMatrix(data, pbcOriginals.length, m.cols);
  };
  const side = pbc.codes.thumbnails instanceof Uint8Array ? pbc.codes.thumbnails.length / pbc.photos.length : 0;
  const pbcAlone: PoolData = {
    ...pbc,
    photos: pbcOriginals.map((row) => pbc.photos[row] as Photo),
    featuresA: pick(pbc.featuresA),
    featuresB: pick(pbc.featuresB),
    sourceProbabilities: pick(pbc.sourceProbabilities),
    codes: {
      words: Uint32Array.from(pbcOriginals.flatMap((row) => [pbc.codes.words[2 * row] as number, pbc.codes.words[2 * row + 1] as number])),
      known: Uint8Array.from(pbcOriginals.map((row) => pbc.codes.known[row] as number)),
      thumbnails: Uint8Array.from(pbcOriginals.flatMap((row) => [...(pbc.codes.thumbnails as Uint8Array).subarray(row * side, (row + 1) * side)])),
    },
  };
  process.stderr.write('MNIST pool...\n');
  const mnist = await poolData('mnist-5000', await plant('mnist-5000', mnistDir, 0), join(repoRoot, 'resources', 'starter'));
  if (!process.argv.includes('--no-mnist-pairs')) out.push(...mnistPairs(mnist), '');
  out.push(...(await batchTable([...measured, { name: 'MNIST 5,000 (no copies)', data: mnist, planted: false }, { name: 'pbc-blood-cells alone (no copies)', data: pbcAlone, planted: false }], rounds, batch)), '');
  out.push('| pool rows | dims | all pairs (`pairs`) | pairs found | more like this (one row) |', '|---|---|---|---|---|');
  for (const n of process.argv.includes('--big') ? [10_000, 100_000] : [10_000]) {
    process.stderr.write(`timing all pairs at ${n} rows...\n`);
    out.push(syntheticTiming(n));
  }
}

await main();
