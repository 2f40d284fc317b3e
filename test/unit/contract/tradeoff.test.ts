import { describe, expect, it } from 'vitest';
import { lambdaAt, nextQueryTradeoff } from '../../../src-shared/tradeoff';

const linear = { kind: 'linear', step: 0.5 } as const;

describe('the next query trade-off', () => {
  it('computes λ_t for both schedules, starting at 0', () => {
    expect(lambdaAt({ kind: 'linear', step: 0.25 }, 0)).toBe(0);
    expect(lambdaAt({ kind: 'linear', step: 0.25 }, 2)).toBe(0.5);
    expect(lambdaAt({ kind: 'linear', step: 0.25 }, 9)).toBe(1);
    expect(lambdaAt({ kind: 'exponential', gamma: 0.5 }, 0)).toBe(0);
    expect(lambdaAt({ kind: 'exponential', gamma: 0.5 }, 2)).toBeCloseTo(0.75, 12);
  });

  it('counts query rounds as t, whatever the number of labels', () => {
    expect(nextQueryTradeoff({ schedule: linear, queryRounds: 0, labeledClassCount: 2, trained: true })).toEqual({ t: 0, lambda: 0, held: null });
    expect(nextQueryTradeoff({ schedule: linear, queryRounds: 1, labeledClassCount: 3, trained: true })).toEqual({ t: 1, lambda: 0.5, held: null });
    expect(nextQueryTradeoff({ schedule: linear, queryRounds: 5, labeledClassCount: 3, trained: true }).lambda).toBe(1);
  });

  it('holds λ at 0 while uncertainty is undefined, and says why', () => {
    expect(nextQueryTradeoff({ schedule: linear, queryRounds: 3, labeledClassCount: 1, trained: true })).toMatchObject({ t: 3, lambda: 0, held: expect.stringMatching(/two classes/) });
    expect(nextQueryTradeoff({ schedule: linear, queryRounds: 3, labeledClassCount: 2, trained: false })).toMatchObject({ t: 3, lambda: 0, held: expect.stringMatching(/trained/) });
  });
});
