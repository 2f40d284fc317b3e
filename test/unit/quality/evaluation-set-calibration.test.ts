/**
 * A light head's temperature fitted on its own predictions of the labeled evaluation set: the
 * same rule as on the training labels (decideTemperature), judged over seeded folds of the set,
 * from probabilities (log p is the logits up to a per-row constant).
 */
import { describe, expect, it } from 'vitest';
import { decideTemperature, softmaxRows } from '../../../src-main/engine/quality/calibration';
import { DEFAULT_FOLDS, evaluationSetCalibration } from '../../../src-main/engine/quality/label-quality';
import { MIN_EVALUATION_TO_CALIBRATE } from '../../../src-shared/requests/evaluation';

/**
 * Three-class predictions that would be calibrated at the given top probabilities, with their
 * logits multiplied by `sharpen` (overconfident for sharpen > 1): `right` of each level's rows
 * are labelled with the top class, the others with the next class.
 */
function predictions(spec: { p: number; rows: number; right: number }[], sharpen: number): { probabilities: Float32Array; labels: number[] } {
  const logits: number[] = [];
  const labels: number[] = [];
  let row = 0;
  for (const { p, rows, right } of spec) {
    const rest = (1 - p) / 2;
    for (let j = 0; j < rows; j++, row++) {
      const top = row % 3;
      const z = [0, 1, 2].map((k) => sharpen * Math.log(k === top ? p : rest));
      logits.push(...z);
      labels.push(j < right ? top : (top + 1) % 3);
    }
  }
  return { probabilities: Float32Array.from(softmaxRows(logits, 3)), labels };
}

const overconfident = predictions(
  [
    { p: 0.5, rows: 20, right: 10 },
    { p: 0.7, rows: 20, right: 14 },
    { p: 0.9, rows: 20, right: 18 },
  ],
  3,
);

describe('evaluationSetCalibration', () => {
  it('fits and applies the T that undoes overconfidence, naming the evaluation set as its source', () => {
    const calibration = evaluationSetCalibration(overconfident.probabilities, 3, overconfident.labels, 7);
    expect(calibration).not.toBeNull();
    expect(calibration?.source).toBe('evaluation set');
    expect(calibration?.heldOut).toBe(60);
    expect(calibration?.folds).toBe(DEFAULT_FOLDS);
    expect(calibration?.applied).toBe(true);
    expect(calibration?.fittedTemperature).toBeGreaterThan(2.5);
    expect(calibration?.fittedTemperature).toBeLessThan(3.5);
    expect(calibration?.temperature).toBe(calibration?.fittedTemperature);
    expect(calibration?.eceAfter).toBeLessThan(calibration?.eceBefore as number);
    expect(calibration?.logLossAfter).toBeLessThan(calibration?.logLossBefore as number);
  });

  it('is decideTemperature on log p over seeded folds of equal size, the same for the same seed', () => {
    const { probabilities, labels } = overconfident;
    const a = evaluationSetCalibration(probabilities, 3, labels, 11);
    expect(evaluationSetCalibration(probabilities, 3, labels, 11)).toEqual(a);
    // Any fold assignment of 12 rows each gives the same fitted T (fitted on all rows); the cross-fitted figures depend on the folds.
    const logits = Float64Array.from(probabilities, (p) => Math.log(p));
    const byIndex = decideTemperature(logits, 3, labels, labels.map((_, i) => i % DEFAULT_FOLDS));
    expect(a?.fittedTemperature).toBeCloseTo(byIndex.fitted, 9);
    expect(a?.eceBefore).toBeCloseTo(byIndex.eceBefore as number, 12);
    expect(a?.logLossBefore).toBeCloseTo(byIndex.logLossBefore as number, 9);
  });

  it('needs MIN_EVALUATION_TO_CALIBRATE labeled images of at least two classes', () => {
    const n = MIN_EVALUATION_TO_CALIBRATE - 1;
    expect(evaluationSetCalibration(overconfident.probabilities.subarray(0, n * 3), 3, overconfident.labels.slice(0, n), 1)).toBeNull();
    const oneClass = overconfident.labels.map(() => 0);
    expect(evaluationSetCalibration(overconfident.probabilities, 3, oneClass, 1)).toBeNull();
    expect(() => evaluationSetCalibration(overconfident.probabilities, 3, overconfident.labels.slice(1), 1)).toThrow(/probabilities for 59 rows/);
  });

  it('counts a confidently wrong prediction whose probability underflowed to 0 instead of failing', () => {
    const probabilities = Float32Array.from(overconfident.probabilities);
    // Row 0 is labelled with its top class (class 0): make it certain of class 1, its own class at exactly 0.
    probabilities.set([0, 1, 0], 0);
    const calibration = evaluationSetCalibration(probabilities, 3, overconfident.labels, 7);
    expect(calibration?.logLossBefore).toBeGreaterThan(1);
    expect(Number.isFinite(calibration?.fittedTemperature)).toBe(true);
  });
});
