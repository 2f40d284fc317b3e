/**
 * What a very large 16-bit image costs each of its decodes: time and peak memory.
 * `npx tsx bench/high-bit-depth-large.bench.ts [--size 8000] [--channels 3] [--dir /tmp/adma-large-16bit]`
 *
 * A 12-bit image (gradient, blobs, noise) in a 16-bit LZW TIFF of `size` x `size` (written once
 * into `dir`, kept for the next run), decoded from its bytes as the app decodes it for each use:
 * the gallery thumbnail (media cache), the 1280 rendition, the original re-encoded for the zoom,
 * the perceptual codes, and the model's 224 x 224 input. Each in a process of its own, so that
 * its peak resident memory (maxRSS, which includes the file's bytes read, ~size² x channels x 2)
 * is that decode's alone; sharp's own threads as the app runs them (libvips's default).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '8000' },
    channels: { type: 'string', default: '3' },
    dir: { type: 'string', default: path.join(os.tmpdir(), 'adma-large-16bit') },
    child: { type: 'string' },
    file: { type: 'string' },
  },
});

const USES = ['thumbnail', 'rendition 1280', 'zoom (full, PNG)', 'perceptual codes', 'model input 224'] as const;
type Use = (typeof USES)[number];

/** One decode of `bytes` for `use`, as the app makes it. */
async function decodeFor(use: Use, bytes: Buffer): Promise<string> {
  const { decodeOriginal, rawPixels, thumbnailPixels } = await import('../src-main/media/media-cache');
  const { decodeEightBit } = await import('../src-main/media/high-bit-depth');
  const { codesOfImage } = await import('../src-main/engine/features/difference-hash');
  const { decodeImage } = await import('../src-main/engine/preprocess/decode-image');
  switch (use) {
    case 'thumbnail':
      return `${(await thumbnailPixels(await decodeOriginal(bytes, 256))).data.length} bytes`;
    case 'rendition 1280': {
      const { info } = await rawPixels((await decodeOriginal(bytes, 1280)).resize(1280, 1280, { fit: 'inside', withoutEnlargement: true }));
      return `${info.width}x${info.height}`;
    }
    case 'zoom (full, PNG)':
      return `${(await (await decodeEightBit(bytes, { animated: false })).png().toBuffer()).length} bytes`;
    case 'perceptual codes':
      return `${(await codesOfImage(bytes)).words.join(',')}`;
    case 'model input 224':
      return `${(await decodeImage(bytes, { width: 224, height: 224, channels: 3, resize: 'center-crop' })).length} bytes`;
  }
}

/** 12-bit values: a gradient, bright blobs, noise; `channels` alike but for a tint (as in high-bit-depth.bench.ts). */
function microscopeLike(side: number, channels: number): Uint16Array {
  const out = new Uint16Array(side * side * channels);
  let state = 2654435761;
  const random = (): number => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const blobs = Array.from({ length: 40 }, () => ({ x: random() * side, y: random() * side, r: side / 100 + (random() * side) / 25 }));
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let v = 300 + (x / side) * 600 + random() * 120;
      for (const b of blobs) if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.r ** 2) v += 1500;
      for (let c = 0; c < channels; c++) out[(y * side + x) * channels + c] = Math.min(4095, Math.round(v * (1 - 0.2 * c)));
    }
  }
  return out;
}

async function child(use: Use, file: string): Promise<void> {
  const bytes = fs.readFileSync(file);
  const started = performance.now();
  const cpu = process.cpuUsage();
  let result: string;
  try {
    result = await decodeFor(use, bytes);
  } catch (error) {
    result = `error: ${(error as Error).message.split('\n')[0]}`;
  }
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ result, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const side = Number(values.size);
  const channels = Number(values.channels);
  fs.mkdirSync(values.dir, { recursive: true });
  const file = path.join(values.dir, `${side}-${channels}.tif`);
  if (!fs.existsSync(file)) {
    const pixels = microscopeLike(side, channels);
    await sharp(pixels, { raw: { width: side, height: side, channels: channels as 1 | 3 } })
      .toColourspace(channels === 1 ? 'grey16' : 'rgb16')
      .tiff({ compression: 'lzw' })
      .toFile(file);
  }
  const mb = (fs.statSync(file).size / 2 ** 20).toFixed(0);
  console.log(`${side}x${side} 16-bit ${channels === 1 ? 'grey' : 'RGB'} LZW TIFF (${mb} MB; raw ${((side * side * channels * 2) / 2 ** 20).toFixed(0)} MB), load ${os.loadavg()[0]!.toFixed(1)}`);
  for (const use of USES) {
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', use, '--file', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const { result, wallMs, cpuMs, maxRssMB } = JSON.parse(out.trim().split('\n').pop()!) as { result: string; wallMs: number; cpuMs: number; maxRssMB: number };
    console.log(`${use}: ${wallMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU, peak RSS ${maxRssMB.toFixed(0)} MB (${result.slice(0, 80)})`);
  }
}

if (values.child !== undefined) await child(values.child as Use, values.file as string);
else await main();
