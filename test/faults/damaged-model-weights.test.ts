/**
 * Issues 11.24 and 15.8 (models): weight shards of the right size filled with NaN bytes or
 * 0xFF are refused with MODEL_INVALID saying the weights are damaged; damage that still gives
 * valid probabilities but the same features to every image (a zeroed first layer) is refused
 * at the first batch of the extraction, with no features kept; a shard of the wrong size
 * (here a sparse 2.5 GB file) is refused from its size before anything is read. Uses the
 * shipped starter model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readUserFile } from '../../src-main/core/user-file';
import { initBackend } from '../../src-main/engine/backend';
import { extractFeatures } from '../../src-main/engine/features/extract-features';
import { checkFirstBatchFeatures } from '../../src-main/engine/features/feature-sanity';
import { FeatureStore, featureLayoutOf } from '../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../src-main/engine/features/image-content-hash';
import { findStarterModelDir, loadModelFolder, type LoadedModel } from '../../src-main/engine/model/load-model';
import { readModelFolder } from '../../src-main/engine/model/model-folder-io';
import { AppError } from '../../src-shared/app-error';
import { imageFolder, tempDir } from '../support/image-folder';

const starter = findStarterModelDir();

function damagedCopy(fill: (shard: Buffer) => Buffer): string {
  const dir = tempDir('adma-model-');
  for (const f of fs.readdirSync(starter!)) fs.copyFileSync(path.join(starter!, f), path.join(dir, f));
  const shard = path.join(dir, 'weights.bin');
  fs.writeFileSync(shard, fill(fs.readFileSync(shard)));
  return dir;
}

async function extractWith(modelDir: string): Promise<unknown> {
  let loaded: LoadedModel;
  try {
    loaded = await loadModelFolder(modelDir);
  } catch (error) {
    return error; // refused at load
  }
  const root = await imageFolder(6);
  const items = await Promise.all(
    fs.readdirSync(root).map(async (f) => ({ path: path.join(root, f), hash: await hashImageFile(path.join(root, f)) })),
  );
  const store = FeatureStore.openFor(root, featureLayoutOf(loaded));
  try {
    const result = await extractFeatures(loaded, store, items, { batchSize: 4 });
    return { result, stored: store.count() };
  } catch (error) {
    expect(store.count()).toBe(0); // nothing from the damaged model is kept
    return error;
  } finally {
    store.close();
    loaded.dispose();
  }
}

describe.skipIf(!starter)('a model with damaged weights', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('extracts normally with the intact starter model (the check does not refuse good weights)', async () => {
    const outcome = (await extractWith(starter!)) as { result: { computed: number } };
    expect(outcome.result.computed).toBe(6);
  });

  it('refuses a shard of NaN bytes, or filled with 0xFF, saying the weights are damaged', async () => {
    const nan = Buffer.alloc(4);
    nan.writeFloatLE(Number.NaN);
    for (const fill of [nan, Buffer.of(0xff)]) {
      const error = await extractWith(damagedCopy((shard) => Buffer.alloc(shard.length, fill)));
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('MODEL_INVALID');
      expect((error as AppError).message).toMatch(/gives NaN.*weight files are damaged/);
    }
  });

  it('refuses weights that give every image the same features at the first batch, keeping none', async () => {
    // block1_conv/kernel is the manifest's first weight: 3*3*1*16 float32 values, zeroed
    const error = await extractWith(damagedCopy((shard) => Buffer.concat([Buffer.alloc(3 * 3 * 16 * 4), shard.subarray(3 * 3 * 16 * 4)])));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('MODEL_INVALID');
    expect((error as AppError).message).toMatch(/gives exactly the same features to 4 different images: its weight files are damaged/);
  });

  it('refuses non-finite activations of real images in the first batch', () => {
    const pixels = Uint8Array.of(1, 2, 3, 4);
    expect(() => checkFirstBatchFeatures('m', pixels, 2, { a: Float32Array.of(0.5, Infinity), b: Float32Array.of(1, 2) })).toThrowError(/The model m gives Infinity in its a outputs/);
    expect(() => checkFirstBatchFeatures('m', pixels, 2, { a: Float32Array.of(0.5, 0.7), b: Float32Array.of(1, 2), softmax: Float32Array.of(1, 1) })).not.toThrow();
  });

  it('refuses a shard of the wrong size from its size, before reading it', async () => {
    const dir = damagedCopy(() => Buffer.alloc(0));
    fs.truncateSync(path.join(dir, 'weights.bin'), 2_500_000_000); // sparse: no disk used
    const error = await readModelFolder(dir).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('MODEL_INVALID');
    expect((error as AppError).message).toMatch(/Weight file weights\.bin in .* holds 2500000000 bytes but model\.json declares \d+/);
  });
});

describe('a model file gone before its read (after the folder was checked)', () => {
  it('is said as a file not there, not as an image gone since the scan', async () => {
    const shard = path.join(tempDir('adma-model-'), 'weights.bin');
    await expect(readUserFile(shard, { what: 'a weight file', maxBytes: 1024 })).rejects.toMatchObject({
      code: 'UNREADABLE',
      message: `Cannot read ${shard}: the file is not there (moved or deleted).`,
    });
  });
});
