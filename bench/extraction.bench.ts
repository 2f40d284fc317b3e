/**
 * Feature-extraction throughput: images/s end to end from the JPEG files (decode with
 * sharp + prefetch + forward pass + SQLite commit) against the parts alone: decode only,
 * and raw inference of the multi-output model on pre-decoded tensors. If decoding overlaps
 * inference, end to end approaches min(decode, inference) rather than the serial rate
 * 1 / (1/decode + 1/inference). Also the feature cache's bytes per image.
 *
 * Run: npx tsx bench/extraction.bench.ts [--wasm-images N] [--cpu-images N] [--backends wasm,cpu] [--models 0.25,0.75]
 * Reads ../shared (models, hymenoptera photos) in place; exits with a message if absent.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src-main/engine/backend';
import { extractFeatures } from '../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../src-main/engine/features/feature-store';
import { hashImageFile } from '../src-main/engine/features/image-content-hash';
import { loadModelFolder, type LoadedModel } from '../src-main/engine/model/load-model';
import { decodeImage } from '../src-main/engine/preprocess/decode-image';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const shared = process.env.ADMA_SHARED_DIR ?? resolve(repoRoot, '../shared');
const photosDir = join(shared, 'data', 'hymenoptera');
const models = argument('--models', '0.25,0.75')
  .split(',')
  .map((alpha) => `mobilenet_v1_${alpha}_224`);
const backends = argument('--backends', 'wasm,cpu').split(',') as BackendName[];

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

interface Row {
  model: string;
  backend: BackendName;
  images: number;
  decode: number;
  inference: number;
  endToEnd: number;
  serial: number;
  decodeWaitShare: number;
  cacheBytes: number;
  cacheBytesDeep: number;
}

function storeFor(dir: string, name: string, loaded: LoadedModel): FeatureStore {
  return FeatureStore.open(join(dir, `${name}.db`), featureLayoutOf(loaded));
}

async function measure(modelName: string, backend: BackendName, files: { path: string; hash: string }[], work: string): Promise<Row> {
  await initBackend(backend);
  const loaded = await loadModelFolder(join(shared, 'models', modelName));
  const { height, width, channels } = loaded.descriptor.input;
  const target = { height, width, channels, resize: loaded.descriptor.resize };
  const batchSize = 16;

  // Warm-up: first passes compile kernels / allocate.
  tf.tidy(() => loaded.features.model.predict(tf.zeros([batchSize, height, width, channels])));

  let started = performance.now();
  const decoded = await Promise.all(files.map((f) => decodeImage(f.path, target)));
  const decode = files.length / ((performance.now() - started) / 1000);

  const { scale, offset } = loaded.descriptor.normalization;
  const batches: tf.Tensor4D[] = [];
  for (let i = 0; i < decoded.length; i += batchSize) {
    const chunk = decoded.slice(i, i + batchSize);
    const pixels = new Float32Array(chunk.length * height * width * channels);
    chunk.forEach((image, j) => image.forEach((v, k) => (pixels[j * image.length + k] = v * scale + offset)));
    batches.push(tf.tensor4d(pixels, [chunk.length, height, width, channels]));
  }
  started = performance.now();
  for (const batch of batches) {
    const out = loaded.features.model.predict(batch) as tf.Tensor[];
    await Promise.all(out.map((t) => t.data()));
    tf.dispose(out);
  }
  const inference = files.length / ((performance.now() - started) / 1000);
  tf.dispose(batches);

  const store = storeFor(work, `${modelName}-${backend}`, loaded);
  const run = await extractFeatures(loaded, store, files, { batchSize });
  const cacheBytes = store.bytesOnDisk() / run.computed;
  store.close();
  const deepStore = storeFor(work, `${modelName}-${backend}-deep`, loaded);
  const sample = files.slice(0, Math.min(files.length, 32));
  await extractFeatures(loaded, deepStore, sample, { batchSize, deep: true, pooling: 'grid2x2' });
  const cacheBytesDeep = deepStore.bytesOnDisk() / sample.length;
  deepStore.close();
  loaded.dispose();
  return {
    model: modelName,
    backend,
    images: files.length,
    decode,
    inference,
    endToEnd: run.rate,
    serial: 1 / (1 / decode + 1 / inference),
    decodeWaitShare: run.decodeWaitSeconds / run.seconds,
    cacheBytes,
    cacheBytesDeep,
  };
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
  const wasmImages = Number(argument('--wasm-images', '160'));
  const cpuImages = Number(argument('--cpu-images', '16'));
  const work = mkdtempSync(join(tmpdir(), 'adma-extraction-bench-'));
  const rows: Row[] = [];
  try {
    for (const backend of backends) {
      for (const model of models) {
        const count = backend === 'cpu' ? cpuImages : wasmImages;
        process.stderr.write(`measuring ${model} on ${backend} with ${count} images...\n`);
        rows.push(await measure(model, backend, files.slice(0, count), work));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const header = ['model', 'backend', 'images', 'decode img/s', 'inference img/s', 'end-to-end img/s', 'serial img/s', 'overhead vs inference', 'waiting for decode', 'cache B/img', 'cache B/img deep+grid'];
  const table = rows.map((r) => [
    r.model,
    r.backend,
    String(r.images),
    r.decode.toFixed(1),
    r.inference.toFixed(1),
    r.endToEnd.toFixed(1),
    r.serial.toFixed(1),
    `${((1 - r.endToEnd / r.inference) * 100).toFixed(0)}%`,
    `${(r.decodeWaitShare * 100).toFixed(1)}%`,
    r.cacheBytes.toFixed(0),
    r.cacheBytesDeep.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
  const load = loadavg().map((v) => v.toFixed(1)).join(' ');
  console.log(`\nNode ${process.version}, ${process.arch}, ${cpus().length} cores (load average ${load} at the end); wasm single-threaded; images from ${photosDir}.`);
}

await main();
