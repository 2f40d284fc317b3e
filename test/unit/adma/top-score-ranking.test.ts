import { describe, expect, it } from 'vitest';
import { rankRowsByScore, topRowsByScore } from '../../../src-main/engine/adma/top-score-ranking';

describe('ranking by score', () => {
  const ids = [40, 10, 30, 20, 50];
  const scores = [0.5, 0.5, Number.NaN, 0.9, 0.5];

  it('puts higher scores first, equal scores by smaller image id, NaN last', () => {
    expect(Array.from(rankRowsByScore(Int32Array.from([0, 1, 2, 3, 4]), scores, ids))).toEqual([3, 1, 0, 4, 2]);
  });

  it('takes the top b of the given rows only', () => {
    expect(Array.from(topRowsByScore(Int32Array.from([0, 2, 4]), scores, ids, 2))).toEqual([0, 4]);
    expect(Array.from(topRowsByScore(Int32Array.from([0, 2]), scores, ids, 5))).toEqual([0, 2]);
    expect(Array.from(topRowsByScore(Int32Array.from([0, 2]), scores, ids, 0))).toEqual([]);
  });
});
