/**
 * The model card's Python (PYTHON_EIGHT_BIT, Pillow and numpy) gives a 16-bit, 32-bit signed or
 * float grey image the same 8-bit pixels as ADMA Studio's decode, byte for byte (Pillow opens no
 * float or 32-bit colour TIFF and reads 32-bit unsigned as signed: the snippet says so), so an exported model gets the input it was
 * trained on. Run where a Python with numpy and Pillow is found (Debian: python3-numpy and
 * python3-pil), skipped, saying so, elsewhere. The Node snippets are run in onnx-export.test.ts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON_EIGHT_BIT } from '../../../src-main/engine/export/model-card';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { decodeEightBit } from '../../../src-main/media/high-bit-depth';
import { deepTiff, sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { blockPng, RESIZE_SIZES } from '../../support/block-images';
import { tempDir } from '../../support/image-folder';
import { byteDifference, pythonSnippetInputs, pythonWithPillow } from '../../support/snippet-check';
import { SHARED_DIR } from '../../integration/engine/shared-material';

const python = pythonWithPillow();
const dir = tempDir('adma-16bit-python-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(python === null)(`the model card's Python 16-bit rule${python === null ? ' (skipped: no python3 with numpy and Pillow)' : ''}`, () => {
  it('gives the bytes ADMA Studio decodes, for 12-bit PNG and TIFF, float and 32-bit TIFF, hot pixels, NaN, a sampled grid, nearly constant and constant images', async () => {
    const sparse = new Uint16Array(300 * 200).fill(100);
    for (const i of [10, 1000, 20000]) sparse[i] = 3000;
    // Noise, so that the percentiles fall between two values (the interpolation is exercised);
    // 700 wide: every 3rd row and column sampled. (Not an EXIF-turned image: sharp writes the
    // orientation only with a colour profile, i.e. as 16-bit RGB, which Pillow reads as 8-bit.)
    const noisy = Uint16Array.from(twelveBitGradient(700, 500), (v, i) => Math.max(0, v + ((i * 7919) % 97) - 48));
    const images: Record<string, Buffer> = {
      'gradient.png': await sixteenBit(twelveBitGradient(256, 64, [5, 300, 9000]), 256, 64, 'png'),
      'noisy.tif': await sixteenBit(noisy, 700, 500, 'tiff'),
      'sparse.png': await sixteenBit(sparse, 300, 200, 'png'),
      'constant.tif': await sixteenBit(new Uint16Array(40 * 30).fill(1000), 40, 30, 'tiff'),
      // ImageJ's float TIFF: values below 0 and in 0..0.3, NaN (missing data) and infinities.
      'float.tif': deepTiff(
        Float32Array.from(noisy, (v, i) => (i % 997 === 0 ? [NaN, Infinity, -Infinity][i % 3]! : (v - 300) / 13000)),
        700,
        500,
      ),
      'int32.tif': deepTiff(Int32Array.from(noisy, (v) => v * 4099 - 3_000_000 + 2 ** 24), 700, 500),
      'int32-constant.tif': deepTiff(new Int32Array(40 * 30).fill(2 ** 29), 40, 30),
      'float-constant.tif': deepTiff(new Float32Array(40 * 30).fill(0.25), 40, 30),
      'eight-bit.png': await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 90, g: 90, b: 90 } } }).toColourspace('b-w').png().toBuffer(),
    };
    const script = [
      'import base64, json, sys',
      'import numpy as np',
      'from PIL import Image, ImageOps',
      '',
      PYTHON_EIGHT_BIT,
      '',
      'out = {}',
      'for file in sys.argv[1:]:',
      '    image = eight_bit(Image.open(file)).convert("L")',
      '    out[file] = [image.width, image.height, base64.b64encode(image.tobytes()).decode()]',
      'print(json.dumps(out))',
    ].join('\n');
    const files = Object.entries(images).map(([name, bytes]) => {
      fs.writeFileSync(path.join(dir, name), bytes);
      return path.join(dir, name);
    });
    fs.writeFileSync(path.join(dir, 'rule.py'), script);
    const printed = JSON.parse(execFileSync(python as string, [path.join(dir, 'rule.py'), ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<string, [number, number, string]>;
    for (const file of files) {
      const { data, info } = await (await decodeEightBit(fs.readFileSync(file))).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      const [width, height, pixels] = printed[file] as [number, number, string];
      expect([width, height], path.basename(file)).toEqual([info.width, info.height]);
      expect(Buffer.from(pixels, 'base64').equals(data), path.basename(file)).toBe(true);
    }
  });
});

/**
 * Real photos: blood cells (360x363: shrunk 1.6x); hymenoptera with a Generic RGB and a Nikon profile, one
 * 1488x1984 (a JPEG libvips decodes at 1/4), one 500x181 (enlarged vertically by the centre-crop; squashed,
 * its width shrunk and its height enlarged).
 */
