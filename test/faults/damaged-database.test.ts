/**
 * A database file that is not a database (overwritten with something else, or cut short: SQLite's
 * SQLITE_NOTADB and SQLITE_CORRUPT). A cache ADMA Studio computes again from the images (a
 * feature cache, the thumbnail-hash cache) is set aside, renamed with the time, never deleted,
 * and made again, the user told once in plain words; the project database, whose labels exist
 * nowhere else, is refused wherever it is opened (the app, the engine, the label writer) as
 * damaged, naming it and saying to restore it from a backup, and nothing is moved or overwritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../src-main/engine/engine-client';
import { featureStorePath, FeatureStore } from '../../src-main/engine/features/feature-store';
import { findStarterModelDir } from '../../src-main/engine/model/load-model';
import { perceptualCodes, perceptualStorePath } from '../../src-main/engine/features/difference-hash';
import { projectImages } from '../../src-main/engine/loop/project-images';
import { startLabelWriter } from '../../src-main/project/label-operations';
import { Project } from '../../src-main/project/project';
import { projectDbPath } from '../../src-main/project/project-db';
import { appErrorOf, errorOf } from '../support/error-of';
import { tempDir } from '../support/image-folder';
import { smallLayout as layout } from '../support/feature-layout';
import { expectFeatureCacheMadeAgain, extractedOnce, setAside } from './support/cache-set-aside';

afterEach(() => vi.restoreAllMocks());

const JUNK = Buffer.from('This file was overwritten by something that is not SQLite. '.repeat(80));

/** The first bytes of a real SQLite database (its header cut short, as an interrupted copy leaves it). */
function truncatedHeader(): Buffer {
  const file = path.join(tempDir(), 'whole.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
  db.close();
  return fs.readFileSync(file).subarray(0, 60);
}

/** A feature cache of `layout` in a new folder holding one row, closed. */
function cacheWithARow(): { root: string; file: string } {
  const root = tempDir();
  const store = FeatureStore.openFor(root, layout);
  const two = Float32Array.of(1, 2);
  store.putBatch([{ hash: 'a'.repeat(64), a: two, b: two, aGrid: null, bGrid: null, softmax: two, cut: null }]);
  store.close();
  return { root, file: featureStorePath(root, layout) };
}

describe('a feature cache that is not a database', () => {
  for (const [kind, bytes] of [
    ['overwritten with junk (SQLITE_NOTADB)', JUNK],
    ['cut short inside its header (SQLITE_CORRUPT)', truncatedHeader()],
  ] as const) {
    it(`${kind}: set aside, never deleted, a new one made, and the user told once`, () => {
      const { root, file } = cacheWithARow();
      fs.writeFileSync(file, bytes);
      expectFeatureCacheMadeAgain(root, file, bytes);
    });
  }

  it('damaged twice within the same second: both damaged files kept, under two names', () => {
    const { root, file } = cacheWithARow();
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-02T08:30:00.250Z') });
    try {
      fs.writeFileSync(file, JUNK);
      FeatureStore.openFor(root, layout).close();
      const second = Buffer.concat([JUNK, Buffer.from('again')]);
      fs.writeFileSync(file, second);
      FeatureStore.openFor(root, layout).close();
      const asides = setAside(file);
      expect(asides).toEqual([`${path.basename(file)}.damaged-2026-12-02T08-30-00Z`, `${path.basename(file)}.damaged-2026-12-02T08-30-00Z-2`]);
      expect(asides.map((name) => fs.readFileSync(path.join(path.dirname(file), name)).length)).toEqual([JUNK.length, second.length]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('one that cannot be moved aside (its folder refuses the rename): refused with why and what to do, and left as it is', () => {
    const { root, file } = cacheWithARow();
    fs.writeFileSync(file, JUNK);
    // Root may rename in any folder: the refusal is made as Node makes it.
    const rename = fs.renameSync.bind(fs);
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (from === file) throw Object.assign(new Error(`EACCES: permission denied, rename '${file}'`), { code: 'EACCES', errno: -13, syscall: 'rename', path: file });
      rename(from, to);
    });
    expect(errorOf(() => FeatureStore.openFor(root, layout))).toMatchObject({
      code: 'NOT_WRITABLE',
      message: `The feature cache ${file} is damaged (file is not a database), and ${file} could not be moved aside (permission denied). Nothing else depends on it (what it held is computed again from the images, which takes time but loses nothing): move it away yourself (or delete it), then try again.`,
    });
    expect(fs.readFileSync(file).equals(JUNK)).toBe(true);
    expect(setAside(file)).toEqual([]);
  });
});

describe('the thumbnail-hash cache that is not a database', () => {
  it('set aside, never deleted, a new one made, and the pass says so once', async () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    const file = perceptualStorePath(root);
    fs.writeFileSync(file, JUNK);
    const first = await perceptualCodes(root, [{ hash: 'a'.repeat(64) }]);
    const [aside, ...more] = setAside(file);
    expect(more).toEqual([]);
    expect(fs.readFileSync(path.join(path.dirname(file), aside!)).equals(JUNK)).toBe(true);
    expect(first.notice).toBe(
      `The thumbnail-hash cache ${file} could not be read (the file is damaged), so ADMA Studio moved it aside, as ${aside} in the same folder, and made a new one: what it held is computed again from the images, which takes time but loses nothing. You may delete the damaged file.`,
    );
    expect((await perceptualCodes(root, [{ hash: 'a'.repeat(64) }])).notice).toBeNull();
  });
});

describe.skipIf(!findStarterModelDir())('the extraction that meets damaged caches (the engine worker, the shipped starter model)', () => {
  it('makes both again and says each once, in its result (what the model panel shows)', async () => {
    const client = new EngineClient();
    try {
      const { project, first, extract } = await extractedOnce(client);
      expect(first.notices).toEqual([]);
      const perceptual = perceptualStorePath(project);
      fs.writeFileSync(first.storePath, JUNK);
      fs.writeFileSync(perceptual, JUNK);
      const second = await extract();
      expect(second.computed).toBe(3);
      expect(second.notices).toEqual([
        expect.stringMatching(new RegExp(`^The feature cache ${first.storePath} could not be read \\(the file is damaged\\)`)),
        expect.stringMatching(new RegExp(`^The thumbnail-hash cache ${perceptual} could not be read \\(the file is damaged\\)`)),
      ]);
      expect(setAside(first.storePath)).toHaveLength(1);
      expect(setAside(perceptual)).toHaveLength(1);
      const third = await extract();
      expect(third.notices).toEqual([]);
    } finally {
      await client.terminate();
    }
  });
});

describe('the project database that is not a database: damaged, where, restore it; never set aside', () => {
  async function damagedProject(bytes: Buffer): Promise<{ root: string; dbFile: string }> {
    const root = tempDir();
    await Project.open(root, true).close();
    const dbFile = projectDbPath(root);
    fs.writeFileSync(dbFile, bytes);
    return { root, dbFile };
  }

  const damaged = (dbFile: string): RegExp =>
    new RegExp(`^The project database ${dbFile} is damaged: it is not a readable SQLite database \\(.+\\)\\. ADMA Studio has not changed or replaced it\\. .*restore ${dbFile} from a backup`);

  for (const [kind, bytes] of [
    ['overwritten with junk', JUNK],
    ['cut short inside its header', truncatedHeader()],
  ] as const) {
    it(`${kind}: opening the project refuses it, and nothing is moved or overwritten`, async () => {
      const { root, dbFile } = await damagedProject(bytes);
      expect(errorOf(() => Project.open(root, false))).toMatchObject({ code: 'PROJECT_CORRUPT', message: expect.stringMatching(damaged(dbFile)) });
      expect(errorOf(() => Project.open(root, true))).toMatchObject({ code: 'PROJECT_CORRUPT' });
      expect(fs.readFileSync(dbFile).equals(bytes)).toBe(true);
      expect(setAside(dbFile)).toEqual([]);
    });
  }

  it('a lock file (lock.db) that is not a database is not the project database: set aside, made again, and the project opens', async () => {
    const root = tempDir();
    const project = Project.open(root, true);
    project.classes.create('ant', undefined);
    await project.close();
    const lockDb = path.join(root, '.adma', 'lock.db');
    fs.writeFileSync(lockDb, JUNK);
    const opened = Project.open(root, false);
    try {
      expect(opened.classes.list().map((c) => c.name)).toEqual(['ant']);
    } finally {
      await opened.close();
    }
    const [aside, ...more] = setAside(lockDb);
    expect(more).toEqual([]);
    expect(fs.readFileSync(path.join(root, '.adma', aside!)).equals(JUNK)).toBe(true);
  });

  it("the engine's read of the project's images says the same, not an internal error", async () => {
    const { root, dbFile } = await damagedProject(JUNK);
    expect(errorOf(() => projectImages(root))).toMatchObject({ code: 'PROJECT_CORRUPT', message: expect.stringMatching(damaged(dbFile)) });
    expect(fs.readFileSync(dbFile).equals(JUNK)).toBe(true);
  });

  it("the label writer thread's own connection says the same for every change", async () => {
    const { dbFile } = await damagedProject(JUNK);
    const writer = startLabelWriter({ dbFile, actor: 'test' });
    expect(await appErrorOf(writer.apply({ kind: 'set', imageIds: [1], classId: null }))).toMatchObject({ code: 'PROJECT_CORRUPT', message: expect.stringMatching(damaged(dbFile)) });
    await writer.close();
    expect(fs.readFileSync(dbFile).equals(JUNK)).toBe(true);
  });
});
