/**
 * The dashboard's stopping hint: "flattened" only where the evaluation set is large enough to
 * tell (its 95% interval within ±5 points); on a small set, equal accuracies on three rounds
 * get a hint saying how many evaluation images would tell; a rising curve says so.
 */
import { describe, expect, it } from 'vitest';
import type { VersionRow } from '../../../src-main/adaptation/adaptation-store';
import { curveHint, curvePoints, evaluationImagesFor, latestPoint, plateauHint, wilsonInterval } from '../../../src-main/adaptation/learning-curve';
import type { CurvePoint } from '../../../src-shared/contract';
import { SMALL, versionRow } from '../../support/version-row';

function point(labels: number, correct: number, evaluated: number): CurvePoint {
  return { modelVersion: labels, labels, accuracy: correct / evaluated, ...wilsonInterval(correct, evaluated), evaluated };
}

describe('plateauHint', () => {
  it('needs three points', () => {
    expect(plateauHint([point(10, 300, 400), point(20, 320, 400)])).toBeNull();
  });

  it('a curve level at 100% is not "still improving" (walkthrough 7: 38 of 38 read as rising by 0.0 points)', () => {
    expect(wilsonInterval(38, 38).high).toBe(1);
    expect(wilsonInterval(0, 38).low).toBe(0);
    const hint = plateauHint([point(60, 38, 38), point(80, 38, 38), point(116, 38, 38)]);
    expect(hint?.message).not.toMatch(/Still improving/);
    expect(hint?.message).toMatch(/^The curve has flattened/);
  });

  it('calls a level curve flat on a large evaluation set', () => {
    const hint = plateauHint([point(100, 320, 400), point(130, 321, 400), point(160, 322, 400)]);
    expect(hint?.flat).toBe(true);
    expect(hint?.message).toMatch(/^The curve has flattened: the last 60 labels changed accuracy by under a point/);
  });

  it('does not call a level curve flat on 48 evaluation images: it asks for enough to tell', () => {
    const hint = plateauHint([point(100, 38, 48), point(130, 38, 48), point(160, 38, 48)]);
    expect(hint?.flat).toBe(false);
    expect(hint?.message).toContain('48 evaluation images measure it only to about ±11 points');
    expect(hint?.message).toContain(`About ${evaluationImagesFor(38 / 48)} labeled evaluation images would measure it to ±5`);
  });

  it("says a curve rising beyond the first point's interval is still improving, whatever the set", () => {
    for (const n of [48, 400]) {
      const hint = plateauHint([point(100, Math.round(0.6 * n), n), point(130, Math.round(0.7 * n), n), point(160, Math.round(0.8 * n), n)]);
      expect(hint).toEqual({ flat: false, message: expect.stringMatching(/^Still improving: the last 60 labels/) as unknown as string });
    }
  });

  it('calls a rise within the interval no more than that, and says when the latest round fell', () => {
    // The walkthrough's demo: 55 → 65 → 60% on 20 images read "raised accuracy by 5.0 points".
    const hint = plateauHint([point(16, 11, 20), point(28, 13, 20), point(40, 12, 20)]);
    expect(hint?.flat).toBe(false);
    expect(hint?.message).toMatch(
      /^Accuracy rose by 5\.0 points over the last 24 labels \(the latest round lowered it by 5\.0\), within what 20 evaluation images can tell .*too little to say whether it is still improving\. About \d+ labeled evaluation images/,
    );
    // Beyond the interval but lower in the latest round: still improving, and the drop said.
    const beyond = plateauHint([point(100, 240, 400), point(130, 300, 400), point(160, 290, 400)]);
    expect(beyond?.message).toMatch(/^Still improving: the last 60 labels raised accuracy by 12\.5 points \(the latest round lowered it by 2\.5\)\.$/);
  });

  it('is too early to tell where the labels grew by less than a third', () => {
    const hint = plateauHint([point(300, 320, 400), point(310, 320, 400), point(320, 320, 400)]);
    expect(hint).toEqual({ flat: false, message: expect.stringContaining('too few to tell whether the curve has flattened (about 100 would)') as unknown as string });
  });

  it('calls a drop a drop: noise within the interval, a reason to check the labels beyond it', () => {
    // 4 labels, −6.1 points on 49 images (the walkthrough's "Still improving ... by -6.1 points").
    const noise = plateauHint([point(60, 33, 49), point(62, 31, 49), point(64, 30, 49)]);
    expect(noise?.flat).toBe(false);
    expect(noise?.message).toMatch(/^Accuracy fell by 6\.1 points over the last 4 labels, within what 49 evaluation images can tell .*likely noise/);
    const real = plateauHint([point(100, 360, 400), point(120, 330, 400), point(140, 300, 400)]);
    expect(real?.message).toMatch(/^Accuracy fell by 15\.0 points over the last 40 labels, more than 400 evaluation images' uncertainty .*check the recent labels/);
  });
});

describe('evaluationImagesFor', () => {
  it('gives a set whose interval is about ±5 points', () => {
    const n = evaluationImagesFor(0.8);
    expect(n).toBe(246);
    const { low, high } = wilsonInterval(Math.round(0.8 * n), n);
    expect((high - low) / 2).toBeLessThan(0.052);
    expect(evaluationImagesFor(0.999)).toBe(evaluationImagesFor(0.95));
    expect(evaluationImagesFor(0.99)).toBeGreaterThanOrEqual(50);
  });
});

/**
 * The walkthrough: 55 training files moved out (105 → 50 labels), two trainings (v9, v10): the
 * headline said v8's 82.4% (the curve's last point by label count) while the confusion matrix
 * and the exported MODEL_CARD.md said v10's 73.5%.
 */
describe('the curve after the training labels went down', () => {
  const row = (version: number, labels: number, correct: number, evaluated = 34, modelId = SMALL): VersionRow => versionRow(version, modelId, labels, correct, evaluated);
  const versions = [row(6, 80, 26), row(7, 95, 27), row(8, 105, 28), row(9, 50, 25), row(10, 50, 25)];

  it('the latest point is the latest version, in training order; the break starts a new run', () => {
    const curve = curvePoints(versions);
    expect(curve.map((p) => [p.modelVersion, p.labels, p.run])).toEqual([
      [6, 80, 0],
      [7, 95, 0],
      [8, 105, 0],
      [10, 50, 1],
    ]);
    expect(curve.at(-1)?.modelVersion).toBe(10);
    expect(latestPoint(versions)?.accuracy).toBeCloseTo(25 / 34);
    expect((latestPoint(versions)!.accuracy * 100).toFixed(1)).toBe('73.5');
    expect(latestPoint(versions)?.modelVersion).toBe(10);
  });

  it('the hint does not compare across the break (no "rose" or "fell" from v8 to v10)', () => {
    const hint = curveHint(curvePoints(versions));
    expect(hint?.flat).toBe(false);
    expect(hint?.message).toMatch(/^Whether the curve has flattened is not told yet: the training labels went down after version 8 \(105 → 50\)/);
    // Three trainings after the break: the hint reads that run only.
    const later = curveHint(curvePoints([...versions, row(11, 70, 26), row(12, 90, 27)]));
    expect(later?.message).toMatch(/over the last 40 labels/);
  });

  it('a backbone change starts a run too, and is said', () => {
    const curve = curvePoints([row(5, 80, 26), row(6, 105, 26), row(7, 105, 29, 34, 'mobilenet_v1_0.75_224'), row(8, 105, 28)]);
    expect(curve.map((p) => [p.modelVersion, p.run])).toEqual([
      [5, 0],
      [6, 0],
      [7, 1],
      [8, 2],
    ]);
    expect(curveHint(curve)?.message).toMatch(/the pre-trained model changed after version 7/);
  });

  it('a retrain on the same labels replaces the point before it; an unscored latest has no headline', () => {
    expect(curvePoints([row(1, 10, 20), row(2, 20, 22), row(3, 20, 23)]).map((p) => p.modelVersion)).toEqual([1, 3]);
    expect(latestPoint([row(1, 10, 20), row(2, 20, 0, 0)])).toBeNull();
  });
});
