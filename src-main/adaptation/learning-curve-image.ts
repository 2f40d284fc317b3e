/**
 * The project's learning curve as an image for the model card: accuracy on the evaluation
 * set against training labels, with the 95% Wilson band; SVG, and PNG rendered by sharp.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { CurvePoint } from '../../src-shared/contract';
import { curveGeometry } from '../../src-shared/learning-curve-geometry';

const PLOT = { width: 640, height: 360, left: 56, right: 20, top: 36, bottom: 46 };

export function learningCurveSvg(curve: readonly CurvePoint[], exported: number | null = null): string {
  const { width: W, height: H } = PLOT;
  const g = curveGeometry(curve, PLOT);
  const { x0, x1, y0, y1 } = g.area;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Accuracy on the evaluation set</text>`,
  ];
  for (const t of g.yTicks) {
    parts.push(`<line x1="${x0}" x2="${x1}" y1="${t.y}" y2="${t.y}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${x0 - 6}" y="${t.y + 4}" text-anchor="end">${t.label}</text>`);
  }
  for (const t of g.xTicks) parts.push(`<text x="${t.x}" y="${y0 + 16}" text-anchor="middle">${t.label}</text>`);
  parts.push(`<text x="${(x0 + x1) / 2}" y="${H - 8}" text-anchor="middle">training labels</text>`);
  parts.push(`<line x1="${x0}" x2="${x0}" y1="${y1}" y2="${y0}" stroke="#555"/>`);
  parts.push(`<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" stroke="#555"/>`);
  if (curve.length > 0) {
    // Earlier runs (before the training labels went down or the backbone changed) dashed and grey.
    for (const line of g.earlier) parts.push(`<polyline points="${line}" fill="none" stroke="#999999" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    parts.push(`<polygon points="${g.band}" fill="#0072B2" fill-opacity="0.18"/>`);
    parts.push(`<polyline points="${g.line}" fill="none" stroke="#0072B2" stroke-width="2"/>`);
    for (const p of g.points) {
      const mark = p.sample.modelVersion === exported ? ' r="5" stroke="#000000" stroke-width="1.5"' : ' r="3"';
      parts.push(`<circle cx="${p.x}" cy="${p.y}"${mark} fill="${p.latestRun ? '#0072B2' : '#999999'}"/>`);
    }
  } else {
    parts.push(`<text x="${(x0 + x1) / 2}" y="${(y0 + y1) / 2}" text-anchor="middle" fill="#777">No evaluation set labeled: accuracy unknown</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Writes learning-curve.svg and .png, and links them from the model card when there is one:
 * the kept versions in training order, the exported one (`exported`) marked.
 */
export async function writeLearningCurveFiles(dir: string, curve: readonly CurvePoint[], exported: number | null = null): Promise<string[]> {
  const svg = learningCurveSvg(curve, exported);
  await fs.writeFile(path.join(dir, 'learning-curve.svg'), svg, { flag: 'wx' });
  await sharp(Buffer.from(svg)).png().toFile(path.join(dir, 'learning-curve.png'));
  const card = path.join(dir, 'MODEL_CARD.md');
  const rows = curve.map(
    (p) =>
      `| ${p.modelVersion}${p.modelVersion === exported ? ' (this model)' : ''} | ${p.backbone ?? p.modelId ?? ''} | ${p.labels} | ${(p.accuracy * 100).toFixed(1)}% | ${(p.low * 100).toFixed(1)}–${(p.high * 100).toFixed(1)}% | ${p.evaluated} |`,
  );
  const section = [
    '',
    '## Learning curve',
    '',
    '![Accuracy on the evaluation set against training labels](learning-curve.png)',
    '',
    curve.length > 0
      ? [
          'Each version the project kept, in training order (a dashed grey line: versions before the training labels went down or the pre-trained model changed).',
          '',
          '| version | pre-trained model | training labels | accuracy | 95% interval | evaluation images |',
          '|---:|---|---:|---:|---:|---:|',
          ...rows,
        ].join('\n')
      : 'No evaluation set was labeled, so accuracy is unknown.',
    '',
  ].join('\n');
  try {
    await fs.appendFile(card, section);
  } catch {
    // no model card in this export
  }
  return ['learning-curve.svg', 'learning-curve.png'];
}
