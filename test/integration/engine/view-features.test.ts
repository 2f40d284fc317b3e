/**
 * The features of the symmetry views of labeled images (images with no up or down): view k of an
 * image gives the features of the image turned and mirrored by hand and extracted as any other
 * image; an image with every symmetry gives the same features in every view; what is stored is
 * not computed again, and a file that cannot be read is reported without stopping the others;
 * progress runs from 0 to every image the cache lacked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { extractFeatures, extractViewFeatures } from '../../../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { symmetryViews } from '../../../src-main/engine/features/symmetry-views';
import { loadModelFolder, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { hasMobileNet025, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

/** A square photo-like image at the model's input size (no resize, so turning commutes with decoding). */
async function scene(seed: number, side: number): Promise<Sharp> {
  const noise = await sharp({ create: { width: side, height: side, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .blur(1.5)
    .png()
    .toBuffer();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">
    <circle cx="${40 + seed * 17}" cy="${60 + seed * 9}" r="${30 + seed * 5}" fill="hsl(${seed * 70},70%,55%)"/>
    <rect x="${120 - seed * 11}" y="${20 + seed * 13}" width="70" height="150" fill="hsl(${seed * 70 + 150},60%,40%)"/></svg>`;
  return sharp(await sharp(noise).composite([{ input: Buffer.from(svg) }]).png().toBuffer());
}

describe.skipIf(!hasMobileNet025)(`symmetry view features (${hasMobileNet025 ? 'MobileNet v1 0.25' : MISSING_MODEL_REASON})`, () => {
  let loaded: TfLoadedModel;
  let work: string;

  beforeAll(async () => {
    await initBackend();
    loaded = await loadModelFolder(MOBILENET_025_DIR);
    work = mkdtempSync(join(tmpdir(), 'adma-views-'));
  });
  afterAll(() => {
    loaded.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('view k equals the image turned and mirrored by hand; an image with every symmetry reads the same in each view', async () => {
    const side = loaded.descriptor.input.height;
    expect(loaded.descriptor.input.width).toBe(side);
    const views = symmetryViews(side, side).slice(1);
    const photo = join(work, 'photo.png');
    await (await scene(1, side)).toFile(photo);
    // By hand: view k is the mirror (k >= 4), then k mod 4 clockwise quarter turns.
    const byHand = await Promise.all(
      views.map(async (view) => {
        const file = join(work, `by-hand-${view}.png`);
        const mirrored = await (view >= 4 ? sharp(photo).flop() : sharp(photo)).png().toBuffer();
        await sharp(mirrored).rotate(90 * (view % 4)).png().toFile(file);
        return { hash: await hashImageFile(file), path: file };
      }),
    );
    const flat = join(work, 'flat.png');
    await sharp({ create: { width: side, height: side, channels: 3, background: '#7a5c99' } }).png().toFile(flat);
    const items = [
      { hash: await hashImageFile(photo), path: photo },
      { hash: await hashImageFile(flat), path: flat },
    ];
    const store = FeatureStore.openFor(work, featureLayoutOf(loaded));
    try {
      await extractFeatures(loaded, store, [...items, ...byHand]);
      const result = await extractViewFeatures(loaded, store, items);
      expect(result).toMatchObject({ computed: 2, failures: [], cancelled: false });
      expect(store.missingViews(items.map((i) => i.hash), views)).toEqual([]);

      const turned = store.loadViews([items[0]!.hash], views);
      const expected = store.load(byHand.map((i) => i.hash)).b;
      const d = expected.length / views.length;
      expect(turned.length).toBe(expected.length);
      for (let k = 0; k < views.length; k++) {
        for (let j = 0; j < d; j++) expect(turned[k * d + j], `view ${views[k]}, feature ${j}`).toBeCloseTo(expected[k * d + j] as number, 4);
      }
      // The views differ from the image itself (the photo has no symmetry) ...
      const own = store.load([items[0]!.hash]).b;
      expect(Math.max(...views.map((_, k) => Math.abs((turned[k * d] as number) - (own[0] as number))))).toBeGreaterThan(0);
      // ... but a flat image is the same in every view.
      const flatViews = store.loadViews([items[1]!.hash], views);
      const flatOwn = store.load([items[1]!.hash]).b;
      flatViews.forEach((v, i) => expect(v).toBeCloseTo(flatOwn[i % d] as number, 4));

      // Stored views are not computed again, and nothing is reported as progress.
      const again: [number, number][] = [];
      expect(await extractViewFeatures(loaded, store, items, { onProgress: (done, total) => again.push([done, total]) })).toMatchObject({ computed: 0, failures: [] });
      expect(again).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('a file that cannot be read is reported; the others get their views', async () => {
    const side = loaded.descriptor.input.height;
    const good = join(work, 'good.png');
    await (await scene(2, side)).toFile(good);
    const bad = join(work, 'bad.png');
    writeFileSync(bad, 'not an image');
    const items = [
      { hash: 'bad-hash', path: bad },
      { hash: await hashImageFile(good), path: good },
    ];
    const store = FeatureStore.openFor(join(work, 'second'), featureLayoutOf(loaded));
    try {
      // Progress counts the unreadable file as done too: it starts at 0 and ends at every image.
      const progress: [number, number][] = [];
      const result = await extractViewFeatures(loaded, store, items, { batchSize: 1, onProgress: (done, total) => progress.push([done, total]) });
      expect(progress[0]).toEqual([0, 2]);
      expect(progress.at(-1)).toEqual([2, 2]);
      expect(progress.every(([done], k) => k === 0 || done >= (progress[k - 1]![0]))).toBe(true);
      expect(result.computed).toBe(1);
      expect(result.failures.map((f) => f.path)).toEqual([bad]);
      expect(store.missingViews(items.map((i) => i.hash), symmetryViews(side, side).slice(1))).toEqual(['bad-hash']);
    } finally {
      store.close();
    }
  });
});
