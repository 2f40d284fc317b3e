/**
 * A cache ADMA Studio computes again from the images (a feature cache, the thumbnail-hash cache)
 * whose header and schema read but whose pages further in are damaged: SQLite says so only when
 * a read reaches them (SQLITE_CORRUPT from a query, not at open). The read is refused as that
 * cache's damage, naming the file, that it holds nothing that cannot be computed again and what
 * happens next, never as a damaged project database ("restore .adma/project.db from a backup");
 * the next open sets the file aside, never deleted, and makes a new one, saying so once.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storageError } from '../../src-main/core/storage-errors';
import { EngineClient } from '../../src-main/engine/engine-client';
import { perceptualCodes, perceptualStorePath } from '../../src-main/engine/features/difference-hash';
import { Adaptation } from '../../src-main/adaptation/adaptation';
import { COMPUTING_AGAIN } from '../../src-main/adaptation/feature-extraction';
import { EventHub } from '../../src-main/core/event-hub';
import { featureCacheDir, featureStorePath, FeatureStore } from '../../src-main/engine/features/feature-store';
import { hashImageFile } from '../../src-main/engine/features/image-content-hash';
import { findStarterModelDir } from '../../src-main/engine/model/load-model';
import { Project } from '../../src-main/project/project';
import { appErrorOf, errorOf } from '../support/error-of';
import { smallLayout as layout } from '../support/feature-layout';
import { imageFolder, tempDir } from '../support/image-folder';
import { until } from '../support/until';
import type { ProjectChanged } from '../../src-shared/contract';
import { expectFeatureCacheMadeAgain, extractedOnce, setAside } from './support/cache-set-aside';

/**
 * Overwrite every page of `tables` in the closed database `file` with junk, the file's header,
 * schema and other tables kept (an open reads them as before); returns the damaged bytes.
 */
function damagePages(file: string, tables: readonly string[]): Buffer {
  const db = new Database(file, { fileMustExist: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.prepare(`SELECT pageno FROM dbstat WHERE name IN (${tables.map(() => '?').join(',')})`).pluck().all(...tables) as number[];
  db.close();
  expect(fs.existsSync(`${file}-wal`)).toBe(false); // all in the file itself
  expect(pages.length).toBeGreaterThan(0);
  expect(pages).not.toContain(1);
  const bytes = fs.readFileSync(file);
  for (const page of pages) bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize);
  fs.writeFileSync(file, bytes);
  return bytes;
}

const damagedWords = (file: string, name: string): RegExp =>
  new RegExp(
    `^${name} ${file} is damaged: part of it can no longer be read \\(SQLITE_CORRUPT[^)]*\\)\\. It holds nothing that cannot be computed again from the images; your labels \\(the project database\\) are not affected\\. ADMA Studio moves it aside and makes a new one the next time it opens it: close and reopen the project, or run the feature extraction again; what it held is computed again from the images, which takes time but loses nothing\\.$`,
  );

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const v = Float32Array.of(i, i + 1);
    return { hash: i.toString(16).padStart(64, '0'), a: v, b: v, aGrid: null, bGrid: null, softmax: v, cut: null };
  });

/** A feature cache of the small layout in a new folder, 2000 rows, closed, then its rows' pages damaged. */
function damagedFeatureCache(): { root: string; file: string; good: Buffer; bytes: Buffer } {
  const root = tempDir();
  const written = FeatureStore.openFor(root, layout);
  written.putBatch(rows(2000));
  written.close();
  const file = featureStorePath(root, layout);
  const good = fs.readFileSync(file);
  return { root, file, good, bytes: damagePages(file, ['features']) };
}

