/**
 * The per-project feature cache: SQLite files in `<project>/.adma/features/`, one per feature
 * layout (FeatureLayout: the model's identity and weights, the layers read, how pixels are
 * fed), one row per image content hash. Derived data: deleting a file only costs
 * recomputation. Each extraction batch is one transaction, so a crash or cancel loses at most
 * the batch in flight.
 *
 * Files of one folder (FeatureStore.openFor / openExistingFor, the app's and the `adma`
 * commands' one way in): `<model>@<digest of the layout>.db`, and `<model>.db`, the one file
 * per model that versions before layouts were kept side by side wrote. A layout is read from
 * its own file, or from `<model>.db` when that holds it, so the app and the commands share the
 * cache of the layout they both use, and a run with another layout (other layers, another
 * preprocessing) writes its own file instead of emptying theirs. `<model>.db` is never renamed
 * (a process of an older version may hold it open by that name): a file written before layers
 * were recorded in its layout is adopted in place by the first layout that matches everything
 * it recorded (see `adopt`). At most MAX_LAYOUTS_PER_MODEL files are kept per model (see
 * `removeStaleLayouts`).
 *
 * Row layout (all BLOBs little-endian, row-major):
 *   a       float32[dA]   layer A, global average pooled over h x w
 *   b       float32[dB]   layer B, global average pooled (or as is when B is a vector)
 *   a_grid  float32[4*cA] layer A, 2x2 grid pooled, cells in row-major order, channels last
 *                         (NULL until requested; NULL forever when A is a vector)
 *   b_grid  float32[4*cB] same for B
 *   softmax float32[K]    source-model class probabilities
 *   cut     float16[h*w*c] cut-layer activations for deep fine-tuning (NULL until requested)
 *
 * Table `views`, for projects whose images have no up or down (features/symmetry-views.ts):
 * pooled B of the other views of an image, one row per (hash, view), extracted only for the
 * images that need them (the labeled ones). Added beside `features` without a new schema
 * version, so a cache written before it keeps its rows and gains the empty table on open; an
 * older app leaves the table alone.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../../src-shared/app-error';
import { makePrivateFolder, privateFolder } from '../../core/private-folder';
import { damagedCacheError, openCacheDatabase, openRebuildableCache } from '../../core/rebuildable-cache';
import { isDamagedDatabase } from '../../core/storage-errors';
import { DEEP_DECODE } from '../../media/high-bit-depth';
import type { ModelDescriptor } from '../model/descriptor';
import type { FeatureShape } from '../model/feature-model';
import type { LoadedModel } from '../model/load-model';
import { weightsFingerprint } from '../model/model-folder-io';
import { decodeFloat16 } from './float16';

const SCHEMA_VERSION = 1;

/**
 * How a model is read, besides its files: the four layers, the input size, the pixel
 * normalisation and the resize. The model id and weights do not say it (a TF.js model keeps
 * its id whatever layers are chosen), and two layer choices can have the same shapes.
 */
export interface FeatureReading {
  layers: { layerA: string; layerB: string; softmaxLayer: string; cutLayer: string };
  input: ModelDescriptor['input'];
  normalization: ModelDescriptor['normalization'];
  resize: ModelDescriptor['resize'];
}

/** What every feature of a cache file was computed with, checked against the file when it is opened. */
export interface FeatureLayout {
  modelId: string;
  /** Fingerprint of the model's files: a model rebuilt or replaced under the same id gets a fresh cache. */
  weights: string;
  aShape: FeatureShape;
  bShape: FeatureShape;
  classCount: number;
  cutShape: FeatureShape;
  reading: FeatureReading;
}
export interface FeatureRow {
  hash: string;
  a: Float32Array;
  b: Float32Array;
  aGrid: Float32Array | null;
  bGrid: Float32Array | null;
  softmax: Float32Array;
  /** float16 bits. */
  cut: Uint16Array | null;
}

export type Pooling = 'global' | 'grid2x2';

/** What an extraction run must have for each image. */
export interface FeatureNeeds {
  grid: boolean;
  cut: boolean;
}

