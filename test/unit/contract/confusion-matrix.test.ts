import { describe, expect, it } from 'vitest';
import { confusionRows, shareOf } from '../../../src-shared/confusion-matrix';

describe('confusionRows', () => {
  it('shares each cell of its row and counts the diagonal as correct', () => {
    const m = confusionRows([
      [3, 1],
      [0, 0],
    ]);
    expect(m.total).toBe(4);
    expect(m.correct).toBe(3);
    expect(m.rows[0]!.recall).toBe(0.75);
    expect(m.rows[0]!.cells.map((c) => c.share)).toEqual([0.75, 0.25]);
    expect(m.rows[0]!.cells.map((c) => c.diagonal)).toEqual([true, false]);
    expect(m.rows[1]!.recall).toBeNull();
    expect(m.rows[1]!.cells.map((c) => c.share)).toEqual([0, 0]);
  });

  it('gives each predicted class its precision (right among the column), null for a column never predicted', () => {
    // column 0: 3 right of 3 + 2 predicted -> 0.6; column 1: 4 of 1 + 4 -> 0.8; column 2 never predicted.
    const m = confusionRows([
      [3, 1, 0],
      [2, 4, 0],
      [0, 0, 0],
    ]);
    expect(m.precision).toEqual([0.6, 0.8, null]);
  });

  it('a precision or recall says how many images it rests on and its 95% interval (walkthrough 7: 100% of 3 read as exact)', () => {
    expect(shareOf(3, 3)).toEqual({ text: '100%', correct: 3, n: 3, range: '44–100%', interval: '100% of 3 evaluation images; 95% interval 44–100%' });
    expect(shareOf(38, 40)?.interval).toBe('95% of 40 evaluation images; 95% interval 83–99%');
    expect(shareOf(0, 0)).toBeNull();
    expect(confusionRows([[2, 1], [0, 3]]).predicted).toEqual([2, 4]);
  });
});
