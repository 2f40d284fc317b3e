import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { initBackend } from '../../../src-main/engine/backend';
import { findKnownModel, modelForUrl, type KnownModel } from '../../../src-main/engine/model/known-models';
import { DOWNLOAD_RECORD, downloadModel, installedModelDir, loadKnownModel, type DownloadProgress } from '../../../src-main/engine/model/model-download';
import { startModelServer, type ModelServer } from './local-model-server';
import { hasMobileNet025, MISSING_MODEL_REASON, MOBILENET_025_DIR } from './shared-material';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.skipIf(!hasMobileNet025)(`downloading a known model (${hasMobileNet025 ? 'served from the shared model folder on 127.0.0.1' : MISSING_MODEL_REASON})`, () => {
  let server: ModelServer;
  let cacheRoot: string;
  const model = findKnownModel('mobilenet_v1_0.25_224') as KnownModel;

  beforeAll(async () => {
    await initBackend();
    server = await startModelServer(MOBILENET_025_DIR);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    cacheRoot = mkdtempSync(join(tmpdir(), 'adma-model-cache-'));
    server.log.length = 0;
    server.interruptNext.clear();
    server.corrupt.clear();
    server.partsIn(join(cacheRoot, `.staging-${model.id}`));
    return () => rmSync(cacheRoot, { recursive: true, force: true });
  });

  it('the product pins SHA-256 hashes for 0.25 and 0.75 and knows 0.50 and 1.0 by URL', () => {
    expect(model.modelUrl).toBe('https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json');
    expect(Object.keys(model.sha256 ?? {})).toHaveLength(56);
    expect(Object.keys(findKnownModel('mobilenet_v1_0.75_224')?.sha256 ?? {})).toHaveLength(56);
    expect(findKnownModel('mobilenet_v1_0.50_224')?.sha256).toBeNull();
    expect(findKnownModel('mobilenet_v1_1.0_224')?.modelUrl).toBe('https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json');
  });

  it('any model.json URL maps to a stable cache id; canonical URLs map to the pinned entry', () => {
    expect(modelForUrl(model.modelUrl)).toBe(model);
    const other = modelForUrl('https://example.org/models/my_net/model.json');
    expect(other.sha256).toBeNull();
    expect(other.id).toMatch(/^my_net-[0-9a-f]{12}$/);
    expect(modelForUrl('https://example.org/models/my_net/model.json').id).toBe(other.id);
    expect(() => modelForUrl('ftp://example.org/model.json')).toThrow(/model\.json over http/);
    expect(() => modelForUrl('not a url')).toThrow(/not a URL/);
  });

  it('downloads, verifies, installs atomically and reports progress; a second call downloads nothing', async () => {
    const progress: DownloadProgress[] = [];
    const result = await downloadModel(model, { cacheRoot, baseUrl: server.base, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ id: model.id, pinned: true, note: null, alreadyInstalled: false });
    expect(result.dir).toBe(join(cacheRoot, model.id));
    expect(readdirSync(cacheRoot)).toEqual([model.id]); // no staging folder left behind
    expect(readdirSync(result.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    const last = progress[progress.length - 1] as DownloadProgress;
    expect(last.filesDone).toBe(56);
    expect(last.filesTotal).toBe(56);
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(result.bytesDownloaded).toBe(last.bytesTotal);
    const record = JSON.parse(readFileSync(join(result.dir, DOWNLOAD_RECORD), 'utf8')) as { pinned: boolean; sha256: Record<string, string> };
    expect(record.pinned).toBe(true);
    expect(record.sha256).toEqual(model.sha256);
    expect(installedModelDir(model, cacheRoot)).toBe(result.dir);

    const loaded = await loadKnownModel(model, cacheRoot);
    expect(loaded.descriptor.id).toBe(model.id);
    loaded.dispose();

    server.log.length = 0;
    const again = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    expect(again.alreadyInstalled).toBe(true);
    expect(server.log).toEqual([]);
  });

  it('an interrupted transfer resumes with a Range request in the same call', async () => {
    server.interruptNext.add('group5-shard1of1');
    const result = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    expect(result.pinned).toBe(true);
    const requests = server.log.filter((r) => r.file === 'group5-shard1of1');
    expect(requests).toHaveLength(2);
    expect(requests[0]?.range).toBeNull();
    const half = Math.floor(statSync(join(MOBILENET_025_DIR, 'group5-shard1of1')).size / 2);
    expect(requests[1]?.range).toBe(`bytes=${half}-`);
  });

  it('an interrupted download fails with NETWORK, keeps the partial file, and the next call resumes it', async () => {
    server.interruptNext.add('group1-shard1of1');
    const error = await rejection(downloadModel(model, { cacheRoot, baseUrl: server.base, retries: 0 }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/resumes where it stopped/);
    expect(installedModelDir(model, cacheRoot)).toBeNull();
    const part = join(cacheRoot, `.staging-${model.id}`, 'group1-shard1of1.part');
    const partial = statSync(part).size;
    expect(partial).toBeGreaterThan(0);

    server.log.length = 0;
    const result = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    expect(result.resumedFromBytes).toBe(partial);
    expect(server.log.find((r) => r.file === 'group1-shard1of1')?.range).toBe(`bytes=${partial}-`);
    expect(server.log.some((r) => r.file === 'model.json')).toBe(false); // already complete and verified
    expect(installedModelDir(model, cacheRoot)).toBe(result.dir);
  });

  it('a staged file damaged between calls is fetched again', async () => {
    server.interruptNext.add('group3-shard1of1');
    await rejection(downloadModel(model, { cacheRoot, baseUrl: server.base, retries: 0 }));
    const staged = join(cacheRoot, `.staging-${model.id}`, 'group1-shard1of1');
    const bytes = readFileSync(staged);
    bytes[0] = (bytes[0] as number) ^ 0xff;
    writeFileSync(staged, bytes);
    server.log.length = 0;
    const result = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    expect(result.pinned).toBe(true);
    expect(server.log.filter((r) => r.file === 'group1-shard1of1')).toEqual([{ file: 'group1-shard1of1', range: null }]);
    expect(server.log.some((r) => r.file === 'group2-shard1of1')).toBe(false);
  });

  it('a corrupted file is rejected by its hash, deleted, and nothing is installed', async () => {
    server.corrupt.add('group2-shard1of1');
    const error = await rejection(downloadModel(model, { cacheRoot, baseUrl: server.base }));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/"group2-shard1of1" .* corrupted \(SHA-256/);
    expect(existsSync(join(cacheRoot, model.id))).toBe(false);
    expect(existsSync(join(cacheRoot, `.staging-${model.id}`, 'group2-shard1of1'))).toBe(false);

    server.corrupt.clear();
    const result = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    expect(result.pinned).toBe(true);
  });

  it('a damaged download record makes the model not installed, says so on load, and a new download replaces it', async () => {
    const installed = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    for (const damaged of ['{}', 'not json', '{"sha256": {"model.json": 7}}']) {
      writeFileSync(join(installed.dir, DOWNLOAD_RECORD), damaged);
      expect(installedModelDir(model, cacheRoot)).toBeNull();
      const error = await rejection(loadKnownModel(model, cacheRoot));
      expect(error.code).toBe('MODEL_INVALID');
      expect(error.message).toMatch(/downloaded copy of .* is damaged .*download it again/);
    }
    const again = await downloadModel(model, { cacheRoot, baseUrl: server.base });
    expect(again.alreadyInstalled).toBe(false);
    expect(installedModelDir(model, cacheRoot)).toBe(again.dir);
  });

  it('a model without pinned hashes is verified by loading it, and says so', async () => {
    const unpinned: KnownModel = { ...model, id: 'unpinned-test-model', name: 'Unpinned test model', sha256: null };
    const result = await downloadModel(unpinned, { cacheRoot, baseUrl: server.base });
    expect(result.pinned).toBe(false);
    expect(result.note).toMatch(/no SHA-256 hashes pinned/);
    const record = JSON.parse(readFileSync(join(result.dir, DOWNLOAD_RECORD), 'utf8')) as { pinned: boolean };
    expect(record.pinned).toBe(false);
  });

  it('unreachable servers and missing files give NETWORK errors that say what to do', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const offline = await rejection(downloadModel(model, { cacheRoot, baseUrl: `http://127.0.0.1:${closedPort}/models/` }));
    expect(offline.code).toBe('NETWORK');
    expect(offline.message).toMatch(/ECONNREFUSED.*internet connection.*open it from disk/);
    const missing: KnownModel = { ...model, id: 'missing-model', sha256: null };
    const notFound = await rejection(downloadModel(missing, { cacheRoot, baseUrl: `${server.base}nowhere/` }));
    expect(notFound.code).toBe('NETWORK');
    expect(notFound.message).toMatch(/HTTP 404/);
  });
});
