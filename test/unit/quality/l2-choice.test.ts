/**
 * The light head's L2 penalty: the default below L2_CV_MIN_LABELS, the grid value with the
 * least held-out loss from there on (a noisy high-dimensional task wants a strong penalty, a
 * clean low-dimensional one a weak one), carried while the labels grow by less than
 * REFIT_GROWTH, and deterministic.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import { carriedL2, chooseL2, heldOutLoss, L2_CV_MIN_LABELS, L2_GRID, type L2Choice } from '../../../src-main/engine/quality/l2-choice';
import { DEFAULT_L2 } from '../../../src-main/engine/train/logistic-regression';
import { REFIT_GROWTH } from '../../../src-main/engine/quality/label-quality';

/** n rows of d features; the label is the sign of feature 0 plus noise, flipped with probability `flip`. */
function task(n: number, d: number, signal: number, flip: number, seed: number): { data: Float32Array; labels: number[] } {
  const random = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const data = new Float32Array(n * d);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    for (let j = 0; j < d; j++) data[i * d + j] = gauss();
    data[i * d] = (y === 1 ? signal : -signal) + gauss();
    labels.push(random() < flip ? 1 - y : y);
  }
  return { data, labels };
}

const classes = ['a', 'b'];

describe('carriedL2', () => {
  const chosen: L2Choice = { alpha: 10, chosenOn: 120, classes };
  it('keeps a choice while the labels grow by less than REFIT_GROWTH, on the same classes', () => {
    expect(carriedL2(chosen, 120, classes)).toBe(chosen);
    expect(carriedL2(chosen, Math.ceil(120 * REFIT_GROWTH) - 1, classes)).toBe(chosen);
    expect(carriedL2(chosen, Math.ceil(120 * REFIT_GROWTH), classes)).toBeNull();
    expect(carriedL2(chosen, 119, classes)).toBeNull();
    expect(carriedL2(chosen, 130, ['a', 'c'])).toBeNull();
    expect(carriedL2(chosen, 130, ['a', 'b', 'c'])).toBeNull();
    expect(carriedL2(undefined, 130, classes)).toBeNull();
  });

  it('keeps the default only below the minimum, and a chosen value never there', () => {
    const fallback: L2Choice = { alpha: DEFAULT_L2, chosenOn: null, classes };
    expect(carriedL2(fallback, L2_CV_MIN_LABELS - 1, classes)).toBe(fallback);
    expect(carriedL2(fallback, L2_CV_MIN_LABELS, classes)).toBeNull();
    expect(carriedL2(chosen, L2_CV_MIN_LABELS - 1, classes)).toBeNull();
  });
});

describe('heldOutLoss', () => {
  it('is the class-weighted mean cross-entropy of the judged rows (hand-computed)', () => {
    // Rows: class 0 (logits 0, 0), class 0 (log 3, 0), class 1 (0, 0), and one not judged.
    const logits = Float64Array.from([0, 0, Math.log(3), 0, 0, 0, 100, -100]);
    const labels = [0, 0, 1, 1];
    // Class weights over the four labels: 2 of each class -> 1 each.
    const expected = (Math.log(2) + Math.log(4 / 3) + Math.log(2)) / 3;
    expect(heldOutLoss(logits, Uint8Array.from([1, 1, 1, 0]), labels, 2)).toBeCloseTo(expected, 12);
    expect(heldOutLoss(logits, new Uint8Array(4), labels, 2)).toBe(Infinity);
  });
});

describe('chooseL2', () => {
  it('uses the default without cross-validating below the minimum', async () => {
    const { data, labels } = task(L2_CV_MIN_LABELS - 1, 5, 2, 0, 1);
    const choice = await chooseL2({ inputs: { data, rowShape: [5] }, rows: labels.map((_, i) => i), labels, classes, seed: 0 });
    expect(choice).toEqual({ alpha: DEFAULT_L2, chosenOn: null, classes, losses: null });
  });

  it('picks a strong penalty for a weak signal among many noise features, a weak one for a clean low-dimensional task', async () => {
    const noisy = task(120, 300, 0.6, 0.1, 2);
    const noisyChoice = await chooseL2({ inputs: { data: noisy.data, rowShape: [300] }, rows: noisy.labels.map((_, i) => i), labels: noisy.labels, classes, seed: 0 });
    const clean = task(120, 2, 4, 0, 3);
    const cleanChoice = await chooseL2({ inputs: { data: clean.data, rowShape: [2] }, rows: clean.labels.map((_, i) => i), labels: clean.labels, classes, seed: 0 });
    expect(noisyChoice.alpha).toBeGreaterThanOrEqual(10);
    expect(cleanChoice.alpha).toBeLessThanOrEqual(1);
    for (const choice of [noisyChoice, cleanChoice]) {
      expect(choice.chosenOn).toBe(120);
      // A first choice evaluates the whole grid; the chosen value has the least held-out loss.
      const losses = choice.losses as number[];
      expect(losses).toHaveLength(L2_GRID.length);
      expect(losses.every((l) => typeof l === 'number' && Number.isFinite(l))).toBe(true);
      expect(losses[L2_GRID.indexOf(choice.alpha)]).toBe(Math.min(...losses));
    }
    // Deterministic, and carried while it holds (no cross-validation: no losses).
    const again = await chooseL2({ inputs: { data: noisy.data, rowShape: [300] }, rows: noisy.labels.map((_, i) => i), labels: noisy.labels, classes, seed: 0 });
    expect(again).toEqual(noisyChoice);
    const carried = await chooseL2({ inputs: { data: noisy.data, rowShape: [300] }, rows: noisy.labels.map((_, i) => i), labels: noisy.labels, classes, seed: 0, previous: { alpha: 3, chosenOn: 110, classes } });
    expect(carried).toEqual({ alpha: 3, chosenOn: 110, classes, losses: null });
  });

  it('after a first choice, steps from the previous value to the same choice with fewer fits', async () => {
    const noisy = task(150, 300, 0.6, 0.1, 2);
    const request = { inputs: { data: noisy.data, rowShape: [300] }, rows: noisy.labels.map((_, i) => i), labels: noisy.labels, classes, seed: 0 };
    const full = await chooseL2(request);
    const fullLosses = full.losses as number[];
    expect(full.alpha).toBeGreaterThanOrEqual(10);
    // From the weakest penalty (labels grown past REFIT_GROWTH) it walks up to the full grid's choice; from that choice it stays.
    for (const previousAlpha of [L2_GRID[0] as number, full.alpha]) {
      const stepped = await chooseL2({ ...request, previous: { alpha: previousAlpha, chosenOn: 100, classes } });
      expect(stepped.alpha).toBe(full.alpha);
      expect(stepped.chosenOn).toBe(150);
      const evaluated = (stepped.losses as (number | null)[]).filter((l) => l !== null);
      // Staying: the value and its neighbours only.
      if (previousAlpha === full.alpha) expect(evaluated.length).toBeLessThanOrEqual(3);
      // Each value it evaluated has the loss the full grid found (same folds; solver tolerance).
      (stepped.losses as (number | null)[]).forEach((l, k) => {
        if (l !== null) expect(l).toBeCloseTo(fullLosses[k] as number, 3);
      });
    }
  });
});
