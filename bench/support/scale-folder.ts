/**
 * A generated folder of many distinct JPEGs, fast: a few base images are encoded once with
 * sharp and every file is a base with its own comment segment (COM, right after SOI), so each
 * file is a valid JPEG with its own content hash. Mixed sizes: mostly small photos, some
 * 640×480, and a subset of 12-megapixel (4000×3000) ones. Written once under bench/.work/
 * (git-ignored; folders under /tmp were swept by other jobs mid-run) and reused.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface ScaleFolderSpec {
  count: number;
  /** Every n-th image is 12 MP (0: none). */
  largeEvery: number;
}

async function base(width: number, height: number, seed: number): Promise<Buffer> {
  // A gradient with noise-like stripes: photos compress worse than flat colour.
  const channels = 3;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data[i] = (x * 255) / width + seed * 40;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = ((x ^ y) + seed * 17) & 255;
    }
  }
  return sharp(data, { raw: { width, height, channels } }).jpeg({ quality: 85 }).toBuffer();
}

/** `jpeg` with a COM segment carrying `text` inserted after SOI. */
export function withComment(jpeg: Buffer, text: string): Buffer {
  const payload = Buffer.from(text, 'latin1');
  const header = Buffer.from([0xff, 0xfe, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

export async function scaleFolder(spec: ScaleFolderSpec): Promise<string> {
  const dir = path.resolve('bench/.work', `scale-${spec.count}-${spec.largeEvery}`);
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const small = await Promise.all([0, 1, 2].map((s) => base(320, 240, s)));
  const medium = await Promise.all([0, 1].map((s) => base(640, 480, s)));
  const large = spec.largeEvery > 0 ? [await base(4000, 3000, 0)] : [];
  for (let i = 0; i < spec.count; i++) {
    const sub = path.join(dir, `part-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
    const isLarge = spec.largeEvery > 0 && i % spec.largeEvery === spec.largeEvery - 1;
    const source = isLarge ? large[0]! : i % 10 === 0 ? medium[i % medium.length]! : small[i % small.length]!;
    fs.writeFileSync(path.join(sub, `img-${String(i).padStart(6, '0')}.jpg`), withComment(source, `adma bench image ${i}`));
  }
  fs.writeFileSync(marker, '');
  console.error(`generated ${spec.count} JPEGs in ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return dir;
}
