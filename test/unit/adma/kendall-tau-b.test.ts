import { describe, expect, it } from 'vitest';
import { kendallTauB, KendallTauBWorkspace } from '../../../src-main/engine/adma/kendall-tau-b';
import { mulberry32, randomIndex } from '../../../src-main/core/seeded-random';

/** Straight from the definition: O(n^2) over all pairs. */
function bruteForceTauB(x: readonly number[], y: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  let onlyX = 0;
  let onlyY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign((x[i] as number) - (x[j] as number));
      const dy = Math.sign((y[i] as number) - (y[j] as number));
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) onlyX++;
      else if (dy === 0) onlyY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + onlyX) * (concordant + discordant + onlyY));
  return denominator === 0 ? 0 : (concordant - discordant) / denominator;
}

describe('kendallTauB', () => {
  it('matches the pairwise definition on random vectors with many ties', () => {
    const random = mulberry32(2024);
    const workspace = new KendallTauBWorkspace();
    for (let trial = 0; trial < 600; trial++) {
      const n = randomIndex(random, 60);
      const levels = 1 + randomIndex(random, 8);
      const x = Array.from({ length: n }, () => randomIndex(random, levels));
      const y = Array.from({ length: n }, () => (random() < 0.3 ? randomIndex(random, levels) : random()));
      const expected = bruteForceTauB(x, y);
      expect(Math.abs(workspace.compute(x, y) - expected), `n ${n}, levels ${levels}`).toBeLessThan(1e-12);
      expect(Math.abs(kendallTauB(y, x) - expected)).toBeLessThan(1e-12);
    }
  });

  it('matches the definition on continuous values with a shared workspace across lengths', () => {
    const random = mulberry32(7);
    const workspace = new KendallTauBWorkspace();
    for (const n of [100, 3, 57, 2, 100, 64, 65]) {
      const x = Float64Array.from({ length: n }, () => random());
      const y = Float64Array.from(x, (v) => v + 0.3 * random());
      expect(Math.abs(workspace.compute(x, y) - bruteForceTauB(Array.from(x), Array.from(y)))).toBeLessThan(1e-12);
    }
  });

  it('is 1 for the same order, -1 for the reverse, invariant under monotone maps', () => {
    const x = [0.3, -1, 2, 5, 4.5];
    expect(kendallTauB(x, x)).toBe(1);
    expect(kendallTauB(x, x.map((v) => Math.exp(3 * v) + 7))).toBe(1);
    expect(kendallTauB(x, x.map((v) => -v))).toBe(-1);
  });

  it('returns 0 for degenerate inputs: entirely tied vectors and fewer than two values', () => {
    expect(kendallTauB([1, 1, 1, 1], [1, 2, 3, 4])).toBe(0);
    expect(kendallTauB([1, 2, 3, 4], [5, 5, 5, 5])).toBe(0);
    expect(kendallTauB([2, 2], [2, 2])).toBe(0);
    expect(kendallTauB([1], [3])).toBe(0);
    expect(kendallTauB([], [])).toBe(0);
  });

  it('rejects NaN and vectors of different lengths', () => {
    expect(() => kendallTauB([1, Number.NaN], [1, 2])).toThrow(/NaN/);
    expect(() => kendallTauB([1, 2, 3], [1, 2])).toThrow(/one length/);
  });
});
