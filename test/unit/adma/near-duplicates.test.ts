import { describe, expect, it } from 'vitest';
import { createFeatureMatrix, featureMatrixFromRows } from '../../../src-main/engine/adma/feature-matrix';
import { duplicateGroups, hammingDistance, NearDuplicateIndex, type PerceptualCodes, type ThumbnailSource } from '../../../src-main/engine/adma/near-duplicates';
import { THUMBNAIL_SIDE } from '../../../src-main/engine/adma/thumbnail-correlation';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { plantedPool } from './near-duplicate-pool';

function codesOf(pairs: [number, number][], known?: number[]): PerceptualCodes {
  return { words: Uint32Array.from(pairs.flat()), known: Uint8Array.from(known ?? pairs.map(() => 1)), thumbnails: null };
}

describe('near-duplicate test', () => {
  it('counts differing bits of 64-bit codes, and an unknown code differs in every bit', () => {
    const codes = codesOf([[0, 0], [0xffffffff, 1], [0x80000001, 0x80000000], [0, 0]], [1, 1, 1, 0]);
    expect(hammingDistance(codes, 0, 1)).toBe(33);
    expect(hammingDistance(codes, 0, 2)).toBe(3);
    expect(hammingDistance(codes, 1, 2)).toBe(30 + 2);
    expect(hammingDistance(codes, 0, 3)).toBe(64);
  });

  it('needs both the feature similarity and the perceptual check; equal content is always a duplicate', () => {
    const features = featureMatrixFromRows([
      [1, 0, 0],
      [2, 0.1, 0], // same direction as 0 (cos 0.9988), code 1 bit off: near duplicate
      [0, 1, 0], // orthogonal to 0, same code: not a duplicate
      [1, 0.02, 0], // same direction, code far off: not a duplicate
      [0, 0, 1], // same content hash as 0: exact duplicate despite everything
      [-4, -1.12, -1], // balances the others: the mean row is zero, so centring changes nothing here
    ]);
    // Row 4 has row 0's content, hence its difference hash; its features are made up to show they do not matter.
    const codes = codesOf([[7, 7], [6, 7], [7, 7], [0xffff0000, 7], [7, 7], [0x0f0f0f0f, 0xf0f0f0f0]]);
    const index = new NearDuplicateIndex(features, codes, ['x', 'y', 'z', 'w', 'x', 'v'], { minSimilarity: 0.99, maxHammingDistance: 2, minThumbnailCorrelation: 0.9 });
    expect(index.isDuplicate(0, 1)).toBe(true);
    expect(index.isDuplicate(0, 2)).toBe(false);
    expect(index.isDuplicate(0, 3)).toBe(false);
    expect(index.test(0, 4)).toMatchObject({ exact: true });
    expect(index.similarity(0, 1)).toBeCloseTo(2 / Math.sqrt(4.01), 6);
    expect(index.pairs().map((p) => [p.a, p.b])).toEqual([[0, 1], [0, 4]]);
    expect(duplicateGroups(index.pairs())).toEqual([{ rows: [0, 1, 4], minSimilarity: expect.closeTo(0, 6) as number, maxSimilarity: expect.closeTo(2 / Math.sqrt(4.01), 6) as number, exact: false }]);
    expect(index.withCriteria({ minSimilarity: 0.9999, maxHammingDistance: 2, minThumbnailCorrelation: 0.9 }).isDuplicate(0, 1)).toBe(false);
    // Equal content with unknown codes (unreadable thumbnails) is still an exact pair.
    const unknown = new NearDuplicateIndex(features, { ...codes, known: Uint8Array.of(0, 1, 1, 1, 0, 1) }, ['x', 'y', 'z', 'w', 'x', 'v'], index.criteria);
    expect(unknown.test(0, 4)).toMatchObject({ exact: true });
    expect(unknown.isDuplicate(0, 1)).toBe(false);
  });

  it('compares features centred on the pool mean: a shared offset does not make rows alike', () => {
    const offset = 100;
    const features = featureMatrixFromRows([[offset + 1, offset], [offset - 1, offset], [offset, offset + 1], [offset, offset - 1]]);
    const index = new NearDuplicateIndex(features, codesOf([[0, 0], [0, 0], [0, 0], [0, 0]]), ['a', 'b', 'c', 'd'], { minSimilarity: 0.5, maxHammingDistance: 0, minThumbnailCorrelation: 0.9 });
    expect(index.similarity(0, 1)).toBeCloseTo(-1, 6);
    expect(index.similarity(0, 2)).toBeCloseTo(0, 6);
    expect(index.pairs()).toEqual([]);
  });

  it('rejects criteria out of range and mismatched shapes', () => {
    const features = createFeatureMatrix(new Float32Array(4), 2, 2);
    const codes = codesOf([[0, 0], [0, 0]]);
    expect(() => new NearDuplicateIndex(features, codes, ['a', 'b'], { minSimilarity: 0, maxHammingDistance: 3, minThumbnailCorrelation: 0.9 })).toThrow(/similarity threshold/);
    expect(() => new NearDuplicateIndex(features, codes, ['a', 'b'], { minSimilarity: 0.9, maxHammingDistance: 65, minThumbnailCorrelation: 0.9 })).toThrow(/Hamming/);
    expect(() => new NearDuplicateIndex(features, codes, ['a'], { minSimilarity: 0.9, maxHammingDistance: 3, minThumbnailCorrelation: 0.9 })).toThrow(/content keys/);
  });

  it('finds exactly the planted copies among all pairs, the same as testing every pair', () => {
    const { index, copyOf } = plantedPool({ images: 300, plant: 20, seed: 5 });
    const pairs = index.pairs();
    const brute: string[] = [];
    for (let a = 0; a < index.rows; a++) for (let b = a + 1; b < index.rows; b++) if (index.isDuplicate(a, b)) brute.push(`${a}-${b}`);
    expect(pairs.map((p) => `${p.a}-${p.b}`)).toEqual(brute);
    for (const [copy, original] of copyOf) expect(index.isDuplicate(copy, original), `${copy} copies ${original}`).toBe(true);
    // Every pair found is a planted copy or two copies of one original.
    const root = (row: number) => copyOf.get(row) ?? row;
    for (const p of pairs) expect(root(p.a)).toBe(root(p.b));
    // Groups: one per copied original, holding it and its copies.
    const groups = duplicateGroups(pairs);
    expect(groups).toHaveLength(new Set(copyOf.values()).size);
    for (const g of groups) expect(new Set(g.rows.map(root)).size).toBe(1);
  });

  it('lists the duplicates of a row as testing it against every row does, and keeps the list', () => {
    const { index, copyOf } = plantedPool({ images: 300, plant: 20, seed: 5 });
    for (const row of [...copyOf.keys(), ...copyOf.values(), 0, 1, 299]) {
      const brute = Array.from({ length: index.rows }, (_, j) => j).filter((j) => index.isDuplicate(row, j));
      expect(Array.from(index.duplicatesOf(row)), `row ${row}`).toEqual(brute);
      expect(index.duplicatesOf(row)).toBe(index.duplicatesOf(row));
    }
  });

  it('ranks the most similar rows by cosine, skipping the row itself and the rows asked to skip', () => {
    const features = featureMatrixFromRows([[1, 0], [0.9, 0.1], [0, 1], [1, 0.5], [-1, 0], [-1.9, -1.6]]);
    const index = new NearDuplicateIndex(features, codesOf([[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]), ['a', 'b', 'c', 'd', 'e', 'f'], { minSimilarity: 0.9, maxHammingDistance: 3, minThumbnailCorrelation: 0.9 });
    expect(index.mostSimilar(0, 3).map((s) => s.row)).toEqual([1, 3, 2]);
    expect(index.mostSimilar(0, 10, new Set([1])).map((s) => s.row)).toEqual([3, 2, 5, 4]);
    expect(index.mostSimilar(0, 1)[0]?.similarity).toBeCloseTo(0.9 / Math.sqrt(0.82), 6);
  });

  it('searches all pairs in slices: the same pairs, progress after every slice, other work runs between slices, and a cancel stops it', async () => {
    const { index } = plantedPool({ images: 300, plant: 20, seed: 5 });
    const expected = index.pairs();
    const progress: number[] = [];
    // Other work of the event loop (as a worker message would be): it runs while the search is between slices.
    let between = 0;
    let searching = true;
    const other = (): void => {
      between++;
      if (searching) setImmediate(other);
    };
    setImmediate(other);
    // sliceMillis 0: one row per slice, so every row is a chance for other work.
    const pairs = await index.pairsInSlices(null, { sliceMillis: 0, onProgress: (done, total) => progress.push(done / total) });
    searching = false;
    expect(pairs).toEqual(expected);
    expect(progress).toHaveLength(300);
    expect(progress[progress.length - 1]).toBe(1);
    expect(between).toBeGreaterThan(100);

    const controller = new AbortController();
    let slices = 0;
    const cancelled = index.pairsInSlices(null, { sliceMillis: 0, signal: controller.signal, onProgress: () => ++slices === 10 && controller.abort() });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringMatching(/after 10 of 300 images/) as string });
    expect(slices).toBe(10);
  });

  it('scans tile by tile past the tile size: the same pairs in the same order, progress rising to every row', () => {
    const { index } = plantedPool({ images: 300, plant: 20, seed: 7 });
    const expected = index.pairs();
    expect(expected.length).toBeGreaterThan(10);
    for (const tileRows of [1, 7, 64, 150, 299]) {
      const search = index.pairSearch(null, 0, tileRows);
      const progress: number[] = [];
      for (const step of search) progress.push(step.done);
      expect(search.found, `tiles of ${tileRows}`).toEqual(expected);
      expect(progress.every((done, k) => k === 0 || done >= (progress[k - 1] as number))).toBe(true);
      expect(progress[progress.length - 1]).toBe(300);
      expect(progress.slice(0, -1).every((done) => done < 300)).toBe(true);
    }
    const subset = [250, 3, 17, 120, 4, 90, 200, 5, 6, 299];
    const search = index.pairSearch(subset, 0, 3);
    for (const step of search) expect(step.total).toBe(subset.length);
    expect(search.found).toEqual(index.pairs(subset));
  });

  it('reads thumbnails on demand: the same pairs as with all of them in memory, each needed row read once, an unreadable one never a near duplicate', () => {
    const side = THUMBNAIL_SIDE;
    const random = mulberry32(23);
    const picture = (shift: number, brightness: number): Uint8Array =>
      Uint8Array.from({ length: side * side }, (_, k) => Math.min(255, Math.round(brightness * (100 + 80 * Math.sin(((k % side) + shift) / 5) * Math.cos(Math.floor(k / side) / 7)))));
    const thumbnails = [picture(0, 1), picture(0, 1.1), picture(9, 1), Uint8Array.from({ length: side * side }, () => Math.floor(random() * 256)), picture(0, 1), picture(0, 1)];
    const all = new Uint8Array(thumbnails.length * side * side);
    thumbnails.forEach((t, row) => all.set(t, row * side * side));
    // Rows alike by features and hash, apart from row 5 (hash far off): only the gradients decide among 0-4.
    const features = featureMatrixFromRows(thumbnails.map((_, row) => (row === 5 ? [-5, -0.01, 0] : [1, 0.001 * row, 0]))); // mean row zero
    const words = Uint32Array.from(thumbnails.flatMap((_, row) => (row === 5 ? [0xffffffff, 0xffffffff] : [0, 0])));
    const known = new Uint8Array(thumbnails.length).fill(1);
    const keys = thumbnails.map((_, row) => `k${row}`);
    const criteria = { minSimilarity: 0.5, maxHammingDistance: 4, minThumbnailCorrelation: 0.95 };
    const reads: number[] = [];
    let closed = 0;
    const source: ThumbnailSource = {
      thumbnail: (row) => (reads.push(row), row === 4 ? null : (thumbnails[row] as Uint8Array)),
      close: () => void closed++,
    };
    const inMemory = new NearDuplicateIndex(features, { words, known, thumbnails: all }, keys, criteria).pairs();
    const onDemand = new NearDuplicateIndex(features, { words, known, thumbnails: source }, keys, criteria).pairs();
    // Row 4 has row 0's pixels in memory (a duplicate there) but cannot be read on demand: nobody's near duplicate.
    expect(inMemory.map((p) => [p.a, p.b])).toEqual([[0, 1], [0, 4], [1, 4]]);
    expect(onDemand.map((p) => [p.a, p.b])).toEqual([[0, 1]]);
    expect([...reads].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 4, 4, 4]); // row 5 never reaches the test; an unreadable row is asked again
    expect(closed).toBe(0);
    // The tiled scan (tiles of 2 rows) finds the same, the gradient test included.
    const tiled = new NearDuplicateIndex(features, { words, known, thumbnails: all }, keys, criteria).pairSearch(null, 0, 2);
    for (const step of tiled) expect(step.total).toBe(6);
    expect(tiled.found).toEqual(inMemory);
  });
});
