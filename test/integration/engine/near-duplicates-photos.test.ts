/**
 * Near duplicates on real photos: copies of hymenoptera photos (re-encoded, resized,
 * brightened, byte-identical) planted among the originals are found by the app's test at its
 * defaults (features from MobileNet 0.25, difference hashes with sharp), and no pair joins two
 * different photos.
 */
import { copyFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUPLICATE_DEFAULTS } from '../../../src-shared/contract';
import { createFeatureMatrix } from '../../../src-main/engine/adma/feature-matrix';
import { THUMBNAIL_SIDE } from '../../../src-main/engine/adma/thumbnail-correlation';
import { duplicateGroups, hammingDistance, NearDuplicateIndex, type PerceptualCodes } from '../../../src-main/engine/adma/near-duplicates';
import { initBackend } from '../../../src-main/engine/backend';
import { differenceHash, greyThumbnail, perceptualCodes, StoredThumbnails } from '../../../src-main/engine/features/difference-hash';
import { extractFeatures } from '../../../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { loadModelFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_DATA_REASON, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

const ready = hasMobileNet025 && hasHymenopteraVal;

interface Photo {
  path: string;
  hash: string;
  family: number;
  copy: string | null;
}

describe.skipIf(!ready)(`near duplicates of real photos${ready ? '' : ` (${hasMobileNet025 ? MISSING_DATA_REASON : MISSING_MODEL_REASON})`}`, () => {
  let dir: string;
  let loaded: TfLoadedModel;
  const photos: Photo[] = [];
  let codes: PerceptualCodes;
  let index: NearDuplicateIndex;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adma-dup-'));
    const all = hymenopteraValPhotos();
    const originals = [...all.slice(0, 20), ...all.slice(-20)];
    // Copied into the folder: the perceptual pass reads only the project folder's own files.
    for (const [i, p] of originals.entries()) {
      const path = join(dir, `original-${i}${extname(p.path)}`);
      copyFileSync(p.path, path);
      photos.push({ path, hash: await hashImageFile(path), family: i, copy: null });
    }
    const copies: [string, (image: Sharp, width: number) => Sharp][] = [
      ['jpeg q40', (image) => image.jpeg({ quality: 40 })],
      ['half size', (image, width) => image.resize(Math.round(width / 2)).jpeg({ quality: 90 })],
      ['brighter', (image) => image.modulate({ brightness: 1.2 }).jpeg({ quality: 90 })],
    ];
    for (const family of [0, 7, 21, 33]) {
      const source = photos[family] as Photo;
      const { width = 0 } = await sharp(source.path).metadata();
      for (const [k, [name, make]] of copies.entries()) {
        const path = join(dir, `${family}-${k}.jpg`);
        await make(sharp(source.path).rotate(), width).toFile(path);
        photos.push({ path, hash: await hashImageFile(path), family, copy: name });
      }
      const same = join(dir, `${family}-same.jpg`);
      copyFileSync(source.path, same);
      photos.push({ path: same, hash: source.hash, family, copy: 'byte-identical' });
    }
    await initBackend();
    loaded = (await loadModelFolder(MOBILENET_025_DIR)) as TfLoadedModel;
    const store = FeatureStore.open(join(dir, 'features.db'), featureLayoutOf(loaded));
    await extractFeatures(loaded, store, photos, { batchSize: 8 });
    const matrices = store.load(photos.map((p) => p.hash));
    store.close();
    codes = await perceptualCodes(dir, photos);
    index = new NearDuplicateIndex(createFeatureMatrix(matrices.b, matrices.n, matrices.dB), codes, photos.map((p) => p.hash), DUPLICATE_DEFAULTS);
  });

  afterAll(() => {
    loaded?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds every planted copy as a duplicate of its original, and pairs no two different photos', () => {
    photos.forEach((p, row) => {
      if (p.copy === null) return;
      const pair = index.test(row, p.family);
      expect(pair, `${p.copy} copy of ${photos[p.family]?.path}`).not.toBeNull();
      expect(pair?.exact).toBe(p.copy === 'byte-identical');
    });
    const pairs = index.pairs();
    for (const pair of pairs) expect(photos[pair.a]?.family, `${photos[pair.a]?.path} ~ ${photos[pair.b]?.path}`).toBe(photos[pair.b]?.family);
    const groups = duplicateGroups(pairs);
    expect(groups.map((g) => g.rows[0])).toEqual([0, 7, 21, 33]);
    for (const g of groups) expect(g.rows).toHaveLength(5);
  });

  it('difference hashes: copies a few bits off, different photos about half the bits apart', () => {
    const copyDistances = photos.flatMap((p, row) => (p.copy && p.copy !== 'byte-identical' ? [hammingDistance(codes, row, p.family)] : []));
    expect(Math.max(...copyDistances)).toBeLessThanOrEqual(DUPLICATE_DEFAULTS.maxHammingDistance);
    const apart: number[] = [];
    for (let a = 0; a < 40; a++) for (let b = a + 1; b < 40; b++) apart.push(hammingDistance(codes, a, b));
    const mean = apart.reduce((x, y) => x + y, 0) / apart.length;
    expect(mean).toBeGreaterThan(24);
  });

  it('caches the hashes and thumbnails by content: a file gone since is still known, and an unreadable one is unknown', async () => {
    const gone = photos.find((p) => p.copy === 'jpeg q40') as Photo;
    const bytes = await differenceHash(gone.path);
    const thumbnail = await greyThumbnail(gone.path);
    unlinkSync(gone.path);
    const again = await perceptualCodes(dir, [gone, { hash: 'not-an-image', path: join(dir, 'features.db') }]);
    expect([again.words[0], again.words[1]]).toEqual(bytes);
    expect(Array.from((again.thumbnails as Uint8Array).subarray(0, THUMBNAIL_SIDE ** 2))).toEqual(Array.from(thumbnail));
    expect(Array.from(again.known)).toEqual([1, 0]);
    // On demand (the engine worker's pool): the same codes, the thumbnail read from the cache when asked for.
    const lazy = await perceptualCodes(dir, [gone, { hash: 'not-an-image', path: join(dir, 'features.db') }], undefined, 'onDemand');
    expect(Array.from(lazy.known)).toEqual([1, 0]);
    expect(Array.from(lazy.words)).toEqual(Array.from(again.words));
    const source = lazy.thumbnails as StoredThumbnails;
    expect(source).toBeInstanceOf(StoredThumbnails);
    expect(Array.from(source.thumbnail(0) ?? [])).toEqual(Array.from(thumbnail));
    expect(source.thumbnail(1)).toBeNull();
    source.close();
    expect(Array.from(source.thumbnail(0) ?? [])).toEqual(Array.from(thumbnail)); // reopened
    source.close();
    expect(new StoredThumbnails(join(dir, 'no-such.db'), [gone.hash]).thumbnail(0)).toBeNull();
  });
});
