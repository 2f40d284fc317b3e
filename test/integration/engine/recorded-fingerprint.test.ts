/**
 * The engine worker refuses a job for the model a project recorded when the folder holds the
 * recorded id with other weights (ExtractFeaturesArgs.recordedFingerprint): a folder with its
 * own adma-model.json keeps its id whatever shard sits beside it, and the host's check can be
 * passed just before the files change. Nothing is computed with the other weights; without a
 * fingerprint (the CLI, an older project) the id alone is compared, as before. The model's
 * summary says the fingerprint the host records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { EngineClient } from '../../../src-main/engine/engine-client';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import type { ModelSource } from '../../../src-main/engine/worker-protocol';
import { tempDir, writeImage } from '../../support/image-folder';
import { DESCRIBED_TINY as DESCRIPTOR, describedModelFolder, folderFingerprint, SHARD } from './save-model-folder';


let work: string;
let project: string;
let folder: string;
let otherShard: string;
let client: EngineClient;
/** The project's images, by content hash. */
let items: { path: string; hash: string }[];
const source = (): ModelSource => ({ kind: 'folder', path: folder });

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}


beforeAll(async () => {
  work = tempDir('adma-recorded-fingerprint-');
  project = path.join(work, 'images');
  items = [];
  for (let i = 0; i < 4; i++) {
    const file = path.join(project, `img-${i}.png`);
    await writeImage(file, i);
    items.push({ path: file, hash: await hashImageFile(file) });
  }
  ({ folder, shardB: otherShard } = await describedModelFolder(work));
  client = new EngineClient();
});

afterAll(async () => {
  await client?.terminate();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('a job for the recorded model folder with its files\' fingerprint', () => {
  it('runs on the recorded files; is refused, computing nothing, once the shard holds other weights under the same id', async () => {
    const summary = await client.request('loadModel', { source: source() });
    expect(summary.descriptor.id).toBe(DESCRIPTOR.id);
    expect(summary.fingerprint).toBe(folderFingerprint(folder));
    const recorded = { recordedModelId: DESCRIPTOR.id, recordedFingerprint: summary.fingerprint };
    const first = await client.request('extractFeatures', { model: source(), ...recorded, projectDir: project, items });
    expect(first.computed).toBe(4);

    fs.copyFileSync(otherShard, path.join(folder, SHARD));
    const now = await client.request('loadModel', { source: source() });
    expect(now.descriptor.id).toBe(DESCRIPTOR.id);
    expect(now.fingerprint).not.toBe(summary.fingerprint);

    const extraction = await rejection(client.request('extractFeatures', { model: source(), ...recorded, projectDir: project, items }));
    expect(extraction.code).toBe('MODEL_UNAVAILABLE');
    expect(extraction.message).toBe(`The weights in ${folder} changed: the files still say Described tiny (${DESCRIPTOR.id}), but they are not the ones this project recorded: nothing was computed with them.`);
    const load = await rejection(
      client.request('loopPrepare', { projectDir: project, model: source(), ...recorded, items: items.map((item, k) => ({ ...item, imageId: k + 1 })), deep: false, excludedIds: [], centres: null, headDir: null }),
    );
    expect(load.code).toBe('MODEL_UNAVAILABLE');
    expect(load.message).toMatch(/^The weights in .* changed/);

    // Without a fingerprint, the id alone is compared (the CLI; a project that recorded none yet): these files are computed.
    const byId = await client.request('extractFeatures', { model: source(), recordedModelId: DESCRIPTOR.id, projectDir: project, items });
    expect(byId.computed).toBe(4);
    // With the fingerprint of the files as they are now, they are the recorded model, and their features are cached.
    const asRecordedNow = await client.request('extractFeatures', { model: source(), recordedModelId: DESCRIPTOR.id, recordedFingerprint: now.fingerprint, projectDir: project, items });
    expect(asRecordedNow.computed).toBe(0);
  });
});