/** Row-major matrices, one row per requested hash, in the order requested. */
export interface FeatureMatrices {
  hashes: string[];
  n: number;
  dA: number;
  dB: number;
  classCount: number;
  a: Float32Array;
  b: Float32Array;
  softmax: Float32Array;
}

export interface CutActivations {
  hashes: string[];
  /** Per image, without the batch axis. */
  shape: FeatureShape;
  /** n x prod(shape), float32. */
  data: Float32Array;
}

/** The layout of a loaded model's features. */
export function featureLayoutOf(loaded: LoadedModel): FeatureLayout {
  const { shapes, classCount } = loaded.features;
  const { descriptor } = loaded;
  const { layerA, layerB, softmaxLayer, cutLayer, input, normalization, resize } = descriptor;
  return {
    modelId: descriptor.id,
    weights: weightsFingerprint(loaded),
    aShape: shapes.a,
    bShape: shapes.b,
    classCount,
    cutShape: shapes.cut,
    reading: { layers: { layerA, layerB, softmaxLayer, cutLayer }, input, normalization, resize },
  };
}

/** Key order fixed (nested objects too), so the same layout always serialises the same way, also after a JSON round trip. */
function layoutKey(layout: FeatureLayout): string {
  const { modelId, weights, aShape, bShape, classCount, cutShape, reading } = layout;
  const { layers, input, normalization, resize } = reading;
  return JSON.stringify({
    modelId,
    weights,
    aShape,
    bShape,
    classCount,
    cutShape,
    reading: {
      layers: { layerA: layers.layerA, layerB: layers.layerB, softmaxLayer: layers.softmaxLayer, cutLayer: layers.cutLayer },
      input: { height: input.height, width: input.width, channels: input.channels },
      normalization: { scale: normalization.scale, offset: normalization.offset },
      resize,
    },
  });
}

/** The key versions before FeatureReading wrote (what a file of theirs can be matched by). */
function keyBeforeReading(layout: FeatureLayout): string {
  const { modelId, weights, aShape, bShape, classCount, cutShape } = layout;
  return JSON.stringify({ modelId, weights, aShape, bShape, classCount, cutShape });
}

/**
 * `<folder>/.adma/features`: the feature caches of a project or image folder (and the ONNX graphs
 * converted for them); refused when it, `.adma` or a file in it is a symbolic link (privateFolder).
 */
export function featureCacheDir(folder: string): string {
  return privateFolder(join(folder, '.adma'), 'features');
}

