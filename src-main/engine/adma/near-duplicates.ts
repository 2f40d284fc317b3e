/**
 * Near-duplicate images in a pool: two rows are duplicates when they have the same content
 * hash (exact), or when their layer-B features point the same way (cosine similarity at least
 * `minSimilarity`) AND their thumbnails look alike: difference hashes at most
 * `maxHammingDistance` bits apart AND gradient codes correlated at least
 * `minThumbnailCorrelation` (thumbnail-correlation.ts) AND, once aligned, their gradient
 * codes differ by at most MAX_RESIDUAL_SHARE of what a one-cell move does to the less detailed
 * one (the residual check, thumbnail-correlation.ts residualShare). Similarities are cosines of
 * features centred on the pool's mean (centredUnitRows). Features alone call two different
 * photos of the same kind of thing "the same" (two blood cells of one type are often above
 * 0.95); the difference hash alone confuses images that share a layout (two drawings of a
 * digit); the gradient correlation tells most of those apart, and the residual check the rest:
 * low-detail images (thin handwritten "1"s), whose different drawings correlate as closely as
 * copies of a photo. Together they find re-encoded, resized, slightly cropped or brightened
 * copies and nothing else, so the batch filter can use the expert's threshold
 * (bench/duplicates.bench.ts measures recall, precision and batches;
 * bench/low-detail-duplicates.bench.ts the low-detail case).
 *
 * A row whose perceptual codes are unknown (its file could not be read) is nobody's near
 * duplicate; only its content hash can still make it an exact one.
 *
 * Cost. The perceptual test is two 32-bit popcounts, the cosine one is `d` multiply-adds
 * (through the core-set kernels' squared distances of unit rows: cos = 1 - |x - y|^2 / 2), so
 * every pair is tested by Hamming distance first and only the survivors by cosine (given up
 * once its partial distance is past the bound: clearlyDissimilar).
 * All pairs (`pairs`) are n^2 / 2 pair tests: 5e7 at 10,000 images, measured 0.7 s in V8;
 * 5e9 at 100,000, measured 101 s (bench/README.md, "Near duplicates"), in the engine worker
 * with progress. By cosine alone it would be 1.3e10 and 1.3e12 multiply-adds at d = 256 (about
 * ten seconds and twenty minutes). A batch check (`firstDuplicateIn`, duplicate-free-batch.ts)
 * costs (labeled + evaluation) x n pair tests once per labeled or evaluation image
 * (`duplicatesOf`, kept across rounds) and candidates x picked per round; "more like this"
 * (`mostSimilar`) n x d multiply-adds (55 ms at 10,000 images, 0.7 s at 100,000). The
 * gradient test, last, is up to 7 dot products of 2,048 values, summed from the frame's centre
 * out and given up as soon as they cannot reach the bound (correlationReaches): on pools of
 * digits most pairs get there (4.6 M of the 52 M pairs of 10,240 MNIST digits), and most of
 * those dot products are given up after 128 or 256 values; that search takes about 20 s, of
 * which some 8 s are the dot products and 7 s making and reading codes (bench/README.md, "Near
 * duplicates of low-detail images", the speed-up). The residual
 * check costs a row's moveCorrelation once (9 resamplings) and, for the few pairs whose
 * residual at the gradient test's crops is too large, 21 finer crops a row (fineCropCodes).
 */
import { AppError } from '../../../src-shared/app-error';
import { DUPLICATE_DEFAULTS } from '../../../src-shared/contract';
import { createFeatureMatrix, type FeatureMatrix } from './feature-matrix';
import { squaredDistancesFromRow, squaredRowDistance, squaredRowDistanceInOrder } from './row-distance';
import { alignedCorrelation, CHECK_POSITIONS, checkOrderCodes, codeTails, correlationReaches, fineCropCodes, MAX_RESIDUAL_SHARE, moveCorrelation, residualShare, THUMBNAIL_SIDE, thumbnailCodes, thumbnailCorrelation } from './thumbnail-correlation';

