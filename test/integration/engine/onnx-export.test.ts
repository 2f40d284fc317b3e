/**
 * The exported model.onnx (pixels → class probabilities, adapted head included) loaded with
 * onnxruntime-node in a fresh process, against the exported TF.js model on real photos; and
 * the model card's loading snippets, run as written (Node TF.js and ONNX Runtime).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { exportClassifier } from '../../../src-main/engine/export/export-classifier';
import { loadingSnippets } from '../../../src-main/engine/export/model-card';
import { loadModelFolder, buildModelFromFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import type { HeadWeights } from '../../../src-main/engine/train/head-weights';
import { readTopBlock } from '../../../src-main/engine/train/top-block';
import { sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

const run = promisify(execFile);
const LOADER = join(import.meta.dirname, 'load-onnx-export.mjs');
const NODE_MODULES = resolve(import.meta.dirname, '../../../node_modules');
const present = hasMobileNet025 && hasHymenopteraVal;

let work: string;
let loaded: TfLoadedModel;
beforeAll(async () => {
  await initBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'adma-onnx-export-'));
  // Snippets import @tensorflow/tfjs, onnxruntime-node and sharp as a user's script would.
  symlinkSync(NODE_MODULES, join(work, 'node_modules'), 'dir');
  if (present) loaded = await loadModelFolder(MOBILENET_025_DIR);
});
afterAll(() => {
  loaded?.dispose();
  rmSync(work, { recursive: true, force: true });
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** A head with seeded random weights (what training produces does not matter here). */
function head(mode: 'light' | 'deep'): HeadWeights {
  const random = (n: number, seed: number): Float32Array => tf.tidy(() => tf.randomNormal([n], 0, 0.1, 'float32', seed).dataSync() as Float32Array);
  const d = loaded.descriptor;
  if (mode === 'light') return { mode, classes: ['ants', 'bees'], inputShape: [256], block: null, dense: { kernel: random(512, 1), bias: random(2, 2) } };
  const block = readTopBlock(loaded.model, d.cutLayer, d.layerB);
  return { mode, classes: ['ants', 'bees'], inputShape: [7, 7, 256], block, dense: { kernel: random(block.outChannels * 2, 3), bias: random(2, 4) } };
}

