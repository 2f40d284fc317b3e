/**
 * The core-set baseline (Sener & Savarese, ICLR 2018): greedy k-centre in layer-B space.
 * Each pick is the eligible image farthest from its nearest labeled (training) image or
 * earlier pick, ties broken by smaller image id. With nothing labeled, the first pick is a
 * seeded random eligible image (the same seed and round give the same start).
 *
 * Computing every row's distance to its nearest labeled image costs n x labels x dB
 * multiply-adds (10,000 x 500 x 256 takes about half a second in V8), and folding each pick
 * into every row another n x b x dB; yet a pick only needs the exact distance of the row that
 * is the farthest. So this is a lazy greedy. Every row holds an upper bound on its distance to
 * the nearest labeled image or earlier pick: at first its distance to the nearest of a sketch
 * of SKETCH_SIZE evenly spread labels. The rows sit in a max-heap by bound; the top row gets
 * the batch's picks folded in, then the remaining labels CHUNK at a time, and sinks as its
 * bound drops, until a row whose bound is exact stays on top. Nothing can beat it: every other
 * row's true distance is at most its bound. The picks are exactly those of the full
 * computation (the same per-pair arithmetic, the same tie rule); far fewer distances are
 * computed, since most rows sink after a chunk or two.
 *
 * What each row has folded in is kept between rounds: when the features and the pool order
 * are unchanged and the labeled set only grew, a few new labels are folded into every row
 * (bounds stay bounds, exact values stay exact); many are sketched and queued like the first.
 */
import type { FeatureMatrix } from './feature-matrix';
import { foldNearestSquaredDistances } from './nearest-squared-distances';
import type { QueryStrategy, SelectedImage, Selection } from './query-strategy';
import {
  assertValidBatchSize,
  assertValidSelectionContext,
  eligibleRows,
  knownDistinctiveness,
  knownUncertainty,
  trainingRows,
  type SelectionContext,
} from './selection-context';
import { coresetReason, coresetStartReason } from './selection-reason';
import { deriveSeed, mulberry32, randomIndex } from '../../core/seeded-random';
import { DEFAULT_UNCERTAINTY_MEASURE } from './uncertainty';

const CORESET_START_STREAM = 2;
/** Labels folded into every row at once; more new labels than this are sketched, the rest queued. */
const SKETCH_SIZE = 32;
/** Queued labels folded into a heap's top row at a time. */
const CHUNK = 32;

interface NearestLabeledDistances {
  features: FeatureMatrix;
  imageIds: readonly number[];
  /** Image ids of the labeled images. */
  labeled: Set<number>;
  /** Rows of labels not folded into every row yet; row r has folded in the first queuedFolded[r]. */
  queued: number[];
  queuedFolded: Int32Array;
  /**
   * Per pool row, an upper bound on the squared distance to the nearest labeled image
   * (Infinity with none labeled); exact once the row has folded in every queued label.
   */
  bound: Float64Array;
}

export class CoresetStrategy implements QueryStrategy {
  readonly name = 'coreset';
  private nearest: NearestLabeledDistances | null = null;

  select(ctx: SelectionContext, batchSize: number): Selection {
    assertValidSelectionContext(ctx);
    assertValidBatchSize(batchSize);
    const eligible = eligibleRows(ctx);
    const state = this.nearestLabeledDistances(ctx);
    const batch = new LazyBatch(state, eligible, ctx.imageIds);
    const items: SelectedImage[] = [];
    const total = Math.min(batchSize, eligible.length);

    for (let pick = 0; pick < total; pick++) {
      let chosen = batch.farthest();
      let reason: string;
      let score: number | null;
      if (batch.distance(chosen) === Infinity) {
        // Nothing labeled and nothing picked yet: seeded start.
        chosen = eligible[randomIndex(mulberry32(deriveSeed(ctx.seed, ctx.round, CORESET_START_STREAM)), eligible.length)] as number;
        reason = coresetStartReason(ctx.seed);
        score = null;
      } else {
        score = Math.sqrt(batch.distance(chosen));
        reason = coresetReason(score);
      }
      batch.pick(chosen);
      items.push({
        imageId: ctx.imageIds[chosen] as number,
        row: chosen,
        distinctiveness: knownDistinctiveness(ctx, chosen),
        uncertainty: knownUncertainty(ctx, DEFAULT_UNCERTAINTY_MEASURE, chosen),
        lambda: null,
        score,
        reason,
      });
    }
    return { strategy: this.name, round: ctx.round, items };
  }