export interface NearDuplicateCriteria {
  /** Cosine similarity of the centred layer-B features, in (0, 1]. */
  minSimilarity: number;
  /** Largest Hamming distance (of 64 bits) between the thumbnails' difference hashes. */
  maxHammingDistance: number;
  /** Smallest correlation of the thumbnails' gradient codes, in (0, 1] (thumbnail-correlation.ts). */
  minThumbnailCorrelation: number;
}

/** The defaults of the contract (measured: bench/README.md, "Near duplicates"). */
export const DEFAULT_NEAR_DUPLICATE_CRITERIA: NearDuplicateCriteria = { ...DUPLICATE_DEFAULTS };

/**
 * Grey thumbnails read on demand: only rows whose pairs reach the gradient test need theirs,
 * so a pool of 100,000 photos need not hold 400 MB of them (features/difference-hash.ts reads
 * them from the project's perceptual cache).
 */
export interface ThumbnailSource {
  /** The row's thumbnail (THUMBNAIL_SIDE^2 bytes, row-major), or null when it cannot be read now. */
  thumbnail(row: number): Uint8Array | null;
  /** Releases what reading holds (a database connection); reading again reopens it. */
  close(): void;
}

/**
 * Perceptual codes of the rows: 64-bit difference hashes, two 32-bit words per row (high,
 * low); grey thumbnails, THUMBNAIL_SIDE^2 bytes per row in one array or read on demand; a
 * flag per row: known or not. `thumbnails` is null only for synthetic pools in tests, whose
 * rows have no pixels: then the gradient check is left out.
 */
export interface PerceptualCodes {
  words: Uint32Array;
  known: Uint8Array;
  thumbnails: Uint8Array | ThumbnailSource | null;
}

/**
 * Rows whose gradient codes are kept (32 KB of codes, 512 bytes of tail norms and the 4 KB
 * thumbnail each, 225 MB at most), least recently used out first (RowCache): computed the
 * first time a pair of the row reaches the gradient test, so an all-pairs search over a pool
 * of digits (where most rows get there) computes a row's codes about once per tile of the scan
 * (SCAN_TILE_ROWS) instead of once per pair; on photos few rows ever get there.
 */
const CODE_CACHE_ROWS = 6144;
/**
 * The all-pairs scan goes by tiles of this many rows against as many: the two tiles' codes fit
 * in the cache, so a pool of n rows computes about n + n^2 / (2 SCAN_TILE_ROWS) codes however
 * many of its pairs reach the gradient test (the x tile's codes are marked used at each new
 * tile pair, so the y tile's go first): about 20,000 at 10,240 rows, some 7 s of the search.
 */
const SCAN_TILE_ROWS = CODE_CACHE_ROWS / 2;
/**
 * Rows whose finely aligned codes are kept (fineCropCodes, 168 KB each, 22 MB at most), least
 * recently used out first: only pairs that pass every other test and whose crops as the
 * gradient test aligns them leave too large a residual need them (on 10,000 MNIST digits a few
 * hundred, on photos next to none).
 */
const FINE_CODE_ROWS = 128;
/** Room for rounding in NearDuplicateIndex.clearlyDissimilar: far above the rounding of a squared distance of unit rows. */
const SIMILARITY_SLACK = 1e-9;

/**
 * Values kept per row, at most `capacity`, the least recently used out first: when full, the
 * least recently used quarter goes at once (a use stamps the entry; nothing is moved on a hit,
 * which the all-pairs search makes millions of times).
 */
class RowCache<T> {
  private readonly entries = new Map<number, { value: T; used: number }>();
  private clock = 0;

  constructor(private readonly capacity: number) {}

  get(row: number): T | undefined {
    const entry = this.entries.get(row);
    if (!entry) return undefined;
    entry.used = ++this.clock;
    return entry.value;
  }

  /** The value without marking it used. */
  peek(row: number): T | undefined {
    return this.entries.get(row)?.value;
  }

  set(row: number, value: T): void {
    if (this.entries.size >= this.capacity) {
      const stamps = [...this.entries.values()].map((e) => e.used).sort((x, y) => x - y);
      const oldest = stamps[Math.max(0, Math.floor(this.capacity / 4) - 1)] as number;
      for (const [key, entry] of this.entries) if (entry.used <= oldest) this.entries.delete(key);
    }
    this.entries.set(row, { value, used: ++this.clock });
  }
}

