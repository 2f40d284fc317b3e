/**
 * A light training carries the previous head's temperature over while the labels have grown by
 * less than REFIT_GROWTH since it was fitted, and fits anew otherwise (first fit, more labels,
 * fewer labels, other classes, a deep head before).
 */
import { describe, expect, it } from 'vitest';
import { carriedCalibration, REFIT_GROWTH } from '../../../src-main/engine/quality/label-quality';
import type { HeadRecord } from '../../../src-main/engine/train/head-file';

function record(overrides: { classes?: string[]; mode?: 'light' | 'deep'; temperature?: number; heldOut?: number; calibrated?: boolean } = {}): HeadRecord {
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
        : { temperature: overrides.temperature ?? 1.7, calibration: { eceBefore: 0.08, eceAfter: 0.03, heldOut: overrides.heldOut ?? 100, folds: 5 } }),
    },
  } as HeadRecord;
}

describe('carriedCalibration', () => {
  it('carries T and its figures while the labels grew by less than the refit factor', () => {
    expect(carriedCalibration(record(), 100, ['ant', 'bee'])).toEqual({ temperature: 1.7, eceBefore: 0.08, eceAfter: 0.03, heldOut: 100, folds: 5 });
    expect(carriedCalibration(record(), Math.ceil(100 * REFIT_GROWTH) - 1, ['ant', 'bee'])?.temperature).toBe(1.7);
  });

  it('fits anew at the refit factor, with fewer labels, other classes, no previous fit or a deep head', () => {
    expect(carriedCalibration(record(), 100 * REFIT_GROWTH, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(record(), 99, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(record(), 110, ['ant', 'wasp'])).toBeNull();
    expect(carriedCalibration(record(), 110, ['ant', 'bee', 'wasp'])).toBeNull();
    expect(carriedCalibration(record({ calibrated: false }), 110, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(record({ mode: 'deep' }), 110, ['ant', 'bee'])).toBeNull();
    expect(carriedCalibration(undefined, 110, ['ant', 'bee'])).toBeNull();
  });
});
