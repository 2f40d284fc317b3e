/**
 * Temperature scaling is kept only when it helps: fitted by log-loss on out-of-fold logits,
 * applied only when, cross-fitted over the folds, it lowers both the log-loss and the ECE.
 */
import { describe, expect, it } from 'vitest';
import { decideTemperature, fitTemperature, reliability, softmaxRows, temperatureObjective, topConfidence } from '../../../src-main/engine/quality/calibration';

/** Binary rows whose class-0 probability is `p`, `right` of them labelled 0, the rest 1; fold = index % folds. */
function levels(spec: { p: number; rows: number; right: number }[], sharpen = 1, folds = 5): { logits: Float64Array; labels: number[]; fold: number[] } {
  const logits: number[] = [];
  const labels: number[] = [];
  const fold: number[] = [];
  for (const { p, rows, right } of spec) {
    for (let j = 0; j < rows; j++) {
      logits.push(sharpen * Math.log(p / (1 - p)), 0);
      labels.push(j < right ? 0 : 1);
      fold.push(j % folds);
    }
  }
  return { logits: Float64Array.from(logits), labels, fold };
}

function ece(logits: Float64Array, labels: number[], t: number): number {
  const top = topConfidence(softmaxRows(logits, 2, t), 2, labels);
  return reliability(top.confidence, top.correct).ece as number;
}

describe('decideTemperature', () => {
  it('keeps T = 1 when the log-loss-fitted T makes the out-of-fold ECE worse, and says by how much', () => {
    // Calibrated at 0.6, nearly sure and always right at 0.99: log-loss wants a sharper
    // softmax (T < 1), which makes the 0.6 predictions overconfident.
    const { logits, labels, fold } = levels([
      { p: 0.99, rows: 50, right: 50 },
      { p: 0.6, rows: 50, right: 30 },
    ]);
    const fitted = fitTemperature(logits, 2, labels);
    expect(fitted).toBeLessThan(0.95);
    expect(ece(logits, labels, fitted)).toBeGreaterThan(ece(logits, labels, 1)); // what the old code applied anyway
    const decision = decideTemperature(logits, 2, labels, fold);
    expect(decision.fitted).toBeCloseTo(fitted, 12);
    expect(decision.applied).toBe(false);
    expect(decision.temperature).toBe(1);
    expect(decision.eceBefore).toBeCloseTo(ece(logits, labels, 1), 12);
    expect(decision.eceAfter).toBeGreaterThan(decision.eceBefore as number);
  });

  it('applies T when it lowers both the log-loss and the ECE of folds it was not fitted on', () => {
    // Calibrated probabilities with logits tripled: overconfident, T near 3 repairs them.
    const { logits, labels, fold } = levels(
      [
        { p: 0.6, rows: 50, right: 30 },
        { p: 0.7, rows: 50, right: 35 },
        { p: 0.8, rows: 50, right: 40 },
        { p: 0.9, rows: 50, right: 45 },
      ],
      3,
    );
    const decision = decideTemperature(logits, 2, labels, fold);
    expect(decision.applied).toBe(true);
    expect(decision.temperature).toBe(decision.fitted);
    expect(decision.fitted).toBeGreaterThan(2.5);
    expect(decision.fitted).toBeLessThan(3.5);
    expect(decision.eceAfter).toBeLessThan((decision.eceBefore as number) / 2);
    expect(decision.logLossAfter).toBeLessThan(decision.logLossBefore as number);
  });

  it('judges T on predictions it was not fitted on: the cross-fitted log-loss is no lower than the in-sample one', () => {
    const { logits, labels, fold } = levels([
      { p: 0.95, rows: 40, right: 33 },
      { p: 0.7, rows: 40, right: 31 },
    ]);
    const decision = decideTemperature(logits, 2, labels, fold);
    const inSample = temperatureObjective(logits, 2, labels, 1 / decision.fitted).value;
    expect(decision.logLossAfter).toBeGreaterThanOrEqual(inSample - 1e-12);
    expect(decision.logLossBefore).toBeCloseTo(temperatureObjective(logits, 2, labels, 1).value, 12);
  });

  it('does not apply T without predictions or with a single fold to judge it on', () => {
    expect(decideTemperature(new Float64Array(0), 3, [], [])).toMatchObject({ applied: false, temperature: 1, eceBefore: null, eceAfter: null });
    const { logits, labels } = levels([{ p: 0.9, rows: 20, right: 10 }], 2);
    const one = decideTemperature(logits, 2, labels, labels.map(() => 0));
    expect(one).toMatchObject({ applied: false, temperature: 1, eceAfter: null, logLossAfter: null });
    expect(one.eceBefore).not.toBeNull();
  });

  it('refuses fold indexes that do not match the rows', () => {
    const { logits, labels } = levels([{ p: 0.9, rows: 10, right: 9 }]);
    expect(() => decideTemperature(logits, 2, labels, [0, 1])).toThrow(/fold indexes/);
  });
});