/** Model ids made filename-safe (without '@', which separates the layout's digest). */
function fileStem(modelId: string): string {
  return modelId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The one cache file per model that versions before layouts were kept side by side wrote (and workspaces of theirs name). */
export function legacyFeatureStorePath(folder: string, modelId: string): string {
  return join(featureCacheDir(folder), `${fileStem(modelId)}.db`);
}

/** The file a layout's cache is created in: `<model>@<first 16 hex digits of SHA-256 of the layout key>.db`. */
export function featureStorePath(folder: string, layout: FeatureLayout): string {
  const digest = createHash('sha256').update(layoutKey(layout)).digest('hex').slice(0, 16);
  return join(featureCacheDir(folder), `${fileStem(layout.modelId)}@${digest}.db`);
}

/**
 * Files of a model's cache kept in one folder, the one just opened included. Three: the app's
 * layout, one of a command-line experiment and one spare, each up to gigabytes at 100,000
 * images (cut activations).
 */
export const MAX_LAYOUTS_PER_MODEL = 3;

/** Every cache file of `modelId` in `dir` (the old one-per-model name and the per-layout ones). */
function cacheFilesOf(dir: string, modelId: string): string[] {
  const stem = fileStem(modelId).replace(/\./g, '\\.');
  const pattern = new RegExp(`^${stem}(@[0-9a-f]{16})?\\.db$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => pattern.test(name)).map((name) => join(dir, name));
}

/**
 * Whether another connection (this process's or another's) has the database at `path` open:
 * in WAL mode every connection holds a shared lock on the file while open, so an exclusive
 * lock taken without waiting succeeds only when none does.
 */
function heldByAnother(path: string): boolean {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    return false;
  } catch {
    return true; // busy, or not readable as a database: not ours to judge, left alone
  } finally {
    db?.close();
  }
}

/** Whether the file at `path` is a cache the app has opened (marked by `openFor`'s `theApps`); unreadable counts as yes (left alone). */
function theAppsCache(path: string): boolean {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    return db.prepare(`SELECT 1 FROM meta WHERE key = 'app'`).get() !== undefined;
  } catch {
    return true;
  } finally {
    db?.close();
  }
}

/**
 * The rule that bounds the files: after a layout's file is created, the model's files beyond
 * the MAX_LAYOUTS_PER_MODEL most recently used (file modification time, set on every open by
 * `markUsed` and by SQLite's writes) are removed, least recently used first, never the file
 * just created and never one that a connection has open (the app extracting into it while a
 * command runs): that one is removed by a later creation, once closed. The WAL and
 * shared-memory files go first, so that a crash in between never leaves a WAL beside a file
 * it does not belong to. A file the app has opened is never removed: commands run with other
 * layouts (`adma extract --layers`) cannot push out the cache the app extracts into.
 */
function removeStaleLayouts(dir: string, modelId: string, created: string): void {
  const others = cacheFilesOf(dir, modelId)
    .filter((path) => path !== created)
    .map((path) => ({ path, used: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((x, y) => y.used - x.used);
  // The app's caches count against the bound but are never removed: the others make room.
  const apps = others.filter(({ path }) => theAppsCache(path));
  const removable = others.filter((other) => !apps.includes(other));
  for (const { path } of removable.slice(Math.max(0, MAX_LAYOUTS_PER_MODEL - 1 - apps.length))) {
    if (heldByAnother(path)) continue;
    try {
      for (const suffix of ['-wal', '-shm', '']) rmSync(path + suffix, { force: true });
    } catch {
      // in use where open files cannot be removed (Windows): kept, removed by a later creation
    }
  }
}

/**
 * The app's cache file of `modelId` in `folder`: the one of its files the app used last (openFor
 * marks it used, and `theApps`); null when there is none.
 */
function appCacheOf(folder: string, modelId: string): string | null {
  const latest = cacheFilesOf(featureCacheDir(folder), modelId)
    .filter(theAppsCache)
    .map((path) => ({ path, used: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((x, y) => y.used - x.used)[0];
  return latest?.path ?? null;
}

/**
 * How many of `hashes` have features in the app's cache of `modelId` in `folder` (appCacheOf).
 * For a model that cannot be loaded now (its folder moved away), so its layout is not known: read
 * only, nothing made or emptied. 0 when there is no such cache or it cannot be read (it is derived
 * data, rebuilt when the model is back).
 */
export function cachedFeatureCount(folder: string, modelId: string, hashes: Iterable<string>): number {
  const path = appCacheOf(folder, modelId);
  if (path === null) return 0;
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const has = db.prepare('SELECT 1 FROM features WHERE hash = ?').pluck();
    let count = 0;
    for (const hash of hashes) if (has.get(hash) !== undefined) count++;
    return count;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

/**
 * The redecodes (FeatureStore.redecodes) of the app's cache of `modelId` in `folder` (appCacheOf),
 * read only, for the project's classifier versions, which record the count they were trained
 * against (ActiveLoop.retrainDue): 0 when there is no such cache (no row was ever forgotten in
 * it), null when it cannot be read now (the count is not known). A few rows read on the
 * host's thread, at an open, a model choice and an extraction's end.
 */
export function appCacheRedecodes(folder: string, modelId: string): number | null {
  let db: Database.Database | null = null;
  try {
    const path = appCacheOf(folder, modelId); // refused when `.adma/features` is or holds a link: not known
    if (path === null) return 0;
    db = new Database(path, { readonly: true, fileMustExist: true });
    return redecodesIn(db);
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** The meta 'redecodes' of an open cache file (FeatureStore.redecodes): 0 when none was recorded. */
function redecodesIn(db: Database.Database): number {
  const value = db.prepare(`SELECT value FROM meta WHERE key = 'redecodes'`).pluck().get() as string | undefined;
  return value === undefined ? 0 : Number(value) || 0;
}

/** Marks a cache file as used now (what removeStaleLayouts orders by). */
function markUsed(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // a read-only folder: the file is only older than it is
  }
}

/** The schema version and recorded layout key of an open cache file (undefined when it has none). */
function storedLayout(db: Database.Database): { version: number; key: string | undefined } {
  const version = db.pragma('user_version', { simple: true }) as number;
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined;
  return { version, key: hasMeta ? (db.prepare(`SELECT value FROM meta WHERE key = 'layout'`).pluck().get() as string | undefined) : undefined };
}

/**
 * Whether the old one-per-model file at `path` holds `layout`, adopting it when it was
 * written before layers were recorded and everything it recorded matches: its features were
 * computed for this model, weights and shapes, and it served this layout until now. Its
 * recorded layout is completed inside one write transaction that checks again, so of two
 * processes adopting at once the second sees the first's layout and, when that is not its
 * own, takes a file of its own. A file already holding `layout` is only read (no write lock
 * while another process extracts into it).
 */
function adopt(path: string, layout: FeatureLayout): boolean {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch {
    return false;
  }
  const key = layoutKey(layout);
  const before = keyBeforeReading(layout);
  try {
    const seen = storedLayout(db);
    if (seen.version !== SCHEMA_VERSION || (seen.key !== key && seen.key !== before)) return false;
    if (seen.key === key) return true;
    return db
      .transaction(() => {
        const now = storedLayout(db);
        if (now.version !== SCHEMA_VERSION || (now.key !== key && now.key !== before)) return false;
        if (now.key === before) db.prepare(`UPDATE meta SET value = ? WHERE key = 'layout'`).run(key);
        return true;
      })
      .immediate();
  } catch {
    return false; // unreadable, or busy beyond the timeout: the layout gets a file of its own, this one is left as it is
  } finally {
    db.close();
  }
}

/** The existing cache file of `layout` in `folder`, or null: its own file, else the old one-per-model file when that holds it. */
function findFeatureStore(folder: string, layout: FeatureLayout): string | null {
  const own = featureStorePath(folder, layout);
  if (existsSync(own)) return own;
  const legacy = legacyFeatureStorePath(folder, layout.modelId);
  return existsSync(legacy) && adopt(legacy, layout) ? legacy : null;
}

/**
 * The database at `path`, made to hold `layout`: a file written for another layout or schema is
 * emptied (see FeatureStore.open); errors as openCacheDatabase says them.
 */
function openInLayout(path: string, layout: FeatureLayout): Database.Database {
  return openCacheDatabase(
    path,
    'the feature cache',
    (db) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const expected = layoutKey(layout);
      // Checked and rebuilt in one write transaction: two processes creating the file at once
      // build it once, and the second never drops rows the first has written since.
      db.transaction(() => {
        const stored = storedLayout(db);
        if (stored.version !== SCHEMA_VERSION || stored.key !== expected) {
          db.exec(`DROP TABLE IF EXISTS features; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS views;`);
          db.exec(`
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE features (
              hash TEXT PRIMARY KEY,
              a BLOB NOT NULL,
              b BLOB NOT NULL,
              a_grid BLOB,
              b_grid BLOB,
              softmax BLOB NOT NULL,
              cut BLOB,
              computed_at INTEGER NOT NULL
            ) WITHOUT ROWID;`);
          db.prepare(`INSERT INTO meta (key, value) VALUES ('layout', ?)`).run(expected);
          // Made under this version's decode of deep images: nothing to forget (FeatureStore.deepDecode).
          db.prepare(`INSERT INTO meta (key, value) VALUES ('levels', ?)`).run(String(DEEP_DECODE));
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        }
      }).immediate();
    },
    'INTERNAL',
  );
}

function size(shape: FeatureShape): number {
  return shape.reduce((x, y) => x * y, 1);
}

/** Length of the pooled vector of a layer for a pooling mode. */
export function pooledLength(shape: FeatureShape, pooling: Pooling): number {
  const channels = shape[shape.length - 1] as number;
  return pooling === 'grid2x2' && shape.length === 3 ? 4 * channels : channels;
}

function blob(array: Float32Array | Uint16Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function copyFloats(source: Buffer, target: Float32Array, offset: number, expected: number, what: string): void {
  if (source.byteLength !== expected * 4) throw new AppError('INTERNAL', `Feature cache row has ${source.byteLength / 4} ${what} values, expected ${expected}; delete the feature cache to rebuild it.`);
  target.set(new Float32Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength)), offset);
}

interface StoredRow {
  hash: string;
  a: Buffer;
  b: Buffer;
  a_grid: Buffer | null;
  b_grid: Buffer | null;
  softmax: Buffer;
}

export class FeatureStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  readonly layout: FeatureLayout;

  private constructor(
    readonly path: string,
    db: Database.Database,
    layout: FeatureLayout,
    /** For the user, once: the damaged file this open set aside (openRebuildableCache), else null. */
    readonly notice: string | null = null,
  ) {
    this.db = db;
    this.layout = layout;
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO features (hash, a, b, a_grid, b_grid, softmax, cut, computed_at)
       VALUES (@hash, @a, @b, @aGrid, @bGrid, @softmax, @cut, @computedAt)`,
    );
    db.exec(`CREATE TABLE IF NOT EXISTS views (hash TEXT NOT NULL, view INTEGER NOT NULL, b BLOB NOT NULL, PRIMARY KEY (hash, view)) WITHOUT ROWID`);
  }

  /**
   * Open the cache of `layout` in `folder` (its `.adma/features/`), creating the layout's own
   * file when the folder has none for it; other layouts' files are left as they are, but for
   * the bound on their number (removeStaleLayouts). The way the app and the commands open a
   * folder's cache. `theApps`: the app opens it (its project's pool), which marks the file so:
   * the bound never removes it (at 100,000 images it is hours of extraction).
   */
  static openFor(folder: string, layout: FeatureLayout, options: { theApps?: boolean } = {}): FeatureStore {
    const found = findFeatureStore(folder, layout);
    const path = found ?? featureStorePath(folder, layout);
    const store = FeatureStore.open(path, layout);
    if (options.theApps) store.db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('app', '1')`).run();
    markUsed(path);
    if (!found) removeStaleLayouts(featureCacheDir(folder), layout.modelId, path);
    return store;
  }

  /**
   * Open the existing cache of `layout` in `folder`, for readers that must not create one.
   * NOT_FOUND when the folder has none for this layout.
   */
  static openExistingFor(folder: string, layout: FeatureLayout): FeatureStore {
    const path = findFeatureStore(folder, layout);
    if (!path) throw new AppError('NOT_FOUND', `No feature cache for ${layout.modelId} read at layers ${layout.reading.layers.layerA}, ${layout.reading.layers.layerB} in ${featureCacheDir(folder)}; run feature extraction first.`);
    const store = FeatureStore.open(path, layout); // holds `layout` (findFeatureStore): nothing is emptied
    markUsed(path);
    return store;
  }

  /**
   * Open (creating it if needed) the cache at `path` for a model. A file written for a
   * different model id, weights, layout or schema is derived data and is emptied and rebuilt:
   * a folder's caches are opened with openFor, which never gives one layout another's file.
   * A file that is not a readable database is set aside and a new one made (rebuildable-cache.ts):
   * `notice` says so, for the user.
   */
  static open(path: string, layout: FeatureLayout): FeatureStore {
    makePrivateFolder(dirname(path)); // `.adma/features` (and `.adma` when a command-line run makes it): owner-only (private-folder.ts)
    const { opened, notice } = openRebuildableCache(path, 'the feature cache', () => openInLayout(path, layout));
    return new FeatureStore(path, opened, layout, notice);
  }

  /**
   * Open an existing cache with the layout it was written with (for readers such as
   * scoring and training that do not load the model). NOT_FOUND when there is none. A file
   * written before layouts recorded the reading has no `layout.reading`: only the shapes are
   * read from it here.
   */
  static openExisting(path: string): FeatureStore {
    if (!existsSync(path)) throw new AppError('NOT_FOUND', `No feature cache at ${path}; run feature extraction first.`);
    const db = new Database(path, { fileMustExist: true });
    try {
      const stored = db.prepare(`SELECT value FROM meta WHERE key = 'layout'`).get() as { value: string } | undefined;
      if (!stored) throw new Error('no layout recorded');
      return new FeatureStore(path, db, JSON.parse(stored.value) as FeatureLayout);
    } catch (error) {
      db.close();
      throw new AppError('NOT_FOUND', `The feature cache ${path} is empty or unreadable (${(error as Error).message}); run feature extraction to rebuild it.`);
    }
  }

  /** The hashes (from `hashes`, deduplicated, order kept) that lack something `needs` asks for. */
  missing(hashes: readonly string[], needs: FeatureNeeds): string[] {
    return this.guarded(() => {
      const gridSpatial = this.layout.aShape.length === 3 || this.layout.bShape.length === 3;
      const query = this.db.prepare(`SELECT a_grid IS NOT NULL AS hasGrid, cut IS NOT NULL AS hasCut FROM features WHERE hash = ?`);
      const seen = new Set<string>();
      const out: string[] = [];
      for (const hash of hashes) {
        if (seen.has(hash)) continue;
        seen.add(hash);
        const row = query.get(hash) as { hasGrid: number; hasCut: number } | undefined;
        const complete = row !== undefined && (!needs.grid || !gridSpatial || row.hasGrid === 1) && (!needs.cut || row.hasCut === 1);
        if (!complete) out.push(hash);
      }
      return out;
    });
  }

  /** Write one batch of rows in a single transaction. */
  putBatch(rows: readonly FeatureRow[]): void {
    this.guarded(() => {
      const now = Date.now();
      this.db.transaction(() => {
        for (const row of rows) {
          this.insert.run({
            hash: row.hash,
            a: blob(row.a),
            b: blob(row.b),
            aGrid: row.aGrid ? blob(row.aGrid) : null,
            bGrid: row.bGrid ? blob(row.bGrid) : null,
            softmax: blob(row.softmax),
            cut: row.cut ? blob(row.cut) : null,
            computedAt: now,
          });
        }
      })();
    });
  }

  count(): number {
    return this.guarded(() => (this.db.prepare(`SELECT COUNT(*) AS n FROM features`).get() as { n: number }).n);
  }

  /**
   * Pooled A, pooled B and softmax for `hashes`, in that order. Throws NOT_FOUND when any
   * hash has not been extracted (or lacks grid pooling when that is asked for).
   */
  load(hashes: readonly string[], pooling: Pooling = 'global'): FeatureMatrices {
    return this.guarded(() => {
      const { aShape, bShape, classCount } = this.layout;
      const dA = pooledLength(aShape, pooling);
      const dB = pooledLength(bShape, pooling);
      const n = hashes.length;
      const a = new Float32Array(n * dA);
      const b = new Float32Array(n * dB);
      const softmax = new Float32Array(n * classCount);
      const query = this.db.prepare(`SELECT hash, a, b, a_grid, b_grid, softmax FROM features WHERE hash = ?`);
      const missing: string[] = [];
      hashes.forEach((hash, i) => {
        const row = query.get(hash) as StoredRow | undefined;
        const aBlob = pooling === 'grid2x2' && aShape.length === 3 ? row?.a_grid : row?.a;
        const bBlob = pooling === 'grid2x2' && bShape.length === 3 ? row?.b_grid : row?.b;
        if (!row || !aBlob || !bBlob) {
          missing.push(hash);
          return;
        }
        copyFloats(aBlob, a, i * dA, dA, 'layer A');
        copyFloats(bBlob, b, i * dB, dB, 'layer B');
        copyFloats(row.softmax, softmax, i * classCount, classCount, 'softmax');
      });
      if (missing.length) {
        throw new AppError('NOT_FOUND', `${missing.length} of ${n} images have no ${pooling === 'grid2x2' ? 'grid-pooled ' : ''}features for model ${this.layout.modelId} yet (first: ${missing[0]}); run feature extraction first.`);
      }
      return { hashes: [...hashes], n, dA, dB, classCount, a, b, softmax };
    });
  }

  /** Cut-layer activations (stored float16, returned float32) for deep fine-tuning. */
  loadCut(hashes: readonly string[]): CutActivations {
    return this.guarded(() => {
      const shape = this.layout.cutShape;
      const length = size(shape);
      const data = new Float32Array(hashes.length * length);
      const query = this.db.prepare(`SELECT cut FROM features WHERE hash = ?`);
      hashes.forEach((hash, i) => {
        const row = query.get(hash) as { cut: Buffer | null } | undefined;
        if (!row?.cut) throw new AppError('NOT_FOUND', `Image ${hash} has no cached cut-layer activations for model ${this.layout.modelId}; run extraction with deep mode on.`);
        if (row.cut.byteLength !== length * 2) throw new AppError('INTERNAL', `Cut activations of ${hash} have the wrong size; delete the feature cache to rebuild it.`);
        const halves = new Uint16Array(row.cut.buffer.slice(row.cut.byteOffset, row.cut.byteOffset + row.cut.byteLength));
        decodeFloat16(halves, data.subarray(i * length, (i + 1) * length));
      });
      return { hashes: [...hashes], shape, data };
    });
  }

  /** The hashes (deduplicated, order kept) that lack the pooled B of any of `views`. */
  missingViews(hashes: readonly string[], views: readonly number[]): string[] {
    return this.guarded(() => {
      const count = this.db.prepare(`SELECT COUNT(*) FROM views WHERE hash = ? AND view IN (${views.map(() => '?').join(',')})`).pluck();
      const seen = new Set<string>();
      const out: string[] = [];
      for (const hash of hashes) {
        if (seen.has(hash)) continue;
        seen.add(hash);
        if (views.length > 0 && (count.get(hash, ...views) as number) < views.length) out.push(hash);
      }
      return out;
    });
  }

  /** Write pooled B of image views in one transaction. */
  putViews(rows: readonly { hash: string; view: number; b: Float32Array }[]): void {
    this.guarded(() => {
      const put = this.db.prepare(`INSERT OR REPLACE INTO views (hash, view, b) VALUES (?, ?, ?)`);
      this.db.transaction(() => {
        for (const row of rows) put.run(row.hash, row.view, blob(row.b));
      })();
    });
  }

  /**
   * Pooled B of `views` of each of `hashes`: hashes.length x views.length rows of dB, image by
   * image. NOT_FOUND when a view of an image has not been extracted.
   */
  loadViews(hashes: readonly string[], views: readonly number[]): Float32Array {
    return this.guarded(() => {
      const dB = pooledLength(this.layout.bShape, 'global');
      const out = new Float32Array(hashes.length * views.length * dB);
      const query = this.db.prepare(`SELECT b FROM views WHERE hash = ? AND view = ?`).pluck();
      hashes.forEach((hash, i) =>
        views.forEach((view, k) => {
          const b = query.get(hash, view) as Buffer | undefined;
          if (!b) throw new AppError('NOT_FOUND', `Image ${hash} has no features of view ${view} for model ${this.layout.modelId} yet; they are extracted before training.`);
          copyFloats(b, out, (i * views.length + k) * dB, dB, 'view layer B');
        }),
      );
      return out;
    });
  }

  /**
   * The decode of images deeper than 8 bits (media/high-bit-depth.ts DEEP_DECODE) the file's rows
   * may have been computed under: the meta key 'levels' holds it ('1' for the first files that
   * had it; none: written before the levels, 0). Rows of images that decode otherwise now are
   * forgotten by forgetDecodedOtherwise, which then records DEEP_DECODE. A version before ignores
   * a value it does not know (a file it writes to after this one is taken as clear: downgrades
   * are not followed).
   */
  get deepDecode(): number {
    return this.guarded(() => {
      const value = this.db.prepare(`SELECT value FROM meta WHERE key = 'levels'`).pluck().get() as string | undefined;
      return value === undefined ? 0 : Number(value) || 0;
    });
  }

  /**
   * Bring the file to this version's decode of deep images (deepDecode becomes DEEP_DECODE), in
   * one transaction: forget the rows (features and views) of `otherwise`, the images among
   * `checked` that decode otherwise now than under deepDecode (media/high-bit-depth.ts
   * decodedOtherwiseAmong), and the rows of every image not in `checked`. Those were not looked
   * at: an image the run did not name (one part of a folder extracted, a file gone or moved out
   * since its row was made, an image of the app's project that a command does not list) may be
   * deep, and its row would be used under the new mark as it was (the file was marked clear after
   * a check of the run's images only). Derived data: a forgotten row is computed again when its
   * image is next extracted. `redecodes` counts the calls that forgot any row. Returns how many
   * images' rows went for each reason (none when the file was brought to DEEP_DECODE meanwhile).
   */
  forgetDecodedOtherwise(otherwise: Iterable<string>, checked: Iterable<string>): { otherwise: number; unchecked: number } {
    return this.guarded(() => {
      const looked = new Set(checked);
      const changed = new Set(otherwise);
      const held = (table: 'features' | 'views'): string[] => this.db.prepare(`SELECT DISTINCT hash FROM ${table}`).pluck().all() as string[];
      const del = this.db.prepare(`DELETE FROM features WHERE hash = ?`);
      const delViews = this.db.prepare(`DELETE FROM views WHERE hash = ?`);
      const mark = this.db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`);
      // The rows are listed under the write lock: another process extracting into the file (the
      // app beside a command) that brought it to DEEP_DECODE since this run read the mark has
      // checked or forgotten every row it kept, and written rows of the new decode after; this
      // run then forgets nothing of theirs.
      return this.db
        .transaction(() => {
          if (this.deepDecode >= DEEP_DECODE) return { otherwise: 0, unchecked: 0 };
          const rows = new Set(held('features'));
          const unchecked = new Set([...rows, ...held('views')].filter((hash) => !looked.has(hash)));
          const redecoded = [...changed].filter((hash) => rows.has(hash)).length;
          for (const hash of new Set([...changed, ...unchecked])) {
            del.run(hash);
            delViews.run(hash);
          }
          if (redecoded > 0 || unchecked.size > 0) mark.run('redecodes', String(this.redecodes + 1));
          mark.run('levels', String(DEEP_DECODE));
          return { otherwise: redecoded, unchecked: [...unchecked].filter((hash) => rows.has(hash)).length };
        })
        .immediate();
    });
  }

  /**
   * How many times rows of this file were forgotten as made, or maybe made, under an older decode
   * of deep images (forgetDecodedOtherwise; 0 when none ever was), to be computed again. A
   * classifier trained on the file's rows records it (`adma train`, cli-workspace.ts
   * headRedecodes; the app's versions, VersionRow.featureRedecodes): one trained at another count
   * learned from rows that may have been replaced since, and is trained again before it is used
   * (the app trains it again by itself: ActiveLoop.retrainDue).
   */
  get redecodes(): number {
    return this.guarded(() => redecodesIn(this.db));
  }

  /** Remove rows whose hash is not in `keep` (images deleted or changed), views included; returns how many images. */
  prune(keep: readonly string[]): number {
    return this.guarded(() => {
      const keepSet = new Set(keep);
      const all = this.db.prepare(`SELECT hash FROM features`).pluck().all() as string[];
      const drop = all.filter((hash) => !keepSet.has(hash));
      const del = this.db.prepare(`DELETE FROM features WHERE hash = ?`);
      const stale = (this.db.prepare(`SELECT DISTINCT hash FROM views`).pluck().all() as string[]).filter((hash) => !keepSet.has(hash));
      const delViews = this.db.prepare(`DELETE FROM views WHERE hash = ?`);
      this.db.transaction(() => {
        drop.forEach((hash) => del.run(hash));
        stale.forEach((hash) => delViews.run(hash));
      })();
      return drop.length;
    });
  }

  /** Bytes on disk (database + write-ahead log). */
  bytesOnDisk(): number {
    return this.guarded(() => {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      let total = 0;
      for (const suffix of ['', '-wal']) {
        try {
          total += statSync(this.path + suffix).size;
        } catch {
          // no WAL file
        }
      }
      return total;
    });
  }

  close(): void {
    this.db.close();
  }

  /**
   * `read` run on the file; pages found damaged as it reads (a header and schema that read at
   * open say nothing of the pages further in) are said as this cache's damage (damagedCacheError:
   * set aside at the next open), never as the project database's.
   */
  private guarded<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (isDamagedDatabase(error)) throw damagedCacheError(this.path, 'the feature cache', error);
      throw error;
    }
  }
}
