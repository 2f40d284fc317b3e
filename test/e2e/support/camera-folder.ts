import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { cameraJpeg } from '../../support/camera-jpeg';

/**
 * A folder of `count` camera-like JPEGs `camera-<i>.jpg` (names sort in that order), 1500×1000 as
 * stored (larger than the 1280 px rendition, so a rendition is a rendition), each with a padded
 * 160×120 EXIF thumbnail except those in `without`, turned by `orientations[i]` (default 1);
 * `prefix` names the new folder in the temporary folder, or, absolute, says where it goes.
 */
export async function cameraFolder(count: number, prefix: string, { orientations = [], without = [] }: { orientations?: readonly number[]; without?: readonly number[] } = {}): Promise<string> {
  const dir = await fs.mkdtemp(path.resolve(os.tmpdir(), prefix));
  for (let i = 0; i < count; i++) {
    const hue = (i * 83) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1500" height="1000">
      <rect width="100%" height="100%" fill="hsl(${hue},45%,35%)"/>
      <rect x="0" y="0" width="750" height="500" fill="hsl(${(hue + 180) % 360},70%,60%)"/>
      <circle cx="1100" cy="650" r="220" fill="hsl(${(hue + 90) % 360},70%,55%)"/></svg>`;
    const bytes = await cameraJpeg(sharp(Buffer.from(svg)), orientations[i] ?? 1, { withThumbnail: !without.includes(i) });
    await fs.writeFile(path.join(dir, `camera-${i}.jpg`), bytes);
  }
  return dir;
}
