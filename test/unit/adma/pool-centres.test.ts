import { describe, expect, it } from 'vitest';
import type { CentreRecord } from '../../../src-main/engine/adma/centre-set';
import { featureMatrixFromRows } from '../../../src-main/engine/adma/feature-matrix';
import { estimatePoolCentres, restorePoolCentres } from '../../../src-main/engine/adma/pool-centres';
import { createSourceCentres } from '../../../src-main/engine/adma/source-centres';
import { createSyntheticPool } from './synthetic-pool';

/** A pool whose argmax source class is given per image, with 1-D features at A and B. */
function smallPool(argmax: number[], featureB: number[], sourceClasses = 6) {
  return {
    imageIds: argmax.map((_, i) => 100 + i),
    featuresA: featureMatrixFromRows(featureB.map((v) => [v * 2, 1])),
    featuresB: featureMatrixFromRows(featureB.map((v) => [v])),
    sourceProbabilities: featureMatrixFromRows(
      argmax.map((cls) => Array.from({ length: sourceClasses }, (_, j) => (j === cls ? 0.5 : 0.5 / (sourceClasses - 1)))),
    ),
  };
}

describe('estimatePoolCentres', () => {
  it('keeps source classes predicted for at least 3 images, centre nearest the class mean at B', () => {
    // class 1: images 0,1,2 with B 0, 1, 5 (mean 2, nearest 1 -> image 101)
    // class 4: images 3,4,5,6 with B 10, 12, 14, 20 (mean 14 -> image 105)
    // class 2: two images only -> not a centre
    const pool = smallPool([1, 1, 1, 4, 4, 4, 4, 2, 2], [0, 1, 5, 10, 12, 14, 20, 3, 3]);
    const centres = estimatePoolCentres(pool);
    expect(centres.record).toEqual({
      origin: 'estimated-from-pool',
      minImagesPerClass: 3,
      maxCentres: 100,
      centres: [
        { sourceClass: 1, imageId: 101, imageCount: 3 },
        { sourceClass: 4, imageId: 105, imageCount: 4 },
      ],
    });
    expect(Array.from(centres.sourceClasses)).toEqual([1, 4]);
    expect(Array.from(centres.featuresB.data)).toEqual([1, 14]);
    expect(Array.from(centres.featuresA.data)).toEqual([2, 1, 28, 1]);
  });

  it('keeps the K_max most frequent classes, equal counts going to the smaller class index', () => {
    // counts: class 0 -> 3, class 3 -> 5, class 5 -> 3, class 2 -> 4
    const argmax = [0, 0, 0, 3, 3, 3, 3, 3, 5, 5, 5, 2, 2, 2, 2];
    const pool = smallPool(argmax, argmax.map((_, i) => i));
    const centres = estimatePoolCentres(pool, { maxCentres: 3 });
    expect(centres.record.centres.map((c) => c.sourceClass)).toEqual([0, 2, 3]);
    expect(estimatePoolCentres(pool, { maxCentres: 2 }).record.centres.map((c) => c.sourceClass)).toEqual([2, 3]);
    expect(estimatePoolCentres(pool, { minImagesPerClass: 4 }).record.centres.map((c) => c.sourceClass)).toEqual([2, 3]);
  });

  it('breaks argmax ties by the smaller class and distance ties by the smaller image id', () => {
    const pool = {
      imageIds: [9, 7, 8, 3],
      featuresA: featureMatrixFromRows([[0], [0], [0], [0]]),
      // mean of (-1, 1, 1, -1) is 0: all four are equally near; smallest id 3 wins
      featuresB: featureMatrixFromRows([[-1], [1], [1], [-1]]),
      sourceProbabilities: featureMatrixFromRows([
        [0.4, 0.4, 0.2],
        [0.4, 0.4, 0.2],
        [0.3, 0.3, 0.3],
        [0.1, 0.1, 0.1],
      ]),
    };
    const centres = estimatePoolCentres(pool);
    expect(centres.record.centres).toEqual([{ sourceClass: 0, imageId: 3, imageCount: 4 }]);
  });

  it('never lets excluded images vote or become centres', () => {
    const pool = smallPool([1, 1, 1, 1], [0, 1, 2, 3]);
    const all = estimatePoolCentres(pool);
    expect(all.record.centres).toEqual([{ sourceClass: 1, imageId: 101, imageCount: 4 }]);
    const withoutTwo = estimatePoolCentres({ ...pool, excludedIds: new Set([101, 102]) });
    expect(withoutTwo.record.centres).toEqual([]);
    const withoutOne = estimatePoolCentres({ ...pool, excludedIds: new Set([101]) });
    expect(withoutOne.record.centres).toEqual([{ sourceClass: 1, imageId: 102, imageCount: 3 }]);
  });

  it('finds the classes of a synthetic pool, and the stored record restores the same centres', () => {
    const pool = createSyntheticPool({ images: 400, dimA: 6, dimB: 8, sourceClasses: 30, targetClasses: 3, seed: 4 });
    const centres = estimatePoolCentres(pool, { maxCentres: 20 });
    expect(centres.sourceClasses.length).toBe(20);
    for (const centre of centres.record.centres) {
      expect(centre.imageCount).toBeGreaterThanOrEqual(3);
      expect(pool.sourceClassOf[pool.imageIds.indexOf(centre.imageId)]).toBe(centre.sourceClass);
    }
    const stored = JSON.parse(JSON.stringify(centres.record)) as CentreRecord;
    if (stored.origin !== 'estimated-from-pool') throw new Error('record lost its origin');
    const restored = restorePoolCentres(stored, pool.imageIds, pool.featuresA, pool.featuresB);
    expect(restored.record).toEqual(centres.record);
    expect(Array.from(restored.featuresA.data)).toEqual(Array.from(centres.featuresA.data));
    expect(Array.from(restored.featuresB.data)).toEqual(Array.from(centres.featuresB.data));
    expect(() => restorePoolCentres(stored, pool.imageIds.slice(0, 10), pool.featuresA, pool.featuresB)).toThrow(
      /no longer in the pool/,
    );
  });

  it('rejects invalid options and mismatched matrices', () => {
    const pool = smallPool([1, 1, 1], [0, 1, 2]);
    expect(() => estimatePoolCentres(pool, { minImagesPerClass: 0 })).toThrow(/minImagesPerClass/);
    expect(() => estimatePoolCentres(pool, { maxCentres: 1.5 })).toThrow(/maxCentres/);
    expect(() => estimatePoolCentres({ ...pool, imageIds: [1, 2] })).toThrow(/rows/);
  });
});

describe('createSourceCentres', () => {
  it('records the shipped centres and checks their shape', () => {
    const centres = createSourceCentres({
      featuresA: featureMatrixFromRows([[1], [2]]),
      featuresB: featureMatrixFromRows([[3], [4]]),
      sourceClasses: [7, 3],
    });
    expect(centres.record).toEqual({ origin: 'source-data', centres: [{ sourceClass: 7 }, { sourceClass: 3 }] });
    expect(() =>
      createSourceCentres({ featuresA: featureMatrixFromRows([[1]]), featuresB: featureMatrixFromRows([[3], [4]]), sourceClasses: [0, 1] }),
    ).toThrow(/one layer-A and one layer-B vector per centre/);
    expect(() =>
      createSourceCentres({ featuresA: featureMatrixFromRows([[1], [2]]), featuresB: featureMatrixFromRows([[3], [4]]), sourceClasses: [1, 1] }),
    ).toThrow(/more than one centre/);
  });
});
