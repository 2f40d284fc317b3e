/** Generates small, distinct test images (and broken files) in a temporary folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export function tempDir(prefix = 'adma-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A solid-colour image with a stripe whose position encodes `seed`, so hashes differ. */
export async function writeImage(file: string, seed: number, format: 'png' | 'jpeg' | 'webp' = 'png', size = 48): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const channels = 3;
  const data = Buffer.alloc(size * size * channels);
  const r = (seed * 67) % 256;
  const g = (seed * 131) % 256;
  const b = (seed * 29) % 256;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const stripe = (x + seed) % size < 4;
      const i = (y * size + x) * channels;
      data[i] = stripe ? 255 - r : r;
      data[i + 1] = stripe ? 255 - g : g;
      data[i + 2] = (b + y) % 256;
    }
  }
  const img = sharp(data, { raw: { width: size, height: size, channels } });
  const out = format === 'png' ? img.png() : format === 'jpeg' ? img.jpeg({ quality: 90 }) : img.webp();
  await out.toFile(file);
}

export async function imageFolder(count: number, opts: { subfolders?: boolean; format?: 'png' | 'jpeg' } = {}): Promise<string> {
  const dir = tempDir();
  for (let i = 0; i < count; i++) {
    const sub = opts.subfolders ? `group-${i % 3}/` : '';
    const ext = opts.format === 'jpeg' ? 'jpg' : 'png';
    await writeImage(path.join(dir, `${sub}img-${String(i).padStart(4, '0')}.${ext}`), i + 1, opts.format ?? 'png');
  }
  return dir;
}