/** A row's gradient codes (in check order: checkOrderCodes) and their tail norms (thumbnail-correlation.ts), and the thumbnail they come from (for the residual check: read once). */
interface RowCodes {
  codes: Float32Array;
  tails: Float64Array;
  thumbnail: Uint8Array;
}

export interface DuplicatePair {
  a: number;
  b: number;
  /** Cosine similarity of the rows' features. */
  similarity: number;
  exact: boolean;
}

/** The all-pairs search of `NearDuplicateIndex.pairSearch`, one slice of rows per `next()`. */
export interface PairSearch extends IterableIterator<{ done: number; total: number }, undefined> {
  readonly found: DuplicatePair[];
}

export function assertValidCriteria(criteria: NearDuplicateCriteria): void {
  const { minSimilarity, maxHammingDistance, minThumbnailCorrelation } = criteria;
  if (!(minSimilarity > 0 && minSimilarity <= 1)) throw new RangeError(`The similarity threshold must be in (0, 1]; got ${minSimilarity}.`);
  if (!(minThumbnailCorrelation > 0 && minThumbnailCorrelation <= 1)) throw new RangeError(`The thumbnail correlation bound must be in (0, 1]; got ${minThumbnailCorrelation}.`);
  if (!Number.isInteger(maxHammingDistance) || maxHammingDistance < 0 || maxHammingDistance > 64) {
    throw new RangeError(`The Hamming distance bound must be a whole number of bits from 0 to 64; got ${maxHammingDistance}.`);
  }
}

function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/** Bits in which rows i and j of the codes differ (64 when either is unknown). */
export function hammingDistance(codes: PerceptualCodes, i: number, j: number): number {
  if (!codes.known[i] || !codes.known[j]) return 64;
  const w = codes.words;
  return popcount32(((w[2 * i] as number) ^ (w[2 * j] as number)) >>> 0) + popcount32(((w[2 * i + 1] as number) ^ (w[2 * j + 1] as number)) >>> 0);
}

/**
 * Rows centred on the pool's mean row, then scaled to unit length (a row equal to the mean
 * stays zero: similar to nothing). Centring matters: pooled ReLU features are all
 * non-negative, so raw cosines crowd near 1 (on the blood-cell photos most pairs of
 * different cells are above 0.9); centred, they spread over [-1, 1].
 */
export function centredUnitRows(features: FeatureMatrix): FeatureMatrix {
  const { rows, cols, data } = features;
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) + (data[r * cols + c] as number);
  for (let c = 0; c < cols; c++) mean[c] = rows > 0 ? (mean[c] as number) / rows : 0;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += ((data[r * cols + c] as number) - (mean[c] as number)) ** 2;
    const scale = sum > 1e-24 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < cols; c++) out[r * cols + c] = ((data[r * cols + c] as number) - (mean[c] as number)) * scale;
  }
  return createFeatureMatrix(out, rows, cols);
}

export class NearDuplicateIndex {
  readonly unit: FeatureMatrix;

  /**
   * @param features layer-B features, one row per pool image (or, with `unit`, already unit rows)
   * @param codes    difference hashes of the same rows
   * @param contentKeys content hash of each row: equal keys are exact duplicates whatever the rest says
   */
  constructor(
    features: FeatureMatrix,
    readonly codes: PerceptualCodes,
    readonly contentKeys: readonly string[],
    readonly criteria: NearDuplicateCriteria,
    unit?: FeatureMatrix,
    private readonly gradientCodes = new RowCache<RowCodes>(CODE_CACHE_ROWS),
    private readonly fineCodes = new RowCache<Float32Array>(FINE_CODE_ROWS),
    /** Each row's moveCorrelation once computed (a number a row: kept for the index's life). */
    private readonly moves: Map<number, number> = new Map(),
  ) {
    assertValidCriteria(criteria);
    const rows = features.rows;
    if (codes.known.length !== rows || codes.words.length !== 2 * rows || contentKeys.length !== rows || (codes.thumbnails instanceof Uint8Array && codes.thumbnails.length !== rows * THUMBNAIL_SIDE ** 2)) {
      throw new RangeError(`${rows} feature rows but ${codes.known.length} perceptual codes and ${contentKeys.length} content keys.`);
    }
    this.unit = unit ?? centredUnitRows(features);
  }

