/**
 * The "No up or down" rule of screen 6 (symmetry-evidence.ts): suggest when the views head's
 * out-of-fold log-loss is lower by more than 2 paired standard errors and its out-of-fold
 * accuracy is at least the plain head's. Logits are built from chosen probabilities of the label.
 */
import { describe, expect, it } from 'vitest';
import { LOG_LOSS_FLOOR, suggestsNoUpOrDown, symmetryEvidence } from '../../../src-main/engine/quality/symmetry-evidence';

/** Two-class logits whose softmax gives each row's label the probability `p[i]` (label 0 on every row). */
function logitsOf(p: number[]): Float64Array {
  return Float64Array.from(p.flatMap((q) => [Math.log(q), Math.log(1 - q)]));
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

describe('symmetryEvidence: the paired statistics and the rule', () => {
  it('suggests when the views lower the log-loss by more than 2 standard errors, as accurate', () => {
    const n = 50;
    const plain = Array.from({ length: n }, (_, i) => 0.6 + 0.002 * i);
    const views = Array.from({ length: n }, (_, i) => 0.8 + 0.002 * i);
    const e = symmetryEvidence(logitsOf(plain), logitsOf(views), zeros(n), 2);
    const d = plain.map((p, i) => -Math.log(views[i] as number) + Math.log(p));
    const mean = d.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    expect(e.n).toBe(n);
    expect(e.meanDifference).toBeCloseTo(mean, 12);
    expect(e.standardError).toBeCloseTo(sd / Math.sqrt(n), 12);
    expect(e.plainAccuracy).toBe(1);
    expect(e.viewsAccuracy).toBe(1);
    expect(e.plainLogLoss).toBeCloseTo(-plain.reduce((a, p) => a + Math.log(p), 0) / n, 12);
    expect(e.suggest).toBe(true);
  });

  it('does not suggest when the mean gain is within 2 standard errors (the SE test)', () => {
    // Half the rows much better with the views, half much worse: a small mean gain, a large spread.
    const n = 50;
    const plain = new Array<number>(n).fill(0.7);
    const views = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.95 : 0.52));
    const e = symmetryEvidence(logitsOf(plain), logitsOf(views), zeros(n), 2);
    expect(e.meanDifference).toBeLessThan(0);
    expect(e.meanDifference).toBeGreaterThan(-2 * e.standardError);
    expect(e.viewsAccuracy).toBe(e.plainAccuracy);
    expect(e.suggest).toBe(false);
  });

  it('does not suggest when the views are less accurate, however much lower their log-loss', () => {
    const n = 50;
    const plain = new Array<number>(n).fill(0.51);
    const views = Array.from({ length: n }, (_, i) => (i === 0 ? 0.49 : 0.9));
    const e = symmetryEvidence(logitsOf(plain), logitsOf(views), zeros(n), 2);
    expect(e.meanDifference).toBeLessThan(-2 * e.standardError);
    expect(e.plainAccuracy).toBe(1);
    expect(e.viewsAccuracy).toBeCloseTo(49 / 50, 12);
    expect(e.suggest).toBe(false);
  });

  it('floors the probability at 1e-6, scores a row without a head as uniform in both, and breaks ties to the lowest class', () => {
    const c = 3;
    // Row 0: the label's class absent from the fold (-Infinity); row 1: no head at all (every logit -Infinity).
    const plain = Float64Array.from([-Infinity, 0, 1, -Infinity, -Infinity, -Infinity, 0, 0, 0]);
    const views = Float64Array.from([-Infinity, 2, 1, -Infinity, -Infinity, -Infinity, 5, 0, 0]);
    const e = symmetryEvidence(plain, views, [0, 0, 0], c);
    const floor = -Math.log(LOG_LOSS_FLOOR);
    const uniform = Math.log(3);
    const tiedPlain = Math.log(3);
    const sureViews = -Math.log(Math.exp(5) / (Math.exp(5) + 2));
    expect(e.plainLogLoss).toBeCloseTo((floor + uniform + tiedPlain) / 3, 12);
    expect(e.viewsLogLoss).toBeCloseTo((floor + uniform + sureViews) / 3, 12);
    // Row 1 (uniform) and row 2 (a three-way tie) count as class 0 for the plain head.
    expect(e.plainAccuracy).toBeCloseTo(2 / 3, 12);
    expect(e.viewsAccuracy).toBeCloseTo(2 / 3, 12);
  });

  it('refuses logits that do not match the labels, and never suggests on non-finite statistics', () => {
    expect(() => symmetryEvidence([0, 1], [0, 1], [0, 1], 2)).toThrow(/2 logits for 2 rows of 2 classes/);
    expect(() => symmetryEvidence([0, 1, 1, 0], [0, 1, 1, 0], [0, 2], 2)).toThrow(/not a class index/);
    expect(suggestsNoUpOrDown({ meanDifference: -1, standardError: Number.NaN, plainAccuracy: 0.5, viewsAccuracy: 0.6 })).toBe(false);
    expect(suggestsNoUpOrDown({ meanDifference: -0.21, standardError: 0.1, plainAccuracy: 0.5, viewsAccuracy: 0.5 })).toBe(true);
    expect(suggestsNoUpOrDown({ meanDifference: -0.2, standardError: 0.1, plainAccuracy: 0.5, viewsAccuracy: 0.5 })).toBe(false);
  });
});
