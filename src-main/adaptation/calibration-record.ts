/**
 * A model version's calibration in its metrics (a JSON field of the version row, no table of
 * its own): written after a light training, read back by the dashboard and the model card.
 */
import type { HeldOutCalibration } from '../../src-shared/requests/evaluation';
import type { Calibration } from '../engine/quality/label-quality';

/** The version metrics of a fitted calibration (`temperature`: the one applied). */
export function calibrationVersionMetrics(calibration: Calibration): Record<string, number | string> {
  return {
    temperature: calibration.temperature,
    'temperature fitted': calibration.fittedTemperature,
    'temperature applied': calibration.applied ? 'yes' : 'no',
    'ece out-of-fold before': calibration.eceBefore ?? '',
    'ece out-of-fold after': calibration.eceAfter ?? '',
    'log-loss out-of-fold before': calibration.logLossBefore ?? '',
    'log-loss out-of-fold after': calibration.logLossAfter ?? '',
    'out-of-fold predictions': calibration.heldOut,
    folds: calibration.folds,
    'temperature fitted on': calibration.source,
  };
}

/**
 * Whether a recorded metric is one of calibrationVersionMetrics' (its keys are those of any
 * calibration): the model card states them under Metrics (transfer.ts calibrationMetrics), so its
 * training details leave them out.
 */
export function isCalibrationMetric(key: string): boolean {
  return CALIBRATION_KEYS.has(key);
}

const CALIBRATION_KEYS: ReadonlySet<string> = new Set(
  Object.keys(calibrationVersionMetrics({ temperature: 1, fittedTemperature: 1, applied: false, eceBefore: null, eceAfter: null, logLossBefore: null, logLossAfter: null, heldOut: 0, folds: 0, source: 'training labels' })),
);

const numberOrNull = (value: number | string | undefined): number | null => (typeof value === 'number' ? value : null);

/**
 * The held-out calibration of a version's metrics; null when no temperature was fitted. The
 * keys keep their first names ("out-of-fold"): with `source` 'evaluation set' they hold the
 * evaluation set's figures, cross-fitted over its folds. A version without 'temperature fitted
 * on' was fitted on the training labels.
 */
export function heldOutCalibration(metrics: Record<string, number | string>): HeldOutCalibration | null {
  const before = metrics['ece out-of-fold before'];
  if (typeof metrics['temperature'] !== 'number' || before === undefined) return null;
  const applied = metrics['temperature applied'];
  return {
    eceBefore: numberOrNull(before),
    eceAfter: numberOrNull(metrics['ece out-of-fold after']),
    count: Number(metrics['out-of-fold predictions']),
    folds: Number(metrics['folds']),
    fitted: numberOrNull(metrics['temperature fitted']),
    applied: applied === 'yes' ? true : applied === 'no' ? false : null,
    logLossBefore: numberOrNull(metrics['log-loss out-of-fold before']),
    logLossAfter: numberOrNull(metrics['log-loss out-of-fold after']),
    source: metrics['temperature fitted on'] === 'evaluation set' ? 'evaluation set' : 'training labels',
  };
}
