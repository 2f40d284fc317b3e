/**
 * What every strategy of one seed shares: the stratified test split, the centres (shipped,
 * or estimated from the pool without the test images) and D of every image, computed once.
 */
import type { CentreSet } from '../adma/centre-set';
import type { Pooling } from '../features/feature-store';
import { computeDistinctiveness } from '../adma/distinctiveness';
import { estimatePoolCentres, type PoolCentreOptions } from '../adma/pool-centres';
import type { SimulationFeatures } from './simulation-features';
import { stratifiedTestSplit } from './stratified-split';

export interface SeedSetup {
  seed: number;
  /** 1 = test image (never queried, never trained on). */
  testMask: Uint8Array;
  testIds: ReadonlySet<number>;
  poolIds: number[];
  testIdList: number[];
  centres: CentreSet;
  /** D of every image id. */
  distinctiveness: Float64Array;
}

/**
 * `poolCentres` tunes the pool estimate (ImageNet models); shipped centres ignore it.
 * `pooling` 'grid2x2' computes centres and D on the 2x2 grid-pooled layers (needs
 * features.gridFeatures, and centres estimated from the pool: shipped ones are global-pooled).
 */
export function setUpSeed(
  features: SimulationFeatures,
  seed: number,
  testFraction: number,
  normalize: boolean,
  poolCentres: Partial<PoolCentreOptions> = {},
  pooling: Pooling = 'global',
): SeedSetup {
  const n = features.labels.length;
  const testMask = stratifiedTestSplit(features.labels, features.classes.length, testFraction, seed);
  const testIdList: number[] = [];
  const poolIds: number[] = [];
  for (let id = 0; id < n; id++) (testMask[id] ? testIdList : poolIds).push(id);
  const testIds = new Set(testIdList);
  const imageIds = Int32Array.from({ length: n }, (_, i) => i);
  const layers = pooling === 'grid2x2' ? gridLayers(features) : { featuresA: features.featuresA, featuresB: features.featuresB };
  const centres =
    features.shippedCentres ??
    estimatePoolCentres({ imageIds, ...layers, sourceProbabilities: features.sourceProbabilities, excludedIds: testIds }, poolCentres);
  if (centres.sourceClasses.length < 2) {
    throw new Error(`Only ${centres.sourceClasses.length} source class(es) qualify as centres for this pool; distinctiveness needs at least 2 (use a larger pool).`);
  }
  const distinctiveness = computeDistinctiveness({ ...layers, sourceProbabilities: features.sourceProbabilities, centres }, { normalize });
  return { seed, testMask, testIds, poolIds, testIdList, centres, distinctiveness };
}

function gridLayers(features: SimulationFeatures): NonNullable<SimulationFeatures['gridFeatures']> {
  if (features.shippedCentres) {
    throw new Error(`2x2 grid pooling needs centres estimated from the pool; ${features.modelName} ships global-pooled centres.`);
  }
  if (!features.gridFeatures) throw new Error('2x2 grid pooling was asked for, but the features were prepared without it (prepareSimulationFeatures pooling).');
  return features.gridFeatures;
}
