import { describe, expect, it } from 'vitest';
import { confusionRows } from '../../../src-renderer/logic/confusion-matrix';

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
});
