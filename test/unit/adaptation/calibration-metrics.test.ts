import { describe, expect, it } from 'vitest';
import { calibrationMetrics } from '../../../src-main/adaptation/transfer';

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
      heldOut: { eceBefore: 0.12345, eceAfter: 0.04321, count: 120, folds: 5 },
    });
    expect(rows).toEqual({
      'temperature T (probabilities = softmax(logits / T), folded into the final layer)': 1.75,
      'ECE out-of-fold, 120 training labels, 5 folds (T = 1 → T)': '0.1235 → 0.0432',
      'ECE evaluation set, 40 images (T = 1 → T)': '0.1000 → 0.0500',
    });
  });

  it('says when no temperature was fitted', () => {
    expect(calibrationMetrics({ epochs: 3 }, null)).toEqual({ calibration: expect.stringMatching(/not fitted/) });
  });
});
