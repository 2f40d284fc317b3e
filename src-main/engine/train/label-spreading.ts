/**
 * Label spreading (Zhou, Bousquet, Lal, Weston, Schölkopf, NIPS 2004, "Learning with local
 * and global consistency") over a sparse k-nearest-neighbour graph of the pool's features,
 * so the light head's probabilities can also learn from the unlabeled pool.
 *
 * Graph: the nodes are the pool rows (a seeded sample of at most `MAX_GRAPH_NODES` rows in
 * a larger pool, plus every labeled row, so a 100,000-image pool costs a few seconds once and
 * memory linear in the sample). Each node links to its k = 10 nearest nodes in the pool
 * embedding (adma/pool-embedding.ts: centred layer-B features, 32-dimensional random
 * projection); weights w_ij = exp(-d_ij^2 / (sigma_i sigma_j)) with sigma_i the distance
 * to i's k-th neighbour (local scaling, Zelnik-Manor & Perona 2004), symmetrised by the
 * maximum. The sample's neighbour lists are computed once per embedding and cached; a labeled
 * row outside the sample is linked to its k nearest sample nodes each time.
 *
 * Spreading: S = D^-1/2 W D^-1/2, Y the labels (one-hot, each class's column divided by its
 * label count so a class with many labels does not flood the graph), F <- alpha S F +
 * (1 - alpha) Y iterated from F = Y until it settles (at most 400 sweeps, a few tenths of a
 * second at 10,000 rows), alpha = 0.99 (Zhou et al.'s value).
 * Row i of F, normalised to sum 1, is the spread label distribution of node i.
 *
 * Mixing (`mixSpreadProbabilities`): the loop's probabilities of a graph node are the mean
 * of the head's and the spread distribution (an equal-weight ensemble of the inductive and
 * the transductive classifier); a row outside the graph, or one no label reaches, keeps the
 * head's. The exported head is unchanged: spreading refines the pool's scores (selection and
 * the pool's predictions), not the model.
 */
import type { PoolEmbedding } from '../adma/pool-embedding';
import { sampleRows } from '../adma/pool-embedding';
import { deriveSeed, mulberry32 } from '../../core/seeded-random';

export const SPREAD_NEIGHBOURS = 10;
export const MAX_GRAPH_NODES = 6000;
export const SPREAD_ALPHA = 0.99;
/** Weight of the spread distribution in the mixed probabilities. */
export const SPREAD_MIX = 0.5;
const MAX_ITERATIONS = 400;
const TOLERANCE = 1e-7;
const SAMPLE_SEED = 0x5b7e;

interface NeighbourLists {
  /** Pool rows of the sampled nodes, ascending. */
  nodes: Int32Array;
  /** nodes x k neighbour positions (into `nodes`), nearest first. */
  neighbours: Int32Array;
  /** nodes x k squared distances. */
  distances: Float64Array;
  k: number;
}

const listCache = new WeakMap<PoolEmbedding, NeighbourLists>();

function squared(embedding: PoolEmbedding, a: number, b: number): number {
  const { dim, data } = embedding;
  let s = 0;
  for (let t = 0; t < dim; t++) {
    const v = (data[a * dim + t] as number) - (data[b * dim + t] as number);
    s += v * v;
  }
  return s;
}

/** The k nearest of `nodes` to pool row `row` (skipping the row itself), nearest first. */
function nearestNodes(embedding: PoolEmbedding, nodes: Int32Array, row: number, k: number, outIndex: Int32Array, outDistance: Float64Array, offset: number): void {
  for (let t = 0; t < k; t++) {
    outIndex[offset + t] = -1;
    outDistance[offset + t] = Infinity;
  }
  for (let j = 0; j < nodes.length; j++) {
    const other = nodes[j] as number;
    if (other === row) continue;
    const dist = squared(embedding, row, other);
    if (dist >= (outDistance[offset + k - 1] as number)) continue;
    let p = k - 1;
    while (p > 0 && (outDistance[offset + p - 1] as number) > dist) {
      outDistance[offset + p] = outDistance[offset + p - 1] as number;
      outIndex[offset + p] = outIndex[offset + p - 1] as number;
      p--;
    }
    outDistance[offset + p] = dist;
    outIndex[offset + p] = j;
  }
}

function neighbourLists(embedding: PoolEmbedding): NeighbourLists {
  const known = listCache.get(embedding);
  if (known) return known;
  const all = Int32Array.from({ length: embedding.rows }, (_, i) => i);
  const nodes = sampleRows(all, MAX_GRAPH_NODES, mulberry32(deriveSeed(SAMPLE_SEED, embedding.rows)));
  const k = Math.max(0, Math.min(SPREAD_NEIGHBOURS, nodes.length - 1));
  const neighbours = new Int32Array(nodes.length * k);
  const distances = new Float64Array(nodes.length * k);
  if (k > 0) for (let i = 0; i < nodes.length; i++) nearestNodes(embedding, nodes, nodes[i] as number, k, neighbours, distances, i * k);
  const lists = { nodes, neighbours, distances, k };
  listCache.set(embedding, lists);
  return lists;
}

export interface SpreadGraph {
  /** Pool row of each node. */
  rows: Int32Array;
  /** CSR adjacency of the symmetric weight matrix W. */
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
}

