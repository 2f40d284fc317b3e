/**
 * Everything a simulation reads from the pre-trained model, computed ONCE and shared by all
 * strategies and seeds: pooled layer-A/B features and source softmax of every image (and the
 * cut-layer activations for deep mode), through the engine's content-addressed feature
 * cache, plus the pre-trained top block (deep mode) and the shipped centres (if any).
 * Images that fail to decode are dropped from the simulation and reported.
 *
 * Every image is read only inside the dataset's folder (`dataset.root`), as the app reads a
 * project's (path-containment.ts): the hash, the features and the symmetry views. The folder's
 * walk skipped symbolic links; one swapped in since (a class folder or a file replaced by a link
 * out of the folder) is refused, not followed, and its image left out with the reason in a few
 * words (path-containment.ts, shortReason).
 */
import { AppError } from '../../../src-shared/app-error';
import { shortReason } from '../../media/path-containment';
import type { CentreSet } from '../adma/centre-set';
import { createFeatureMatrix, type FeatureMatrix } from '../adma/feature-matrix';
import { extractFeatures, extractViewFeatures, type ExtractionProgress } from '../features/extract-features';
import { FeatureStore, featureCacheDir, featureLayoutOf, type Pooling } from '../features/feature-store';
import { hashImageFile } from '../features/image-content-hash';
import { featureRuntimeFor } from '../onnx/feature-runtime';
import { layersModelOf, type LoadedModel } from '../model/load-model';
import type { TopBlockWeights } from '../train/head-weights';
import { readTopBlock } from '../train/top-block';
import type { ImageFolderDataset, LabelledImageFile } from './image-folder-dataset';
import { loadShippedCentreSet } from '../model/shipped-centre-set';

export interface SimulationFeatures {
  modelId: string;
  modelName: string;
  classes: string[];
  /** Relative path of image id i (ids are 0..n-1, in dataset order). */
  paths: string[];
  /** True class of image id i. */
  labels: Int32Array;
  featuresA: FeatureMatrix;
  featuresB: FeatureMatrix;
  sourceProbabilities: FeatureMatrix;
  /** Deep mode: n x prod(cutShape) cut activations, and the shape of one row. */
  cut: { data: Float32Array; shape: number[] } | null;
  /**
   * 2x2 grid-pooled layers A and B (4 cells x channels; a layer the model pools itself, such
   * as MobileNet's B, stays a vector), when asked for: D's alternative features.
   */
  gridFeatures: { featuresA: FeatureMatrix; featuresB: FeatureMatrix } | null;
  topBlock: TopBlockWeights | null;
  /** Centres shipped with the model; null when they must be estimated from the pool. */
  shippedCentres: CentreSet | null;
  /**
   * When asked for: pooled B of every image's other symmetry views (features/symmetry-views.ts),
   * n x perRow rows of featuresB.cols, image by image, for runs whose images have no up or down.
   */
  views: { perRow: number; data: Float32Array } | null;
  /** Images left out because they could not be read. */
  failures: { path: string; reason: string }[];
  extraction: { computed: number; reused: number; seconds: number };
  /** What computed the features (as `adma extract` says it), and why ONNX Runtime did not, if so. */
  runtime: { label: string; fallback: string | null };
}

export interface SimulationFeatureOptions {
  deep: boolean;
  /** Also extract and load 2x2 grid pooling of layers A and B (method page, choice 1's option). */
  pooling?: Pooling;
  /** Folder holding the feature cache (`<cacheDir>/.adma/features/`, the file of the model's layout: FeatureStore.openFor). */
  cacheDir: string;
  /** Also extract and load the symmetry views of every image (SimulationFeatures.views). */
  symmetryViews?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ExtractionProgress) => void;
  onStatus?: (line: string) => void;
}

