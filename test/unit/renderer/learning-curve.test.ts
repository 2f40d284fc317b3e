import { describe, expect, it } from 'vitest';
import { curveGeometry, niceStep } from '../../../src-shared/learning-curve-geometry';

const plot = { width: 440, height: 240, left: 40, right: 20, top: 20, bottom: 20 };

describe('niceStep', () => {
  it('picks 1-2-5 steps that give at most the wanted number of ticks', () => {
    expect(niceStep(30, 6)).toBe(5);
    expect(niceStep(100, 6)).toBe(20);
    expect(niceStep(7, 6)).toBe(2);
    expect(niceStep(3, 6)).toBe(1);
    expect(niceStep(0, 6)).toBe(1);
    expect(niceStep(1200, 6)).toBe(200);
  });
});

describe('curveGeometry', () => {
  it('maps labels to x and accuracy to y inside the margins, sorted by labels', () => {
    const g = curveGeometry(
      [
        { labels: 20, accuracy: 0.8, low: 0.7, high: 0.9 },
        { labels: 10, accuracy: 0.5, low: 0.4, high: 0.6 },
      ],
      plot,
    );
    expect(g.area).toEqual({ x0: 40, x1: 420, y0: 220, y1: 20 });
    // x runs 0..20 (step 5): 10 labels is half way.
    expect(g.points.map((p) => p.x)).toEqual([230, 420]);
    expect(g.points.map((p) => p.y)).toEqual([120, 60]);
    expect(g.line).toBe('230,120 420,60');
    // The band goes along the high edge, then back along the low edge.
    expect(g.band).toBe('230,100 420,40 420,80 230,140');
    expect(g.xTicks.map((t) => t.label)).toEqual(['0', '5', '10', '15', '20']);
    expect(g.yTicks.map((t) => t.label)).toEqual(['0%', '25%', '50%', '75%', '100%']);
  });

  it('keeps values outside [0, 1] on the plot and copes with no points', () => {
    const g = curveGeometry([{ labels: 5, accuracy: 1.2, low: -0.1, high: 1.5 }], plot);
    expect(g.points[0]!.y).toBe(20);
    expect(g.band).toBe('420,20 420,220');
    const empty = curveGeometry([], plot);
    expect(empty.line).toBe('');
    expect(empty.xTicks.map((t) => t.label)).toEqual(['0', '1']);
  });

  it("joins only the latest run's points; an earlier run (labels went down, another backbone) is a line of its own", () => {
    // In training order: 10 → 20 labels, then down to 10 again (run 1).
    const g = curveGeometry(
      [
        { labels: 10, accuracy: 0.5, low: 0.4, high: 0.6, run: 0 },
        { labels: 20, accuracy: 0.8, low: 0.7, high: 0.9, run: 0 },
        { labels: 10, accuracy: 0.6, low: 0.5, high: 0.7, run: 1 },
      ],
      plot,
    );
    expect(g.line).toBe('230,100');
    expect(g.earlier).toEqual(['230,120 420,60']);
    expect(g.points.filter((p) => p.latestRun).map((p) => p.sample.accuracy)).toEqual([0.6]);
    // Without runs: one line through every point, as before.
    expect(curveGeometry([{ labels: 10, accuracy: 0.5, low: 0.4, high: 0.6 }, { labels: 20, accuracy: 0.8, low: 0.7, high: 0.9 }], plot).earlier).toEqual([]);
  });
});
