import { describe, expect, it } from 'vitest';
import {
  describeSchedule,
  formatDownload,
  formatProbability,
  formatScore,
  lambdaRule,
  STRATEGIES,
  strategyLabel,
  usesLambda,
} from '../../../src-renderer/logic/loop-format';

describe('loop formatting', () => {
  it('writes scores with three decimals and null as an em dash', () => {
    expect(formatScore(0.81234)).toBe('0.812');
    expect(formatScore(0)).toBe('0.000');
    expect(formatScore(null)).toBe('—');
  });

  it('writes the schedule rule', () => {
    expect(lambdaRule({ kind: 'linear', step: 0.1 })).toBe('λ = min(1, 0.1·t)');
    expect(lambdaRule({ kind: 'exponential', gamma: 0.8 })).toBe('λ = 1 − 0.8^t');
  });

  it('describes schedules and strategies', () => {
    expect(describeSchedule({ kind: 'linear', step: 0.1 })).toBe('linear, step 0.1');
    expect(describeSchedule({ kind: 'exponential', gamma: 0.8 })).toBe('exponential, γ 0.8');
    expect(STRATEGIES.map((s) => s.name)).toEqual([
      'adma',
      'adma-diverse',
      'random',
      'entropy',
      'margin',
      'least-confidence',
      'gini',
      'distinctiveness',
      'coreset',
    ]);
    expect(strategyLabel('coreset')).toBe('Core-set');
    expect(usesLambda('adma')).toBe(true);
    expect(usesLambda('entropy')).toBe(false);
  });

  it('writes probabilities and download sizes', () => {
    expect(formatProbability(0.923)).toBe('92%');
    expect(formatProbability(0.001)).toBe('<1%');
    expect(formatDownload(0)).toBe('on this computer');
    expect(formatDownload(2_000_000)).toBe('1.9 MB download');
    expect(formatDownload(480_000)).toBe('469 KB download');
  });
});
