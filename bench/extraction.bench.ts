/**
 * Feature-extraction throughput: images/s end to end from the JPEG files (decode with
 * sharp + prefetch + forward pass + SQLite commit) against the parts alone: decode only,
 * and raw inference of the multi-output model on pre-decoded tensors; on ONNX Runtime
 * (1 and 2 intra-op threads) and on the TF.js backends, all in one run so ratios compare.
 * If decoding overlaps inference, end to end approaches min(decode, inference) rather than
 * the serial rate 1 / (1/decode + 1/inference). Also the feature cache's bytes per image,
 * and optionally a large generated folder (--many N: N distinct JPEGs, end to end only).
 *
 * Run: npx tsx bench/extraction.bench.ts [--images N] [--cpu-images N]
 *        [--runtimes onnx-1,onnx-2,onnx-2-spin,wasm,cpu] [--models 0.25,0.75] [--many N]
 * Reads ../shared (models, hymenoptera photos) in place; exits with a message if absent.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { activeOnnxRuntime, initBackend, type BackendName } from '../src-main/engine/backend';
import { extractFeatures } from '../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../src-main/engine/features/feature-store';
import { hashImageFile } from '../src-main/engine/features/image-content-hash';
import { loadModelFolder, type LoadedModel } from '../src-main/engine/model/load-model';
import { openOnnxFeatureRunner, type OnnxFeatureRunner } from '../src-main/engine/onnx/onnx-feature-runner';
import { decodeImage } from '../src-main/engine/preprocess/decode-image';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const shared = process.env.ADMA_SHARED_DIR ?? resolve(repoRoot, '../shared');
const photosDir = join(shared, 'data', 'hymenoptera');
const models = argument('--models', '0.25,0.75')
  .split(',')
  .map((alpha) => `mobilenet_v1_${alpha}_224`);
/** onnx-<threads> (ONNX Runtime; onnx-<threads>-spin with its idle threads spinning, the setting before issue 10's decode work) or a TF.js backend name. */
const runtimes = argument('--runtimes', 'onnx-1,onnx-2,wasm').split(',');

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

interface Row {
  model: string;
  runtime: string;
  images: number;
  decode: number;
  inference: number;
  endToEnd: number;
  serial: number;
  decodeWaitShare: number;
  /** Process CPU time per image end to end (all threads: decode, inference, commit). */
  cpuPerImage: number;
  cacheBytes: number;
  cacheBytesDeep: number;
}

function storeFor(dir: string, name: string, loaded: LoadedModel): FeatureStore {
  return FeatureStore.open(join(dir, `${name}.db`), featureLayoutOf(loaded));
}

/** Start the runtime: ONNX Runtime with a thread count, or a TF.js backend for everything. */
async function startRuntime(runtime: string, loaded: LoadedModel | null, work: string): Promise<OnnxFeatureRunner | null> {
  const [, threads, spin] = /^onnx-(\d+)(-spin)?$/.exec(runtime) ?? [];
  if (!threads) {
    await initBackend(runtime as BackendName);
    return null;
  }
  await initBackend('onnxruntime');
  const ort = activeOnnxRuntime();
  if (!ort || !loaded) throw new Error('ONNX Runtime did not load.');
  return openOnnxFeatureRunner(ort, loaded, work, Number(threads), { spinning: spin !== undefined });
}

