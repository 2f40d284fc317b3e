/**
 * The perceptual pass after feature extraction decodes each image once: that decode stores the
 * image's gallery thumbnail in the media cache (served afterwards without touching the original)
 * and gives both near-duplicate codes, which still find planted copies.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp, { type Sharp } from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { DUPLICATE_DEFAULTS } from '../../../src-shared/contract';
import { AppError } from '../../../src-shared/app-error';
import { hammingDistance } from '../../../src-main/engine/adma/near-duplicates';
import { THUMBNAIL_SIDE, thumbnailCodes, thumbnailCorrelation } from '../../../src-main/engine/adma/thumbnail-correlation';
import { codesOfImage, PERCEPTUAL_SCHEMA_VERSION, perceptualCodes, perceptualStorePath } from '../../../src-main/engine/features/difference-hash';
import { readMedia } from '../../../src-main/media/image-media';
import { THUMB_SIZE, thumbnailFile } from '../../../src-main/media/media-cache';
import { Project } from '../../../src-main/project/project';
import { tempDir } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** A photo-like scene (shapes over blurred noise) that differs with `seed`. */
async function scene(seed: number, width = 1200, height = 800): Promise<Sharp> {
  const noise = await sharp({ create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .blur(2)
    .png()
    .toBuffer();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="hsl(${(seed * 71) % 360},45%,35%)" fill-opacity="0.6"/>
    <circle cx="${(seed * 331) % width}" cy="${(seed * 197) % height}" r="${150 + (seed % 5) * 40}" fill="hsl(${(seed * 71 + 120) % 360},70%,60%)"/>
    <rect x="${(seed * 113) % (width - 400)}" y="${(seed * 89) % (height - 300)}" width="400" height="260" fill="hsl(${(seed * 71 + 220) % 360},60%,45%)"/>
    <rect x="${(seed * 53) % (width - 200)}" y="${(seed * 149) % (height - 500)}" width="120" height="480" fill="hsl(${(seed * 71 + 40) % 360},30%,80%)"/></svg>`;
  return sharp(await sharp(noise).composite([{ input: Buffer.from(svg) }]).png().toBuffer());
}

async function openProject(root: string): Promise<{ project: Project; items: { id: number; relPath: string; hash: string; format: string; path: string }[] }> {
  const project = Project.open(root, true);
  projects.push(project);
  await project.rescan();
  const items = project.images.list({ kind: 'all' }, 0, 100).items.map((i) => ({ id: i.id, relPath: i.relPath, hash: i.hash, format: project.locate(i.id).format, path: path.join(root, i.relPath) }));
  return { project, items };
}

describe('the perceptual pass: one decode per image', () => {
  it('stores each gallery thumbnail (EXIF-rotated, inside 256 px), which is then served without decoding the original', async () => {
    const root = tempDir();
    // 1200 x 600 as stored, displayed rotated (orientation 6): 600 x 1200.
    await (await scene(1, 1200, 600)).jpeg().withMetadata({ orientation: 6 }).toFile(path.join(root, 'rotated.jpg'));
    await (await scene(2, 100, 60)).png().toFile(path.join(root, 'small.png'));
    const { project, items } = await openProject(root);
    const codes = await perceptualCodes(root, items);
    expect(Array.from(codes.known)).toEqual([1, 1]);
    for (const item of items) {
      const file = thumbnailFile(project.adminDir, item.hash, item.format);
      expect(fs.existsSync(file), item.relPath).toBe(true);
      const meta = await sharp(file).metadata();
      expect(meta.format).toBe('webp');
      if (item.relPath === 'rotated.jpg') expect([meta.width, meta.height]).toEqual([THUMB_SIZE / 2, THUMB_SIZE]);
      else expect([meta.width, meta.height]).toEqual([100, 60]); // never enlarged
      // The codes are those of the served thumbnail's own decode (one definition of both).
      const direct = await codesOfImage(item.path);
      const row = items.indexOf(item);
      expect([codes.words[2 * row], codes.words[2 * row + 1]]).toEqual(direct.words);
    }

    // The originals are replaced by bytes no decoder reads: the thumbnails are still served, as
    // stored by the pass (a decode of the original would fail).
    for (const item of items) {
      const stored = fs.readFileSync(thumbnailFile(project.adminDir, item.hash, item.format));
      fs.writeFileSync(item.path, 'not an image any more');
      const served = await readMedia(project, item.id, 'thumb');
      expect(served.contentType).toBe('image/webp');
      expect(served.body.equals(stored)).toBe(true);
      // (The rotated JPEG's full view needs a decode: it fails now.)
      if (item.relPath === 'rotated.jpg') await expect(readMedia(project, item.id, 'full')).rejects.toThrow(/Cannot decode/);
    }
  });

  it('keeps a thumbnail already cached, records nothing for a file it cannot decode, and stops when cancelled', async () => {
    const root = tempDir();
    await (await scene(3)).jpeg().toFile(path.join(root, 'a.jpg'));
    await (await scene(4)).jpeg().toFile(path.join(root, 'b.jpg'));
    const { project, items } = await openProject(root);
    const [a, b] = items as [(typeof items)[0], (typeof items)[0]];
    // a's thumbnail was made before (the gallery): left as it is.
    const before = await (await scene(9, 256, 170)).webp().toBuffer();
    fs.mkdirSync(path.dirname(thumbnailFile(project.adminDir, a.hash, a.format)), { recursive: true });
    fs.writeFileSync(thumbnailFile(project.adminDir, a.hash, a.format), before);
    // b is damaged after the scan: no codes, no thumbnail, no error (tried again next time).
    fs.writeFileSync(b.path, Buffer.from('garbage'));

    const aborted = new AbortController();
    aborted.abort();
    const cancelled = await perceptualCodes(root, items, undefined, 'inMemory', aborted.signal).catch((error: unknown) => error);
    expect(cancelled).toBeInstanceOf(AppError);
    expect((cancelled as AppError).code).toBe('CANCELLED');

    const codes = await perceptualCodes(root, items);
    expect(Array.from(codes.known)).toEqual([1, 0]);
    expect(fs.readFileSync(thumbnailFile(project.adminDir, a.hash, a.format)).equals(before)).toBe(true);
    expect(fs.existsSync(thumbnailFile(project.adminDir, b.hash, b.format))).toBe(false);
    expect(fs.readdirSync(path.join(project.adminDir, 'thumbs')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('codes from the one decode pair planted copies and keep different scenes apart', async () => {
    const root = tempDir();
    const copies: Record<string, (image: Sharp) => Sharp> = {
      'q40.jpg': (image) => image.jpeg({ quality: 40 }),
      'half.jpg': (image) => image.resize(600).jpeg({ quality: 90 }),
      'brighter.jpg': (image) => image.modulate({ brightness: 1.2 }).jpeg({ quality: 90 }),
      'cropped.jpg': (image) => image.extract({ left: 72, top: 48, width: 1056, height: 704 }).jpeg({ quality: 90 }),
    };
    const original = await (await scene(5)).png().toBuffer();
    await sharp(original).jpeg({ quality: 92 }).toFile(path.join(root, 'original.jpg'));
    for (const [name, make] of Object.entries(copies)) await make(sharp(original)).toFile(path.join(root, name));
    for (const seed of [6, 7, 8]) await (await scene(seed)).jpeg().toFile(path.join(root, `other-${seed}.jpg`));
    const { items } = await openProject(root);
    const codes = await perceptualCodes(root, items);
    const row = (name: string): number => items.findIndex((i) => i.relPath === name);
    const grey = (r: number): Float32Array => thumbnailCodes((codes.thumbnails as Uint8Array).subarray(r * THUMBNAIL_SIDE ** 2, (r + 1) * THUMBNAIL_SIDE ** 2));
    for (const name of Object.keys(copies)) {
      expect(hammingDistance(codes, row(name), row('original.jpg')), name).toBeLessThanOrEqual(DUPLICATE_DEFAULTS.maxHammingDistance);
      expect(thumbnailCorrelation(grey(row(name)), grey(row('original.jpg'))), name).toBeGreaterThanOrEqual(DUPLICATE_DEFAULTS.minThumbnailCorrelation);
    }
    for (const seed of [6, 7, 8]) {
      const other = row(`other-${seed}.jpg`);
      const apart = hammingDistance(codes, other, row('original.jpg')) > DUPLICATE_DEFAULTS.maxHammingDistance || thumbnailCorrelation(grey(other), grey(row('original.jpg'))) < DUPLICATE_DEFAULTS.minThumbnailCorrelation;
      expect(apart, `other-${seed}.jpg`).toBe(true);
    }
  });
});

describe('the perceptual cache file', () => {
  /** Sets the cache file's user_version, as another version of the app would have written it. */
  function writtenBy(root: string, version: number): void {
    const db = new Database(perceptualStorePath(root));
    db.pragma(`user_version = ${version}`);
    db.close();
  }
  const versionOf = (root: string): number => {
    const db = new Database(perceptualStorePath(root), { readonly: true });
    try {
      return db.pragma('user_version', { simple: true }) as number;
    } finally {
      db.close();
    }
  };

  it('keeps the codes of a file from before versioning, and empties a file another version wrote instead of misreading it', async () => {
    const root = tempDir();
    await (await scene(3, 300, 200)).jpeg().toFile(path.join(root, 'a.jpg'));
    const { items } = await openProject(root);
    const computed = await perceptualCodes(root, items);
    expect(Array.from(computed.known)).toEqual([1]);
    expect(versionOf(root)).toBe(PERCEPTUAL_SCHEMA_VERSION);
    // Without a path nothing can be computed: what is known comes from the file.
    const cachedOnly = items.map(({ hash }) => ({ hash }));

    writtenBy(root, 0);
    const kept = await perceptualCodes(root, cachedOnly);
    expect(Array.from(kept.known)).toEqual([1]);
    expect(Array.from(kept.words)).toEqual(Array.from(computed.words));
    // Not marked as this version's until a pass given the paths has checked its images for 16-bit ones.
    expect(versionOf(root)).toBe(0);
    await perceptualCodes(root, items);
    expect(versionOf(root)).toBe(PERCEPTUAL_SCHEMA_VERSION);

    writtenBy(root, PERCEPTUAL_SCHEMA_VERSION + 1);
    expect(Array.from((await perceptualCodes(root, cachedOnly)).known)).toEqual([0]);
    expect(versionOf(root)).toBe(PERCEPTUAL_SCHEMA_VERSION);
    const again = await perceptualCodes(root, items);
    expect(Array.from(again.words)).toEqual(Array.from(computed.words));
  });

  it('says which file it cannot open', async () => {
    const root = tempDir();
    fs.mkdirSync(perceptualStorePath(root), { recursive: true });
    const failure = await perceptualCodes(root, []).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    // A folder in its place is said so (cantOpenError), not "not writable".
    expect((failure as AppError).code).toBe('UNREADABLE');
    expect((failure as AppError).message).toContain(`${perceptualStorePath(root)} is a folder, not a file`);
  });
});