/** The k-NN graph over the sampled nodes plus `labeledRows` (see the file comment). */
export function spreadGraph(embedding: PoolEmbedding, labeledRows: readonly number[]): SpreadGraph {
  const lists = neighbourLists(embedding);
  const { k } = lists;
  const position = new Map<number, number>();
  lists.nodes.forEach((row, i) => position.set(row, i));
  const extra = [...new Set(labeledRows)].filter((row) => !position.has(row));
  const rows = Int32Array.from([...lists.nodes, ...extra]);
  const m = rows.length;
  // Neighbour lists of every node (extra nodes search the sample only).
  const index = new Int32Array(m * k);
  const dist = new Float64Array(m * k);
  index.set(lists.neighbours);
  dist.set(lists.distances);
  extra.forEach((row, e) => nearestNodes(embedding, lists.nodes, row, k, index, dist, (lists.nodes.length + e) * k));
  const sigma = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let last = 0;
    for (let t = k - 1; t >= 0; t--) {
      const d = dist[i * k + t] as number;
      if (Number.isFinite(d)) {
        last = Math.sqrt(d);
        break;
      }
    }
    sigma[i] = last > 1e-12 ? last : 1e-12;
  }
  // Symmetrise by the maximum: collect directed edges, keep the larger weight per pair.
  const pairs = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      const j = index[i * k + t] as number;
      if (j < 0) continue;
      const w = Math.exp(-(dist[i * k + t] as number) / ((sigma[i] as number) * (sigma[j] as number)));
      const key = i < j ? i * m + j : j * m + i;
      const before = pairs.get(key);
      if (before === undefined || w > before) pairs.set(key, w);
    }
  }
  const degree = new Int32Array(m);
  for (const key of pairs.keys()) {
    degree[Math.floor(key / m)] = (degree[Math.floor(key / m)] as number) + 1;
    degree[key % m] = (degree[key % m] as number) + 1;
  }
  const offsets = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) offsets[i + 1] = (offsets[i] as number) + (degree[i] as number);
  const fill = Int32Array.from(offsets.subarray(0, m));
  const targets = new Int32Array(offsets[m] as number);
  const weights = new Float64Array(offsets[m] as number);
  for (const [key, w] of pairs) {
    const a = Math.floor(key / m);
    const b = key % m;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const p = fill[from] as number;
      targets[p] = to;
      weights[p] = w;
      fill[from] = p + 1;
    }
  }
  return { rows, offsets, targets, weights };
}

/**
 * Zhou et al.'s iteration on `graph`: returns nodes x C spread scores F (rows not normalised).
 * `labeledRows[i]` (a pool row) has class `labels[i]`.
 */
export function spreadLabels(graph: SpreadGraph, labeledRows: readonly number[], labels: readonly number[], classCount: number, alpha = SPREAD_ALPHA): Float64Array {
  if (labeledRows.length !== labels.length) throw new Error(`Label spreading needs one class per labeled row; got ${labeledRows.length} rows and ${labels.length} labels.`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`Label spreading's alpha must lie in (0, 1); got ${alpha}.`);
  const { rows, offsets, targets, weights } = graph;
  const m = rows.length;
  const c = classCount;
  const node = new Map<number, number>();
  rows.forEach((row, i) => node.set(row, i));
  const counts = new Float64Array(c);
  for (const label of labels) {
    if (!Number.isInteger(label) || label < 0 || label >= c) throw new RangeError(`Label ${label} is not a class index below ${c}.`);
    counts[label] = (counts[label] as number) + 1;
  }
  const y = new Float64Array(m * c);
  labeledRows.forEach((row, i) => {
    const at = node.get(row);
    if (at === undefined) throw new Error(`Labeled row ${row} is not a node of the spreading graph.`);
    const label = labels[i] as number;
    y[at * c + label] = (y[at * c + label] as number) + 1 / (counts[label] as number);
  });
  const invSqrtDegree = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let d = 0;
    for (let p = offsets[i] as number; p < (offsets[i + 1] as number); p++) d += weights[p] as number;
    invSqrtDegree[i] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  let f = Float64Array.from(y);
  let next = new Float64Array(m * c);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    let change = 0;
    let size = 0;
    for (let i = 0; i < m; i++) {
      const si = invSqrtDegree[i] as number;
      for (let q = 0; q < c; q++) next[i * c + q] = (1 - alpha) * (y[i * c + q] as number);
      for (let p = offsets[i] as number; p < (offsets[i + 1] as number); p++) {
        const j = targets[p] as number;
        const s = alpha * si * (weights[p] as number) * (invSqrtDegree[j] as number);
        for (let q = 0; q < c; q++) next[i * c + q] = (next[i * c + q] as number) + s * (f[j * c + q] as number);
      }
      for (let q = 0; q < c; q++) {
        change = Math.max(change, Math.abs((next[i * c + q] as number) - (f[i * c + q] as number)));
        size = Math.max(size, Math.abs(next[i * c + q] as number));
      }
    }
    [f, next] = [next, f];
    if (change <= TOLERANCE * Math.max(size, 1e-300)) break;
  }
  return f;
}

/**
 * The loop's probabilities with label spreading: `head` (pool rows x C) mixed with the spread
 * distribution of every graph node a label reaches (see the file comment). Returns a new array.
 */
export function mixSpreadProbabilities(embedding: PoolEmbedding, head: Float32Array, labeledRows: readonly number[], labels: readonly number[], classCount: number, mix = SPREAD_MIX): Float32Array {
  const c = classCount;
  if (head.length !== embedding.rows * c) throw new RangeError(`Head probabilities hold ${head.length} values; the pool needs ${embedding.rows} x ${c}.`);
  const out = Float32Array.from(head);
  if (labeledRows.length === 0) return out;
  const graph = spreadGraph(embedding, labeledRows);
  const f = spreadLabels(graph, labeledRows, labels, c);
  graph.rows.forEach((row, i) => {
    let total = 0;
    for (let q = 0; q < c; q++) total += f[i * c + q] as number;
    if (!(total > 0)) return;
    for (let q = 0; q < c; q++) out[row * c + q] = (1 - mix) * (head[row * c + q] as number) + (mix * (f[i * c + q] as number)) / total;
  });
  return out;
}