  /** The same pool under other criteria (the unit rows and the gradient codes are shared). */
  withCriteria(criteria: NearDuplicateCriteria): NearDuplicateIndex {
    return new NearDuplicateIndex(this.unit, this.codes, this.contentKeys, criteria, this.unit, this.gradientCodes, this.fineCodes, this.moves);
  }

  get rows(): number {
    return this.unit.rows;
  }

  /** Cosine similarity of rows i and j. */
  similarity(i: number, j: number): number {
    return 1 - squaredRowDistanceInOrder(this.unit, i, this.unit, j) / 2;
  }

  /**
   * similarity(i, j) is below the criteria's bound beyond doubt, found at less cost: the squared
   * distance (cos = 1 - |x - y|^2 / 2) summed in four running sums side by side (one chain of
   * additions waits for each add), and given up once past the bound (its terms are squares: a
   * partial sum only grows). The four sums differ from similarity's one by rounding only
   * (2 * d * 2^-53 of at most 4, far below SIMILARITY_SLACK), so a pair this does not reject is decided
   * by similarity itself, as before.
   */
  private clearlyDissimilar(i: number, j: number): boolean {
    const limit = 2 * (1 - this.criteria.minSimilarity) + SIMILARITY_SLACK;
    return squaredRowDistance(this.unit, i, this.unit, j, limit) > limit;
  }

  /**
   * Correlation of rows i and j's thumbnails (thumbnail-correlation.ts); 1 for a synthetic
   * pool without thumbnails, -1 when either row's codes are unknown (or its thumbnail unreadable).
   */
  thumbnailCorrelation(i: number, j: number): number {
    if (!this.codes.thumbnails) return 1;
    const a = this.gradientCode(i);
    const b = a && this.gradientCode(j);
    return a && b ? thumbnailCorrelation(a.codes, b.codes, CHECK_POSITIONS) : -1;
  }

  /** thumbnailCorrelation(i, j) >= the criteria's bound, decided the same way at a fraction of the cost (correlationReaches). */
  private thumbnailsAlike(i: number, j: number): boolean {
    if (!this.codes.thumbnails) return true;
    const a = this.gradientCode(i);
    const b = a && this.gradientCode(j);
    return a !== null && b !== null && correlationReaches(a.codes, a.tails, b.codes, b.tails, this.criteria.minThumbnailCorrelation, CHECK_POSITIONS);
  }

  /**
   * The residual of rows i and j's thumbnails once aligned, as a share of what a one-cell move
   * does to the less detailed one (thumbnail-correlation.ts residualShare); 0 for a synthetic
   * pool without thumbnails, Infinity when either row's thumbnail is unknown or unreadable.
   */
  residualShare(i: number, j: number): number {
    if (!this.codes.thumbnails) return 0;
    const moves = this.moveOf(i, j);
    const a = moves && this.fineCode(i);
    const b = a && this.fineCode(j);
    return moves && a && b ? residualShare(alignedCorrelation(a, b), moves[0], moves[1]) : Infinity;
  }

  /**
   * residualShare(i, j) <= MAX_RESIDUAL_SHARE, for a pair that passed the gradient test, decided
   * the same way at less cost: the crops of the gradient test are among the fine ones, so a
   * residual already small enough at those is the answer, and only the others are aligned finely.
   */
  private residualSmall(i: number, j: number): boolean {
    if (!this.codes.thumbnails) return true;
    const moves = this.moveOf(i, j);
    const a = moves && this.gradientCode(i);
    const b = a && this.gradientCode(j);
    if (!moves || !a || !b) return false;
    if (residualShare(thumbnailCorrelation(a.codes, b.codes, CHECK_POSITIONS), moves[0], moves[1]) <= MAX_RESIDUAL_SHARE) return true;
    return this.residualShare(i, j) <= MAX_RESIDUAL_SHARE;
  }

