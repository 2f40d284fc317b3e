/**
 * What stretching a 16-bit image by its levels (media/high-bit-depth.ts) adds to its decode.
 * `npx tsx bench/high-bit-depth.bench.ts [--size 2048] [--images 8] [--rounds 3]`
 *
 * A 12-bit microscope-like image (noise over a gradient and blobs) in a 16-bit grayscale TIFF
 * (LZW) and the same in 16-bit RGB; an 8-bit JPEG of the same size for the cost of the check
 * alone. Per image, alternating old and new: its 1280 px rendition (JPEG) from its bytes, as the
 * media cache renders it — before: sharp's decode at a fixed scale; now: decodeEightBit — and
 * its 224 px model input. sharp on one thread, so process CPU time is the work of one decode.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import sharp, { type Sharp } from 'sharp';
import { decodeEightBit } from '../src-main/media/high-bit-depth';

const { values } = parseArgs({ options: { size: { type: 'string', default: '2048' }, images: { type: 'string', default: '8' }, rounds: { type: 'string', default: '3' } } });
const side = Number(values.size);
sharp.concurrency(1);
sharp.cache(false);

/** CPU and wall time of `run`, in ms. */
async function cost(run: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const before = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(before);
  return { cpu: (used.user + used.system) / 1000, wall: performance.now() - started };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** 12-bit values: a gradient, bright blobs, noise; `channels` alike but for a tint. */
function microscopeLike(seed: number, channels: 1 | 3): Uint16Array {
  const values = new Uint16Array(side * side * channels);
  let state = seed * 2654435761;
  const random = (): number => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const blobs = Array.from({ length: 40 }, () => ({ x: random() * side, y: random() * side, r: 20 + random() * 80 }));
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let v = 300 + (x / side) * 600 + random() * 120;
      for (const b of blobs) if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.r ** 2) v += 1500;
      for (let c = 0; c < channels; c++) values[(y * side + x) * channels + c] = Math.min(4095, Math.round(v * (1 - 0.2 * c)));
    }
  }
  return values;
}

const rendition = (image: Sharp): Promise<Buffer> => image.resize(1280, 1280, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 88 }).toBuffer();
const modelInput = (image: Sharp): Promise<Buffer> =>
  image.flatten({ background: '#ffffff' }).toColourspace('srgb').resize(224, 224, { fit: 'cover', position: 'centre' }).raw({ depth: 'uchar' }).toBuffer();

async function main(): Promise<void> {
  const count = Number(values.images);
  const inputs: Record<string, Buffer[]> = { '16-bit grey TIFF': [], '16-bit RGB TIFF': [], '8-bit JPEG': [] };
  for (let i = 0; i < count; i++) {
    const grey = microscopeLike(i + 1, 1);
    inputs['16-bit grey TIFF']!.push(await sharp(grey, { raw: { width: side, height: side, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'lzw' }).toBuffer());
    inputs['16-bit RGB TIFF']!.push(await sharp(microscopeLike(i + 1, 3), { raw: { width: side, height: side, channels: 3 } }).toColourspace('rgb16').tiff({ compression: 'lzw' }).toBuffer());
    const eight = Uint8Array.from(grey, (v) => v >> 4);
    inputs['8-bit JPEG']!.push(await sharp(eight, { raw: { width: side, height: side, channels: 1 } }).jpeg({ quality: 90 }).toBuffer());
  }
  console.log(`${side}×${side}, ${count} images × ${values.rounds} rounds, sharp on one thread, load ${os.loadavg()[0]!.toFixed(1)}`);
  for (const [kind, files] of Object.entries(inputs)) {
    const runs: Record<string, { cpu: number[]; wall: number[] }> = {};
    const record = (name: string, c: { cpu: number; wall: number }): void => {
      runs[name] ??= { cpu: [], wall: [] };
      runs[name].cpu.push(c.cpu);
      runs[name].wall.push(c.wall);
    };
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const bytes of files) {
        record('rendition, before (fixed scale)', await cost(() => rendition(sharp(bytes, { animated: false }).rotate())));
        record('rendition, now (levels)', await cost(async () => rendition(await decodeEightBit(bytes, { animated: false }))));
        record('model input, before', await cost(() => modelInput(sharp(bytes, { failOn: 'truncated', animated: false, pages: 1 }).rotate())));
        record('model input, now', await cost(async () => modelInput(await decodeEightBit(bytes, { failOn: 'truncated', animated: false, pages: 1 }))));
      }
    }
    for (const [name, r] of Object.entries(runs)) console.log(`${kind}: ${name}: median ${median(r.cpu).toFixed(1)} ms CPU, ${median(r.wall).toFixed(1)} ms wall`);
  }
}

await main();
