/**
 * A synthetic pool with planted near duplicates for the duplicate tests: copies of some rows
 * (features, softmax and classifier probabilities nudged a little, difference hash a few bits
 * off), and an index over it. `plant: 0` gives the same pool with no duplicate at all, though
 * rows drawn around one source class share their difference hash, so only the feature test keeps them apart.
 */
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { createFeatureMatrix, type FeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { NearDuplicateIndex, type PerceptualCodes } from '../../../src-main/engine/adma/near-duplicates';
import { createSyntheticPool, type SyntheticPool } from './synthetic-pool';

export interface PlantedPool {
  pool: SyntheticPool;
  index: NearDuplicateIndex;
  /** For each planted copy (row), the row it copies. */
  copyOf: Map<number, number>;
}

function withCopies(matrix: FeatureMatrix, copies: [number, number][], noise: () => number): FeatureMatrix {
  const { rows, cols } = matrix;
  const data = new Float32Array(rows * cols);
  data.set(matrix.data);
  for (const [copy, original] of copies) {
    for (let c = 0; c < cols; c++) data[copy * cols + c] = (matrix.data[original * cols + c] as number) * (1 + 0.01 * noise());
  }
  return createFeatureMatrix(data, rows, cols);
}

export function plantedPool(options: { images: number; plant: number; seed: number }): PlantedPool {
  const base = createSyntheticPool({ images: options.images, dimA: 10, dimB: 16, sourceClasses: 12, targetClasses: 4, seed: options.seed });
  const random = mulberry32(options.seed + 1);
  const noise = () => random() * 2 - 1;
  const n = options.images;
  // Copies replace rows n-plant..n-1, each a copy of a row among the first half (some originals copied twice).
  const copies: [number, number][] = [];
  for (let k = 0; k < options.plant; k++) copies.push([n - 1 - k, Math.floor(random() * (n / 2))]);
  const words = new Uint32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) words[i] = Math.floor(random() * 2 ** 32) >>> 0;
  if (options.plant === 0) {
    // Rows drawn around one source class share a code: the perceptual check alone would pair them.
    for (let i = 0; i < n; i++) {
      const cls = base.sourceClassOf[i] as number;
      words[2 * i] = words[2 * cls] as number;
      words[2 * i + 1] = words[2 * cls + 1] as number;
    }
  }
  for (const [copy, original] of copies) {
    words[2 * copy] = ((words[2 * original] as number) ^ (1 << Math.floor(random() * 32))) >>> 0;
    words[2 * copy + 1] = ((words[2 * original + 1] as number) ^ (1 << Math.floor(random() * 32))) >>> 0;
  }
  const codes: PerceptualCodes = { words, known: new Uint8Array(n).fill(1), thumbnails: null };
  const pool: SyntheticPool = {
    ...base,
    featuresA: withCopies(base.featuresA, copies, noise),
    featuresB: withCopies(base.featuresB, copies, noise),
    sourceProbabilities: withCopies(base.sourceProbabilities, copies, noise),
    targetProbabilities: withCopies(base.targetProbabilities, copies, noise),
  };
  const keys = pool.imageIds.map((id) => `content-${id}`);
  const index = new NearDuplicateIndex(pool.featuresB, codes, keys, { minSimilarity: 0.975, maxHammingDistance: 6, minThumbnailCorrelation: 0.9 });
  return { pool, index, copyOf: new Map(copies) };
}
