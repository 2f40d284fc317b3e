import { describe, expect, it } from 'vitest';
import { outOfFoldLogits, stratifiedFolds } from '../../../src-main/engine/quality/out-of-fold';
import { precisionRecallAt, rankBySelfConfidence, suspectQueue } from '../../../src-main/engine/quality/suspect-labels';

describe('stratifiedFolds', () => {
  it('deals each class round robin, continuing across classes (hand-checked sizes)', () => {
    // class 0: 3 rows -> folds 0,1,0 (shuffled among its rows); class 1: 2 rows -> folds 1,0.
    const labels = [0, 0, 0, 1, 1];
    const fold = stratifiedFolds(labels, 2, 2, 7);
    const count = (cls: number, f: number): number => labels.filter((l, i) => l === cls && fold[i] === f).length;
    expect([count(0, 0), count(0, 1), count(1, 0), count(1, 1)]).toEqual([2, 1, 1, 1]);
  });

  it('keeps fold and per-class sizes within one, and is deterministic in the seed', () => {
    const labels = Array.from({ length: 103 }, (_, i) => (i * 7) % 4);
    const a = stratifiedFolds(labels, 4, 5, 1);
    expect(Array.from(stratifiedFolds(labels, 4, 5, 1))).toEqual(Array.from(a));
    expect(Array.from(stratifiedFolds(labels, 4, 5, 2))).not.toEqual(Array.from(a));
    const sizes = [0, 1, 2, 3, 4].map((f) => a.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (let c = 0; c < 4; c++) {
      const per = [0, 1, 2, 3, 4].map((f) => labels.filter((l, i) => l === c && a[i] === f).length);
      expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses fewer than two folds or more folds than rows', () => {
    expect(() => stratifiedFolds([0, 1], 2, 1, 0)).toThrow(/at least 2 folds/);
    expect(() => stratifiedFolds([0, 1], 2, 3, 0)).toThrow(/cannot be split/);
  });
});

describe('outOfFoldLogits', () => {
  it('scores each row by a head trained without it, and flags a class seen only once as not judged', async () => {
    // Two well separated clusters in 2-D, one flipped label (row 0), and a lone class 2.
    const points: [number, number][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 10; i++) {
      points.push([-3 + (i % 3) * 0.1, (i % 2) * 0.1]);
      labels.push(0);
      points.push([3 + (i % 3) * 0.1, (i % 2) * 0.1]);
      labels.push(1);
    }
    labels[0] = 1; // flipped: a class-0 point labeled 1
    points.push([0, 5]);
    labels.push(2);
    const data = Float32Array.from(points.flat());
    const rows = points.map((_, i) => i);
    const oof = await outOfFoldLogits({ data, rowShape: [2] }, rows, labels, { classCount: 3, folds: 5, seed: 3 });
    expect(oof.judged[20]).toBe(0);
    expect(oof.logits[20 * 3 + 2]).toBe(-Infinity);
    // The flipped row's held-out logits favour class 0 (its cluster), not the given class 1.
    expect(oof.logits[0]!).toBeGreaterThan(oof.logits[1]!);
    const ranked = rankBySelfConfidence(rows, labels, softmax(oof.logits, 3), 3, oof.judged);
    expect(ranked[0]?.imageId).toBe(0);
    expect(ranked[0]?.suggested).toBe(0);
    expect(suspectQueue(ranked).map((r) => r.imageId)).toEqual([0]);
    expect(precisionRecallAt(ranked, new Set([0]), 1)).toEqual({ precision: 1, recall: 1 });
  });
});

function softmax(logits: Float64Array, c: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length / c; r++) {
    const row = logits.subarray(r * c, (r + 1) * c);
    const max = Math.max(...row);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += (out[r * c + k] = Math.exp(row[k]! - max));
    for (let k = 0; k < c; k++) out[r * c + k] = out[r * c + k]! / sum;
  }
  return out;
}
