import { describe, expect, it } from 'vitest';
import type { PoolEmbedding } from '../../../src-main/engine/adma/pool-embedding';
import { MAX_GRAPH_NODES, mixSpreadProbabilities, SPREAD_ALPHA, SPREAD_NEIGHBOURS, spreadGraph, spreadLabels } from '../../../src-main/engine/train/label-spreading';

function embeddingOf(points: [number, number][]): PoolEmbedding {
  return { rows: points.length, dim: 2, data: Float32Array.from(points.flat()) };
}

/** Two parallel lines of points 0.05 apart (k = 10 neighbours lie within 0.5), the lines 1 apart: row i < half on y = 0, the rest on y = 1. */
function twoLines(perLine: number): PoolEmbedding {
  const points: [number, number][] = [];
  for (let line = 0; line < 2; line++) for (let i = 0; i < perLine; i++) points.push([i * 0.05, line * 1]);
  return embeddingOf(points);
}

/** Dense solve of A x = b (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c] = m[r]![c]! - factor * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

describe('label spreading (Zhou et al. 2004) over a k-NN graph', () => {
  it('builds a symmetric graph with at least k neighbours per node', () => {
    const embedding = twoLines(30);
    const graph = spreadGraph(embedding, []);
    expect(graph.rows.length).toBe(60);
    const weight = new Map<string, number>();
    for (let i = 0; i < graph.rows.length; i++) {
      expect(graph.offsets[i + 1]! - graph.offsets[i]!).toBeGreaterThanOrEqual(SPREAD_NEIGHBOURS);
      for (let p = graph.offsets[i]!; p < graph.offsets[i + 1]!; p++) {
        expect(graph.targets[p]).not.toBe(i);
        expect(graph.weights[p]).toBeGreaterThan(0);
        expect(graph.weights[p]).toBeLessThanOrEqual(1);
        weight.set(`${i},${graph.targets[p]}`, graph.weights[p]!);
      }
    }
    for (const [key, w] of weight) {
      const [a, b] = key.split(',');
      expect(weight.get(`${b},${a}`)).toBe(w);
    }
  });

  it('equals the closed form (1 - alpha)(I - alpha S)^-1 Y', () => {
    const points: [number, number][] = [
      [0, 0], [0.3, 0.1], [0.5, 0.4], [1, 1], [1.2, 0.8], [3, 3], [3.1, 2.7], [2.6, 3.3], [4, 4], [0.1, 0.6], [2.2, 2.1], [1.7, 1.4],
    ];
    const embedding = embeddingOf(points);
    const labeled = [0, 8, 3];
    const labels = [0, 1, 0];
    const graph = spreadGraph(embedding, labeled);
    const m = graph.rows.length;
    const w = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    for (let i = 0; i < m; i++) for (let p = graph.offsets[i]!; p < graph.offsets[i + 1]!; p++) w[i]![graph.targets[p]!] = graph.weights[p]!;
    const degree = w.map((row) => row.reduce((a, b) => a + b, 0));
    const a = w.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) - (SPREAD_ALPHA * v) / Math.sqrt(degree[i]! * degree[j]!)));
    const f = spreadLabels(graph, labeled, labels, 2);
    for (let c = 0; c < 2; c++) {
      // Each class's column of Y is divided by its label count.
      const y = graph.rows.reduce<number[]>((acc, row, i) => {
        const at = labeled.indexOf(row);
        acc[i] = at >= 0 && labels[at] === c ? 1 / labels.filter((l) => l === c).length : 0;
        return acc;
      }, []);
      const exact = solve(a, y).map((v) => (1 - SPREAD_ALPHA) * v);
      for (let i = 0; i < m; i++) expect(f[i * 2 + c]).toBeCloseTo(exact[i]!, 5);
    }
  });

  it('follows the data: each line takes the label of its own end, not of the nearest labeled point', () => {
    const embedding = twoLines(50); // lines 2.45 long, 1 apart
    const labeled = [0, 99]; // left end of line 0, right end of line 1
    const f = spreadLabels(spreadGraph(embedding, labeled), labeled, [0, 1], 2);
    // The right end of line 0 (row 49) is 1 from row 99 and 2.45 from row 0.
    for (let i = 0; i < 100; i++) {
      const expected = i < 50 ? 0 : 1;
      expect(f[i * 2 + expected]! > f[i * 2 + 1 - expected]!, `row ${i}`).toBe(true);
    }
  });

  it('mixes the spread distribution half and half with the head, keeping rows no label reaches', () => {
    // Two far-apart clumps; only the first holds a label.
    const points: [number, number][] = [];
    for (let i = 0; i < 20; i++) points.push([i * 0.01, 0]);
    for (let i = 0; i < 20; i++) points.push([100 + i * 0.01, 0]);
    const embedding = embeddingOf(points);
    const head = new Float32Array(40 * 2).fill(0.5);
    const mixed = mixSpreadProbabilities(embedding, head, [0], [1], 2);
    for (let i = 0; i < 20; i++) {
      expect(mixed[i * 2]).toBeCloseTo(0.25, 6);
      expect(mixed[i * 2 + 1]).toBeCloseTo(0.75, 6);
    }
    for (let i = 20; i < 40; i++) expect([mixed[i * 2], mixed[i * 2 + 1]]).toEqual([0.5, 0.5]);
    expect(head[0]).toBe(0.5);
  });

  it('bounds the graph by a sample in a large pool and still holds every labeled row', () => {
    const points: [number, number][] = Array.from({ length: MAX_GRAPH_NODES + 400 }, (_, i) => [Math.sin(i) * 10, Math.cos(i * 1.3) * 10]);
    const embedding = embeddingOf(points);
    const labeled = Array.from({ length: 40 }, (_, i) => i * 100);
    const graph = spreadGraph(embedding, labeled);
    const rows = new Set(graph.rows);
    expect(rows.size).toBe(graph.rows.length);
    expect(graph.rows.length).toBeLessThanOrEqual(MAX_GRAPH_NODES + labeled.length);
    for (const row of labeled) expect(rows.has(row)).toBe(true);
    const f = spreadLabels(graph, labeled, labeled.map((_, i) => i % 3), 3);
    expect(f.every(Number.isFinite)).toBe(true);
  });

  it('refuses mismatched labels and class indices out of range', () => {
    const embedding = twoLines(10);
    const graph = spreadGraph(embedding, [0]);
    expect(() => spreadLabels(graph, [0, 1], [0], 2)).toThrow(/one class per labeled row/);
    expect(() => spreadLabels(graph, [0], [2], 2)).toThrow(/not a class index below 2/);
    expect(() => mixSpreadProbabilities(embedding, new Float32Array(3), [0], [0], 2)).toThrow(/pool needs 20 x 2/);
  });
});
