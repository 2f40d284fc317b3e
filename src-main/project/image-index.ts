/** The project's table of images and unreadable files: what a scan writes and the UI lists. */
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import type { ImageFilter, ImageItem, ImagePage, ImageSort, ScannedLabeledImage, UnreadableFile } from '../../src-shared/contract';
import { naturalNameKey, sortNaturallyBy } from '../../src-shared/natural-name';
import type { ImageProbe } from './image-files';
import { LIVE_CLASS_IDS, SUGGESTION_COLUMNS, SUGGESTION_JOINS, suggestionBeside, suggestionOf, type SuggestionRow } from './suggestions';

export interface IndexedFile {
  id: number;
  size: number;
  mtimeMs: number;
  present: boolean;
}

export interface ImageRow extends SuggestionRow {
  id: number;
  rel_path: string;
  width: number;
  height: number;
  size: number;
  mtime_ms: number;
  hash: string;
  class_id: number | null;
  labeled_at: string | null;
  unsure: number;
  evaluation: number;
}

/**
 * How many images are present (`present = 1`: found by the last scan), as one SQL value: every
 * image less those that are not present. SQLite counts a table without a WHERE from its b-tree
 * pages, not row by row (~15 µs at 100,000 images), and the images not present are few, found
 * through images_present (`present < 1 OR present > 1`: exactly `NOT present = 1`, the column
 * being NOT NULL, and two ranges of that index). `WHERE present = 1` walked every present image's
 * index entry: 3 ms on a quiet machine, ~40 ms at load 18 with 100,000 images, and the dashboard
 * (AdaptationStore.placeCounts) reads it after every label, the project summary at each ask. What is left
 * grows with the images not present: a folder mostly gone costs about what the old count did.
 */
export const PRESENT_IMAGE_COUNT = 'SELECT (SELECT COUNT(*) FROM images) - (SELECT COUNT(*) FROM images WHERE present < 1 OR present > 1)';

/** 1 when the image is marked unsure (label-store.ts: then it has no label row). */
export const UNSURE_COLUMN = 'EXISTS (SELECT 1 FROM unsure u WHERE u.image_id = i.id) AS unsure';

/** 1 when the image is in the evaluation set (never queried, never trained on). */
const EVALUATION_COLUMN = 'EXISTS (SELECT 1 FROM evaluation_images e WHERE e.image_id = i.id) AS evaluation';

/** The columns of an ImageItem but its suggestion (image `i`, its label `l`). */
const IMAGE_COLUMNS = `i.id, i.rel_path, i.width, i.height, i.size, i.mtime_ms, i.hash, l.class_id, l.labeled_at, ${UNSURE_COLUMN}, ${EVALUATION_COLUMN}`;
/** The columns of an ImageItem (image `i`, its label `l`, SUGGESTION_JOINS). */
export const ITEM_COLUMNS = `${IMAGE_COLUMNS}, ${SUGGESTION_COLUMNS}`;

const SELECT_ITEM = `
  SELECT ${ITEM_COLUMNS}
  FROM images i LEFT JOIN labels l ON l.image_id = i.id ${SUGGESTION_JOINS}`;

export function toItem(row: ImageRow): ImageItem {
  return {
    id: row.id,
    relPath: row.rel_path,
    width: row.width,
    height: row.height,
    size: row.size,
    mtimeMs: row.mtime_ms,
    hash: row.hash,
    classId: row.class_id,
    labeledAt: row.labeled_at,
    unsure: row.unsure === 1,
    evaluation: row.evaluation === 1,
    suggestion: suggestionOf(row),
  };
}

