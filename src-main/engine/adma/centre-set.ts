import type { FeatureMatrix } from './feature-matrix';

/**
 * Which centres a project used, in a form that can be stored as JSON and shown to the user.
 * Centre j of the pattern vectors is `centres[j]`.
 */
export type CentreRecord =
  | {
      /** Centres shipped with the model, computed from its source training data. */
      origin: 'source-data';
      centres: { sourceClass: number }[];
    }
  | {
      /** Centres estimated from the target pool (method page, choice 3). */
      origin: 'estimated-from-pool';
      /** A source class qualified when it was the argmax of at least this many pool images. */
      minImagesPerClass: number;
      /** At most this many of the most frequent qualifying classes were kept. */
      maxCentres: number;
      centres: { sourceClass: number; imageId: number; imageCount: number }[];
    };

/**
 * One representative instance c_k per source class in use: its pooled layer-A and layer-B
 * vectors (row j of each matrix) and the source class it stands for (the column of the
 * source softmax that weighs its pattern).
 */
export interface CentreSet {
  readonly featuresA: FeatureMatrix;
  readonly featuresB: FeatureMatrix;
  readonly sourceClasses: Int32Array;
  readonly record: CentreRecord;
}

/** Check that a centre set is internally consistent; throws a RangeError saying what is wrong. */
export function assertValidCentreSet(centres: CentreSet): void {
  const k = centres.sourceClasses.length;
  if (centres.featuresA.rows !== k || centres.featuresB.rows !== k) {
    throw new RangeError(
      `A centre set needs one layer-A and one layer-B vector per centre: ${k} source classes, ` +
        `${centres.featuresA.rows} layer-A rows, ${centres.featuresB.rows} layer-B rows.`,
    );
  }
  if (centres.record.centres.length !== k) {
    throw new RangeError(`The centre record lists ${centres.record.centres.length} centres, the set has ${k}.`);
  }
  const seen = new Set<number>();
  for (let j = 0; j < k; j++) {
    const sourceClass = centres.sourceClasses[j] as number;
    if (sourceClass < 0) throw new RangeError(`Centre ${j} has a negative source class index (${sourceClass}).`);
    if (seen.has(sourceClass)) throw new RangeError(`Source class ${sourceClass} has more than one centre.`);
    if (centres.record.centres[j]?.sourceClass !== sourceClass) {
      throw new RangeError(`The centre record disagrees with the set about the source class of centre ${j}.`);
    }
    seen.add(sourceClass);
  }
}