export async function prepareSimulationFeatures(loaded: LoadedModel, dataset: ImageFolderDataset, options: SimulationFeatureOptions): Promise<SimulationFeatures> {
  const root = dataset.root;
  const hashed: { image: LabelledImageFile; hash: string }[] = [];
  const failures: SimulationFeatures['failures'] = [];
  for (const [i, image] of dataset.images.entries()) {
    try {
      hashed.push({ image, hash: await hashImageFile(image.absPath, root) });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failures.push({ path: image.path, reason: shortReason(error) }); // said after the file's path (`adma simulate`: "left out <path>: <reason>")
    }
    if (i % 200 === 199) options.onStatus?.(`hashing: ${i + 1}/${dataset.images.length} images`);
  }
  const layout = featureLayoutOf(loaded);
  // The engine's choice, as for the app and `adma extract` (an ONNX model folder always runs on ONNX Runtime).
  const runtime = await featureRuntimeFor(loaded, featureCacheDir(options.cacheDir));
  // The folder's cache of this layout, shared with the app and `adma extract`.
  const store = FeatureStore.openFor(options.cacheDir, layout);
  try {
    const result = await extractFeatures(
      loaded,
      store,
      hashed.map(({ image, hash }) => ({ hash, path: image.absPath })),
      {
        root,
        deep: options.deep,
        pooling: options.pooling ?? 'global',
        ...(runtime.runner ? { runner: runtime.runner } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
    );
    if (result.cancelled) throw options.signal?.reason instanceof Error ? options.signal.reason : new Error('Feature extraction was cancelled.');
    const failedHashes = new Set(result.failures.map((f) => f.hash));
    const kept = hashed.filter(({ hash }) => !failedHashes.has(hash));
    for (const { image, hash } of hashed) {
      if (!failedHashes.has(hash)) continue;
      const failed = result.failures.find((f) => f.hash === hash);
      failures.push({ path: image.path, reason: failed?.why ?? 'unreadable' });
    }
    const keptHashes = kept.map((k) => k.hash);
    const matrices = store.load(keptHashes);
    const n = kept.length;
    const cut = options.deep ? store.loadCut(keptHashes) : null;
    const grid = options.pooling === 'grid2x2' ? store.load(keptHashes, 'grid2x2') : null;
    let views: SimulationFeatures['views'] = null;
    if (options.symmetryViews) {
      options.onStatus?.('extracting the symmetry views of every image');
      const extracted = await extractViewFeatures(
        loaded,
        store,
        kept.map((k) => ({ hash: k.hash, path: k.image.absPath })),
        { root, ...(runtime.runner ? { runner: runtime.runner } : {}), ...(options.signal ? { signal: options.signal } : {}) },
      );
      if (extracted.cancelled) throw options.signal?.reason instanceof Error ? options.signal.reason : new Error('Feature extraction was cancelled.');
      if (extracted.failures.length > 0) throw new Error(`The symmetry views of ${extracted.failures.length} images could not be extracted (first: ${extracted.failures[0]?.path}).`);
      views = { perRow: extracted.views.length, data: store.loadViews(keptHashes, extracted.views) };
    }
    return {
      modelId: layout.modelId,
      modelName: loaded.descriptor.name,
      classes: [...dataset.classes],
      paths: kept.map((k) => k.image.path),
      labels: Int32Array.from(kept, (k) => k.image.label),
      featuresA: createFeatureMatrix(matrices.a, n, matrices.dA),
      featuresB: createFeatureMatrix(matrices.b, n, matrices.dB),
      sourceProbabilities: createFeatureMatrix(matrices.softmax, n, matrices.classCount),
      cut: cut ? { data: cut.data, shape: [...cut.shape] } : null,
      gridFeatures: grid ? { featuresA: createFeatureMatrix(grid.a, n, grid.dA), featuresB: createFeatureMatrix(grid.b, n, grid.dB) } : null,
      topBlock: options.deep ? readTopBlock(layersModelOf(loaded, 'Deep fine-tuning'), loaded.descriptor.cutLayer, loaded.descriptor.layerB) : null,
      shippedCentres: await loadShippedCentreSet(loaded),
      views,
      failures,
      extraction: { computed: result.computed, reused: result.reused, seconds: result.seconds },
      runtime: { label: runtime.label, fallback: runtime.fallback },
    };
  } finally {
    store.close();
  }
}