function filterSql(filter: ImageFilter): { where: string; params: unknown[] } {
  switch (filter.kind) {
    case 'all':
      return { where: 'i.present = 1', params: [] };
    case 'unlabeled':
      return { where: 'i.present = 1 AND l.class_id IS NULL AND i.id NOT IN (SELECT image_id FROM unsure)', params: [] };
    case 'unsure':
      return { where: 'i.present = 1 AND i.id IN (SELECT image_id FROM unsure)', params: [] };
    case 'labeled':
      // Every label row is a label (class_id NOT NULL). As a set, not `l.class_id IS NOT NULL`: with
      // planner statistics SQLite then walked all 100,000 images by name to find 550 labeled ones
      // (35 ms; a set: 5 ms, bench/README.md "Planner statistics").
      return { where: 'i.present = 1 AND i.id IN (SELECT image_id FROM labels)', params: [] };
    case 'class':
      return { where: 'i.present = 1 AND l.class_id = ?', params: [filter.classId] };
    case 'evaluation':
      return { where: 'i.present = 1 AND i.id IN (SELECT image_id FROM evaluation_images)', params: [] };
    case 'predicted':
      return { where: 'i.present = 1 AND l.class_id IS NULL AND p.class_id = ?', params: [filter.classId] };
    case 'name':
      // A substring, not a pattern: % and _ typed by the expert are literal. (LIKE ignores the case of ASCII letters only.)
      return { where: "i.present = 1 AND i.rel_path LIKE ? ESCAPE '\\'", params: [`%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] };
  }
}

/** The label of each image; the current model's prediction only where a filter or sort reads it. */
const LABEL_JOIN = 'FROM images i LEFT JOIN labels l ON l.image_id = i.id';
const PREDICTION_JOIN = `LEFT JOIN predictions p ON p.image_id = i.id AND p.class_id IN ${LIVE_CLASS_IDS}`;
/** Each image's query score in the latest round that queried it (SQLite takes the bare column from the MAX row). */
const LAST_SCORE = 'LEFT JOIN (SELECT image_id, score, MAX(round_id) AS round_id FROM round_items GROUP BY image_id) q ON q.image_id = i.id';

function readsPrediction(filter: ImageFilter, sort: ImageSort | null): boolean {
  return filter.kind === 'predicted' || sort?.key === 'prediction' || sort?.key === 'confidence';
}

function joinsFor(filter: ImageFilter, sort: ImageSort | null): string {
  return [LABEL_JOIN, readsPrediction(filter, sort) ? PREDICTION_JOIN : '', sort?.key === 'score' ? LAST_SCORE : ''].join(' ');
}

/**
 * The natural file-name order of images `i` (src-shared/natural-name.ts: img-2 before img-10,
 * case and accents aside), ties (img-007 and img-7) by path, which is unique: the order of the
 * images_name index (migration 14), so SQLite walks it in either direction instead of sorting.
 * Every list the expert reads "by name" is in it (the gallery, the label view's folder order,
 * exports, a scan's report).
 */
export const nameOrder = (direction: 'ASC' | 'DESC' = 'ASC'): string => `i.name_key ${direction}, i.rel_path ${direction}`;

/**
 * Name and date are never null: ordered by their index (ties by path or id, the same direction,
 * so SQLite walks the index instead of sorting 100,000 rows). Prediction, confidence and score
 * may be missing: those images come last in either direction; ties by file name.
 */
function orderSql(sort: ImageSort): string {
  const direction = sort.descending ? 'DESC' : 'ASC';
  switch (sort.key) {
    case 'name':
      return `ORDER BY ${nameOrder(direction)}`;
    case 'date':
      return `ORDER BY i.mtime_ms ${direction}, i.id ${direction}`;
    case 'prediction':
    case 'confidence':
    case 'score': {
      const expression = { prediction: 'p.class_id', confidence: 'p.probability', score: 'q.score' }[sort.key];
      return `ORDER BY ${expression} IS NULL, ${expression} ${direction}, ${nameOrder()}`;
    }
  }
}

export const DEFAULT_SORT: ImageSort = { key: 'name', descending: false };

export class ImageIndex {
  constructor(private readonly db: Database.Database) {}

  indexedFiles(): Map<string, IndexedFile> {
    const rows = this.db.prepare('SELECT id, rel_path, size, mtime_ms, present FROM images').all() as {
      id: number;
      rel_path: string;
      size: number;
      mtime_ms: number;
      present: number;
    }[];
    return new Map(rows.map((r) => [r.rel_path, { id: r.id, size: r.size, mtimeMs: r.mtime_ms, present: r.present === 1 }]));
  }

  unreadableFiles(): Map<string, { size: number; mtimeMs: number; reason: string }> {
    const rows = this.db.prepare('SELECT rel_path, size, mtime_ms, reason FROM unreadable').all() as {
      rel_path: string;
      size: number;
      mtime_ms: number;
      reason: string;
    }[];
    return new Map(rows.map((r) => [r.rel_path, { size: r.size, mtimeMs: r.mtime_ms, reason: r.reason }]));
  }

  /** The scan's writes, prepared once: preparing them per file cost more than running them at 100,000 files. */
  #scanStatements: ReturnType<ImageIndex['prepareScanStatements']> | null = null;

  private prepareScanStatements() {
    return {
      upsert: this.db.prepare(
        `INSERT INTO images (rel_path, name_key, size, mtime_ms, hash, width, height, format, orientation, present, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
         ON CONFLICT(rel_path) DO UPDATE SET name_key = excluded.name_key, size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash,
           width = excluded.width, height = excluded.height, format = excluded.format,
           orientation = excluded.orientation, present = 1`,
      ),
      forgetUnreadable: this.db.prepare('DELETE FROM unreadable WHERE rel_path = ?'),
      markAbsent: this.db.prepare('UPDATE images SET present = 0 WHERE rel_path = ?'),
      move: this.db.prepare(
        `UPDATE images SET rel_path = ?, name_key = ?, size = ?, mtime_ms = ?, hash = ?, width = ?, height = ?, format = ?, orientation = ?, present = 1
         WHERE id = ?`,
      ),
      hashKnown: this.db.prepare('SELECT 1 FROM images INDEXED BY images_hash WHERE hash = ? LIMIT 1').pluck(),
      withHash: this.db.prepare('SELECT id, rel_path AS relPath FROM images INDEXED BY images_hash WHERE hash = ? ORDER BY rel_path'),
      hashOf: this.db.prepare('SELECT hash FROM images WHERE id = ?').pluck(),
      forgetPrediction: this.db.prepare('DELETE FROM predictions WHERE image_id = ?'),
      forgetImportedSuggestion: this.db.prepare('DELETE FROM imported_suggestions WHERE image_id = ?'),
      markUnreadable: this.db.prepare(
        `INSERT INTO unreadable (rel_path, reason, size, mtime_ms, seen_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(rel_path) DO UPDATE SET reason = excluded.reason, size = excluded.size, mtime_ms = excluded.mtime_ms, seen_at = excluded.seen_at`,
      ),
    };
  }

  private get scanStatements(): ReturnType<ImageIndex['prepareScanStatements']> {
    return (this.#scanStatements ??= this.prepareScanStatements());
  }

  /** The image at `relPath`, new or found again (its natural-order key written with its path, as with every path: migration 14). */
  upsertImage(relPath: string, size: number, mtimeMs: number, probe: ImageProbe, now: string): void {
    const s = this.scanStatements;
    s.upsert.run(relPath, naturalNameKey(relPath), size, mtimeMs, probe.hash, probe.width, probe.height, probe.format, probe.orientation, now);
    s.forgetUnreadable.run(relPath);
  }

  /**
   * Image `id`'s file is now at `relPath` (a path no image has), same content: the row keeps its
   * id, so its label, unsure mark, evaluation membership, history, round items and predictions
   * (all keyed by the id) follow the file, and its place in name order is its new path's.
   * scan-project.ts decides when a file moved.
   */
  moveImage(id: number, relPath: string, size: number, mtimeMs: number, probe: ImageProbe): void {
    const s = this.scanStatements;
    s.move.run(relPath, naturalNameKey(relPath), size, mtimeMs, probe.hash, probe.width, probe.height, probe.format, probe.orientation, id);
    s.forgetUnreadable.run(relPath);
  }

  /** Whether any image, present or not, has this content hash (one probe of the hash index). */
  hashKnown(hash: string): boolean {
    return this.scanStatements.hashKnown.get(hash) !== undefined;
  }

  /** Every image, present or not, with this content hash, by path. */
  imagesWithHash(hash: string): { id: number; relPath: string }[] {
    return this.scanStatements.withHash.all(hash) as { id: number; relPath: string }[];
  }

  markUnreadable(relPath: string, size: number, mtimeMs: number, reason: string, now: string): void {
    const s = this.scanStatements;
    s.markAbsent.run(relPath);
    s.markUnreadable.run(relPath, reason, size, mtimeMs, now);
  }

  /**
   * The content hash image `id` has now (read by a scan for the few files whose size or date
   * moved, before it writes the new one: reading every image's hash took ~150 ms at 100,000).
   */
  hashOf(id: number): string {
    return this.scanStatements.hashOf.get(id) as string;
  }

  /**
   * The image's file content changed: its model output (the project model's prediction and a
   * suggestion imported from another model) was made from the old pixels and is dropped, never
   * shown for the new ones. Its label stays: that is the expert's, to review (scan-project.ts).
   */
  forgetModelOutput(imageId: number): void {
    const s = this.scanStatements;
    s.forgetPrediction.run(imageId);
    s.forgetImportedSuggestion.run(imageId);
  }

  /**
   * Of `ids`, the images that hold the expert's answer (a label or an unsure mark), with the
   * label's class and whether they are evaluation images, in name order. Present or not: a scan asks
   * about files that just went.
   */
  answeredImages(ids: readonly number[]): ScannedLabeledImage[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT i.id, i.rel_path, l.class_id, c.name AS class_name, ${UNSURE_COLUMN}, ${EVALUATION_COLUMN}
         FROM json_each(?) j CROSS JOIN images i ON i.id = j.value LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
         WHERE l.image_id IS NOT NULL OR i.id IN (SELECT image_id FROM unsure)
         ORDER BY ${nameOrder()}`,
      )
      .all(JSON.stringify(ids)) as { id: number; rel_path: string; class_id: number | null; class_name: string | null; unsure: number; evaluation: number }[];
    return rows.map((r) => ({
      imageId: r.id,
      relPath: r.rel_path,
      classId: r.class_id,
      className: r.class_name,
      unsure: r.unsure === 1,
      evaluation: r.evaluation === 1,
    }));
  }

  markAbsent(relPath: string): void {
    this.scanStatements.markAbsent.run(relPath);
  }

  forgetUnreadable(relPath: string): void {
    this.scanStatements.forgetUnreadable.run(relPath);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  list(filter: ImageFilter, offset: number, limit: number, sort: ImageSort = DEFAULT_SORT): ImagePage {
    const { where, params } = filterSql(filter);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n ${joinsFor(filter, null)} WHERE ${where}`).get(...params) as { n: number }).n;
    // Where the filter or sort joins the prediction (`p`), the suggestion reads it: one join of predictions.
    const suggestion = readsPrediction(filter, sort) ? suggestionBeside('p') : { joins: SUGGESTION_JOINS, columns: SUGGESTION_COLUMNS };
    const rows = this.db
      .prepare(
        `SELECT ${IMAGE_COLUMNS}, ${suggestion.columns}
         ${joinsFor(filter, sort)} ${suggestion.joins} WHERE ${where} ${orderSql(sort)} LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as ImageRow[];
    return { total, items: rows.map(toItem) };
  }

  /**
   * Every id the filter matches, in the sort's order: what `list` pages through with OFFSET,
   * all at once (image-order.ts keeps it, so that a page anywhere is a slice of it).
   */
  order(filter: ImageFilter, sort: ImageSort = DEFAULT_SORT): Int32Array {
    const { where, params } = filterSql(filter);
    const ids = this.db.prepare(`SELECT i.id ${joinsFor(filter, sort)} WHERE ${where} ${orderSql(sort)}`).pluck().all(...params) as number[];
    return Int32Array.from(ids);
  }

  /**
   * The present images of `ids`, in that order (one query for a page of them). The list is the
   * outer loop (CROSS JOIN): `i.id IN (json_each)` scanned every image for a page of 5,000.
   */
  itemsOf(ids: ArrayLike<number>): ImageItem[] {
    const rows = this.db
      .prepare(
        `SELECT ${ITEM_COLUMNS}
         FROM json_each(?) j CROSS JOIN images i ON i.id = j.value LEFT JOIN labels l ON l.image_id = i.id ${SUGGESTION_JOINS}
         WHERE i.present = 1 ORDER BY j.key`,
      )
      .all(JSON.stringify(Array.from(ids))) as ImageRow[];
    return rows.map(toItem);
  }

  /**
   * Every present image's id, path, content hash and format: what feature extraction and the
   * engine's pool need, without the listing's joins and items (listing 100,000 images that way
   * held the host's main thread for seconds). By path (code-unit order), not by name: the pool's
   * rows are in this order, and a seed picks rows, so this is the order the simulator gives the
   * same folder (simulate/image-folder-dataset.ts sorts by path) and the app's rounds on a
   * project are the simulator's for the same seed and labels. No one reads this list.
   */
  files(): { id: number; relPath: string; hash: string; format: string }[] {
    return this.db.prepare('SELECT id, rel_path AS relPath, hash, format FROM images WHERE present = 1 ORDER BY rel_path').all() as { id: number; relPath: string; hash: string; format: string }[];
  }

  /**
   * The present images that share their file content with another, grouped (ids ascending;
   * groups by first id). The hashes that occur twice come from the hash index alone (no row
   * read), then only their rows: 100,000 images are not listed (that took 0.8-1.2 s).
   */
  sameContent(): number[][] {
    const hashes = this.db.prepare('SELECT hash FROM images GROUP BY hash HAVING COUNT(*) > 1').pluck().all() as string[];
    // The hash index, not images_present: without statistics SQLite preferred the latter (it
    // gives id order) and walked every present image for each hash (25 s at 100,000).
    const idsOf = this.db.prepare('SELECT id FROM images INDEXED BY images_hash WHERE hash = ? AND present = 1 ORDER BY id').pluck();
    return hashes
      .map((hash) => idsOf.all(hash) as number[])
      .filter((ids) => ids.length > 1)
      .sort((a, b) => (a[0] as number) - (b[0] as number));
  }

  /**
   * Every id the filter matches (a selection over the whole filter result, resolved here rather
   * than in the view), in name order: a bulk label's history rows, and the paths its undo names, follow it.
   */
  idsMatching(filter: ImageFilter): number[] {
    const { where, params } = filterSql(filter);
    return this.db.prepare(`SELECT i.id ${joinsFor(filter, null)} WHERE ${where} ORDER BY ${nameOrder()}`).pluck().all(...params) as number[];
  }

  get(id: number): ImageItem {
    const row = this.db.prepare(`${SELECT_ITEM} WHERE i.id = ? AND i.present = 1`).get(id) as ImageRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `Image ${id} is not in this project (it may have been removed by a rescan).`);
    return toItem(row);
  }

  /** Location and decoding facts for the media route (width and height as displayed). */
  locate(id: number): { relPath: string; hash: string; format: string; orientation: number; width: number; height: number } {
    const row = this.db.prepare('SELECT rel_path, hash, format, orientation, width, height FROM images WHERE id = ? AND present = 1').get(id) as
      | { rel_path: string; hash: string; format: string; orientation: number; width: number; height: number }
      | undefined;
    if (!row) throw new AppError('NOT_FOUND', `Image ${id} is not in this project.`);
    return { relPath: row.rel_path, hash: row.hash, format: row.format, orientation: row.orientation, width: row.width, height: row.height };
  }

  /** The ids of `ids` that are present images: one query over the list (a bulk label checks 100,000). */
  existingIds(ids: readonly number[]): Set<number> {
    const rows = this.db
      .prepare('SELECT id FROM images WHERE present = 1 AND id IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(JSON.stringify(ids)) as number[];
    return new Set(rows);
  }

  /** The files the scan could not read, in name order (the table has no key column: they are few, sorted here). */
  unreadable(): UnreadableFile[] {
    const rows = this.db.prepare('SELECT rel_path, reason FROM unreadable').all() as { rel_path: string; reason: string }[];
    return sortNaturallyBy(rows, (r) => r.rel_path).map((r) => ({ relPath: r.rel_path, reason: r.reason }));
  }

  /** How many images are present (PRESENT_IMAGE_COUNT). */
  presentCount(): number {
    return this.db.prepare(PRESENT_IMAGE_COUNT).pluck().get() as number;
  }

  /**
   * The median of the present images' shorter sides in pixels (the lower median for an even
   * count), or null when none is present. What the model step judges the images by: 28-pixel
   * digits and 224-pixel photographs want different pre-trained models.
   */
  medianShortSide(): number | null {
    const count = this.presentCount();
    if (count === 0) return null;
    return this.db
      .prepare('SELECT MIN(width, height) AS side FROM images WHERE present = 1 ORDER BY side LIMIT 1 OFFSET ?')
      .pluck()
      .get(Math.floor((count - 1) / 2)) as number;
  }

  /**
   * Counts. `labels CROSS JOIN images` (likewise elsewhere for labels, unsure marks, evaluation
   * images and round items): the small table is the outer loop; with a plain JOIN SQLite walked
   * every present image through images_present and probed the small table (at 100,000 images
   * and 550 labels: counts 10-17 ms → 2 ms, the training labels 7 → 0.5 ms; they run after every label).
   */
  counts(): { images: number; unreadable: number; labeled: number; unsure: number; importedSuggestions: number } {
    const others = this.db
      .prepare(
        `SELECT (${PRESENT_IMAGE_COUNT}) AS images,
                (SELECT COUNT(*) FROM unreadable) AS unreadable,
                (SELECT COUNT(*) FROM imported_suggestions) AS importedSuggestions`,
      )
      .get() as { images: number; unreadable: number; importedSuggestions: number };
    return { ...others, ...this.labelCounts() };
  }

  /**
   * Labeled and unsure present images: what a label changes, without counting every present
   * image (that count, read after every label, was 30-60 ms of the host's thread at 100,000
   * images on a loaded machine). Every row minus those of absent images (few, found by
   * images_present): probing each label's image cost 49 ms with 100,000 labels.
   */
  labelCounts(): { labeled: number; unsure: number } {
    return this.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM labels) - (SELECT COUNT(*) FROM images i CROSS JOIN labels l ON l.image_id = i.id WHERE i.present = 0) AS labeled,
                (SELECT COUNT(*) FROM unsure) - (SELECT COUNT(*) FROM images i CROSS JOIN unsure u ON u.image_id = i.id WHERE i.present = 0) AS unsure`,
      )
      .get() as { labeled: number; unsure: number };
  }
}