  /** Bounds on the squared distance from every pool row to its nearest training image, kept up to date. */
  private nearestLabeledDistances(ctx: SelectionContext): NearestLabeledDistances {
    const labeledRows = trainingRows(ctx);
    const cached = this.nearest;
    const reusable =
      cached !== null &&
      cached.features.data === ctx.featuresB.data &&
      sameIds(cached.imageIds, ctx.imageIds) &&
      cached.labeled.size <= labeledRows.length &&
      [...cached.labeled].every((id) => ctx.labeledIds.has(id) && !ctx.excludedIds.has(id));
    const state: NearestLabeledDistances = reusable
      ? cached
      : {
          features: ctx.featuresB,
          imageIds: Array.from(ctx.imageIds),
          labeled: new Set<number>(),
          queued: [],
          queuedFolded: new Int32Array(ctx.featuresB.rows),
          bound: new Float64Array(ctx.featuresB.rows).fill(Infinity),
        };
    const added: number[] = [];
    for (const row of labeledRows) {
      const id = ctx.imageIds[row] as number;
      if (state.labeled.has(id)) continue;
      added.push(row);
      state.labeled.add(id);
    }
    if (added.length > SKETCH_SIZE) {
      // Fold an evenly spread sketch into every row; queue the rest for the rows that need them.
      const step = added.length / SKETCH_SIZE;
      const inSketch = new Set(Array.from({ length: SKETCH_SIZE }, (_, i) => Math.floor(i * step)));
      foldNearestSquaredDistances(state.features, null, [...inSketch].map((i) => added[i] as number), state.bound);
      added.forEach((row, i) => {
        if (!inSketch.has(i)) state.queued.push(row);
      });
    } else {
      foldNearestSquaredDistances(state.features, null, added, state.bound);
    }
    this.nearest = state;
    return state;
  }
}

/**
 * One batch's greedy picks: a max-heap of the unpicked eligible rows by bound (ties to the
 * smaller image id). The top row folds in the batch's picks, then queued labels a chunk at a
 * time, sinking as its bound drops, until a row with nothing left to fold stays on top.
 */
class LazyBatch {
  /** Per pool row: upper bound on the squared distance to the nearest label or pick. */
  private readonly working: Float64Array;
  /** Per pool row: how many of `picks` are folded into `working`. */
  private readonly foldedPicks: Int32Array;
  private readonly picked: Uint8Array;
  private readonly picks: number[] = [];
  private readonly heap: Int32Array;
  private size: number;

  constructor(
    private readonly state: NearestLabeledDistances,
    eligible: Int32Array,
    private readonly imageIds: ArrayLike<number>,
  ) {
    this.working = Float64Array.from(state.bound);
    this.foldedPicks = new Int32Array(state.bound.length);
    this.picked = new Uint8Array(state.bound.length);
    this.heap = Int32Array.from(eligible);
    this.size = eligible.length;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Squared distance of `row` to its nearest label or pick (exact for the row farthest() returns). */
  distance(row: number): number {
    return this.working[row] as number;
  }

  /** The unpicked eligible row farthest from every label and pick, ties to the smaller image id. */
  farthest(): number {
    const { state, working, foldedPicks, picks, heap } = this;
    for (;;) {
      const top = heap[0] as number;
      if (this.picked[top]) {
        this.removeTop();
        continue;
      }
      const folded = foldedPicks[top] as number;
      const queuedFolded = state.queuedFolded[top] as number;
      if (folded < picks.length) {
        foldNearestSquaredDistances(state.features, Int32Array.of(top), picks.slice(folded), working);
        foldedPicks[top] = picks.length;
      } else if (queuedFolded < state.queued.length) {
        const chunk = state.queued.slice(queuedFolded, queuedFolded + CHUNK);
        foldNearestSquaredDistances(state.features, Int32Array.of(top), chunk, state.bound);
        state.queuedFolded[top] = queuedFolded + chunk.length;
        working[top] = Math.min(working[top] as number, state.bound[top] as number);
      } else {
        return top;
      }
      this.siftDown(0);
    }
  }

  pick(row: number): void {
    this.picked[row] = 1;
    this.picks.push(row);
  }

  private removeTop(): void {
    this.size--;
    this.heap[0] = this.heap[this.size] as number;
    this.siftDown(0);
  }

  /** Row a ranks above row b: farther, or as far with the smaller image id. */
  private above(a: number, b: number): boolean {
    const da = this.working[a] as number;
    const db = this.working[b] as number;
    return da > db || (da === db && (this.imageIds[a] as number) < (this.imageIds[b] as number));
  }

  private siftDown(start: number): void {
    const { heap, size } = this;
    let i = start;
    const row = heap[i] as number;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.above(heap[right] as number, heap[left] as number) ? right : left;
      if (!this.above(heap[child] as number, row)) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = row;
  }
}

function sameIds(a: readonly number[], b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
