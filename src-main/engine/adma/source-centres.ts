import { assertValidCentreSet, type CentreSet } from './centre-set';
import type { FeatureMatrix } from './feature-matrix';

/** Centres as a model ships them: layer-A and layer-B vectors plus their source classes. */
export interface ShippedCentres {
  /** K x dA, row j = f_A(c_j). */
  featuresA: FeatureMatrix;
  /** K x dB, row j = f_B(c_j). */
  featuresB: FeatureMatrix;
  /** Length K: the source class (softmax column) of centre j. */
  sourceClasses: readonly number[];
}

/**
 * Centres computed from source data (the product's starter model: for each source class the
 * source instance nearest, at layer B, to the class mean) and shipped with the model.
 */
export function createSourceCentres(shipped: ShippedCentres): CentreSet {
  for (const sourceClass of shipped.sourceClasses) {
    if (!Number.isInteger(sourceClass)) throw new RangeError(`Source class indices must be whole numbers; got ${sourceClass}.`);
  }
  const centres: CentreSet = {
    featuresA: shipped.featuresA,
    featuresB: shipped.featuresB,
    sourceClasses: Int32Array.from(shipped.sourceClasses),
    record: { origin: 'source-data', centres: shipped.sourceClasses.map((sourceClass) => ({ sourceClass })) },
  };
  assertValidCentreSet(centres);
  return centres;
}