/** The TF.js export's probabilities for 0..255 pixels, loaded from its folder. */
async function tfjsExportPredictions(dir: string, pixels: Float32Array, n: number): Promise<Float32Array> {
  const { model } = await buildModelFromFolder(dir);
  const { scale, offset } = loaded.descriptor.normalization;
  try {
    return tf.tidy(() => (model.predict(tf.tensor4d(pixels, [n, 224, 224, 3]).mul(scale).add(offset)) as tf.Tensor).dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

/** How far the browser snippet's probabilities may be from the app's (measured: see bench/README.md, 'The exported snippets' resize'). */
const BROWSER_TOLERANCE = 0.01;

/**
 * Runs the model card's browser snippet as written, in Chromium (the e2e suite's), in a page served from
 * the export folder with @tensorflow/tfjs as an ES module: the probabilities of each photo, flattened.
 */
async function browserPredictions(dir: string, snippet: string, photos: string[]): Promise<number[]> {
  const page = '<!doctype html><script type="importmap">{"imports":{"@tensorflow/tfjs":"/tfjs.mjs"}}</script><script type="module" src="/snippet.mjs"></script>';
  const files: Record<string, [string, Buffer | string]> = {
    '/': ['text/html', page],
    '/tfjs.mjs': ['text/javascript', readFileSync(join(NODE_MODULES, '@tensorflow/tfjs/dist/tf.fesm.js'))],
    '/snippet.mjs': ['text/javascript', `${snippet}\nwindow.predict = predict;`],
  };
  const server = createServer((request, response) => {
    const url = decodeURIComponent((request.url ?? '/').split('?')[0] as string);
    const photo = url.startsWith('/photo/') ? photos[Number(url.slice(7))] : undefined;
    const local = join(dir, url.slice(1));
    const [type, body] = files[url] ?? (photo ? ['image/jpeg', readFileSync(photo)] : existsSync(local) ? ['application/octet-stream', readFileSync(local)] : ['text/plain', '']);
    response.statusCode = body === '' ? 404 : 200;
    response.setHeader('content-type', type);
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await tab.waitForFunction(() => 'predict' in window);
    return await tab.evaluate(async (count) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const image = new Image();
        image.src = `/photo/${i}`;
        await image.decode();
        out.push(...Object.values((window as unknown as { predict: (image: HTMLImageElement) => Record<string, number> }).predict(image)));
      }
      return out;
    }, photos.length);
  } finally {
    await browser.close();
    server.close();
  }
}

describe.skipIf(!present)(`ONNX export of MobileNet v1 0.25 with an adapted head${present ? '' : ` (${MISSING_MODEL_REASON})`}`, () => {
  for (const mode of ['light', 'deep'] as const) {
    it(`${mode}: model.onnx in a fresh onnxruntime-node process matches the TF.js export on real photos (≤ 1e-4), and the card's snippets run`, async () => {
      const dir = join(work, mode);
      const result = await exportClassifier({ source: loaded.model, descriptor: loaded.descriptor, head: head(mode), outDir: dir, labelCounts: [3, 4], backend: 'test' });
      expect(result.onnx).toMatchObject({ file: 'model.onnx' });
      expect(result.files).toContain('model.onnx');
      const spec = JSON.parse(readFileSync(join(dir, 'preprocessing.json'), 'utf8')) as { onnx: { input: { name: string; shape: unknown[] }; output: { name: string } } };
      expect(spec.onnx).toMatchObject({ input: { name: 'pixels', shape: [null, 224, 224, 3], layout: 'NHWC' }, output: { name: 'probabilities' } });

      const photos = hymenopteraValPhotos();
      const chosen = [...photos.slice(0, 6), ...photos.slice(-6)].map((p) => p.path);
      const target = { ...loaded.descriptor.input, resize: loaded.descriptor.resize };
      const decoded = await Promise.all(chosen.map((path) => decodeImage(path, target)));
      const pixels = new Float32Array(decoded.length * 224 * 224 * 3);
      decoded.forEach((d, i) => pixels.set(d, i * d.length));
      const pixelsPath = join(work, `${mode}-pixels.f32`);
      writeFileSync(pixelsPath, new Uint8Array(pixels.buffer));

      const { stdout } = await run(process.execPath, [LOADER, dir, pixelsPath, String(chosen.length)], { maxBuffer: 16 * 1024 * 1024 });
      const fresh = JSON.parse(stdout) as { inputNames: string[]; outputNames: string[]; dims: number[]; probabilities: number[] };
      expect(fresh.inputNames).toEqual(['pixels']);
      expect(fresh.outputNames).toEqual(['probabilities']);
      expect(fresh.dims).toEqual([chosen.length, 2]);
      const reference = await tfjsExportPredictions(dir, pixels, chosen.length);
      const diff = maxAbsDiff(fresh.probabilities, reference);
      console.log(`${mode}: model.onnx (onnxruntime-node, fresh process) vs TF.js export (wasm), ${chosen.length} photos: max abs difference ${diff}`);
      expect(diff).toBeLessThanOrEqual(1e-4);

      // The card's Node snippets, run as a user would in the export folder, on one photo.
      const card = readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8');
      const snippets = loadingSnippets(loaded.descriptor, result.onnx);
      for (const code of [snippets.nodeTfjs, snippets.nodeOnnx, snippets.browserTfjs, snippets.pythonOnnx]) expect(card).toContain(code as string);
      // And on a 12-bit microscope-like image in a 16-bit TIFF: the snippets stretch it as the app does.
      const deep = join(work, `${mode}-cells.tif`);
      writeFileSync(deep, await sixteenBit(Uint16Array.from(twelveBitGradient(300, 200), (v, i) => Math.max(0, v + ((i * 7919) % 97) - 48)), 300, 200, 'tiff'));
      const deepReference = await tfjsExportPredictions(dir, Float32Array.from(await decodeImage(deep, target)), 1);
      for (const [name, code] of [['predict-tfjs.mjs', snippets.nodeTfjs], ['predict-onnx.mjs', snippets.nodeOnnx as string]] as const) {
        writeFileSync(join(dir, name), code);
        for (const [image, expected] of [[chosen[0] as string, reference.subarray(0, 2)], [deep, deepReference]] as const) {
          const printed = JSON.parse((await run(process.execPath, [name, image], { cwd: dir })).stdout) as Record<string, number>;
          expect(Object.keys(printed)).toEqual(['ants', 'bees']);
          expect(maxAbsDiff([printed.ants as number, printed.bees as number], expected), `${name} ${image}`).toBeLessThanOrEqual(1e-4);
        }
      }

      // The browser snippet, in Chromium, on the 12 photos: its JavaScript resize against the app's pixels.
      const browser = await browserPredictions(dir, snippets.browserTfjs, chosen);
      const worst = maxAbsDiff(browser, reference);
      console.log(`${mode}: the card's browser snippet (Chromium) vs the app's input, ${chosen.length} photos: max probability difference ${worst}`);
      for (let i = 0; i < chosen.length; i++) {
        const [a, b] = [browser[2 * i] as number, browser[2 * i + 1] as number];
        const [ra, rb] = [reference[2 * i] as number, reference[2 * i + 1] as number];
        expect(a > b, `top class of ${chosen[i]}`).toBe(ra > rb);
      }
      expect(worst).toBeLessThanOrEqual(BROWSER_TOLERANCE);
    });
  }
});
