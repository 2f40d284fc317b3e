/**
 * A hand-written SVG of the learning curves: per strategy the mean test accuracy over seeds
 * against labels used, with a ±1 std band, the mean reference accuracy (every pool label)
 * dashed and its 95% dotted; axes with ticks, a legend, and a title. Each strategy keeps
 * one colour in every plot; the legend says when two strategies' curves coincide.
 */
import { bandPoints, linePoints, plotScales, tickStep, type Plot } from '../../../src-shared/learning-curve-geometry';
import type { StrategyName } from '../adma/query-strategy';
import type { ReferenceRecord, RoundRecord } from './simulation-records';

/** One fixed colour per strategy (the same in every plot); unknown names get grey. */
const STRATEGY_COLOURS: Record<StrategyName, string> = {
  adma: '#d62728',
  'adma-diverse': '#ff9896',
  random: '#7f7f7f',
  entropy: '#aec7e8',
  margin: '#1f77b4',
  'least-confidence': '#9edae5',
  gini: '#17becf',
  distinctiveness: '#c49c94',
  coreset: '#8c564b',
  typiclust: '#2ca02c',
  'typical-margin': '#ff7f0e',
  'adma-typical': '#9467bd',
  probcover: '#bcbd22',
  badge: '#e377c2',
};

export function strategyColour(name: string): string {
  return (STRATEGY_COLOURS as Record<string, string>)[name] ?? '#333333';
}

/**
 * Legend names: a strategy whose mean curve equals an earlier one's at every point (entropy
 * and margin with two classes pick the same images) says so, "entropy (= margin)".
 */
export function legendNames(series: readonly CurveSeries[]): string[] {
  return series.map((s, i) => {
    const twin = series.slice(0, i).find((other) => other.points.length === s.points.length && other.points.every((p, k) => p.labels === s.points[k]?.labels && Math.abs(p.mean - (s.points[k]?.mean ?? NaN)) < 1e-12 && Math.abs(p.std - (s.points[k]?.std ?? NaN)) < 1e-12));
    return twin ? `${s.name} (= ${twin.name})` : s.name;
  });
}

const PLOT: Plot = { width: 760, height: 440, left: 60, right: 190, top: 40, bottom: 50 };
const { width: WIDTH, height: HEIGHT, left: LEFT, right: RIGHT, top: TOP, bottom: BOTTOM } = PLOT;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface CurveSeries {
  name: string;
  points: { labels: number; mean: number; std: number }[];
}

/** Mean and std over seeds of each strategy's accuracy at each round. */
export function curveSeries(records: readonly RoundRecord[]): CurveSeries[] {
  const strategies = [...new Set(records.map((r) => r.strategy))];
  return strategies.map((name) => {
    const mine = records.filter((r) => r.strategy === name);
    const rounds = [...new Set(mine.map((r) => r.round))].sort((a, b) => a - b);
    const points = rounds.map((round) => {
      const at = mine.filter((r) => r.round === round);
      const mean = at.reduce((s, r) => s + r.testAccuracy, 0) / at.length;
      const variance = at.length > 1 ? at.reduce((s, r) => s + (r.testAccuracy - mean) ** 2, 0) / (at.length - 1) : 0;
      return { labels: at.reduce((s, r) => s + r.labels, 0) / at.length, mean, std: Math.sqrt(variance) };
    });
    return { name, points };
  });
}

export function learningCurveSvg(title: string, series: readonly CurveSeries[], references: readonly ReferenceRecord[]): string {
  const reference = references.length ? references.reduce((s, r) => s + r.testAccuracy, 0) / references.length : null;
  const all = series.flatMap((s) => s.points);
  const maxLabels = Math.max(1, ...all.map((p) => p.labels));
  const lowest = Math.min(1, ...all.map((p) => p.mean - p.std), reference !== null ? 0.95 * reference : 1);
  const yMin = Math.max(0, Math.floor(lowest * 10) / 10);
  const yMax = 1;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const { sx: x, sy: y } = plotScales(PLOT, { max: maxLabels }, { min: yMin, max: yMax });
  const f = (v: number): string => v.toFixed(1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  const xStep = tickStep(maxLabels, 8);
  for (let v = 0; v <= maxLabels + 1e-9; v += xStep) {
    out.push(`<line x1="${f(x(v))}" y1="${TOP}" x2="${f(x(v))}" y2="${TOP + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${f(x(v))}" y="${TOP + plotH + 16}" text-anchor="middle">${Math.round(v)}</text>`);
  }
  const yStep = tickStep(yMax - yMin, 6);
  for (let v = yMin; v <= yMax + 1e-9; v += yStep) {
    out.push(`<line x1="${LEFT}" y1="${f(y(v))}" x2="${LEFT + plotW}" y2="${f(y(v))}" stroke="#eee"/>`);
    out.push(`<text x="${LEFT - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${LEFT + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">labels used</text>`);
  out.push(`<text transform="translate(16 ${TOP + plotH / 2}) rotate(-90)" text-anchor="middle">test accuracy</text>`);
  series.forEach((s) => {
    const colour = strategyColour(s.name);
    if (s.points.length === 0) return;
    const band = bandPoints(s.points, x, y, (p) => p.labels, (p) => p.mean - p.std, (p) => p.mean + p.std, f);
    out.push(`<polygon points="${band}" fill="${colour}" fill-opacity="0.12" stroke="none"/>`);
  });
  series.forEach((s) => {
    const colour = strategyColour(s.name);
    const width = s.name.startsWith('adma') ? 2.5 : 1.5;
    out.push(`<polyline points="${linePoints(s.points, x, y, (p) => p.labels, (p) => p.mean, f)}" fill="none" stroke="${colour}" stroke-width="${width}"/>`);
  });
  if (reference !== null) {
    out.push(`<line x1="${LEFT}" y1="${f(y(reference))}" x2="${LEFT + plotW}" y2="${f(y(reference))}" stroke="#000" stroke-dasharray="6 4"/>`);
    out.push(`<line x1="${LEFT}" y1="${f(y(0.95 * reference))}" x2="${LEFT + plotW}" y2="${f(y(0.95 * reference))}" stroke="#000" stroke-dasharray="2 3"/>`);
  }
  const legendX = LEFT + plotW + 16;
  const legend = legendNames(series);
  series.forEach((s, i) => {
    const colour = strategyColour(s.name);
    const ly = TOP + 10 + i * 18;
    out.push(`<line x1="${legendX}" y1="${ly}" x2="${legendX + 22}" y2="${ly}" stroke="${colour}" stroke-width="${s.name.startsWith('adma') ? 2.5 : 1.5}"/>`);
    out.push(`<text x="${legendX + 28}" y="${ly + 4}">${escapeXml(legend[i] as string)}</text>`);
  });
  if (reference !== null) {
    const ly = TOP + 10 + series.length * 18 + 8;
    out.push(`<line x1="${legendX}" y1="${ly}" x2="${legendX + 22}" y2="${ly}" stroke="#000" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${legendX + 28}" y="${ly + 4}">all pool labels (${(100 * reference).toFixed(1)}%)</text>`);
    out.push(`<line x1="${legendX}" y1="${ly + 18}" x2="${legendX + 22}" y2="${ly + 18}" stroke="#000" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${legendX + 28}" y="${ly + 22}">95% of that</text>`);
    out.push(`<text x="${legendX}" y="${ly + 44}" fill="#555">bands: ±1 std over seeds</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