describe('a feature cache with damaged pages (its header and schema intact)', () => {
  it('a read says the feature cache is damaged and rebuilt at the next open, which sets it aside and makes a new one', () => {
    const { root, file, bytes } = damagedFeatureCache();
    // The open reads only the header, the schema and the layout: it succeeds, and the pool's load meets the damage.
    const store = FeatureStore.openExistingFor(root, layout);
    try {
      expect(store.notice).toBeNull();
      expect(errorOf(() => store.load(rows(2000).map((row) => row.hash)))).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(damagedWords(file, 'The feature cache')) });
      expect(errorOf(() => store.missing([rows(1)[0]!.hash], { grid: false, cut: false }))).toMatchObject({ code: 'IO_ERROR' });
    } finally {
      store.close();
    }
    expect(setAside(file)).toEqual([]); // not moved while open
    expectFeatureCacheMadeAgain(root, file, bytes);
    // The record of the damage went with it.
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.includes('found-damaged'))).toEqual([]);
  });

  it('a record of damage to a file since replaced (another file in its place) sets nothing aside', () => {
    const { root, file, good } = damagedFeatureCache();
    const store = FeatureStore.openExistingFor(root, layout);
    expect(errorOf(() => store.count())).toMatchObject({ code: 'IO_ERROR' });
    store.close();
    fs.writeFileSync(`${file}.copy`, good);
    fs.renameSync(`${file}.copy`, file); // restored by the user: another file
    const reopened = FeatureStore.openFor(root, layout);
    try {
      expect(reopened.notice).toBeNull();
      expect(reopened.count()).toBe(2000);
    } finally {
      reopened.close();
    }
    expect(setAside(file)).toEqual([]);
  });

  it("the project database's own damage keeps its words", () => {
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    expect(storageError(corrupt)?.message).toBe('The project database is damaged (SQLITE_CORRUPT): this change was not saved. Close the project and restore .adma/project.db from a backup.');
  });
});

describe('the thumbnail-hash cache with damaged pages', () => {
  it('the pass says the thumbnail-hash cache is damaged; the next pass sets it aside and computes the codes again', async () => {
    const root = await imageFolder(3);
    const files = await Promise.all(fs.readdirSync(root).map(async (name) => ({ path: path.join(root, name), hash: await hashImageFile(path.join(root, name)) })));
    const first = await perceptualCodes(root, files);
    expect([...first.known]).toEqual([1, 1, 1]);
    const file = perceptualStorePath(root);
    damagePages(file, ['dhash', 'thumbnail']);
    expect(await appErrorOf(perceptualCodes(root, files))).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(damagedWords(file, 'The thumbnail-hash cache')) });
    const second = await perceptualCodes(root, files);
    expect([...second.known]).toEqual([1, 1, 1]);
    expect(second.words).toEqual(first.words);
    const [aside, ...more] = setAside(file);
    expect(more).toEqual([]);
    // The damaged file as it was (the failed pass only brought its -wal in): its junk pages are there.
    expect(fs.readFileSync(path.join(path.dirname(file), aside!)).includes(Buffer.alloc(1024, 0xa5))).toBe(true);
    expect(second.notice).toMatch(new RegExp(`^The thumbnail-hash cache ${file} could not be read \\(the file is damaged\\), so ADMA Studio moved it aside`));
  });
});

describe.skipIf(!findStarterModelDir())('the extraction that meets a feature cache with damaged pages (the engine worker, the shipped starter model)', () => {
  it('says the feature cache is damaged, not the project database; the next extraction makes it again and says so once', async () => {
    const client = new EngineClient();
    try {
      const { first, extract } = await extractedOnce(client);
      expect(first.computed).toBe(3);
      damagePages(first.storePath, ['features']);
      await expect(extract()).rejects.toMatchObject({
        code: 'IO_ERROR',
        message: expect.stringMatching(damagedWords(first.storePath, 'The feature cache')),
      });
      const third = await extract();
      expect(third.computed).toBe(3);
      expect(third.notices).toEqual([expect.stringMatching(new RegExp(`^The feature cache ${first.storePath} could not be read \\(the file is damaged\\)`))]);
      expect(setAside(first.storePath)).toHaveLength(1);
    } finally {
      await client.terminate();
    }
  });
});

