/**
 * The compact pool embedding the cluster-based strategies (typiclust, probcover and the
 * hybrids) measure distances in, plus seeded k-means and typicality on it.
 *
 * Embedding: layer-B features centred on the pool mean and divided by one pool-wide scale
 * (the root mean square deviation; per-feature standardisation would blow up low-variance
 * noise features and blur the groups distances are meant to find), then a fixed seeded
 * Gaussian random projection to at most 32 dimensions (Johnson-Lindenstrauss: pairwise distances kept within a few tens of percent),
 * so clustering 10,000 images costs tens of millions of multiply-adds, not billions. The
 * embedding is computed once per feature matrix and cached.
 *
 * k-means: k-means++ seeding and Lloyd iterations on a seeded sample of at most
 * `MAX_KMEANS_SAMPLE` rows, then every row is assigned to its nearest centre; memory stays
 * linear in the pool (a 100,000-image pool needs 100,000 x 32 floats here).
 */
import type { FeatureMatrix } from './feature-matrix';
import { deriveSeed, mulberry32, randomIndex, type RandomSource } from '../../core/seeded-random';

export const EMBEDDING_DIM = 32;
const PROJECTION_SEED = 0x7e1c;
export const MAX_KMEANS_SAMPLE = 3000;
const LLOYD_ITERATIONS = 8;

export interface PoolEmbedding {
  rows: number;
  dim: number;
  /** rows x dim, row-major. */
  data: Float32Array;
}

const cache = new WeakMap<FeatureMatrix, PoolEmbedding>();

function gaussian(random: RandomSource): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The standardised, projected embedding of every row of `features` (cached per matrix). */
export function poolEmbedding(features: FeatureMatrix): PoolEmbedding {
  const known = cache.get(features);
  if (known) return known;
  const { rows: n, cols: d, data: x } = features;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[i * d + j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / Math.max(1, n);
  let squares = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = (x[i * d + j] as number) - (mean[j] as number);
      squares += v * v;
    }
  }
  const rms = Math.sqrt(squares / Math.max(1, n));
  const scale = rms > 1e-12 ? 1 / rms : 1;
  const dim = Math.min(EMBEDDING_DIM, d);
  const out = new Float32Array(n * dim);
  const z = new Float64Array(d);
  if (dim === d) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * dim + j] = ((x[i * d + j] as number) - (mean[j] as number)) * scale;
  } else {
    const random = mulberry32(PROJECTION_SEED);
    const projection = new Float64Array(d * dim);
    const projectionScale = scale / Math.sqrt(dim);
    for (let p = 0; p < projection.length; p++) projection[p] = gaussian(random) * projectionScale;
    const acc = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) z[j] = (x[i * d + j] as number) - (mean[j] as number);
      acc.fill(0);
      for (let j = 0; j < d; j++) {
        const v = z[j] as number;
        if (v === 0) continue;
        const base = j * dim;
        for (let k = 0; k < dim; k++) acc[k] = (acc[k] as number) + v * (projection[base + k] as number);
      }
      for (let k = 0; k < dim; k++) out[i * dim + k] = acc[k] as number;
    }
  }
  const embedding = { rows: n, dim, data: out };
  cache.set(features, embedding);
  return embedding;
}

/** Squared distance between embedding row i and a point (row `j` of `points`, width dim). */
export function squaredDistanceTo(embedding: PoolEmbedding, i: number, points: Float32Array | Float64Array, j: number): number {
  const { dim, data } = embedding;
  let s = 0;
  const a = i * dim;
  const b = j * dim;
  for (let k = 0; k < dim; k++) {
    const t = (data[a + k] as number) - (points[b + k] as number);
    s += t * t;
  }
  return s;
}

/** Up to `max` of `rows`, drawn without replacement (all of them, in order, when fewer). */
export function sampleRows(rows: Int32Array, max: number, random: RandomSource): Int32Array {
  if (rows.length <= max) return rows;
  const copy = Int32Array.from(rows);
  for (let i = 0; i < max; i++) {
    const j = i + randomIndex(random, copy.length - i);
    const t = copy[i] as number;
    copy[i] = copy[j] as number;
    copy[j] = t;
  }
  return copy.subarray(0, max).sort();
}

