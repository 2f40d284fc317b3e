/**
 * The dashboard's stopping hint: "flattened" only where the evaluation set is large enough to
 * tell (its 95% interval within ±5 points); on a small set, equal accuracies on three rounds
 * get a hint saying how many evaluation images would tell; a rising curve says so.
 */
import { describe, expect, it } from 'vitest';
import { evaluationImagesFor, plateauHint, wilsonInterval } from '../../../src-main/adaptation/learning-curve';
import type { CurvePoint } from '../../../src-shared/contract';

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
