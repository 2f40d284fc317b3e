import { describe, expect, it } from 'vitest';
import { combineAdmaScores } from '../../../src-main/engine/adma/adma-score';
import { effectiveLambda, scheduledLambda } from '../../../src-main/engine/adma/tradeoff-schedule';

describe('trade-off schedules', () => {
  it('start at lambda_0 = 0', () => {
    expect(scheduledLambda({ kind: 'linear', step: 0.25 }, 0)).toBe(0);
    expect(scheduledLambda({ kind: 'linear', step: 5 }, 0)).toBe(0);
    expect(scheduledLambda({ kind: 'exponential', gamma: 0.5 }, 0)).toBe(0);
    expect(scheduledLambda({ kind: 'exponential', gamma: 0 }, 0)).toBe(0);
  });

  it('linear: min(1, t * step)', () => {
    const schedule = { kind: 'linear', step: 0.25 } as const;
    expect([1, 2, 3, 4, 5, 40].map((t) => scheduledLambda(schedule, t))).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
  });

  it('exponential: 1 - gamma^t, increasing towards 1', () => {
    const schedule = { kind: 'exponential', gamma: 0.5 } as const;
    expect([1, 2, 3].map((t) => scheduledLambda(schedule, t))).toEqual([0.5, 0.75, 0.875]);
    expect(scheduledLambda({ kind: 'exponential', gamma: 1 }, 9)).toBe(0);
  });

  it('uses D alone while fewer than two classes have labels or no classifier exists', () => {
    const schedule = { kind: 'linear', step: 0.5 } as const;
    expect(effectiveLambda(schedule, 4, 0, true)).toBe(0);
    expect(effectiveLambda(schedule, 4, 1, true)).toBe(0);
    expect(effectiveLambda(schedule, 4, 2, false)).toBe(0);
    expect(effectiveLambda(schedule, 1, 2, true)).toBe(0.5);
  });

  it('rejects invalid rounds and parameters', () => {
    expect(() => scheduledLambda({ kind: 'linear', step: 0.1 }, -1)).toThrow(/Rounds/);
    expect(() => scheduledLambda({ kind: 'linear', step: 0.1 }, 1.5)).toThrow(/Rounds/);
    expect(() => scheduledLambda({ kind: 'linear', step: -0.1 }, 1)).toThrow(/step/);
    expect(() => scheduledLambda({ kind: 'exponential', gamma: 1.5 }, 1)).toThrow(/gamma/);
  });
});

describe('combineAdmaScores', () => {
  const d = Float64Array.from([0.2, 0.9, 0.5]);
  const u = Float64Array.from([1, 0, 0.5]);

  it('is (1 - lambda) D + lambda U, and D itself at lambda 0 even without U', () => {
    expect(Array.from(combineAdmaScores(d, null, 0))).toEqual([0.2, 0.9, 0.5]);
    expect(Array.from(combineAdmaScores(d, u, 1))).toEqual([1, 0, 0.5]);
    const mixed = combineAdmaScores(d, u, 0.25);
    [0.4, 0.675, 0.5].forEach((v, i) => expect(mixed[i]).toBeCloseTo(v, 15));
  });

  it('refuses to weigh an uncertainty that does not exist', () => {
    expect(() => combineAdmaScores(d, null, 0.5)).toThrow(/no/);
    expect(() => combineAdmaScores(d, u, 1.5)).toThrow(/lambda/);
  });
});
