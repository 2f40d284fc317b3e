/**
 * A feature cache written under an earlier decode of deep images is marked as of this version's
 * (FeatureStore.deepDecode) only once nothing of the older decode can remain in it: the rows of
 * the images an extraction reads are checked (decodedOtherwiseAmong), and those of every image it
 * does not name (a file gone or moved out while the project was closed, a part of the folder left
 * out) cannot be, so they are forgotten too, features and views alike, and computed again when
 * the image is next extracted. `redecodes` counts each such clearing, for the heads trained before.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { extractFeatures } from '../../../src-main/engine/features/extract-features';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { loadStarterModel, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { DEEP_DECODE } from '../../../src-main/media/high-bit-depth';
import { sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { tempDir } from '../../support/image-folder';

let loaded: TfLoadedModel;
beforeAll(async () => {
  await initBackend();
  loaded = await loadStarterModel();
});
afterAll(() => loaded?.dispose());

describe('a cache of an earlier decode, extracted over part of its images', () => {
  it('forgets the rows of the images the run does not name (a 16-bit file gone meanwhile), keeps the checked 8-bit ones, and counts the clearing once', async () => {
    const root = tempDir('adma-unchecked-rows-');
    const files = {
      deep: path.join(root, 'deep.png'),
      plain: path.join(root, 'plain.png'),
      other: path.join(root, 'other.png'),
    };
    fs.writeFileSync(files.deep, await sixteenBit(twelveBitGradient(120, 80), 120, 80, 'png'));
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#5080a0' } }).png().toFile(files.plain);
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#a05080' } }).png().toFile(files.other);
    const item = async (file: string) => ({ hash: await hashImageFile(file), path: file });
    const all = [await item(files.deep), await item(files.plain), await item(files.other)];
    const [deep, plain, other] = all as [{ hash: string; path: string }, { hash: string; path: string }, { hash: string; path: string }];

    let store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    expect((await extractFeatures(loaded, store, all, { root })).computed).toBe(3);
    store.putViews([{ hash: deep.hash, view: 1, b: new Float32Array(store.layout.bShape.at(-1) as number) }]);
    expect(store.redecodes).toBe(0);
    const file = store.path;
    store.close();

    // As a version before the present decode left it: no 'levels' mark, every row's softmax zeros (marked).
    const db = new Database(file);
    db.prepare(`DELETE FROM meta WHERE key = 'levels'`).run();
    db.prepare('UPDATE features SET softmax = zeroblob(length(softmax))').run();
    db.close();
    const zeros = (s: FeatureStore, hash: string): boolean => Array.from(s.load([hash]).softmax).every((v) => v === 0);

    store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    try {
      // The 16-bit file is gone while the project is closed: the run lists the present images only.
      const part = await extractFeatures(loaded, store, [plain, other], { root });
      expect(part).toMatchObject({ computed: 0, reused: 2, redecoded: 0 });
      expect(store.deepDecode).toBe(DEEP_DECODE);
      expect(store.missing([deep.hash], { grid: false, cut: false })).toEqual([deep.hash]); // not kept under the new mark
      expect(store.missingViews([deep.hash], [1])).toEqual([deep.hash]);
      expect(zeros(store, plain.hash)).toBe(true); // checked: an 8-bit image's row is kept
      expect(store.redecodes).toBe(1);

      // The file comes back: its row is made from the stretched pixels, nothing else is computed, nothing more counted.
      const back = await extractFeatures(loaded, store, all, { root });
      expect(back).toMatchObject({ computed: 1, reused: 2, redecoded: 0 });
      expect(zeros(store, deep.hash)).toBe(false);
      expect(store.redecodes).toBe(1);
    } finally {
      store.close();
    }
  });

  it('a run over every image counts the clearing when it computes a deep image again, and not when nothing was forgotten', async () => {
    const root = tempDir('adma-redecodes-');
    const deepFile = path.join(root, 'deep.png');
    const plainFile = path.join(root, 'plain.png');
    fs.writeFileSync(deepFile, await sixteenBit(twelveBitGradient(120, 80), 120, 80, 'png'));
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#5080a0' } }).png().toFile(plainFile);
    const deep = { hash: await hashImageFile(deepFile), path: deepFile };
    const plain = { hash: await hashImageFile(plainFile), path: plainFile };
    const unmark = (file: string): void => {
      const db = new Database(file);
      db.prepare(`DELETE FROM meta WHERE key = 'levels'`).run();
      db.close();
    };

    let store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    await extractFeatures(loaded, store, [plain], { root });
    const file = store.path;
    store.close();
    unmark(file);
    store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    try {
      // Only an 8-bit row, checked and kept: marked, nothing forgotten, nothing counted.
      expect(await extractFeatures(loaded, store, [plain], { root })).toMatchObject({ computed: 0, redecoded: 0 });
      expect([store.deepDecode, store.redecodes]).toEqual([DEEP_DECODE, 0]);
      await extractFeatures(loaded, store, [deep, plain], { root });
    } finally {
      store.close();
    }
    unmark(file);
    store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    try {
      expect(await extractFeatures(loaded, store, [deep, plain], { root })).toMatchObject({ computed: 1, reused: 1, redecoded: 1 });
      expect(store.redecodes).toBe(1);
    } finally {
      store.close();
    }
  });
});
