import { describe, expect, it } from 'vitest';
import { sourceCentresByClassMean } from '../../../src-main/engine/starter/source-centres-by-class-mean';

describe('sourceCentresByClassMean', () => {
  it('picks, per class, the instance nearest to the class mean', () => {
    // class 0: (0,0) (2,0) (1,0.1) → mean (1, 0.0333), nearest row 2; class 1: (5,5) (7,7) (6,6.5) → mean (6, 6.1667), nearest row 5
    const vectors = Float32Array.from([0, 0, 5, 5, 2, 0, 7, 7, 1, 0.1, 6, 6.5]);
    const labels = [0, 1, 0, 1, 0, 1];
    const centres = sourceCentresByClassMean(vectors, 2, labels, 2);
    expect(centres.map((c) => c.row)).toEqual([4, 5]);
    expect(centres.map((c) => c.classSize)).toEqual([3, 3]);
    expect(centres[0]?.mean[0]).toBeCloseTo(1, 6);
    expect(centres[1]?.mean[1]).toBeCloseTo(6.1667, 3);
    expect(centres[0]?.distanceToMean).toBeCloseTo(Math.hypot(0, 0.1 - 0.1 / 3), 5);
  });

  it('breaks ties by the lowest row and rejects empty classes and bad shapes', () => {
    const tie = sourceCentresByClassMean(Float32Array.from([1, 3]), 1, [0, 0], 1);
    expect(tie[0]?.row).toBe(0);
    expect(() => sourceCentresByClassMean(Float32Array.from([1, 2]), 1, [0, 0], 2)).toThrow(/class 1 has no instance/);
    expect(() => sourceCentresByClassMean(Float32Array.from([1, 2, 3]), 2, [0, 0], 1)).toThrow(RangeError);
    expect(() => sourceCentresByClassMean(Float32Array.from([1]), 1, [4], 2)).toThrow(/outside/);
  });
});
