/**
 * The project's learning curve as an image for the model card: accuracy on the evaluation
 * set against training labels, with the 95% Wilson band; SVG, and PNG rendered by sharp.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { CurvePoint } from '../../src-shared/contract';

const W = 640;
const H = 360;
const M = { left: 56, right: 20, top: 36, bottom: 46 };

export function learningCurveSvg(curve: readonly CurvePoint[]): string {
  const maxLabels = Math.max(1, ...curve.map((p) => p.labels));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (labels: number) => M.left + (labels / maxLabels) * plotW;
  const y = (accuracy: number) => M.top + (1 - accuracy) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Accuracy on the evaluation set</text>`,
  ];
  for (let t = 0; t <= 10; t += 2) {
    const a = t / 10;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(a)}" y2="${y(a)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(a) + 4}" text-anchor="end">${t * 10}%</text>`);
  }
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const labels = Math.round((maxLabels * i) / ticks);
    parts.push(`<text x="${x(labels)}" y="${H - M.bottom + 16}" text-anchor="middle">${labels}</text>`);
  }
  parts.push(`<text x="${M.left + plotW / 2}" y="${H - 8}" text-anchor="middle">training labels</text>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#555"/>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#555"/>`);
  if (curve.length > 0) {
    const upper = curve.map((p) => `${x(p.labels).toFixed(1)},${y(p.high).toFixed(1)}`);
    const lower = [...curve].reverse().map((p) => `${x(p.labels).toFixed(1)},${y(p.low).toFixed(1)}`);
    parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="#0072B2" fill-opacity="0.18"/>`);
    parts.push(`<polyline points="${curve.map((p) => `${x(p.labels).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join(' ')}" fill="none" stroke="#0072B2" stroke-width="2"/>`);
    for (const p of curve) parts.push(`<circle cx="${x(p.labels).toFixed(1)}" cy="${y(p.accuracy).toFixed(1)}" r="3" fill="#0072B2"/>`);
  } else {
    parts.push(`<text x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" text-anchor="middle" fill="#777">No evaluation set labeled: accuracy unknown</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes learning-curve.svg and .png, and links them from the model card when there is one. */
export async function writeLearningCurveFiles(dir: string, curve: readonly CurvePoint[]): Promise<string[]> {
  const svg = learningCurveSvg(curve);
  await fs.writeFile(path.join(dir, 'learning-curve.svg'), svg, { flag: 'wx' });
  await sharp(Buffer.from(svg)).png().toFile(path.join(dir, 'learning-curve.png'));
  const card = path.join(dir, 'MODEL_CARD.md');
  const rows = curve.map((p) => `| ${p.labels} | ${(p.accuracy * 100).toFixed(1)}% | ${(p.low * 100).toFixed(1)}–${(p.high * 100).toFixed(1)}% | ${p.evaluated} |`);
  const section = [
    '',
    '## Learning curve',
    '',
    '![Accuracy on the evaluation set against training labels](learning-curve.png)',
    '',
    curve.length > 0
      ? ['| training labels | accuracy | 95% interval | evaluation images |', '|---:|---:|---:|---:|', ...rows].join('\n')
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
