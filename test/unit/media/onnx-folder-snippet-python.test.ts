/**
 * The model card of a classifier adapted on an ONNX model folder shows the same Python as the
 * main export's card (onnxSnippets, model-card.ts): run as the card gives it, on an image with
 * transparency, with and without a Display P3 colour profile (RGBA or palette), it feeds model.onnx what ADMA
 * Studio's decode gives that model (the profile applied, transparency onto white, the app's resize). Its own snippet before put transparent pixels' hidden colour in
 * (RGBA converted to RGB), read a fixed "photo.jpg" and resized with Pillow's defaults; the shared
 * snippet's to_srgb skipped the profile of an RGBA or palette image, which the app applies.
 *
 * Python is /usr/bin/python3 (or python3) with numpy and Pillow; onnxruntime is a stub module on
 * PYTHONPATH that records the feed, so the snippet runs unchanged without ONNX Runtime for
 * Python. Skipped, saying so, where no such Python is found.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { LayerNames } from '../../../src-shared/contract';
import { ONNX_FILE, ONNX_INPUT, ONNX_OUTPUT } from '../../../src-main/engine/export/export-onnx';
import { onnxSnippets } from '../../../src-main/engine/export/model-card';
import { loadAnyModelFolder } from '../../../src-main/engine/model/load-model';
import { exportOnnxFolderClassifier } from '../../../src-main/engine/onnx/onnx-folder-export';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { FILTERS, SIZE, tinyClassifier } from '../../support/tiny-onnx';
import { tempDir } from '../../support/image-folder';
import { pythonWithPillow } from '../../support/snippet-check';

const python = pythonWithPillow();
const dir = tempDir('adma-onnx-folder-snippet-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const LAYERS: LayerNames = { layerA: 'relu', layerB: 'flat', softmaxLayer: 'probs', cutLayer: 'gap' };

/** onnxruntime for the snippet: the session writes what it was fed (and from which file) to $ADMA_FEED. */
const STUB = [
  'import json, os',
  'import numpy as np',
  '',
  'class InferenceSession:',
  '    def __init__(self, file):',
  '        self.file = file',
  '',
  '    def run(self, outputs, feeds):',
  '        (name, x), = feeds.items()',
  '        with open(os.environ["ADMA_FEED"], "w") as out:',
  '            json.dump({"file": self.file, "exists": os.path.exists(self.file), "outputs": outputs, "input": name, "dtype": str(x.dtype), "shape": list(x.shape), "pixels": x.ravel().tolist()}, out)',
  '        return [np.full((x.shape[0], 2), 0.5, dtype=np.float32)]',
].join('\n');

/**
 * 30x20, colours over an alpha ramp: fully transparent (hidden colour black) on the left, opaque on the right.
 * With `profile` 'p3', its colours are stored in Display P3 with that profile embedded (sharp's own copy),
 * as a phone's or a Mac's screenshot is: read as sRGB they come out up to 14 of 255 off the app's. With
 * `palette`, stored as a palette PNG (its transparency in the palette), as pngquant and the like write one.
 */
async function transparentPng(profile?: 'p3', palette = false): Promise<Buffer> {
  const width = 30;
  const height = 20;
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const alpha = x < 10 ? 0 : Math.min(255, (x - 10) * 13);
      rgba.set(alpha === 0 ? [0, 0, 0, 0] : [40 + x * 5, 200 - y * 6, 90, alpha], i);
    }
  }
  const png = sharp(rgba, { raw: { width, height, channels: 4 } });
  return (profile === undefined ? png : png.withIccProfile(profile)).png({ palette }).toBuffer();
}

const pythonBlock = (card: string): string => {
  const block = /### Python, ONNX Runtime\n\n```python\n([\s\S]*?)\n```/.exec(card)?.[1];
  expect(block, 'the card has a Python ONNX Runtime snippet').toBeDefined();
  return block as string;
};

describe.skipIf(python === null)(`the ONNX-folder model card's Python${python === null ? ' (skipped: no python3 with numpy and Pillow)' : ''}`, () => {
  it.each(['center-crop', 'squash'] as const)("is the main export's snippet, and feeds model.onnx the app's pixels of a transparent image, with a Display P3 profile too, RGBA or palette (%s)", async (resize) => {
    const modelDir = path.join(dir, `model-${resize}`);
    fs.mkdirSync(modelDir, { recursive: true });
    fs.writeFileSync(path.join(modelDir, 'tiny.onnx'), tinyClassifier('NCHW'));
    const loaded = await loadAnyModelFolder(modelDir, { layers: LAYERS, resize });
    if (!loaded.onnx) throw new Error('the tiny ONNX folder did not load as an ONNX model');
    const outDir = path.join(dir, `export-${resize}`);
    await exportOnnxFolderClassifier({
      folder: loaded.onnx,
      descriptor: loaded.descriptor,
      head: { mode: 'light', classes: ['ant', 'bee'], inputShape: [FILTERS], block: null, dense: { kernel: new Float32Array(FILTERS * 2), bias: new Float32Array(2) } },
      outDir,
      labelCounts: [1, 1],
      backend: 'test',
    });
    const snippet = pythonBlock(fs.readFileSync(path.join(outDir, 'MODEL_CARD.md'), 'utf8'));
    // One piece of code: the main export's Python for this model, word for word.
    expect(snippet).toBe(onnxSnippets(loaded.descriptor, ONNX_FILE).pythonOnnx);

    const image = path.join(dir, `transparent-${resize}.png`);
    fs.writeFileSync(image, await transparentPng());
    // The old snippet opened "photo.jpg" in the folder it ran in: given the same image, so it is judged on its pixels.
    fs.copyFileSync(image, path.join(outDir, 'photo.jpg'));
    // With a Display P3 profile too, in RGBA and as a palette: the app converts the colour of an image with
    // transparency through its profile (the snippet before skipped RGBA and palette images: 10 to 14 of 255 off).
    const p3 = path.join(dir, `transparent-p3-${resize}.png`);
    fs.writeFileSync(p3, await transparentPng('p3'));
    const p3Palette = path.join(dir, `transparent-p3-palette-${resize}.png`);
    fs.writeFileSync(p3Palette, await transparentPng('p3', true));
    const stubDir = path.join(dir, `stub-${resize}`);
    fs.mkdirSync(stubDir, { recursive: true });
    fs.writeFileSync(path.join(stubDir, 'onnxruntime.py'), STUB);
    fs.writeFileSync(path.join(outDir, 'predict.py'), snippet);
    for (const file of [image, p3, p3Palette]) {
      const feedFile = path.join(dir, `feed-${path.basename(file)}.json`);
      execFileSync(python as string, ['predict.py', file], { cwd: outDir, env: { ...process.env, PYTHONPATH: stubDir, ADMA_FEED: feedFile }, encoding: 'utf8' });
      const feed = JSON.parse(fs.readFileSync(feedFile, 'utf8')) as { file: string; exists: boolean; outputs: string[]; input: string; dtype: string; shape: number[]; pixels: number[] };
      expect(feed).toMatchObject({ file: ONNX_FILE, exists: true, outputs: [ONNX_OUTPUT], input: ONNX_INPUT, dtype: 'float32', shape: [1, SIZE, SIZE, 3] });

      const app = await decodeImage(file, { width: SIZE, height: SIZE, channels: 3, resize });
      let max = 0;
      feed.pixels.forEach((v, i) => (max = Math.max(max, Math.abs(v - (app[i] as number)))));
      expect(max, `${path.basename(file)}: largest difference from the app, of 255`).toBeLessThanOrEqual(3);
    }
  });
});
