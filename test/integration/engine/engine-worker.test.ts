import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { EngineClient } from '../../../src-main/engine/engine-client';
import { FeatureStore } from '../../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import type { ProgressEvent } from '../../../src-main/engine/worker-protocol';
import { startModelServer } from './local-model-server';
import { hasHymenopteraVal, hasMobileNet025, hymenopteraValPhotos, MISSING_DATA_REASON, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

const available = hasMobileNet025 && hasHymenopteraVal;
const reason = !hasMobileNet025 ? MISSING_MODEL_REASON : !hasHymenopteraVal ? MISSING_DATA_REASON : 'shared model and photos present';
const model = { kind: 'folder' as const, path: MOBILENET_025_DIR };

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('engine worker without shared material', () => {
  it('starts from the TypeScript source, initialises a backend and reports errors as codes', async () => {
    const client = new EngineClient();
    try {
      await client.whenReady();
      const info = await client.request('init', {});
      expect(['tensorflow', 'wasm', 'cpu']).toContain(info.name);
      expect(info.label.length).toBeGreaterThan(0);
      const error = await rejection(client.request('loadModel', { source: { kind: 'folder', path: join(tmpdir(), 'no-such-model-folder') } }));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toMatch(/^The model folder .*no-such-model-folder does not exist/);
      const unknown = await rejection(client.request('downloadModel', { id: 'mobilenet_v9' }));
      expect(unknown.code).toBe('NOT_FOUND');
      expect(client.backend).toBe(info.name);
    } finally {
      await client.terminate();
    }
    // After terminate, new requests fail instead of hanging.
    const after = await rejection(client.request('init', {}));
    expect(after.code).toBe('INTERNAL');
  });
});

describe.skipIf(!available)(`engine worker extraction (${reason})`, () => {
  let client: EngineClient;
  let project: string;
  let items: { hash: string; path: string }[];
  /** The cache file of the first extraction, which later ones share. */
  let storePath: string;

  beforeAll(async () => {
    client = new EngineClient();
    project = mkdtempSync(join(tmpdir(), 'adma-worker-'));
    const photos = hymenopteraValPhotos().filter((_, i) => i % 4 === 1); // 38 photos
    // Copied into the project folder: the worker reads a list's files only inside it.
    mkdirSync(join(project, 'photos'));
    items = await Promise.all(
      photos.map(async ({ path }, i) => {
        const copy = join(project, 'photos', `${i}-${basename(path)}`);
        copyFileSync(path, copy);
        return { path: copy, hash: await hashImageFile(copy) };
      }),
    );
  });
  afterAll(async () => {
    await client?.terminate();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('loads a model and extracts features with progress events that name the backend', async () => {
    const summary = await client.request('loadModel', { source: model });
    expect(summary.descriptor.id).toBe('mobilenet_v1_0.25_224');
    expect(summary.knownModelId).toBe('mobilenet_v1_0.25_224');
    expect(summary.shapes.b).toEqual([256]);

    const all: ProgressEvent[] = [];
    const mine: ProgressEvent[] = [];
    const unsubscribeAll = client.onProgress((e) => all.push(e));
    const subset = items.slice(0, 12);
    const job = client.start('extractFeatures', { model, projectDir: project, items: subset, batchSize: 4 });
    const unsubscribe = job.onProgress((e) => mine.push(e));
    const result = await job.result;
    unsubscribe();
    unsubscribeAll();
    expect(result).toMatchObject({ modelId: 'mobilenet_v1_0.25_224', computed: 12, reused: 0, cancelled: false });
    // The project's cache of the model's layout (its layers and preprocessing digested in the name).
    expect(dirname(result.storePath)).toBe(join(project, '.adma', 'features'));
    expect(basename(result.storePath)).toMatch(/^mobilenet_v1_0\.25_224@[0-9a-f]{16}\.db$/);
    storePath = result.storePath;
    // ONNX Runtime runs inside the worker thread, its converted graph cached beside the features.
    expect(result).toMatchObject({ runtimeFallback: null });
    expect(result.runtime).toMatch(/^ONNX Runtime [\d.]+ \(\d+ threads?\)$/);
    expect(readdirSync(join(project, '.adma', 'features')).filter((name) => name.endsWith('.onnx'))).toHaveLength(1);
    expect(mine.length).toBeGreaterThanOrEqual(4);
    expect(all.length).toBe(mine.length);
    // The features first, then the thumbnails' difference hashes (near duplicates) of a project's images.
    const extract = mine.filter((e) => e.phase === 'extract');
    const perceptual = mine.filter((e) => e.phase === 'perceptual');
    expect(extract.length + perceptual.length).toBe(mine.length);
    expect(mine.findIndex((e) => e.phase === 'perceptual')).toBe(extract.length);
    for (const event of mine) {
      expect(event).toMatchObject({ type: 'progress', jobId: job.id, kind: 'extractFeatures', total: 12 });
      expect(event.backend).toBe(client.backend);
      expect(typeof event.rate).toBe('number');
    }
    expect(extract[extract.length - 1]).toMatchObject({ done: 12, etaSeconds: 0 });
    expect(perceptual[perceptual.length - 1]).toMatchObject({ done: 12 });

    // Listeners removed by their unsubscribe hear nothing more.
    await client.request('extractFeatures', { model, projectDir: project, items: subset });
    expect(mine.length).toBe(all.length);

    const store = FeatureStore.openExisting(result.storePath);
    try {
      const features = store.load(subset.map((i) => i.hash));
      expect([features.n, features.dA, features.dB, features.classCount]).toEqual([12, 128, 256, 1000]);
    } finally {
      store.close();
    }
  });

  it('downloads a model by URL with progress, then loads it from the cache under the pinned id its files match', async () => {
    const server = await startModelServer(MOBILENET_025_DIR);
    const cacheRoot = mkdtempSync(join(tmpdir(), 'adma-worker-cache-'));
    try {
      const url = `${server.base}model.json`;
      const events: ProgressEvent[] = [];
      const result = await client.request('downloadModel', { url, cacheRoot }, { onProgress: (e) => events.push(e) });
      expect(result.pinned).toBe(false); // a local URL is not a canonical one
      expect(result.id).toMatch(/^models-[0-9a-f]{12}$/);
      const last = events[events.length - 1] as ProgressEvent;
      expect(last).toMatchObject({ kind: 'downloadModel', phase: 'download' });
      expect(last.done).toBe(last.total);
      expect(events.every((e) => e.backend === client.backend)).toBe(true);
      const summary = await client.request('loadModel', { source: { kind: 'url', url, cacheRoot } });
      expect(summary.descriptor.id).toBe('mobilenet_v1_0.25_224');
      expect(summary.knownModelId).toBe('mobilenet_v1_0.25_224');
      const neither = await rejection(client.request('downloadModel', { cacheRoot }));
      expect(neither.code).toBe('BAD_ARGUMENT');
    } finally {
      await server.close();
      rmSync(cacheRoot, { recursive: true, force: true });
    }
  });

  it('cancel stops the job with CANCELLED and keeps finished images; terminate mid-run loses nothing committed', async () => {
    const job = client.start('extractFeatures', { model, projectDir: project, items, batchSize: 4 });
    job.onProgress((event) => {
      if (event.done >= 8) job.cancel();
    });
    const error = await rejection(job.result);
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toMatch(/saved and will not be computed again/);

    const afterCancel = FeatureStore.openExisting(storePath);
    const keptAfterCancel = afterCancel.count();
    afterCancel.close();
    expect(keptAfterCancel).toBeGreaterThanOrEqual(12 + 8);

    const second = new EngineClient();
    let committedBeforeKill = 0;
    const killed = second.start('extractFeatures', { model, projectDir: project, items, batchSize: 4 });
    killed.onProgress((event) => {
      if (event.done >= 4 && committedBeforeKill === 0) {
        committedBeforeKill = keptAfterCancel + event.done;
        void second.terminate();
      }
    });
    const stopped = await rejection(killed.result);
    expect(stopped.code).toBe('CANCELLED');

    const resumed = await client.request('extractFeatures', { model, projectDir: project, items, batchSize: 8 });
    expect(resumed.reused).toBeGreaterThanOrEqual(committedBeforeKill);
    expect(resumed.reused + resumed.computed).toBe(new Set(items.map((i) => i.hash)).size);
    const store = FeatureStore.openExisting(storePath);
    try {
      expect(store.count()).toBe(resumed.reused + resumed.computed);
    } finally {
      store.close();
    }
  });
});
