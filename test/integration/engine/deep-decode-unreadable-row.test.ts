/**
 * A feature cache written under an earlier decode of deep images, checked by an extraction that
 * names a file it cannot read now (gone since the scan listed it): that file may be one that
 * decodes otherwise now, so its row is not kept as if checked (decodedOtherwiseAmong's
 * `unreadable`). It is forgotten and the extraction tries the file again, reporting it as any
 * unreadable image; the clearing is counted (redecodes), for the classifiers trained on the row.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { extractFeatures } from '../../../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
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

describe('a cache of an earlier decode, checked while a file it has a row of cannot be read', () => {
  it('forgets that row, reports the file as unreadable, keeps the checked 8-bit row, and counts the clearing', async () => {
    const root = tempDir('adma-unreadable-row-');
    const deepFile = path.join(root, 'deep.png');
    const plainFile = path.join(root, 'plain.png');
    fs.writeFileSync(deepFile, await sixteenBit(twelveBitGradient(120, 80), 120, 80, 'png'));
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#5080a0' } }).png().toFile(plainFile);
    const deep = { hash: await hashImageFile(deepFile), path: deepFile };
    const plain = { hash: await hashImageFile(plainFile), path: plainFile };

    let store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    expect((await extractFeatures(loaded, store, [deep, plain], { root })).computed).toBe(2);
    const file = store.path;
    store.close();
    // As a version before the present decode left it: no 'levels' mark.
    const db = new Database(file);
    db.prepare(`DELETE FROM meta WHERE key = 'levels'`).run();
    db.close();
    // The 16-bit file goes after the scan listed it: the run still names it.
    fs.rmSync(deepFile);

    store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    try {
      const result = await extractFeatures(loaded, store, [deep, plain], { root });
      expect(result).toMatchObject({ reused: 1, computed: 0, redecoded: 0 });
      expect(result.failures.map((failure) => failure.path)).toEqual([deepFile]);
      expect(store.deepDecode).toBe(DEEP_DECODE);
      expect(store.missing([deep.hash, plain.hash], { grid: false, cut: false })).toEqual([deep.hash]);
      expect(store.redecodes).toBe(1);
    } finally {
      store.close();
    }
  });
});
