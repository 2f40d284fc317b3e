/**
 * How far the model card's Python and browser snippets' input is from the app's (decode-image.ts,
 * sharp): the 224 x 224 pixels of each image, squash and centre-crop, for a 3-channel and a 1-channel
 * model. `npx tsx bench/snippet-resize.bench.ts [folder…]` (default: the shared hymenoptera val photos);
 * block images of every path of libvips' resize are always added (test/support/block-images.ts).
 *
 * Python: the snippet's code as the ONNX snippet runs it (shrink_on_load, EXIF, profile, resize_like_sharp,
 * grey_like_sharp), where a python3 with numpy and Pillow is found. Browser: BROWSER_RESIZE and BROWSER_GREY
 * in Node on sharp's own decode (oriented, sRGB) standing for fromPixels(image, 3): it cannot redo libvips'
 * shrink-on-load of a JPEG over 3x the input (bench/README.md). Prints, per snippet, mode and channels, the
 * largest and mean difference of 255 over all images, and the worst image.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../src-main/engine/preprocess/decode-image';
import { blockPng, RESIZE_SIZES } from '../test/support/block-images';
import { browserSnippet, byteDifference, pythonSnippetInputs, pythonWithPillow } from '../test/support/snippet-check';

const shared = process.env.ADMA_SHARED_DIR ?? path.resolve(import.meta.dirname, '../../shared');
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [path.join(shared, 'data/hymenoptera/val')];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'adma-snippet-resize-'));

const files: string[] = [];
for (const [width, height] of RESIZE_SIZES) {
  const file = path.join(work, `blocks-${width}x${height}.png`);
  fs.writeFileSync(file, await blockPng(width, height));
  files.push(file);
}
const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /\.(jpe?g|png)$/i.test(e.name) ? [path.join(dir, e.name)] : []));
for (const folder of folders) if (fs.existsSync(folder)) files.push(...walk(folder).sort());

const browser = browserSnippet();
const pythonExe = pythonWithPillow();
const fromPython = pythonExe === null ? null : pythonSnippetInputs(pythonExe, files, work);
if (fromPython === null) console.log('Python: no python3 with numpy and Pillow; browser snippet only');
const worst: Record<string, { max: number; sum: number; n: number; file: string }> = {};
const add = (key: string, mine: Uint8Array, app: Uint8Array, file: string): void => {
  const { max, mean } = byteDifference(mine, app);
  const w = (worst[key] ??= { max: 0, sum: 0, n: 0, file: '' });
  if (max > w.max) Object.assign(w, { max, file: path.basename(file) });
  w.sum += mean;
  w.n += 1;
};
for (const file of files) {
  const { data, info } = await sharp(file).rotate().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  for (const resize of ['squash', 'center-crop'] as const) {
    const rgb = browser.resizeLikeSharp(new Uint8Array(data), info.width, info.height, info.channels, 224, 224, resize === 'center-crop');
    for (const channels of [3, 1] as const) {
      const app = await decodeImage(file, { width: 224, height: 224, channels, resize });
      const set = path.basename(file).startsWith('blocks-') ? 'blocks' : 'photos';
      add(`browser ${set} ${resize} ${channels}`, channels === 1 ? browser.greyLikeSharp(rgb) : rgb, app, file);
      if (fromPython) add(`python  ${set} ${resize} ${channels}`, fromPython[`${file} ${resize} ${channels}`] as Buffer, app, file);
    }
  }
}
console.log(`${files.length} images (${RESIZE_SIZES.length} block images; photos from ${folders.join(', ')})`);
for (const [key, { max, sum, n, file }] of Object.entries(worst).sort()) console.log(`${key} ch: max ${max} (${file}), mean ${(sum / n).toFixed(3)} of 255 over ${n}`);
fs.rmSync(work, { recursive: true, force: true });
