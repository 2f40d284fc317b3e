import { describe, expect, it } from 'vitest';
import type { CalibrationView } from '../../../src-shared/contract';
import { calibrationMetrics } from '../../../src-main/adaptation/transfer';
import { fittedOnEvaluationText } from '../../../src-shared/calibration-text';

describe('the model card rows for calibration', () => {
  const metrics = { temperature: 1.75, 'ece out-of-fold before': 0.12345, 'ece out-of-fold after': 0.04321, 'out-of-fold predictions': 120, folds: 5 };

  it('gives T and the ECE before → after, out of fold and on the evaluation set', () => {
    const rows = calibrationMetrics(metrics, {
      modelVersion: 3,
      temperature: 1.75,
      evaluated: 40,
      bins: [],
      ece: 0.05,
      eceUncalibrated: 0.1,
      heldOut: { eceBefore: 0.12345, eceAfter: 0.04321, count: 120, folds: 5, fitted: null, applied: null, logLossBefore: null, logLossAfter: null, source: 'training labels' },
    });
    expect(rows).toEqual({
      'temperature T (probabilities = softmax(logits / T), folded into the final layer)': 1.75,
      'ECE out-of-fold, 120 training labels, 5 folds (T = 1 → T)': '0.1235 → 0.0432',
      'ECE evaluation set, 40 images (T = 1 → T)': '0.1000 → 0.0500',
    });
  });

  const decided = (applied: boolean): Record<string, number | string> => ({
    temperature: applied ? 0.7 : 1,
    'temperature fitted': applied ? 0.7 : 1.3368,
    'temperature applied': applied ? 'yes' : 'no',
    'ece out-of-fold before': 0.1237,
    'ece out-of-fold after': applied ? 0.081 : 0.172,
    'log-loss out-of-fold before': 0.912,
    'log-loss out-of-fold after': applied ? 0.85 : 0.925,
    'out-of-fold predictions': 88,
    folds: 5,
  });
  const evaluation = (applied: boolean, ece: number, eceUncalibrated: number): CalibrationView => ({
    modelVersion: 4,
    temperature: applied ? 0.7 : 1,
    evaluated: 20,
    bins: [],
    ece,
    eceUncalibrated,
    heldOut: null,
  });

  it('says when the fitted temperature was not applied, and why, with the out-of-fold figures', () => {
    const rows = calibrationMetrics(decided(false), evaluation(false, 0.2344, 0.2344));
    expect(rows['temperature scaling']).toBe(
      'Temperature scaling not applied (T = 1, the raw softmax): the fitted T = 1.34 did not improve the calibration of 88 out-of-fold predictions of the training labels, 5 folds ' +
        '(ECE 0.124 → 0.172, log-loss 0.912 → 0.925; each fold tempered at a T fitted on the other folds); T is kept only when it lowers both the log-loss and the ECE.',
    );
    expect(rows['temperature T (not applied: the final layer gives softmax(logits))']).toBe(1);
    expect(rows).not.toHaveProperty(['temperature T (probabilities = softmax(logits / T), folded into the final layer)']);
    expect(rows['ECE out-of-fold, 88 training labels, 5 folds (T = 1 → fitted T, cross-fitted)']).toBe('0.1237 → 0.1720');
    expect(rows['ECE evaluation set, 20 images (T = 1, applied)']).toBe('0.2344');
  });

  it('says when the fitted temperature was applied because it helped', () => {
    const rows = calibrationMetrics(decided(true), evaluation(true, 0.09, 0.12));
    expect(rows['temperature scaling']).toMatch(/^Temperature scaling applied, T = 0\.70: fitted by log-loss on 88 out-of-fold predictions .* it lowered both their log-loss and their ECE \(ECE 0\.124 → 0\.081, log-loss 0\.912 → 0\.850;/);
    expect(rows['temperature T (probabilities = softmax(logits / T), folded into the final layer)']).toBe(0.7);
    expect(rows['ECE evaluation set, 20 images (T = 1 → T)']).toBe('0.1200 → 0.0900');
  });

  it('names the evaluation set when T was fitted there, and judges it by the cross-fitted figures only', () => {
    const onEvaluation = { ...decided(true), 'out-of-fold predictions': 40, 'temperature fitted on': 'evaluation set' };
    const rows = calibrationMetrics(onEvaluation, evaluation(true, 0.05, 0.12));
    expect(rows['temperature scaling']).toMatch(/^Temperature scaling applied, T = 0\.70: fitted by log-loss on the model's predictions of 40 labeled evaluation images, 5 folds, it lowered both/);
    expect(rows['temperature fitted by log-loss on the labeled evaluation set']).toBe(0.7);
    expect(rows['ECE evaluation set, 40 images, 5 folds (T = 1 → fitted T, cross-fitted)']).toBe('0.1237 → 0.0810');
    expect(rows['log-loss evaluation set (T = 1 → fitted T, cross-fitted)']).toBe('0.9120 → 0.8500');
    // The whole set at the T fitted on it would flatter T: not a row of the card.
    expect(Object.keys(rows).some((key) => key.includes('training labels') || key.includes('out-of-fold') || key.startsWith('ECE evaluation set, 20 images'))).toBe(false);
  });

  it('says when no temperature was fitted', () => {
    expect(calibrationMetrics({ epochs: 3 }, null)).toEqual({ calibration: expect.stringMatching(/not fitted/) });
  });

  it('says why none was fitted as the dashboard does: too few training labels and too few labeled evaluation images (either source fits one)', () => {
    expect(calibrationMetrics({ epochs: 3 }, null).calibration).toBe(
      'not fitted (fewer than 40 labeled evaluation images, and deep fine-tuning or fewer than 10 training labels): probabilities are the raw softmax',
    );
  });
});

describe("the dashboard's warning beside the evaluation set's ECE at a T fitted there", () => {
  it('says T was fitted on these images only when they are as many as the diagram is drawn from', () => {
    expect(fittedOnEvaluationText({ count: 60 }, 60)).toBe('T was fitted on these images, which flatters it');
  });

  it('names how many it was fitted on when the set differs now (grown since the training, or images it could not predict then)', () => {
    // T fitted on 40 labeled evaluation images; 60 are labeled now: 20 of the diagram's were never fitted on.
    const text = fittedOnEvaluationText({ count: 40 }, 60);
    expect(text).toBe('T was fitted on 40 labeled evaluation images as they were when the model was trained, which flatters it');
    expect(text).not.toContain('these images');
  });
});