  /** The moveCorrelation of rows i and j, computed once per row; null when either thumbnail is unknown or unreadable. */
  private moveOf(i: number, j: number): [number, number] | null {
    const move = (row: number): number | null => {
      const known = this.moves.get(row);
      if (known !== undefined) return known;
      const thumbnail = this.thumbnailOf(row);
      if (!thumbnail) return null;
      const value = moveCorrelation(thumbnail);
      this.moves.set(row, value);
      return value;
    };
    const a = move(i);
    const b = a === null ? null : move(j);
    return a === null || b === null ? null : [a, b];
  }

  /** The row's gradient codes, computed on first use; null when its codes are unknown or its thumbnail cannot be read. */
  private gradientCode(row: number): RowCodes | null {
    return this.cachedCode(this.gradientCodes, row, (thumbnail) => {
      const codes = checkOrderCodes(thumbnailCodes(thumbnail));
      return { codes, tails: codeTails(codes), thumbnail };
    });
  }

  /** The row's finely aligned codes (fineCropCodes), computed on first use; null as for gradientCode. */
  private fineCode(row: number): Float32Array | null {
    return this.cachedCode(this.fineCodes, row, (thumbnail) => fineCropCodes(thumbnail));
  }

  /**
   * The row's thumbnail; null when its codes are unknown or it cannot be read. A row that
   * reaches the residual check has just had its gradient codes made: its thumbnail is not read again.
   */
  private thumbnailOf(row: number): Uint8Array | null {
    const thumbnails = this.codes.thumbnails;
    if (!thumbnails || !this.codes.known[row]) return null;
    const side = THUMBNAIL_SIDE ** 2;
    return this.gradientCodes.peek(row)?.thumbnail ?? (thumbnails instanceof Uint8Array ? thumbnails.subarray(row * side, (row + 1) * side) : thumbnails.thumbnail(row));
  }

  /** `make` of the row's thumbnail, kept in `cache`; null when the row has no readable thumbnail. */
  private cachedCode<T>(cache: RowCache<T>, row: number, make: (thumbnail: Uint8Array) => T): T | null {
    const cached = cache.get(row);
    if (cached) return cached;
    const thumbnail = this.thumbnailOf(row);
    if (!thumbnail) return null;
    const entry = make(thumbnail);
    cache.set(row, entry);
    return entry;
  }

  /** The pair (i, j) if it is a duplicate; null otherwise. */
  test(i: number, j: number): DuplicatePair | null {
    if (i === j) return null;
    // Cheapest first: equal content has equal codes, so only rows with an unknown code need the key compared here.
    if (hammingDistance(this.codes, i, j) > this.criteria.maxHammingDistance) {
      return this.codes.known[i] && this.codes.known[j] ? null : this.exactPair(i, j);
    }
    const exact = this.exactPair(i, j);
    if (exact) return exact;
    if (this.clearlyDissimilar(i, j)) return null;
    const similarity = this.similarity(i, j);
    if (similarity < this.criteria.minSimilarity) return null;
    // The dearest tests last: only pairs alike by hash and features reach the gradients, and only
    // pairs alike by those the residual check, which low-detail images need (thumbnail-correlation.ts).
    return this.thumbnailsAlike(i, j) && this.residualSmall(i, j) ? { a: i, b: j, similarity, exact: false } : null;
  }

  private exactPair(i: number, j: number): DuplicatePair | null {
    return this.contentKeys[i] === this.contentKeys[j] ? { a: i, b: j, similarity: this.similarity(i, j), exact: true } : null;
  }

  isDuplicate(i: number, j: number): boolean {
    return this.test(i, j) !== null;
  }

  /**
   * Every duplicate pair (a < b) among the rows (every row when `rows` is null), blocked by
   * rows so the caller sees progress; see the cost note at the top.
   */
  pairs(rows: ArrayLike<number> | null = null, onProgress?: (done: number, total: number) => void): DuplicatePair[] {
    const search = this.pairSearch(rows);
    for (let step = search.next(); !step.done; step = search.next()) onProgress?.(step.value.done, step.value.total);
    return search.found;
  }