export interface Clustering {
  k: number;
  /** k x dim centres. */
  centres: Float64Array;
  /** Cluster of every row in `rows` (same order). */
  assignment: Int32Array;
  /** Rows that were clustered. */
  rows: Int32Array;
}

/** Seeded k-means of `rows` of the embedding into k clusters (fewer if fewer rows). */
export function kmeans(embedding: PoolEmbedding, rows: Int32Array, k: number, seed: number): Clustering {
  const dim = embedding.dim;
  const random = mulberry32(deriveSeed(seed, 0x4b4d));
  const sample = sampleRows(rows, MAX_KMEANS_SAMPLE, random);
  const clusters = Math.max(1, Math.min(k, sample.length));
  const centres = new Float64Array(clusters * dim);
  const setCentre = (c: number, row: number): void => {
    for (let t = 0; t < dim; t++) centres[c * dim + t] = embedding.data[row * dim + t] as number;
  };
  // k-means++ seeding on the sample.
  const m = sample.length;
  const nearest = new Float64Array(m).fill(Infinity);
  let next = sample[randomIndex(random, m)] as number;
  for (let c = 0; c < clusters; c++) {
    setCentre(c, next);
    let total = 0;
    for (let i = 0; i < m; i++) {
      const dist = squaredDistanceTo(embedding, sample[i] as number, centres, c);
      if (dist < (nearest[i] as number)) nearest[i] = dist;
      total += nearest[i] as number;
    }
    if (c + 1 === clusters) break;
    if (total <= 0) {
      next = sample[randomIndex(random, m)] as number;
      continue;
    }
    let target = random() * total;
    let chosen = m - 1;
    for (let i = 0; i < m; i++) {
      target -= nearest[i] as number;
      if (target < 0) {
        chosen = i;
        break;
      }
    }
    next = sample[chosen] as number;
  }
  const between = new Float64Array(clusters * clusters);
  const assign = (list: Int32Array, out: Int32Array, guesses: Int32Array | null): void => {
    centreDistances(centres, clusters, dim, between);
    nearestCentres(embedding, list, centres, clusters, between, guesses, out);
  };
  const sampleAssignment = new Int32Array(m);
  const sums = new Float64Array(clusters * dim);
  const counts = new Int32Array(clusters);
  for (let iteration = 0; iteration < LLOYD_ITERATIONS; iteration++) {
    const before = Int32Array.from(sampleAssignment);
    assign(sample, sampleAssignment, iteration > 0 ? before : null);
    if (iteration > 0 && before.every((c, i) => c === sampleAssignment[i])) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < m; i++) {
      const c = sampleAssignment[i] as number;
      counts[c] = (counts[c] as number) + 1;
      const row = sample[i] as number;
      for (let t = 0; t < dim; t++) sums[c * dim + t] = (sums[c * dim + t] as number) + (embedding.data[row * dim + t] as number);
    }
    for (let c = 0; c < clusters; c++) {
      const count = counts[c] as number;
      if (count === 0) continue; // an empty cluster keeps its centre
      for (let t = 0; t < dim; t++) centres[c * dim + t] = (sums[c * dim + t] as number) / count;
    }
  }
  // Every row of the sample starts from its cluster of the last iteration (a tight first bound).
  const guesses = new Int32Array(rows.length);
  if (sample !== rows) {
    const sampled = new Map<number, number>();
    sample.forEach((row, i) => sampled.set(row, sampleAssignment[i] as number));
    rows.forEach((row, i) => (guesses[i] = sampled.get(row) ?? 0));
  } else guesses.set(sampleAssignment);
  const assignment = new Int32Array(rows.length);
  assign(rows, assignment, guesses);
  return { k: clusters, centres, assignment, rows };
}

