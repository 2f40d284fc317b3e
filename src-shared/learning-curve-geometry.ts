/**
 * The one geometry of learning curves (accuracy against training labels, with a band): the
 * scales, 1-2-5 ticks, the line and the band. Drawn by the app's inline SVG, the exported
 * model card's SVG/PNG and the simulation report's SVG; each adds only its own styling.
 */
export interface CurveSample {
  labels: number;
  accuracy: number;
  low: number;
  high: number;
  /** The run the sample belongs to (absent: 0): only one run's samples are joined by a line. */
  run?: number;
}

export interface Plot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface CurveGeometry<S extends CurveSample = CurveSample> {
  /** Polyline points of the accuracy line of the latest run, `x,y x,y …`. */
  line: string;
  /** Polygon of the latest run's 95% band (high edge left to right, then low edge back). */
  band: string;
  /** The lines of earlier runs (drawn faded), oldest first; none when every sample is of one run. */
  earlier: string[];
  /** `latestRun`: the sample is of the latest run (earlier runs' points are drawn faded). */
  points: { x: number; y: number; sample: S; latestRun: boolean }[];
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  /** The plot area inside the margins. */
  area: { x0: number; x1: number; y0: number; y1: number };
}

/** A 1-2-5 step (times a power of ten) giving at most `maxTicks` ticks over `span`. */
export function tickStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** A whole-number 1-2-5 step giving at most `maxTicks` ticks from 0 to `max` (counts of labels). */
export function niceStep(max: number, maxTicks: number): number {
  if (!(max > 0)) return 1;
  return Math.max(1, tickStep(max, maxTicks));
}

/** Linear scales from data (labels, accuracy) to the plot area; accuracy is clamped to its range. */
export function plotScales(plot: Plot, x: { max: number }, y: { min: number; max: number } = { min: 0, max: 1 }) {
  const area = { x0: plot.left, x1: plot.width - plot.right, y0: plot.height - plot.bottom, y1: plot.top };
  const sx = (labels: number): number => area.x0 + (labels / x.max) * (area.x1 - area.x0);
  const sy = (accuracy: number): number => area.y0 - ((Math.min(y.max, Math.max(y.min, accuracy)) - y.min) / (y.max - y.min)) * (area.y0 - area.y1);
  return { sx, sy, area };
}

type Scale = (v: number) => number;

/** `x,y x,y …` of a line through (labels, value) pairs. */
export function linePoints<T>(items: readonly T[], sx: Scale, sy: Scale, labels: (t: T) => number, value: (t: T) => number, format: (v: number) => string = String): string {
  return items.map((t) => `${format(sx(labels(t)))},${format(sy(value(t)))}`).join(' ');
}

/** A band's polygon: the high edge left to right, then the low edge back. */
export function bandPoints<T>(
  items: readonly T[],
  sx: Scale,
  sy: Scale,
  labels: (t: T) => number,
  low: (t: T) => number,
  high: (t: T) => number,
  format: (v: number) => string = String,
): string {
  return [linePoints(items, sx, sy, labels, high, format), linePoints([...items].reverse(), sx, sy, labels, low, format)].filter(Boolean).join(' ');
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

export function curveGeometry<S extends CurveSample>(samples: readonly S[], plot: Plot): CurveGeometry<S> {
  const sorted = [...samples].sort((a, b) => a.labels - b.labels);
  const maxLabels = sorted.length > 0 ? sorted[sorted.length - 1]!.labels : 0;
  const step = niceStep(maxLabels, 6);
  const xMax = Math.max(step, Math.ceil(maxLabels / step) * step);
  const scales = plotScales(plot, { max: xMax });
  const sx = (labels: number): number => round1(scales.sx(labels));
  const sy = (accuracy: number): number => round1(scales.sy(accuracy));
  const runOf = (sample: S): number => sample.run ?? 0;
  const lastRun = samples.length > 0 ? runOf(samples[samples.length - 1]!) : 0;
  const points = sorted.map((sample) => ({ x: sx(sample.labels), y: sy(sample.accuracy), sample, latestRun: runOf(sample) === lastRun }));
  const latest = sorted.filter((sample) => runOf(sample) === lastRun);
  const line = linePoints(latest, sx, sy, (s) => s.labels, (s) => s.accuracy);
  const band = bandPoints(latest, sx, sy, (s) => s.labels, (s) => s.low, (s) => s.high);
  const earlierRuns = [...new Set(samples.map(runOf))].filter((run) => run !== lastRun).sort((a, b) => a - b);
  const earlier = earlierRuns.map((run) => linePoints(sorted.filter((sample) => runOf(sample) === run), sx, sy, (s) => s.labels, (s) => s.accuracy));
  const xTicks: CurveGeometry['xTicks'] = [];
  for (let v = 0; v <= xMax; v += step) xTicks.push({ x: sx(v), label: String(v) });
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((v) => ({ y: sy(v), label: `${Math.round(v * 100)}%` }));
  return { line, band, earlier, points, xTicks, yTicks, area: scales.area };
}