async function measure(modelName: string, runtime: string, files: { path: string; hash: string }[], work: string): Promise<Row> {
  await startRuntime(runtime.startsWith('onnx') ? 'wasm' : runtime, null, work);
  const loaded = await loadModelFolder(join(shared, 'models', modelName));
  const runner = runtime.startsWith('onnx') ? await startRuntime(runtime, loaded, work) : null;
  const { height, width, channels } = loaded.descriptor.input;
  const target = { height, width, channels, resize: loaded.descriptor.resize };
  const batchSize = 16;
  const imageBytes = height * width * channels;

  let started = performance.now();
  const decoded = await Promise.all(files.map((f) => decodeImage(f.path, target)));
  const decode = files.length / ((performance.now() - started) / 1000);

  // Raw inference on pre-decoded batches (uint8 pixels for ONNX Runtime, normalised tensors for TF.js).
  const pixelBatches: { pixels: Uint8Array; n: number }[] = [];
  for (let i = 0; i < decoded.length; i += batchSize) {
    const chunk = decoded.slice(i, i + batchSize);
    const pixels = new Uint8Array(chunk.length * imageBytes);
    chunk.forEach((image, j) => pixels.set(image, j * imageBytes));
    pixelBatches.push({ pixels, n: chunk.length });
  }
  let inference: number;
  if (runner) {
    await runner.run(pixelBatches[0]!.pixels, pixelBatches[0]!.n, false); // warm-up
    started = performance.now();
    for (const batch of pixelBatches) await runner.run(batch.pixels, batch.n, false);
    inference = files.length / ((performance.now() - started) / 1000);
  } else {
    tf.tidy(() => loaded.features.model.predict(tf.zeros([batchSize, height, width, channels]))); // warm-up
    const { scale, offset } = loaded.descriptor.normalization;
    const batches = pixelBatches.map((b) => tf.tidy(() => tf.tensor4d(new Float32Array(b.pixels), [b.n, height, width, channels]).mul(scale).add(offset)));
    started = performance.now();
    for (const batch of batches) {
      const out = loaded.features.model.predict(batch) as tf.Tensor[];
      await Promise.all(out.map((t) => t.data()));
      tf.dispose(out);
    }
    inference = files.length / ((performance.now() - started) / 1000);
    tf.dispose(batches);
  }

  const options = { batchSize, ...(runner ? { runner } : {}) };
  const store = storeFor(work, `${modelName}-${runtime}`, loaded);
  const cpuBefore = process.cpuUsage();
  const run = await extractFeatures(loaded, store, files, options);
  const cpu = process.cpuUsage(cpuBefore);
  const cacheBytes = store.bytesOnDisk() / run.computed;
  store.close();
  const deepStore = storeFor(work, `${modelName}-${runtime}-deep`, loaded);
  const sample = files.slice(0, Math.min(files.length, 32));
  await extractFeatures(loaded, deepStore, sample, { ...options, deep: true, pooling: 'grid2x2' });
  const cacheBytesDeep = deepStore.bytesOnDisk() / sample.length;
  deepStore.close();
  await runner?.release();
  loaded.dispose();
  return {
    model: modelName,
    runtime,
    images: files.length,
    decode,
    inference,
    endToEnd: run.rate,
    serial: 1 / (1 / decode + 1 / inference),
    decodeWaitShare: run.decodeWaitSeconds / run.seconds,
    cpuPerImage: (cpu.user + cpu.system) / 1000 / run.computed,
    cacheBytes,
    cacheBytesDeep,
  };
}

/** N distinct JPEGs (640x480, crops of the photos at varying offsets and tints), written once. */
async function generateFolder(sources: string[], count: number, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  const bases = await Promise.all(sources.slice(0, 50).map((path) => sharp(path).rotate().resize(800, 600, { fit: 'cover' }).removeAlpha().raw().toBuffer()));
  for (let i = 0; i < count; i++) {
    const path = join(dir, `image-${String(i).padStart(5, '0')}.jpg`);
    const base = bases[i % bases.length] as Buffer;
    const left = (i * 7) % 160;
    const top = (i * 13) % 120;
    const crop = await sharp(base, { raw: { width: 800, height: 600, channels: 3 } })
      .extract({ left, top, width: 640, height: 480 })
      .modulate({ brightness: 0.8 + ((i * 37) % 40) / 100 })
      .raw()
      .toBuffer();
    // The image number in the first pixels: every file distinct (the cache dedupes by content).
    for (let b = 0; b < 4; b++) crop[b * 3] = (i >> (8 * b)) & 255;
    await sharp(crop, { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 85 }).toFile(path);
    paths.push(path);
  }
  return paths;
}