  /**
   * `pairs` as a job: the search runs in slices of about `sliceMillis` with a turn of the
   * event loop between them, so the engine worker answers other requests meanwhile (a batch,
   * "more like this"); `signal` stops it between slices with CANCELLED.
   */
  async pairsInSlices(
    rows: ArrayLike<number> | null,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; sliceMillis?: number } = {},
  ): Promise<DuplicatePair[]> {
    const search = this.pairSearch(rows, options.sliceMillis);
    for (const progress of search) {
      options.onProgress?.(progress.done, progress.total);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) throw new AppError('CANCELLED', `Finding duplicates was cancelled after ${progress.done} of ${progress.total} images.`);
    }
    return search.found;
  }

  /**
   * The all-pairs search in slices: each `next()` runs rows for about `sliceMillis` (at least
   * one row) and reports how many are done, so a caller can yield to its event loop, report
   * progress and stop between slices (the engine worker's `loopDuplicates` job). `found`
   * holds the pairs so far, complete (in the order of `rows`) when the iterator is done.
   * Past `tileRows` rows the scan goes tile by tile (SCAN_TILE_ROWS), and "rows done" is the
   * share of pairs done.
   */
  pairSearch(rows: ArrayLike<number> | null = null, sliceMillis = 50, tileRows = SCAN_TILE_ROWS): PairSearch {
    const list = rows ? Int32Array.from(rows) : Int32Array.from({ length: this.rows }, (_, r) => r);
    const found: DuplicatePair[] = [];
    const total = list.length;
    const tile = Math.max(1, Math.min(tileRows, total));
    const tiles = Math.ceil(total / tile);
    // Positions (x * total + y) of the pairs found, to put them back in row order when the tiles are done.
    const positions: number[] = [];
    const { words, known } = this.codes;
    const max = this.criteria.maxHammingDistance;
    // The tile of rows x runs over, the tile y runs over (yTile >= xTile), and the next x.
    let xTile = 0;
    let yTile = 0;
    let x = 0;
    let pairsDone = 0;
    const step = (): IteratorResult<{ done: number; total: number }, undefined> => {
      if (xTile >= tiles) return { done: true, value: undefined };
      const started = performance.now();
      do {
        // A new pair of tiles: the x tile's codes, used again with each y tile, are marked used
        // so the y tile's go out of the cache first.
        if (x === xTile * tile && yTile > xTile) for (let k = x; k < Math.min(total, (xTile + 1) * tile); k++) this.gradientCodes.get(list[k] as number);
        const i = list[x] as number;
        const high = words[2 * i] as number;
        const low = words[2 * i + 1] as number;
        const iKnown = known[i] === 1;
        const yEnd = Math.min(total, (yTile + 1) * tile);
        const yStart = yTile === xTile ? x + 1 : yTile * tile;
        for (let y = yStart; y < yEnd; y++) {
          const j = list[y] as number;
          // The Hamming bound inlined: it rejects nearly every pair, before any call.
          if (iKnown && known[j] === 1 && popcount32((high ^ (words[2 * j] as number)) >>> 0) + popcount32((low ^ (words[2 * j + 1] as number)) >>> 0) > max) continue;
          const pair = this.test(i, j);
          if (!pair) continue;
          found.push(pair.a < pair.b ? pair : { ...pair, a: pair.b, b: pair.a });
          positions.push(x * total + y);
        }
        pairsDone += Math.max(0, yEnd - yStart);
        x++;
        if (x >= Math.min(total, (xTile + 1) * tile)) {
          yTile++;
          if (yTile >= tiles) yTile = ++xTile;
          x = xTile * tile;
        }
      } while (xTile < tiles && performance.now() - started < sliceMillis);
      if (xTile >= tiles && tiles > 1) {
        const order = positions.map((_, k) => k).sort((p, q) => (positions[p] as number) - (positions[q] as number));
        const sorted = order.map((k) => found[k] as DuplicatePair);
        sorted.forEach((pair, k) => (found[k] = pair));
      }
      const done = xTile >= tiles ? total : tiles === 1 ? x : Math.min(total - 1, Math.floor((total * pairsDone) / ((total * (total - 1)) / 2)));
      return { done: false, value: { done, total } };
    };
    return { found, next: step, [Symbol.iterator]() { return this; } };
  }

  /** Duplicate pairs with one row from `left` and the other from `right` (a from left, b from right). */
  pairsBetween(left: ArrayLike<number>, right: ArrayLike<number>): DuplicatePair[] {
    const out: DuplicatePair[] = [];
    for (let x = 0; x < left.length; x++) {
      for (let y = 0; y < right.length; y++) {
        const pair = this.test(left[x] as number, right[y] as number);
        if (pair) out.push(pair);
      }
    }
    return out;
  }

  /** Duplicates of each row asked for so far (the index never changes: rows, codes and criteria are fixed). */
  private readonly duplicatesCache = new Map<number, Int32Array>();

  /**
   * Every row that is a duplicate of `row`, in row order; computed once per row and kept (n
   * pair tests, Hamming first: ~1 ms at 100,000 rows). The batch filter asks it for each
   * labeled and evaluation image, round after round.
   */
  duplicatesOf(row: number): Int32Array {
    const known = this.duplicatesCache.get(row);
    if (known) return known;
    const { words, known: hasCode } = this.codes;
    const max = this.criteria.maxHammingDistance;
    const high = words[2 * row] as number;
    const low = words[2 * row + 1] as number;
    const rowKnown = hasCode[row] === 1;
    const out: number[] = [];
    for (let j = 0; j < this.rows; j++) {
      if (rowKnown && hasCode[j] === 1 && popcount32((high ^ (words[2 * j] as number)) >>> 0) + popcount32((low ^ (words[2 * j + 1] as number)) >>> 0) > max) continue;
      if (this.test(row, j)) out.push(j);
    }
    const found = Int32Array.from(out);
    this.duplicatesCache.set(row, found);
    return found;
  }

  /** The first of `others` that row is a duplicate of, or -1. */
  firstDuplicateIn(row: number, others: Iterable<number>): number {
    for (const other of others) if (this.isDuplicate(row, other)) return other;
    return -1;
  }

  /**
   * The `count` rows most similar to `row` by feature cosine (duplicates or not), most similar
   * first, ties by smaller row; rows in `skip` and the row itself are left out.
   */
  mostSimilar(row: number, count: number, skip: ReadonlySet<number> = new Set()): { row: number; similarity: number }[] {
    const distances = squaredDistancesFromRow(this.unit, row, this.unit, null, new Float64Array(this.rows));
    const candidates: number[] = [];
    for (let r = 0; r < this.rows; r++) if (r !== row && !skip.has(r)) candidates.push(r);
    candidates.sort((a, b) => (distances[a] as number) - (distances[b] as number) || a - b);
    return candidates.slice(0, Math.max(0, count)).map((r) => ({ row: r, similarity: 1 - (distances[r] as number) / 2 }));
  }
}

