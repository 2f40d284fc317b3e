/**
 * A downloaded model's files changed in the app's model cache (a folder of the user's): the load
 * checks them against the hashes recorded at the download, so other weights are never loaded
 * under the known model's id (they loaded as MobileNet, and their features went into its cache
 * as its own). Refused in words; a new download replaces the changed file and loads again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { findKnownModel, type KnownModel } from '../../../src-main/engine/model/known-models';
import { downloadModel, loadKnownModel } from '../../../src-main/engine/model/model-download';
import { appErrorOf } from '../../support/error-of';
import { startModelServer, type ModelServer } from './local-model-server';
import { hasMobileNet025, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

/** conv1's batch normalisation (gamma, beta, mean, variance of 8 channels): other values of the same size still make a classifier. */
const SHARD = 'group2-shard1of1';

describe.skipIf(!hasMobileNet025)(`a downloaded model whose files changed in the cache (${hasMobileNet025 ? 'MobileNet v1 0.25 served on 127.0.0.1' : MISSING_MODEL_REASON})`, () => {
  let server: ModelServer;
  let cacheRoot: string;
  const model = findKnownModel('mobilenet_v1_0.25_224') as KnownModel;

  beforeAll(async () => {
    await initBackend();
    server = await startModelServer(MOBILENET_025_DIR);
    cacheRoot = mkdtempSync(join(tmpdir(), 'adma-download-changed-'));
  });
  afterAll(async () => {
    await server?.close();
    if (cacheRoot) rmSync(cacheRoot, { recursive: true, force: true });
  });

  it('other weights of the same size are refused on load, naming the file; downloaded again, it loads', async () => {
    const installed = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    const shard = join(installed.dir, SHARD);
    const weights = new Float32Array(new Uint8Array(readFileSync(shard)).buffer);
    writeFileSync(shard, new Uint8Array(weights.map((w) => w * 1.01).buffer));

    const error = await appErrorOf(loadKnownModel(model, cacheRoot));
    expect(error).toMatchObject({
      code: 'MODEL_INVALID',
      message: `The downloaded copy of ${model.name} in ${installed.dir} was changed since it was downloaded (${SHARD} is not the file downloaded): download it again (about ${Math.round(model.approxBytes / 1e6)} MB), which replaces it.`,
    });

    const again = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    expect(again.alreadyInstalled).toBe(false);
    const loaded = await loadKnownModel(model, cacheRoot);
    expect(loaded.descriptor.id).toBe(model.id);
    loaded.dispose();
  });
});