/** End to end on a large folder with ONNX Runtime (all cores) and MobileNet v1 0.25. */
async function measureMany(paths: string[], work: string): Promise<string> {
  const files = await Promise.all(paths.map(async (path) => ({ path, hash: await hashImageFile(path) })));
  const loaded = await loadModelFolder(join(shared, 'models', 'mobilenet_v1_0.25_224'));
  const runner = await startRuntime(`onnx-${cpus().length}`, loaded, work);
  const store = storeFor(work, 'many', loaded);
  const run = await extractFeatures(loaded, store, files, { batchSize: 16, ...(runner ? { runner } : {}) });
  store.close();
  await runner?.release();
  loaded.dispose();
  const projected = 10_000 / run.rate;
  return `${run.computed} distinct generated JPEGs (640x480) → cached features, MobileNet v1 0.25, ONNX Runtime ${cpus().length} threads: ${run.seconds.toFixed(1)} s, ${run.rate.toFixed(1)} img/s (10,000 images: ${(projected / 60).toFixed(1)} min at this rate); waiting for decode ${((run.decodeWaitSeconds / run.seconds) * 100).toFixed(1)}%.`;
}

async function main(): Promise<void> {
  if (!existsSync(photosDir) || !models.every((m) => existsSync(join(shared, 'models', m, 'model.json')))) {
    console.log(`Shared material not found under ${shared} (models and data/hymenoptera); nothing to measure.`);
    return;
  }
  const paths: string[] = [];
  for (const split of ['val', 'train']) {
    for (const label of ['ants', 'bees']) {
      for (const name of readdirSync(join(photosDir, split, label)).sort()) if (/\.jpe?g$/i.test(name)) paths.push(join(photosDir, split, label, name));
    }
  }
  const files = await Promise.all(paths.map(async (path) => ({ path, hash: await hashImageFile(path) })));
  const images = Number(argument('--images', '160'));
  const cpuImages = Number(argument('--cpu-images', '16'));
  const many = Number(argument('--many', '0'));
  const work = mkdtempSync(join(tmpdir(), 'adma-extraction-bench-'));
  const rows: Row[] = [];
  let manyLine: string | null = null;
  try {
    for (const model of models) {
      for (const runtime of runtimes) {
        const count = runtime === 'cpu' ? cpuImages : images;
        process.stderr.write(`measuring ${model} on ${runtime} with ${count} images...\n`);
        rows.push(await measure(model, runtime, files.slice(0, count), work));
      }
    }
    if (many > 0) {
      process.stderr.write(`generating ${many} JPEGs...\n`);
      const generated = await generateFolder(paths, many, join(work, 'many'));
      process.stderr.write(`extracting ${many} JPEGs...\n`);
      manyLine = await measureMany(generated, work);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const header = ['model', 'runtime', 'images', 'decode img/s', 'inference img/s', 'end-to-end img/s', 'serial img/s', 'overhead vs inference', 'waiting for decode', 'CPU ms/img', 'cache B/img', 'cache B/img deep+grid'];
  const table = rows.map((r) => [
    r.model,
    r.runtime,
    String(r.images),
    r.decode.toFixed(1),
    r.inference.toFixed(1),
    r.endToEnd.toFixed(1),
    r.serial.toFixed(1),
    `${((1 - r.endToEnd / r.inference) * 100).toFixed(0)}%`,
    `${(r.decodeWaitShare * 100).toFixed(1)}%`,
    r.cpuPerImage.toFixed(2),
    r.cacheBytes.toFixed(0),
    r.cacheBytesDeep.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
  const base = (model: string): Row | undefined => rows.find((r) => r.model === model && r.runtime === 'wasm');
  for (const r of rows) {
    const wasm = base(r.model);
    if (r.runtime.startsWith('onnx') && wasm) console.log(`${r.model} ${r.runtime}: end to end ${(r.endToEnd / wasm.endToEnd).toFixed(1)}x wasm; end to end ${((r.endToEnd / r.inference) * 100).toFixed(0)}% of its raw inference`);
  }
  if (manyLine) console.log(manyLine);
  const load = loadavg().map((v) => v.toFixed(1)).join(' ');
  console.log(`\nNode ${process.version}, ${process.arch}, ${cpus().length} cores (load average ${load} at the end); TF.js wasm single-threaded; images from ${photosDir}.`);
}

await main();
