/**
 * The per-project, per-model feature cache: one SQLite file
 * `<project>/.adma/features/<modelId>.db`, one row per image content hash. Derived data:
 * deleting the file only costs recomputation. Each extraction batch is one transaction,
 * so a crash or cancel loses at most the batch in flight.
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
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../../src-shared/app-error';
import { makePrivateFolder } from '../../core/private-folder';
import type { FeatureShape } from '../model/feature-model';
import type { LoadedModel } from '../model/load-model';
import { filesFingerprint } from '../model/model-folder-io';
import { decodeFloat16 } from './float16';

const SCHEMA_VERSION = 1;

/** Feature sizes of one model, checked against the file when it is opened. */
export interface FeatureLayout {
  modelId: string;
  /** Fingerprint of the model's files: a model rebuilt or replaced under the same id gets a fresh cache. */
  weights: string;
  aShape: FeatureShape;
  bShape: FeatureShape;
  classCount: number;
  cutShape: FeatureShape;
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
  return { modelId: loaded.descriptor.id, weights: filesFingerprint(loaded.fileHashes), aShape: shapes.a, bShape: shapes.b, classCount, cutShape: shapes.cut };
}

/** Key order fixed, so the same layout always serialises the same way. */
function layoutKey(layout: FeatureLayout): string {
  const { modelId, weights, aShape, bShape, classCount, cutShape } = layout;
  return JSON.stringify({ modelId, weights, aShape, bShape, classCount, cutShape });
}

/** The cache file for a project and model (model ids are made filename-safe). */
export function featureStorePath(projectDir: string, modelId: string): string {
  return join(projectDir, '.adma', 'features', `${modelId.replace(/[^A-Za-z0-9._-]/g, '_')}.db`);
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
   * Open (creating it if needed) the cache at `path` for a model. A file written for a
   * different model id, weights, layout or schema is derived data and is emptied and rebuilt.
   */
  static open(path: string, layout: FeatureLayout): FeatureStore {
    makePrivateFolder(dirname(path)); // `.adma/features` (and `.adma` when a command-line run makes it): owner-only (private-folder.ts)
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (error) {
      throw new AppError('NOT_WRITABLE', `Cannot open the feature cache ${path}: ${(error as Error).message}`);
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const expected = layoutKey(layout);
      const version = db.pragma('user_version', { simple: true }) as number;
      const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined;
      const stored = hasMeta ? (db.prepare(`SELECT value FROM meta WHERE key = 'layout'`).get() as { value: string } | undefined) : undefined;
      if (version !== SCHEMA_VERSION || stored?.value !== expected) {
        db.transaction(() => {
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
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        })();
      }
    } catch (error) {
      db.close();
      throw error instanceof AppError ? error : new AppError('INTERNAL', `Cannot prepare the feature cache ${path}: ${(error as Error).message}`);
    }
    return new FeatureStore(path, db, layout);
  }

  /**
   * Open an existing cache with the layout it was written with (for readers such as
   * scoring and training that do not load the model). NOT_FOUND when there is none.
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
  }

  /** Write one batch of rows in a single transaction. */
  putBatch(rows: readonly FeatureRow[]): void {
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
  }

  count(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM features`).get() as { n: number }).n;
  }

  /**
   * Pooled A, pooled B and softmax for `hashes`, in that order. Throws NOT_FOUND when any
   * hash has not been extracted (or lacks grid pooling when that is asked for).
   */
  load(hashes: readonly string[], pooling: Pooling = 'global'): FeatureMatrices {
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
  }

  /** Cut-layer activations (stored float16, returned float32) for deep fine-tuning. */
  loadCut(hashes: readonly string[]): CutActivations {
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
  }

  /** The hashes (deduplicated, order kept) that lack the pooled B of any of `views`. */
  missingViews(hashes: readonly string[], views: readonly number[]): string[] {
    const count = this.db.prepare(`SELECT COUNT(*) FROM views WHERE hash = ? AND view IN (${views.map(() => '?').join(',')})`).pluck();
    const seen = new Set<string>();
    const out: string[] = [];
    for (const hash of hashes) {
      if (seen.has(hash)) continue;
      seen.add(hash);
      if (views.length > 0 && (count.get(hash, ...views) as number) < views.length) out.push(hash);
    }
    return out;
  }

  /** Write pooled B of image views in one transaction. */
  putViews(rows: readonly { hash: string; view: number; b: Float32Array }[]): void {
    const put = this.db.prepare(`INSERT OR REPLACE INTO views (hash, view, b) VALUES (?, ?, ?)`);
    this.db.transaction(() => {
      for (const row of rows) put.run(row.hash, row.view, blob(row.b));
    })();
  }

  /**
   * Pooled B of `views` of each of `hashes`: hashes.length x views.length rows of dB, image by
   * image. NOT_FOUND when a view of an image has not been extracted.
   */
  loadViews(hashes: readonly string[], views: readonly number[]): Float32Array {
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
  }

  /** Remove rows whose hash is not in `keep` (images deleted or changed), views included; returns how many images. */
  prune(keep: readonly string[]): number {
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
  }

  /** Bytes on disk (database + write-ahead log). */
  bytesOnDisk(): number {
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
  }

  close(): void {
    this.db.close();
  }
}
