/**
 * A light training carries the previous head's temperature over while the labels have grown by
 * less than REFIT_GROWTH since it was fitted, and fits anew otherwise (first fit, more labels,
 * fewer labels, other classes, a deep head before).
 */
import { describe, expect, it } from 'vitest';
import { carriedCalibration, REFIT_GROWTH } from '../../../src-main/engine/quality/label-quality';
import type { HeadRecord } from '../../../src-main/engine/train/head-file';

function record(overrides: { classes?: string[]; mode?: 'light' | 'deep'; temperature?: number; heldOut?: number; calibrated?: boolean; legacy?: boolean; onEvaluationSet?: boolean } = {}): HeadRecord {
  const classes = overrides.classes ?? ['ant', 'bee'];
  return {
    head: { mode: overrides.mode ?? 'light', classes, inputShape: [4], block: null, dense: { kernel: new Float32Array(8), bias: new Float32Array(2) } },
    facts: {
      modelId: 'm',
      labelCounts: classes.map(() => 50),
      trainedAt: '2026-11-30T00:00:00Z',
      backend: 'wasm',
      seed: 0,
      epochs: 1,
      loss: 0.1,
      trainAccuracy: 1,
      ...(overrides.calibrated === false
        ? {}
        : {
            temperature: overrides.temperature ?? 1.7,
            calibration: {
              eceBefore: 0.08,
              eceAfter: 0.03,
              heldOut: overrides.heldOut ?? 100,
              folds: 5,
              ...(overrides.legacy ? {} : { fittedTemperature: overrides.temperature ?? 1.7, applied: true, logLossBefore: 0.4, logLossAfter: 0.3 }),
              ...(overrides.onEvaluationSet ? { source: 'evaluation set' } : {}),
            },
          }),
    },
  } as HeadRecord;
}

describe('carriedCalibration', () => {
  it('carries T and its figures while the labels grew by less than the refit factor', () => {
    expect(carriedCalibration(record(), 100, ['ant', 'bee'])).toEqual({
      temperature: 1.7,
      fittedTemperature: 1.7,
      applied: true,
      eceBefore: 0.08,
      eceAfter: 0.03,
      logLossBefore: 0.4,
      logLossAfter: 0.3,
      heldOut: 100,
      folds: 5,
      source: 'training labels',
    });
    expect(carriedCalibration(record(), Math.ceil(100 * REFIT_GROWTH) - 1, ['ant', 'bee'])?.temperature).toBe(1.7);
  });

  it('fits anew at the refit factor, with fewer labels, other classes, no previous fit or a deep head', () => {
    expect(carriedCalibration(record(), 100 * REFIT_GROWTH, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(record(), 99, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(record(), 110, ['ant', 'wasp'])).toBeNull();
    expect(carriedCalibration(record(), 110, ['ant', 'bee', 'wasp'])).toBeNull();
    expect(carriedCalibration(record({ calibrated: false }), 110, ['ant', 'bee'])).toBeNull();
    // A fit on the evaluation set costs milliseconds and the set may have changed: never carried.
    expect(carriedCalibration(record({ onEvaluationSet: true }), 110, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(record({ mode: 'deep' }), 110, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(undefined, 110, ['ant', 'bee'])).toBeNull();
  });

  it('fits anew after a head whose T was applied before T was kept only when it helps', () => {
    expect(carriedCalibration(record({ legacy: true }), 110, ['ant', 'bee'])).toBeNull();
  });

  it('carries a decision not to apply T with its reasons', () => {
    const rejected = record({ temperature: 1 });
    rejected.facts.calibration = { eceBefore: 0.124, eceAfter: 0.172, heldOut: 100, folds: 5, fittedTemperature: 1.34, applied: false, logLossBefore: 0.9, logLossAfter: 0.91 };
    expect(carriedCalibration(rejected, 110, ['ant', 'bee'])).toMatchObject({ temperature: 1, fittedTemperature: 1.34, applied: false, eceAfter: 0.172 });
  });
});