const PHOTOS = [
  'pbc-blood-cells/eosinophil/EO_108089.jpg',
  'pbc-blood-cells/eosinophil/EO_11818.jpg',
  'pbc-blood-cells/platelet/PLATELET_100790.jpg',
  'pbc-blood-cells/platelet/PLATELET_106165.jpg',
  'hymenoptera/val/ants/94999827_36895faade.jpg',
  'hymenoptera/train/bees/1691282715_0addfdf5e8.jpg',
  'hymenoptera/train/ants/Nepenthes_rafflesiana_ant.jpg',
  'hymenoptera/train/ants/6240338_93729615ec.jpg',
].map((file) => path.join(SHARED_DIR, 'data', file));
const photosPresent = PHOTOS.every((f) => fs.existsSync(f));

const pythonInputs = (files: readonly string[]): Record<string, Buffer> => pythonSnippetInputs(python as string, files, dir);

describe.skipIf(python === null)(`the model card's Python resize and grey${python === null ? ' (skipped: no python3 with numpy and Pillow)' : ''}`, () => {
  it("gives the app's 224x224 input within 3 of 255 on every path of libvips' resize, one axis enlarged and the other shrunk or kept included (squash 500x146: up to 109 off before); a 1-channel model's grey too (Pillow's L before the resize: up to 71 off)", async () => {
    const files: string[] = [];
    for (const [width, height] of RESIZE_SIZES) {
      const file = path.join(dir, `blocks-${width}x${height}.png`);
      fs.writeFileSync(file, await blockPng(width, height));
      files.push(file);
    }
    const mine = pythonInputs(files);
    for (const file of files) {
      for (const resize of ['squash', 'center-crop'] as const) {
        for (const channels of [3, 1] as const) {
          const { max, mean } = byteDifference(mine[`${file} ${resize} ${channels}`] as Buffer, await decodeImage(file, { width: 224, height: 224, channels, resize }));
          const what = `${path.basename(file)} ${resize}, ${channels} channel${channels === 1 ? '' : 's'}`;
          expect(max, `${what}: largest difference`).toBeLessThanOrEqual(3);
          expect(mean, `${what}: mean difference`).toBeLessThanOrEqual(0.25);
        }
      }
    }
  });
});

describe.skipIf(python === null || !photosPresent)(`the model card's Python resize on photos${python === null ? ' (skipped: no python3 with numpy and Pillow)' : photosPresent ? '' : ' (skipped: shared photos absent)'}`, () => {
  it("gives the app's 224x224 input to rounding on real photos, centre-crop and squash, 3 and 1 channels (the old bilinear ImageOps.fit was 30-130 off)", async () => {
    const mine = pythonInputs(PHOTOS);
    for (const resize of ['squash', 'center-crop'] as const) {
      for (const channels of [3, 1] as const) {
        let worst = 0;
        let total = 0;
        for (const file of PHOTOS) {
          const { max, mean } = byteDifference(mine[`${file} ${resize} ${channels}`] as Buffer, await decodeImage(file, { width: 224, height: 224, channels, resize }));
          expect(mean, `${resize} ${channels} ${path.basename(file)}: mean difference`).toBeLessThanOrEqual(0.35);
          worst = Math.max(worst, max);
          total += mean;
        }
        console.log(`${resize}, ${channels} channel(s): the card's Python input vs the app's on ${PHOTOS.length} photos: max ${worst}, mean ${(total / PHOTOS.length).toFixed(3)} of 255`);
        expect(worst, `${resize} ${channels}`).toBeLessThanOrEqual(4);
      }
    }
  });
});
