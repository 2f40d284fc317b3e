import { describe, expect, it } from 'vitest';
import { calibratedHead, fitTemperature, temperedProbabilities, reliability, softmaxRows, temperatureObjective, topConfidence, TEMPERATURE_RANGE } from '../../../src-main/engine/quality/calibration';

describe('softmaxRows', () => {
  it('divides the logits by T and gives -Infinity exactly 0', () => {
    const p = softmaxRows([0, Math.log(3), -Infinity], 3);
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
    expect(p[2]).toBe(0);
    // T = 2 halves the logit gap: odds sqrt(3) : 1.
    const q = softmaxRows([0, Math.log(3)], 2, 2);
    expect(q[1]).toBeCloseTo(Math.sqrt(3) / (1 + Math.sqrt(3)), 15);
  });

  it('refuses a temperature that is not positive', () => {
    expect(() => softmaxRows([0, 1], 2, 0)).toThrow(/positive/);
  });
});

describe('reliability and ECE', () => {
  it('bins confidences in (lower, upper] and weighs each bin by its count (hand-checked)', () => {
    // bins: (0.9,1] {0.95 right}, (0.8,0.9] {0.85 wrong}, (0.5,0.6] {0.6 right, 0.55 right}
    // ECE = (|1-0.95| + |0-0.85| + 2 |1-0.575|) / 4 = (0.05 + 0.85 + 0.85) / 4 = 0.4375
    const r = reliability([0.95, 0.85, 0.6, 0.55], [1, 0, 1, 1], 10);
    expect(r.ece).toBeCloseTo(0.4375, 12);
    expect(r.count).toBe(4);
    expect(r.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 2, 0, 0, 1, 1]);
    expect(r.bins[5]?.confidence).toBeCloseTo(0.575, 12);
    expect(r.bins[5]?.accuracy).toBe(1);
    expect(r.bins[8]?.accuracy).toBe(0);
    expect(r.bins[0]?.accuracy).toBeNull();
  });

  it('is 0 for perfectly calibrated bins and null without predictions', () => {
    expect(reliability([0.75, 0.75, 0.75, 0.75], [1, 1, 1, 0], 4).ece).toBeCloseTo(0, 15);
    expect(reliability([], [], 10).ece).toBeNull();
  });

  it('refuses a confidence outside [0, 1]', () => {
    expect(() => reliability([1.2], [1])).toThrow(/not a probability/);
  });

  it('reads the top-1 confidence and whether it was right', () => {
    const top = topConfidence([0.2, 0.8, 0.6, 0.4], 2, [1, 1]);
    expect(Array.from(top.confidence)).toEqual([0.8, 0.6]);
    expect(Array.from(top.correct)).toEqual([1, 0]);
  });
});

describe('temperature scaling', () => {
  it('finds T = 1 / ln 2 for logits [0, 1] labeled 1, 1, 0 (hand-checked)', () => {
    // NLL(beta) = 3 log(1 + e^beta) - 2 beta; NLL' = 3 sigma(beta) - 2 = 0 at beta = ln 2.
    const logits = [0, 1, 0, 1, 0, 1];
    const t = fitTemperature(logits, 2, [1, 1, 0]);
    expect(t).toBeCloseTo(1 / Math.LN2, 9);
    expect(temperatureObjective(logits, 2, [1, 1, 0], Math.LN2).slope).toBeCloseTo(0, 12);
  });

  it('sharpens under-confident logits (T < 1) and softens over-confident ones (T > 1)', () => {
    // Right 9 times in 10 with probability 0.6: under-confident, T < 1.
    const under = Array.from({ length: 10 }, () => [0, Math.log(1.5)]).flat();
    expect(fitTemperature(under, 2, [1, 1, 1, 1, 1, 1, 1, 1, 1, 0])).toBeLessThan(1);
    // Right 6 times in 10 with probability 0.99: over-confident, T > 1.
    const over = Array.from({ length: 10 }, () => [0, Math.log(99)]).flat();
    expect(fitTemperature(over, 2, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0])).toBeGreaterThan(1);
  });

  it('clamps a separable set at the smallest temperature and returns 1 without rows', () => {
    expect(fitTemperature([0, 5, 5, 0], 2, [1, 0])).toBe(TEMPERATURE_RANGE.min);
    expect(fitTemperature([], 2, [])).toBe(1);
  });

  it('skips classes with logit -Infinity', () => {
    const t = fitTemperature([0, 1, -Infinity, 0, 1, -Infinity, 0, 1, -Infinity], 3, [1, 1, 0]);
    expect(t).toBeCloseTo(1 / Math.LN2, 9);
  });
});

describe('tempered probabilities and the calibrated head', () => {
  it('normalise(p^(1/T)) equals softmax(z / T)', () => {
    const logits = [1.5, -0.5, 0.25, 3, 2, -1];
    const p = softmaxRows(logits, 3);
    const viaProbabilities = temperedProbabilities(p, 3, 1.7);
    const direct = softmaxRows(logits, 3, 1.7);
    for (let i = 0; i < 6; i++) expect(viaProbabilities[i]).toBeCloseTo(direct[i]!, 12);
  });

  it('divides the dense kernel and bias by T, leaving T = 1 heads untouched', () => {
    const head = { mode: 'light' as const, classes: ['a', 'b'], inputShape: [1], block: null, dense: { kernel: Float32Array.from([2, -4]), bias: Float32Array.from([1, 0.5]) } };
    const scaled = calibratedHead({ head, facts: { temperature: 2 } });
    expect(Array.from(scaled.dense.kernel)).toEqual([1, -2]);
    expect(Array.from(scaled.dense.bias)).toEqual([0.5, 0.25]);
    expect(calibratedHead({ head, facts: {} })).toBe(head);
  });
});
