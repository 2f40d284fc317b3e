/**
 * Geometry of the learning curve (accuracy on the evaluation set against the number of
 * training labels, with its 95% band) for an inline SVG: scales, ticks, the line and the band.
 */
export interface CurveSample {
  labels: number;
  accuracy: number;
  low: number;
  high: number;
}

export interface Plot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface CurveGeometry {
  /** Polyline points of the accuracy line, `x,y x,y …`. */
  line: string;
  /** Polygon of the 95% band (high edge left to right, then low edge back). */
  band: string;
  points: { x: number; y: number; sample: CurveSample }[];
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  /** The plot area inside the margins. */
  area: { x0: number; x1: number; y0: number; y1: number };
}

/** A 1-2-5 step giving at most `maxTicks` ticks from 0 to `max`. */
export function niceStep(max: number, maxTicks: number): number {
  if (!(max > 0)) return 1;
  const raw = max / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return Math.max(1, m * power);
  return Math.max(1, 10 * power);
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

export function curveGeometry(samples: readonly CurveSample[], plot: Plot): CurveGeometry {
  const x0 = plot.left;
  const x1 = plot.width - plot.right;
  const y0 = plot.height - plot.bottom;
  const y1 = plot.top;
  const sorted = [...samples].sort((a, b) => a.labels - b.labels);
  const maxLabels = sorted.length > 0 ? sorted[sorted.length - 1]!.labels : 0;
  const step = niceStep(maxLabels, 6);
  const xMax = Math.max(step, Math.ceil(maxLabels / step) * step);
  const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
  const sx = (labels: number): number => round1(x0 + (labels / xMax) * (x1 - x0));
  const sy = (accuracy: number): number => round1(y0 - clamp01(accuracy) * (y0 - y1));
  const points = sorted.map((sample) => ({ x: sx(sample.labels), y: sy(sample.accuracy), sample }));
  const line = points.map((p) => `${p.x},${p.y}`).join(' ');
  const band = [
    ...sorted.map((s) => `${sx(s.labels)},${sy(s.high)}`),
    ...[...sorted].reverse().map((s) => `${sx(s.labels)},${sy(s.low)}`),
  ].join(' ');
  const xTicks: CurveGeometry['xTicks'] = [];
  for (let v = 0; v <= xMax; v += step) xTicks.push({ x: sx(v), label: String(v) });
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((v) => ({ y: sy(v), label: `${Math.round(v * 100)}%` }));
  return { line, band, points, xTicks, yTicks, area: { x0, x1, y0, y1 } };
}
