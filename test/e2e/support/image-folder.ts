/** A temporary folder of small, visually distinct PNG and JPEG images, made with sharp. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const hsl = (h: number, s: number, l: number): string => `hsl(${Math.round(h) % 360}, ${s}%, ${l}%)`;

function svgFor(i: number, width: number, height: number): string {
  const hue = (i * 47) % 360;
  const cx = 20 + ((i * 37) % (width - 40));
  const cy = 20 + ((i * 23) % (height - 40));
  const r = 12 + (i % 5) * 6;
  const stripes = Array.from({ length: 1 + (i % 4) }, (_, k) => {
    const y = ((k + 1) * height) / (2 + (i % 4));
    return `<rect x="0" y="${y.toFixed(1)}" width="${width}" height="6" fill="${hsl(hue + 180, 40, 70)}" opacity="0.7"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${hsl(hue, 45, 28)}"/>
    ${stripes}
    <circle cx="${cx}" cy="${cy}" r="${r}" fill="${hsl(hue + 90, 70, 60)}"/>
    <rect x="${(i * 13) % (width - 30)}" y="${height - 26}" width="24" height="18" fill="${hsl(hue + 200, 60, 50)}"/>
  </svg>`;
}

/**
 * Write `count` images (every third one a JPEG, a few in a sub-folder) into a new folder and
 * return it; `prefix` names it in the temporary folder, or, absolute, says where it goes.
 */
export async function makeImageFolder(count: number, prefix = 'adma-e2e-'): Promise<string> {
  const dir = await fs.mkdtemp(path.resolve(os.tmpdir(), prefix));
  await fs.mkdir(path.join(dir, 'batch-b'));
  for (let i = 0; i < count; i++) {
    const width = 160 + (i % 3) * 40;
    const height = 120 + (i % 2) * 30;
    const image = sharp(Buffer.from(svgFor(i, width, height)));
    const name = `img-${String(i).padStart(3, '0')}`;
    const sub = i % 7 === 6 ? 'batch-b' : '';
    if (i % 3 === 2) await image.jpeg({ quality: 85 }).toFile(path.join(dir, sub, `${name}.jpg`));
    else await image.png().toFile(path.join(dir, sub, `${name}.png`));
  }
  return dir;
}
