import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src-main/core/seeded-random';
import { rankBySelfConfidence, suspectQueue } from '../../../src-main/engine/quality/suspect-labels';
import { confidentLearningIssues, roundPreservingRowTotals } from '../../../src-main/engine/quality/confident-learning';

describe('roundPreservingRowTotals', () => {
  it('rounds half to even and keeps each row total (hand-checked)', () => {
    expect(roundPreservingRowTotals([[0.5, 1.5, 1.0]])).toEqual([[0, 2, 1]]);
    // 0 + 0 + 0 is short of 1: the entry rounded down the most (first of the two 0.4s) goes up.
    expect(roundPreservingRowTotals([[0.4, 0.4, 0.2]])).toEqual([[1, 0, 0]]);
    // 3 + 3 + 1 is over 6: the entry rounded up the most (a 2.6, the first) goes down.
    expect(roundPreservingRowTotals([[2.6, 2.6, 0.8]])).toEqual([[2, 3, 1]]);
    expect(roundPreservingRowTotals([[1, 2], [0.25, 0.75]])).toEqual([[1, 2], [0, 1]]);
  });

  it('always sums each row to its rounded total', () => {
    const random = new SeededRandom(5);
    for (let t = 0; t < 200; t++) {
      const row = Array.from({ length: 1 + random.int(6) }, () => random.next() * 10);
      const [ints] = roundPreservingRowTotals([row]);
      expect(ints!.reduce((a, b) => a + b, 0)).toBe(Math.round(row.reduce((a, b) => a + b, 0)));
      ints!.forEach((v, j) => expect(Math.abs(v - row[j]!)).toBeLessThan(1));
    }
  });
});

describe('confidentLearningIssues', () => {
  // Three classes. Row 2 is given 0 but the model is as sure it is a 1 as of the surest 1s;
  // row 9 is given 2 and the model leans to 0 without reaching any class's threshold.
  const labels = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const probabilities = Float64Array.from(
    [
      [0.9, 0.05, 0.05],
      [0.8, 0.1, 0.1],
      [0.1, 0.8, 0.1],
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
      [0.05, 0.9, 0.05],
      [0.1, 0.1, 0.8],
      [0.1, 0.2, 0.7],
      [0.4, 0.3, 0.3],
    ].flat(),
  );
  const judged = new Uint8Array(labels.length).fill(1);

  it('flags the image the model confidently puts in another class, not one it merely gets wrong (hand-checked)', () => {
    // Thresholds: t0 = (0.9 + 0.8 + 0.1 + 0.7) / 4 = 0.625, t1 = 0.8, t2 = 0.6. Confident joint
    // rows (given 0, 1, 2): [3, 1, 0], [0, 2, 0] (row 5 reaches no threshold), [0, 0, 2] (row 9
    // neither); calibrated to the label counts: [3, 1, 0], [0, 3, 0], [0, 0, 3]. One image given 0
    // is a 1: the one with the largest p1 - p0, row 2.
    expect([...confidentLearningIssues(labels, probabilities, 3, judged)]).toEqual([2]);
    // The argmax rule lists row 9 as well.
    const ranked = rankBySelfConfidence(
      labels.map((_, i) => i),
      labels,
      probabilities,
      3,
      judged,
    );
    expect(suspectQueue(ranked).map((r) => r.imageId).sort()).toEqual([2, 9]);
  });

  it('leaves out rows that were not judged', () => {
    const notRow2 = Uint8Array.from(judged, (_, i) => (i === 2 ? 0 : 1));
    expect([...confidentLearningIssues(labels, probabilities, 3, notRow2)]).toEqual([]);
  });

  it('finds exactly the flipped labels of well separated classes', () => {
    const random = new SeededRandom(11);
    const c = 4;
    const n = 120;
    const truth = Array.from({ length: n }, (_, i) => i % c);
    const given = [...truth];
    const flipped = [3, 17, 40, 77, 101];
    for (const i of flipped) given[i] = ((truth[i] as number) + 1 + random.int(c - 1)) % c;
    // A model that is right, and as sure, on every image: each reaches its class's threshold
    // (the flipped-in images pull the mean below 0.9).
    const p = new Float64Array(n * c);
    truth.forEach((k, i) => {
      for (let j = 0; j < c; j++) p[i * c + j] = j === k ? 0.9 : 0.1 / (c - 1);
    });
    const found = [...confidentLearningIssues(given, p, c, new Uint8Array(n).fill(1))].sort((a, b) => a - b);
    expect(found).toEqual(flipped);
  });

  it('flags only images the argmax rule lists, and keeps at least one image of every class (random models)', () => {
    const random = new SeededRandom(3);
    for (let t = 0; t < 100; t++) {
      const c = 2 + random.int(5);
      const n = c + random.int(60);
      const given = Array.from({ length: n }, (_, i) => (i < c ? i : random.int(c)));
      const p = new Float64Array(n * c);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let k = 0; k < c; k++) sum += p[i * c + k] = random.next() ** 3;
        for (let k = 0; k < c; k++) p[i * c + k] = p[i * c + k]! / sum;
      }
      const judged = Uint8Array.from({ length: n }, () => (random.next() < 0.9 ? 1 : 0));
      const flagged = confidentLearningIssues(given, p, c, judged);
      const ids = given.map((_, i) => i);
      const argmaxRule = new Set(suspectQueue(rankBySelfConfidence(ids, given, p, c, judged)).map((r) => r.imageId));
      for (const i of flagged) expect(argmaxRule.has(i)).toBe(true);
      for (let k = 0; k < c; k++) {
        const judgedOfK = ids.filter((i) => judged[i] && given[i] === k);
        if (judgedOfK.length > 0) expect(judgedOfK.some((i) => !flagged.has(i))).toBe(true);
      }
    }
  });
});
