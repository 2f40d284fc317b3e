/**
 * A pool with planted copies, for the duplicate benches (duplicates.bench.ts,
 * low-detail-duplicates.bench.ts): a data set's images put into the pool's project folder (hard
 * links: the perceptual pass reads only files inside the project folder it is given), copies of
 * some of them made by the bench's transforms, and the layer features of all, extracted as the
 * app does and cached in the bench's work folder between runs.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { deriveSeed, mulberry32 } from '../../src-main/core/seeded-random';
import { activeOnnxRuntime, initBackend } from '../../src-main/engine/backend';
import { extractFeatures } from '../../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../src-main/engine/features/image-content-hash';
import { loadModelFolder } from '../../src-main/engine/model/load-model';
import { openOnnxFeatureRunner } from '../../src-main/engine/onnx/onnx-feature-runner';
import { photosUnder } from './photos-under';

/** A copy made of an original (EXIF-rotated), given the original's stored width and height. */
export type CopyTransform = (image: Sharp, width: number, height: number) => Sharp | Promise<Sharp>;

export interface PlantedPhoto<T extends string> {
  path: string;
  hash: string;
  /** The class (the parent folder's name; a copy has its original's). */
  label: string;
  /** The original's index among the photos for a copy; its own index for an original. */
  family: number;
  transform: T | null;
}

/** `source` at `target` as a hard link (no copy of the bytes), or a copy across file systems. */
function linkOrCopy(source: string, target: string): void {
  if (existsSync(target)) return;
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

export interface PlantOptions<T extends string> {
  /** Originals that get copies: `firstChosen` of them, then random ones (a fixed seed) up to this many. */
  originals: number;
  transforms: Record<T, CopyTransform>;
  /** Originals chosen before the random ones (their indices among the photos); none by default. */
  firstChosen?: (photos: readonly PlantedPhoto<T>[]) => number[];
  /** Keep a copy already written by an earlier run instead of writing it again. */
  reuseCopies?: boolean;
}

/**
 * The pool in `out`: the images under `dir` (originals/<index><ext>) in photosUnder's order, then
 * for each chosen original in index order one copy per transform (<index>-<k>.jpg).
 */
export async function plantPool<T extends string>(out: string, dir: string, options: PlantOptions<T>): Promise<PlantedPhoto<T>[]> {
  mkdirSync(join(out, 'originals'), { recursive: true });
  const photos: PlantedPhoto<T>[] = await Promise.all(
    photosUnder(dir).map(async (source, i) => {
      const path = join(out, 'originals', `${i}${extname(source)}`);
      linkOrCopy(source, path);
      return { path, hash: await hashImageFile(path), label: basename(dirname(source)), family: i, transform: null };
    }),
  );
  if (options.originals === 0) return photos;
  const chosen = new Set(options.firstChosen?.(photos) ?? []);
  const random = mulberry32(deriveSeed(7, options.originals, 1));
  while (chosen.size < Math.min(options.originals, photos.length)) chosen.add(Math.floor(random() * photos.length));
  for (const index of [...chosen].sort((a, b) => a - b)) {
    const source = photos[index] as PlantedPhoto<T>;
    const { width = 0, height = 0 } = await sharp(source.path).rotate().metadata();
    for (const [k, transform] of (Object.keys(options.transforms) as T[]).entries()) {
      const path = join(out, `${index}-${k}.jpg`);
      if (!options.reuseCopies || !existsSync(path)) await (await options.transforms[transform](sharp(source.path).rotate(), width, height)).toFile(path);
      photos.push({ path, hash: await hashImageFile(path), label: source.label, family: index, transform });
    }
  }
  return photos;
}

export interface PoolFeatures {
  /** The stored features of the photos, in their order (FeatureStore.load). */
  matrices: ReturnType<FeatureStore['load']>;
  /** The model, still loaded: the caller disposes of it. */
  loaded: Awaited<ReturnType<typeof loadModelFolder>>;
}

/**
 * The features of `photos` under the model in `model`, extracted once into
 * `<work>/<name>-features.db` and read from there afterwards; `starter`: the model runs on the
 * tfjs wasm backend, otherwise on ONNX Runtime (2 threads).
 */
export async function poolFeatures(work: string, name: string, photos: readonly { path: string; hash: string }[], model: string, starter: boolean): Promise<PoolFeatures> {
  await initBackend(starter ? 'wasm' : 'onnxruntime');
  const loaded = await loadModelFolder(model);
  const store = FeatureStore.open(join(work, `${name}-features.db`), featureLayoutOf(loaded));
  if (store.missing(photos.map((p) => p.hash), { grid: false, cut: false }).length > 0) {
    process.stderr.write(`${name}: extracting features of ${photos.length} images...\n`);
    const ort = starter ? null : activeOnnxRuntime();
    const runner = ort ? await openOnnxFeatureRunner(ort, loaded, work, 2) : null;
    await extractFeatures(loaded, store, [...photos], { batchSize: 16, ...(runner ? { runner } : {}) });
    await runner?.release();
  }
  const matrices = store.load(photos.map((p) => p.hash));
  store.close();
  return { matrices, loaded };
}
