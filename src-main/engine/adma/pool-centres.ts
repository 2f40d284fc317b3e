/**
 * Centres estimated from the target pool, for models shipped without source data (method
 * page, choice 3, a departure from the paper): take the source classes that are the argmax
 * prediction of at least `minImagesPerClass` pool images, keep the `maxCentres` most frequent,
 * and for each use the pool image nearest (at layer B) to the mean layer-B vector of the
 * images predicted as that class.
 *
 * Fixed details: argmax ties go to the smaller source class index; classes equally frequent
 * at the K_max cut are ordered by smaller source class index; the centre is chosen among the
 * images predicted as its class (so no image is the centre of two classes), nearest-distance
 * ties going to the smaller image id; centres are listed by ascending source class index.
 * Excluded images (held-out test or evaluation images) never vote and never become centres.
 */
import { assertValidCentreSet, type CentreRecord, type CentreSet } from './centre-set';
import { createFeatureMatrix, type FeatureMatrix } from './feature-matrix';

export interface PoolCentreInput {
  /** Image id of each pool row. */
  imageIds: ArrayLike<number>;
  /** n x dA pooled layer-A features. */
  featuresA: FeatureMatrix;
  /** n x dB pooled layer-B features. */
  featuresB: FeatureMatrix;
  /** n x K source softmax. */
  sourceProbabilities: FeatureMatrix;
  /** Images that must neither vote nor become centres. */
  excludedIds?: ReadonlySet<number>;
}

export interface PoolCentreOptions {
  minImagesPerClass: number;
  maxCentres: number;
}

/** The stored form of pool-estimated centres. */
export type PoolCentreRecord = Extract<CentreRecord, { origin: 'estimated-from-pool' }>;

/** A centre set whose record says it was estimated from the pool. */
export type PoolCentreSet = CentreSet & { readonly record: PoolCentreRecord };

export const DEFAULT_POOL_CENTRE_OPTIONS: PoolCentreOptions = { minImagesPerClass: 3, maxCentres: 100 };

export function estimatePoolCentres(input: PoolCentreInput, options: Partial<PoolCentreOptions> = {}): PoolCentreSet {
  const { minImagesPerClass, maxCentres } = { ...DEFAULT_POOL_CENTRE_OPTIONS, ...options };
  if (!Number.isInteger(minImagesPerClass) || minImagesPerClass < 1) {
    throw new RangeError(`minImagesPerClass must be a whole number of at least 1; got ${minImagesPerClass}.`);
  }
  if (!Number.isInteger(maxCentres) || maxCentres < 1) {
    throw new RangeError(`maxCentres must be a whole number of at least 1; got ${maxCentres}.`);
  }
  const { imageIds, featuresA, featuresB, sourceProbabilities: probs } = input;
  const n = imageIds.length;
  for (const [name, matrix] of [['featuresA', featuresA], ['featuresB', featuresB], ['sourceProbabilities', probs]] as const) {
    if (matrix.rows !== n) throw new RangeError(`${name} has ${matrix.rows} rows for ${n} pool images.`);
  }
  const excluded = input.excludedIds;

  const rowsByClass = new Map<number, number[]>();
  const k = probs.cols;
  for (let row = 0; row < n; row++) {
    if (excluded?.has(imageIds[row] as number)) continue;
    let best = -1;
    let bestValue = -Infinity;
    const offset = row * k;
    for (let c = 0; c < k; c++) {
      const value = probs.data[offset + c] as number;
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    if (best < 0) continue;
    const rows = rowsByClass.get(best);
    if (rows) rows.push(row);
    else rowsByClass.set(best, [row]);
  }

  const kept = [...rowsByClass.entries()]
    .filter(([, rows]) => rows.length >= minImagesPerClass)
    .sort((a, b) => b[1].length - a[1].length || a[0] - b[0])
    .slice(0, maxCentres)
    .sort((a, b) => a[0] - b[0]);

  const dB = featuresB.cols;
  const mean = new Float64Array(dB);
  const centreRows: number[] = [];
  for (const [, rows] of kept) {
    mean.fill(0);
    for (const row of rows) {
      const offset = row * dB;
      for (let c = 0; c < dB; c++) mean[c] = (mean[c] as number) + (featuresB.data[offset + c] as number);
    }
    for (let c = 0; c < dB; c++) mean[c] = (mean[c] as number) / rows.length;
    let nearest = rows[0] as number;
    let nearestDistance = Infinity;
    for (const row of rows) {
      const offset = row * dB;
      let sum = 0;
      for (let c = 0; c < dB; c++) {
        const diff = (featuresB.data[offset + c] as number) - (mean[c] as number);
        sum += diff * diff;
      }
      if (
        sum < nearestDistance ||
        (sum === nearestDistance && (imageIds[row] as number) < (imageIds[nearest] as number))
      ) {
        nearestDistance = sum;
        nearest = row;
      }
    }
    centreRows.push(nearest);
  }

  const record: PoolCentreRecord = {
    origin: 'estimated-from-pool',
    minImagesPerClass,
    maxCentres,
    centres: kept.map(([sourceClass, rows], j) => ({
      sourceClass,
      imageId: imageIds[centreRows[j] as number] as number,
      imageCount: rows.length,
    })),
  };
  return buildCentreSet(record, centreRows, featuresA, featuresB);
}

/**
 * Rebuild the centre set a project stored, from the current pool features, so later rounds
 * (and reopened projects) score against exactly the same centres.
 */
export function restorePoolCentres(
  record: PoolCentreRecord,
  imageIds: ArrayLike<number>,
  featuresA: FeatureMatrix,
  featuresB: FeatureMatrix,
): PoolCentreSet {
  const rowOfImage = new Map<number, number>();
  for (let row = 0; row < imageIds.length; row++) rowOfImage.set(imageIds[row] as number, row);
  const centreRows = record.centres.map(({ sourceClass, imageId }) => {
    const row = rowOfImage.get(imageId);
    if (row === undefined) {
      throw new RangeError(
        `Image ${imageId}, the centre of source class ${sourceClass}, is no longer in the pool; estimate the centres again.`,
      );
    }
    return row;
  });
  return buildCentreSet(record, centreRows, featuresA, featuresB);
}

function buildCentreSet(record: PoolCentreRecord, rows: number[], featuresA: FeatureMatrix, featuresB: FeatureMatrix): PoolCentreSet {
  const centres: PoolCentreSet = {
    featuresA: copyRows(featuresA, rows),
    featuresB: copyRows(featuresB, rows),
    sourceClasses: Int32Array.from(record.centres, (centre) => centre.sourceClass),
    record,
  };
  assertValidCentreSet(centres);
  return centres;
}

/** Copy rows, keeping the element type so distance loops see one array type. */
function copyRows(matrix: FeatureMatrix, rows: number[]): FeatureMatrix {
  const size = rows.length * matrix.cols;
  const data = matrix.data instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
  rows.forEach((row, j) => data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), j * matrix.cols));
  return createFeatureMatrix(data, rows.length, matrix.cols);
}
