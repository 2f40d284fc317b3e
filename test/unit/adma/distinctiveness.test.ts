import { describe, expect, it } from 'vitest';
import { computeDistinctiveness, explainDistinctiveness } from '../../../src-main/engine/adma/distinctiveness';
import { createFeatureMatrix, featureMatrixFromRows, type FeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { createPatternSpace } from '../../../src-main/engine/adma/pattern-space';
import { createSourceCentres } from '../../../src-main/engine/adma/source-centres';
import { createSyntheticPool } from './synthetic-pool';

const shape = { images: 300, dimA: 12, dimB: 20, sourceClasses: 15, targetClasses: 4, seed: 5 };

function scaled(matrix: FeatureMatrix, factor: number): FeatureMatrix {
  return createFeatureMatrix(Float64Array.from(matrix.data, (v) => v * factor), matrix.rows, matrix.cols);
}

describe('computeDistinctiveness', () => {
  const pool = createSyntheticPool(shape);

  it('gives every image a D in [0, 1], with both distance variants', () => {
    for (const normalize of [true, false]) {
      const d = computeDistinctiveness(pool, { normalize });
      expect(d).toHaveLength(shape.images);
      for (const value of d) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      // Not constant: the criterion actually separates images.
      expect(Math.max(...d) - Math.min(...d)).toBeGreaterThan(0.2);
    }
  });

  it('equals the per-image breakdown', () => {
    const space = createPatternSpace(pool.centres, { normalize: true });
    const d = computeDistinctiveness(pool);
    for (const row of [0, 17, 299]) {
      const breakdown = explainDistinctiveness(pool, row, space);
      expect(breakdown.distinctiveness).toBe(d[row]);
      expect(breakdown.distinctiveness).toBe((1 - breakdown.tau) / 2);
      expect(breakdown.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('is 0 when the pattern agrees in order with the expected pattern (a centre that resembles only itself)', () => {
    // Pool = the centres themselves, each with a one-hot source softmax on its own class:
    // p(c_j) = P_j = p_hat(c_j), so tau = 1 and D = 0.
    const k = shape.sourceClasses;
    const oneHot = createFeatureMatrix(
      Float64Array.from({ length: k * k }, (_, i) => (Math.floor(i / k) === i % k ? 1 : 0)),
      k,
      k,
    );
    for (const normalize of [true, false]) {
      const d = computeDistinctiveness(
        { featuresA: pool.centres.featuresA, featuresB: pool.centres.featuresB, sourceProbabilities: oneHot, centres: pool.centres },
        { normalize },
      );
      expect(Array.from(d)).toEqual(new Array<number>(k).fill(0));
    }
  });

  it('is 1 when the pattern is exactly reversed, 0.5 when a pattern is entirely tied', () => {
    // Layer B carries no information (all centres coincide), so P_j = r^A(c_j) and the image
    // resembling class 0 is expected to be ordered like P_0 = (0, 1, 2). At A it sits on
    // centre 2 instead, giving p = (2, 1, 0) - const: the reverse order.
    const centres = createSourceCentres({
      featuresA: featureMatrixFromRows([[0], [1], [2]]),
      featuresB: featureMatrixFromRows([[0], [0], [0]]),
      sourceClasses: [0, 1, 2],
    });
    const input = {
      featuresA: featureMatrixFromRows([[2]]),
      featuresB: featureMatrixFromRows([[5]]),
      sourceProbabilities: featureMatrixFromRows([[1, 0, 0]]),
      centres,
    };
    expect(computeDistinctiveness(input, { normalize: false })[0]).toBe(1);
    // An image whose pattern is constant (equidistant from every centre at both layers).
    const flat = createSourceCentres({
      featuresA: featureMatrixFromRows([[1], [-1]]),
      featuresB: featureMatrixFromRows([[2], [-2]]),
      sourceClasses: [0, 1],
    });
    const tied = computeDistinctiveness({
      featuresA: featureMatrixFromRows([[0]]),
      featuresB: featureMatrixFromRows([[0]]),
      sourceProbabilities: featureMatrixFromRows([[0.5, 0.5]]),
      centres: flat,
    });
    expect(tied[0]).toBe(0.5);
  });

  it('is scale-free when normalised: rescaling a layer changes nothing', () => {
    const rescaled = {
      ...pool,
      featuresA: scaled(pool.featuresA, 1000),
      centres: createSourceCentres({
        featuresA: scaled(pool.centres.featuresA, 1000),
        featuresB: pool.centres.featuresB,
        sourceClasses: Array.from(pool.centres.sourceClasses),
      }),
    };
    const before = computeDistinctiveness(pool, { normalize: true });
    const after = computeDistinctiveness(rescaled, { normalize: true });
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i] as number, 12);
    // The paper-faithful variant is dominated by layer A once it is 1000x larger.
    const raw = computeDistinctiveness(rescaled, { normalize: false });
    expect(raw.some((value, i) => Math.abs(value - (before[i] as number)) > 1e-6)).toBe(true);
  });

  it('renormalises the source softmax over the centres in use', () => {
    // Centres for source classes 0..14 only; add 5 extra source classes taking mass away.
    const n = shape.images;
    const k = shape.sourceClasses;
    const wider = new Float64Array(n * (k + 5));
    for (let row = 0; row < n; row++) {
      for (let j = 0; j < k; j++) wider[row * (k + 5) + j] = 0.5 * (pool.sourceProbabilities.data[row * k + j] as number);
      for (let j = k; j < k + 5; j++) wider[row * (k + 5) + j] = 0.1;
    }
    const d = computeDistinctiveness({ ...pool, sourceProbabilities: createFeatureMatrix(wider, n, k + 5) });
    const reference = computeDistinctiveness(pool);
    for (let i = 0; i < n; i++) expect(d[i]).toBeCloseTo(reference[i] as number, 12);
  });

  it('uses uniform weights when the centres carry no probability, and 0.5 with a single centre', () => {
    const space = createPatternSpace(pool.centres, { normalize: true });
    const zero = createFeatureMatrix(new Float64Array(shape.images * shape.sourceClasses), shape.images, shape.sourceClasses);
    const breakdown = explainDistinctiveness({ ...pool, sourceProbabilities: zero }, 3, space);
    expect(Array.from(breakdown.weights)).toEqual(new Array<number>(shape.sourceClasses).fill(1 / shape.sourceClasses));

    const single = createSourceCentres({
      featuresA: featureMatrixFromRows([Array.from(pool.centres.featuresA.data.subarray(0, shape.dimA))]),
      featuresB: featureMatrixFromRows([Array.from(pool.centres.featuresB.data.subarray(0, shape.dimB))]),
      sourceClasses: [0],
    });
    expect(new Set(computeDistinctiveness({ ...pool, centres: single }))).toEqual(new Set([0.5]));
  });

  it('reports progress every 1000 rows and once at the end', () => {
    const bigger = createSyntheticPool({ ...shape, images: 2500 });
    const calls: [number, number][] = [];
    computeDistinctiveness(bigger, { normalize: true, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ]);
  });

  it('rejects features that do not match the centres', () => {
    const other = createSyntheticPool({ ...shape, dimA: 7 });
    expect(() => computeDistinctiveness({ ...pool, centres: other.centres })).toThrow(/do not match the centres/);
    expect(() => computeDistinctiveness({ ...pool, featuresB: other.featuresA })).toThrow();
  });
});