/** Euclidean distances between the k centres (k x k, symmetric, zero diagonal) into `out`. */
export function centreDistances(centres: Float64Array, k: number, dim: number, out: Float64Array): void {
  for (let a = 0; a < k; a++) {
    out[a * k + a] = 0;
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let t = 0; t < dim; t++) {
        const v = (centres[a * dim + t] as number) - (centres[b * dim + t] as number);
        s += v * v;
      }
      const d = Math.sqrt(s);
      out[a * k + b] = d;
      out[b * k + a] = d;
    }
  }
}

/** Relative slack on the triangle-inequality bound, far above the rounding error of the distances. */
const PRUNE_SLACK = 1e-9;

/**
 * The nearest of k centres for each row of `list` (ties: the smaller centre index), exactly
 * as a scan over every centre in order would find it, with less work: the scan starts from a
 * guessed centre (`guesses[i]`, else centre 0) and skips every centre c that the triangle
 * inequality proves strictly farther than the best so far (d(c, best) > 2 d(x, best), with
 * slack), and stops summing a distance once it exceeds the best (Elkan, ICML 2003, lemma 1).
 * The distances compared are summed in the same order as the plain scan, so the result is
 * bit-for-bit the same.
 */
export function nearestCentres(
  embedding: PoolEmbedding,
  list: Int32Array,
  centres: Float64Array,
  k: number,
  between: Float64Array,
  guesses: Int32Array | null,
  out: Int32Array,
): void {
  const { dim, data } = embedding;
  for (let i = 0; i < list.length; i++) {
    const base = (list[i] as number) * dim;
    const guess = guesses ? (guesses[i] as number) : 0;
    let best = guess;
    let bestD = 0;
    for (let t = 0; t < dim; t++) {
      const v = (data[base + t] as number) - (centres[guess * dim + t] as number);
      bestD += v * v;
    }
    let bound = 2 * Math.sqrt(bestD) * (1 + PRUNE_SLACK) + 1e-300;
    for (let c = 0; c < k; c++) {
      if (c === guess || (between[best * k + c] as number) > bound) continue;
      const cb = c * dim;
      let dist = 0;
      for (let t = 0; t < dim && dist <= bestD; t++) {
        const v = (data[base + t] as number) - (centres[cb + t] as number);
        dist += v * v;
      }
      if (dist < bestD || (dist === bestD && c < best)) {
        best = c;
        bestD = dist;
        bound = 2 * Math.sqrt(bestD) * (1 + PRUNE_SLACK) + 1e-300;
      }
    }
    out[i] = best;
  }
}

export const TYPICALITY_NEIGHBOURS = 20;
const MAX_TYPICALITY_REFERENCE = 400;

/**
 * Typicality of some members (`candidates`) of one cluster (TypiClust): the inverse of the
 * mean distance to the `TYPICALITY_NEIGHBOURS` nearest fellow members (measured against at
 * most 400 seeded members in a large cluster). A lone member has typicality 0.
 */
export function clusterTypicality(embedding: PoolEmbedding, members: Int32Array, candidates: Int32Array, seed: number): Float64Array {
  const out = new Float64Array(candidates.length);
  if (members.length < 2) return out;
  const reference = sampleRows(members, MAX_TYPICALITY_REFERENCE, mulberry32(deriveSeed(seed, 0x7970)));
  const k = Math.min(TYPICALITY_NEIGHBOURS, reference.length - 1);
  const best = new Float64Array(k);
  for (let i = 0; i < candidates.length; i++) {
    const row = candidates[i] as number;
    best.fill(Infinity);
    for (let r = 0; r < reference.length; r++) {
      const other = reference[r] as number;
      if (other === row) continue;
      const dist = Math.sqrt(squaredDistanceTo(embedding, row, embedding.data, other));
      if (dist >= (best[k - 1] as number)) continue;
      let p = k - 1;
      while (p > 0 && (best[p - 1] as number) > dist) {
        best[p] = best[p - 1] as number;
        p--;
      }
      best[p] = dist;
    }
    let sum = 0;
    let count = 0;
    for (let t = 0; t < k; t++) {
      if (Number.isFinite(best[t] as number)) {
        sum += best[t] as number;
        count++;
      }
    }
    out[i] = count === 0 ? 0 : 1 / (sum / count + 1e-12);
  }
  return out;
}
