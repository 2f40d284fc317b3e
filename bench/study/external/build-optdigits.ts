/**
 * Builds the study's optdigits set (a data set outside ../shared; see README.md beside this
 * file): the 1,797 8x8 grey scans of UCI "Optical Recognition of Handwritten Digits" as
 * Debian's python3-sklearn ships them (sklearn/datasets/data/digits.csv.gz: 64 pixel counts
 * 0..16 then the digit, one scan a row), each scaled to 0..255 (ink bright on black, as MNIST),
 * upscaled bilinearly (sharp's 'linear' kernel) to 64x64 and written as a PNG into a folder
 * per digit: <out>/<digit>/optdigits-<row>.png. Not part of npm test or .ci/run.
 *
 *   npx tsx bench/study/external/build-optdigits.ts [--csv <digits.csv.gz>] [--out bench/.work/external/optdigits]
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { writeLabelledImages, type LabelledImage } from '../../../src-main/engine/starter/labelled-image-files';
import { ROOT } from '../study-settings';

const SKLEARN_DIGITS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';
const SCAN_SIDE = 8;
const MAX_COUNT = 16;
const SIDE = 64;

const { values } = parseArgs({ options: { csv: { type: 'string' }, out: { type: 'string' } } });
const csv = values.csv ?? SKLEARN_DIGITS;
const out = resolve(values.out ?? `${ROOT}/bench/.work/external/optdigits`);
if (!existsSync(csv)) throw new Error(`${csv} is absent: install Debian's python3-sklearn (apt-get install python3-sklearn) or pass --csv.`);
if (existsSync(out)) {
  console.log(`${out} exists; delete it to build it again.`);
  process.exit(0);
}
const rows = (parse(gunzipSync(readFileSync(csv)).toString('utf8')) as string[][]).map((row) => row.map(Number));
const images: LabelledImage[] = [];
for (const [index, row] of rows.entries()) {
  const counts = row.slice(0, SCAN_SIDE * SCAN_SIDE);
  const digit = row[SCAN_SIDE * SCAN_SIDE];
  if (row.length !== SCAN_SIDE * SCAN_SIDE + 1 || counts.some((c) => !Number.isInteger(c) || c < 0 || c > MAX_COUNT) || !Number.isInteger(digit) || (digit as number) < 0 || (digit as number) > 9) {
    throw new Error(`${csv}, row ${index + 1}: expected 64 counts 0..${MAX_COUNT} and a digit 0..9.`);
  }
  const scan = Buffer.from(counts.map((c) => Math.round((255 * c) / MAX_COUNT)));
  const pixels = await sharp(scan, { raw: { width: SCAN_SIDE, height: SCAN_SIDE, channels: 1 } })
    .resize(SIDE, SIDE, { kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  images.push({ file: `optdigits-${String(index).padStart(4, '0')}.png`, label: String(digit), image: { width: SIDE, height: SIDE, pixels: new Uint8Array(pixels) } });
}
await writeLabelledImages(out, images, 'image-folder');
const perClass = new Map<string, number>();
for (const image of images) perClass.set(image.label, (perClass.get(image.label) ?? 0) + 1);
console.log(`wrote ${images.length} digits (${SIDE}x${SIDE}, bilinear) to ${out}; per class: ${[...perClass].sort().map(([d, n]) => `${d}: ${n}`).join(', ')}`);
