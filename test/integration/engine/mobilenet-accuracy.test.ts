import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../../src-main/engine/backend';
import { extractFeatures } from '../../../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { loadModelFolder, type LoadedModel } from '../../../src-main/engine/model/load-model';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_DATA_REASON, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

const ANT = 310;
const BEE = 309;
const available = hasMobileNet025 && hasHymenopteraVal;
const reason = !hasMobileNet025 ? MISSING_MODEL_REASON : !hasHymenopteraVal ? MISSING_DATA_REASON : 'shared model and photos present';

describe.skipIf(!available)(`MobileNet v1 0.25 on the hymenoptera validation photos (${reason})`, () => {
  let loaded: LoadedModel;
  let backend: BackendInfo;
  let project: string;

  beforeAll(async () => {
    backend = await initBackend();
    loaded = await loadModelFolder(MOBILENET_025_DIR);
    project = mkdtempSync(join(tmpdir(), 'adma-accuracy-'));
  });
  afterAll(() => {
    loaded?.dispose();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('tells ants from bees with only the ImageNet ant and bee outputs (>= 85%)', async () => {
    const photos = hymenopteraValPhotos();
    expect(photos).toHaveLength(153);
    const items = await Promise.all(photos.map(async (photo) => ({ ...photo, hash: await hashImageFile(photo.path) })));
    const store = FeatureStore.openFor(project, featureLayoutOf(loaded));
    try {
      const result = await extractFeatures(loaded, store, items);
      expect(result.failures).toEqual([]);
      const distinct = new Set(items.map((item) => item.hash)).size;
      expect(result.computed).toBe(distinct);
      const features = store.load(items.map((item) => item.hash));
      expect(features.n).toBe(153);
      expect([features.dA, features.dB, features.classCount]).toEqual([128, 256, 1000]);
      let correct = 0;
      items.forEach((item, i) => {
        const ant = features.softmax[i * 1000 + ANT] as number;
        const bee = features.softmax[i * 1000 + BEE] as number;
        if ((ant > bee ? 'ants' : 'bees') === item.label) correct += 1;
      });
      const accuracy = correct / items.length;
      console.log(
        `MobileNet v1 0.25 ant(310)/bee(309) accuracy on ${items.length} val photos: ${(accuracy * 100).toFixed(1)}% (${correct}/${items.length}), backend ${backend.name}, ${result.rate.toFixed(1)} images/s, ${result.decodeWaitSeconds.toFixed(2)} s of ${result.seconds.toFixed(2)} s waiting for decoding`,
      );
      expect(result.decodeWaitSeconds).toBeGreaterThanOrEqual(0);
      expect(result.decodeWaitSeconds).toBeLessThan(result.seconds);
      expect(accuracy).toBeGreaterThanOrEqual(0.85);
    } finally {
      store.close();
    }
  }, 300_000); // CPU-bound: about 65 s on two busy cores
});