/**
 * Connected groups of the duplicate graph (every group has at least two rows), each with its
 * rows ascending and the lowest and highest similarity of the pairs that joined it (single
 * linkage: two rows joined only through others were not compared, and may be less alike than
 * the lowest); groups ordered by their first row.
 */
export function duplicateGroups(pairs: readonly DuplicatePair[]): { rows: number[]; minSimilarity: number; maxSimilarity: number; exact: boolean }[] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as number;
    let node = x;
    while (node !== root) {
      const next = parent.get(node) as number;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const { a, b } of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const groups = new Map<number, { rows: number[]; minSimilarity: number; maxSimilarity: number; exact: boolean }>();
  for (const row of [...parent.keys()].sort((x, y) => x - y)) {
    const root = find(row);
    const group = groups.get(root) ?? { rows: [], minSimilarity: 1, maxSimilarity: -1, exact: true };
    group.rows.push(row);
    groups.set(root, group);
  }
  for (const pair of pairs) {
    const group = groups.get(find(pair.a)) as { minSimilarity: number; maxSimilarity: number; exact: boolean };
    group.minSimilarity = Math.min(group.minSimilarity, pair.similarity);
    group.maxSimilarity = Math.max(group.maxSimilarity, pair.similarity);
    if (!pair.exact) group.exact = false;
  }
  return [...groups.values()].sort((x, y) => (x.rows[0] as number) - (y.rows[0] as number));
}