describe.skipIf(!findStarterModelDir())('the pool\'s load that meets a damaged cache first (the engine worker, the shipped starter model)', () => {
  const setAsideNotice = (name: string, file: string): RegExp => new RegExp(`${name} ${file} could not be read \\(the file is damaged\\), so ADMA Studio moved it aside, as ${path.basename(file)}\\.damaged-[^ ]+ in the same folder, and made a new one`);

  it('a damaged feature cache: the load answers its failure (the new cache is empty) with the notice apart, and no later open says it again', async () => {
    const client = new EngineClient();
    try {
      const { first, extract, prepare } = await extractedOnce(client);
      damagePages(first.storePath, ['features']);
      await expect(prepare()).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(damagedWords(first.storePath, 'The feature cache')) });
      // The next load is the first to open it since: it sets it aside, and answers so apart from its
      // failure, so the notice reaches the expert even when that load was superseded (PoolSession).
      const failed = await prepare();
      expect(failed).toEqual({
        outcome: 'failed',
        error: { code: 'NOT_FOUND', message: 'No image has features yet: wait for feature extraction to make progress.' },
        notices: [expect.stringMatching(setAsideNotice('The feature cache', first.storePath))],
        featuresSetAside: true,
      });
      expect(setAside(first.storePath)).toHaveLength(1);
      // Said once: the extraction that computes the features again does not say it again.
      const again = await extract();
      expect(again.computed).toBe(3);
      expect(again.notices).toEqual([]);
      expect(await prepare()).toMatchObject({ outcome: 'loaded', rows: 3, notices: [] });
    } finally {
      await client.terminate();
    }
  });

  it('a damaged thumbnail-hash cache: the load sets it aside, computes the codes again and says so with its result', async () => {
    const client = new EngineClient();
    try {
      const { project, prepare } = await extractedOnce(client);
      const file = perceptualStorePath(project);
      damagePages(file, ['dhash', 'thumbnail']);
      await expect(prepare()).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(damagedWords(file, 'The thumbnail-hash cache')) });
      const loaded = await prepare();
      expect(loaded).toMatchObject({ outcome: 'loaded', rows: 3, featuresSetAside: false });
      expect(loaded.notices).toEqual([expect.stringMatching(setAsideNotice('The thumbnail-hash cache', file))]);
      expect(setAside(file)).toHaveLength(1);
      expect(await prepare()).toMatchObject({ outcome: 'loaded', notices: [] });
    } finally {
      await client.terminate();
    }
  });
});

describe.skipIf(!findStarterModelDir())('the app after a load that set its feature cache aside (the engine worker, the shipped starter model)', () => {
  it('a load superseded before it answered still tells the expert, and the features are computed again by themselves', async () => {
    const root = await imageFolder(3);
    const project = Project.open(root, true);
    const client = new EngineClient();
    const events = new EventHub();
    /** The extraction's words the model panel was given, in order. */
    const said: string[] = [];
    events.subscribe((event, payload) => {
      const change = payload as ProjectChanged;
      const message = event === 'project:changed' && change.change === 'engine' ? change.status.features.message : null;
      if (message !== null && said.at(-1) !== message) said.push(message);
    });
    const adaptation = new Adaptation({ project, engine: () => client, events, places: {}, log: () => {} });
    const ended = () => until('the extraction ended, the pool loaded after it', () => (adaptation.features.done === undefined && adaptation.status().features.state !== 'checking' && adaptation.status().features.state !== 'running') || null);
    try {
      await project.rescan();
      await adaptation.chooseModel({ kind: 'starter' });
      await ended();
      expect(adaptation.status().features).toMatchObject({ state: 'complete', done: 3 });
      const modelId = await adaptation.pool.prepare();
      const [file, ...others] = fs.readdirSync(featureCacheDir(root)).filter((name) => name.endsWith('.db')).map((name) => path.join(featureCacheDir(root), name));
      expect(others).toEqual([]);
      damagePages(file!, ['features']);
      // A load meets the damage (recorded for the next open).
      adaptation.pool.invalidate();
      await expect(adaptation.pool.prepare()).rejects.toMatchObject({ code: 'IO_ERROR' });
      // The next load sets the file aside; it is superseded here before it answers (the image set changed, say).
      adaptation.pool.invalidate();
      const superseded = adaptation.pool.prepare();
      adaptation.pool.invalidate();
      await superseded.catch(() => undefined); // the newest load's outcome, which depends on how far the extraction got
      expect(setAside(file!)).toHaveLength(1);
      const notice = expect.stringMatching(/^The feature cache .* could not be read \(the file is damaged\), so ADMA Studio moved it aside, as .* and made a new one: .* You may delete the damaged file\. /);
      expect(said).toContainEqual(notice);
      expect(said.find((words) => words.startsWith('The feature cache '))).toMatch(new RegExp(`${COMPUTING_AGAIN}$`));
      // Computed again with no Resume clicked: the new cache holds every image, and the pool loads.
      await ended();
      expect(adaptation.status().features).toMatchObject({ state: 'complete', done: 3, message: expect.stringMatching(/^The feature cache .* could not be read/) });
      const store = FeatureStore.openExisting(file!);
      expect(store.count()).toBe(3);
      store.close();
      adaptation.pool.invalidate();
      expect(await adaptation.pool.prepare()).toBe(modelId);
    } finally {
      await adaptation.close();
      await project.close();
      await client.terminate();
    }
  });
});
