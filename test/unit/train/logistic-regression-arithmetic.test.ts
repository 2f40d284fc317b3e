/**
 * The light head's solver is faster than it was but must compute exactly the same numbers: the
 * study's results (bench/STUDY.md) rest on its arithmetic. This file keeps the straightforward
 * implementations the results were computed with (row by row, as first written) and checks,
 * bit for bit (Object.is on every value, so -0 and NaN count), that the objective, the row-space
 * basis and whole fits of logistic-regression.ts return what they return, on both of the
 * objective's kernels (WebAssembly SIMD and plain JavaScript).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import {
  featureStandardization,
  fitLogisticRegression,
  logisticObjective,
  logisticObjectiveOf,
  minimizeLbfgs,
  rowSpaceBasis,
  type FeatureStandardization,
  type LbfgsOptions,
  type LbfgsResult,
  type LogisticProblem,
  type ObjectiveKernel,
} from '../../../src-main/engine/train/logistic-regression';
import { SimdProducts, fitsInWasmMemory, logisticSimdModuleBytes, simdLayout } from '../../../src-main/engine/train/logistic-simd';

/** Both kernels, forced: each test runs on each (this runtime, Node 20, has WebAssembly SIMD). */
const KERNELS: readonly ObjectiveKernel[] = ['simd', 'javascript'];

/** The objective as first written: row by row, zero features skipped. */
function referenceObjective(problem: LogisticProblem, theta: Float64Array, grad: Float64Array): number {
  const { z, n, d, classCount: c, labels, rowWeights, alpha } = problem;
  const biasOffset = d * c;
  grad.fill(0);
  let f = 0;
  const logits = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let k = 0; k < c; k++) logits[k] = theta[biasOffset + k] as number;
    for (let j = 0; j < d; j++) {
      const x = z[row + j] as number;
      if (x === 0) continue;
      const w = j * c;
      for (let k = 0; k < c; k++) logits[k] = (logits[k] as number) + x * (theta[w + k] as number);
    }
    let max = -Infinity;
    for (let k = 0; k < c; k++) if ((logits[k] as number) > max) max = logits[k] as number;
    let sum = 0;
    for (let k = 0; k < c; k++) {
      const e = Math.exp((logits[k] as number) - max);
      logits[k] = e;
      sum += e;
    }
    const label = labels[i] as number;
    const weight = rowWeights[i] as number;
    f += weight * (Math.log(sum) - Math.log(logits[label] as number));
    for (let k = 0; k < c; k++) logits[k] = (weight * (logits[k] as number)) / sum - (k === label ? weight : 0);
    for (let j = 0; j < d; j++) {
      const x = z[row + j] as number;
      if (x === 0) continue;
      const w = j * c;
      for (let k = 0; k < c; k++) grad[w + k] = (grad[w + k] as number) + x * (logits[k] as number);
    }
    for (let k = 0; k < c; k++) grad[biasOffset + k] = (grad[biasOffset + k] as number) + (logits[k] as number);
  }
  for (let p = 0; p < biasOffset; p++) {
    const v = theta[p] as number;
    f += 0.5 * alpha * v * v;
    grad[p] = (grad[p] as number) + alpha * v;
  }
  return f;
}

/** Modified Gram-Schmidt as first written: one row at a time. */
function referenceRowSpaceBasis(z: Float64Array, n: number, d: number): { q: Float64Array; coords: Float64Array; rank: number } {
  const q: Float64Array[] = [];
  const coordRows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(z.subarray(i * d, (i + 1) * d));
    let norm0 = 0;
    for (let j = 0; j < d; j++) norm0 += (v[j] as number) ** 2;
    const coords: number[] = [];
    for (const basis of q) {
      let r = 0;
      for (let j = 0; j < d; j++) r += (basis[j] as number) * (v[j] as number);
      for (let j = 0; j < d; j++) v[j] = (v[j] as number) - r * (basis[j] as number);
      coords.push(r);
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (v[j] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm > 1e-10 * Math.sqrt(norm0) && norm > 0) {
      for (let j = 0; j < d; j++) v[j] = (v[j] as number) / norm;
      q.push(v);
      coords.push(norm);
    }
    coordRows.push(coords);
  }
  const rank = q.length;
  const coords = new Float64Array(n * rank);
  coordRows.forEach((row, i) => row.forEach((value, k) => (coords[i * rank + k] = value)));
  const basis = new Float64Array(rank * d);
  q.forEach((row, k) => basis.set(row, k * d));
  return { q: basis, coords, rank };
}

/** minimizeLbfgs as first written: separate passes, a new pair of arrays per iteration. */
function referenceDot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
function referenceMaxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

function referenceMinimizeLbfgs(
  objective: (theta: Float64Array, grad: Float64Array) => number,
  start: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const tolerance = options.gradientTolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.memory ?? 10;
  const p = start.length;
  let theta = Float64Array.from(start);
  let grad = new Float64Array(p);
  let value = objective(theta, grad);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const direction = new Float64Array(p);
  const alphas = new Float64Array(memory);
  let iterations = 0;
  let nextTheta = new Float64Array(p);
  let nextGrad = new Float64Array(p);
  while (iterations < maxIterations) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('Training was cancelled.');
    if (!Number.isFinite(value)) throw new Error(`Training diverged (objective ${value}).`);
    if (referenceMaxAbs(grad) <= tolerance * Math.max(1, Math.abs(value))) break;
    // Two-loop recursion: direction = -H grad.
    for (let i = 0; i < p; i++) direction[i] = -(grad[i] as number);
    for (let m = sList.length - 1; m >= 0; m--) {
      const a = (rhoList[m] as number) * referenceDot(sList[m] as Float64Array, direction);
      alphas[m] = a;
      const y = yList[m] as Float64Array;
      for (let i = 0; i < p; i++) direction[i] = (direction[i] as number) - a * (y[i] as number);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = referenceDot(sList[last] as Float64Array, yList[last] as Float64Array) / referenceDot(yList[last] as Float64Array, yList[last] as Float64Array);
      for (let i = 0; i < p; i++) direction[i] = (direction[i] as number) * gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(referenceDot(grad, grad)));
      for (let i = 0; i < p; i++) direction[i] = (direction[i] as number) * scale;
    }
    for (let m = 0; m < sList.length; m++) {
      const b = (rhoList[m] as number) * referenceDot(yList[m] as Float64Array, direction);
      const s = sList[m] as Float64Array;
      const a = alphas[m] as number;
      for (let i = 0; i < p; i++) direction[i] = (direction[i] as number) + (a - b) * (s[i] as number);
    }
    let slope = referenceDot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (round-off): restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      for (let i = 0; i < p; i++) direction[i] = -(grad[i] as number);
      slope = referenceDot(grad, direction);
    }
    let step = 1;
    let nextValue = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < p; i++) nextTheta[i] = (theta[i] as number) + step * (direction[i] as number);
      nextValue = objective(nextTheta, nextGrad);
      if (Number.isFinite(nextValue) && nextValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    iterations++;
    if (!(nextValue <= value)) break; // no progress possible at machine precision
    const s = new Float64Array(p);
    const y = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      s[i] = (nextTheta[i] as number) - (theta[i] as number);
      y[i] = (nextGrad[i] as number) - (grad[i] as number);
    }
    const sy = referenceDot(s, y);
    if (sy > 1e-12 * Math.sqrt(referenceDot(s, s) * referenceDot(y, y))) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    }
    const relativeChange = (value - nextValue) / Math.max(1, Math.abs(value));
    [theta, nextTheta] = [nextTheta, theta];
    [grad, nextGrad] = [nextGrad, grad];
    value = nextValue;
    if (relativeChange < 1e-15) break; // f no longer changes in Float64
  }
  const gradientNorm = referenceMaxAbs(grad);
  return { theta, value, iterations, gradientNorm, converged: gradientNorm <= tolerance * Math.max(1, Math.abs(value)) };
}

/** fitLogisticRegression as first written, from standardisation to the raw-space layer. */
function referenceFit(
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  stats: FeatureStandardization,
  c: number,
  rowWeights: ArrayLike<number>,
  startKernel: ArrayLike<number>,
  startBias: ArrayLike<number>,
): { kernel: Float64Array; bias: Float64Array; value: number; iterations: number; gradientNorm: number } {
  const d = stats.mean.length;
  const n = labels.length;
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[i * d + j] = ((x[i * d + j] as number) - (stats.mean[j] as number)) / (stats.std[j] as number);
  }
  const problem: LogisticProblem = { z, n, d, classCount: c, labels: Int32Array.from(labels), rowWeights: Float64Array.from(rowWeights), alpha: 1 };
  const fold = (w: Float64Array, b: Float64Array): { kernel: Float64Array; bias: Float64Array } => {
    const kernel = new Float64Array(d * c);
    const bias = new Float64Array(c);
    for (let k = 0; k < c; k++) {
      let shift = 0;
      for (let j = 0; j < d; j++) {
        const v = (w[j * c + k] as number) / (stats.std[j] as number);
        kernel[j * c + k] = v;
        shift += v * (stats.mean[j] as number);
      }
      bias[k] = (b[k] as number) - shift;
    }
    return { kernel, bias };
  };
  if (n >= d) {
    const start = new Float64Array(d * c + c);
    for (let k = 0; k < c; k++) {
      let shift = 0;
      for (let j = 0; j < d; j++) {
        const w = startKernel[j * c + k] as number;
        start[j * c + k] = w * (stats.std[j] as number);
        shift += w * (stats.mean[j] as number);
      }
      start[d * c + k] = (startBias[k] as number) + shift;
    }
    const result = referenceMinimizeLbfgs((t, g) => referenceObjective(problem, t, g), start);
    return { ...fold(result.theta.subarray(0, d * c), result.theta.subarray(d * c)), value: result.value, iterations: result.iterations, gradientNorm: result.gradientNorm };
  }
  const { q, coords, rank } = referenceRowSpaceBasis(z, n, d);
  const reduced: LogisticProblem = { ...problem, z: coords, d: rank };
  const start = new Float64Array(rank * c + c);
  for (let k = 0; k < c; k++) {
    let shift = 0;
    for (let j = 0; j < d; j++) shift += (startKernel[j * c + k] as number) * (stats.mean[j] as number);
    start[rank * c + k] = (startBias[k] as number) + shift;
    for (let r = 0; r < rank; r++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += (q[r * d + j] as number) * (startKernel[j * c + k] as number) * (stats.std[j] as number);
      start[r * c + k] = v;
    }
  }
  const result = referenceMinimizeLbfgs((t, g) => referenceObjective(reduced, t, g), start);
  const w = new Float64Array(d * c);
  for (let r = 0; r < rank; r++) {
    for (let k = 0; k < c; k++) {
      const a = result.theta[r * c + k] as number;
      if (a === 0) continue;
      for (let j = 0; j < d; j++) w[j * c + k] = (w[j * c + k] as number) + a * (q[r * d + j] as number);
    }
  }
  return { ...fold(w, result.theta.subarray(rank * c)), value: result.value, iterations: result.iterations, gradientNorm: result.gradientNorm };
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  const differing: string[] = [];
  for (let p = 0; p < expected.length; p++) if (!Object.is(actual[p], expected[p])) differing.push(`[${p}] ${actual[p]} vs ${expected[p]}`);
  expect(differing.slice(0, 5)).toEqual([]);
}

function gaussianish(random: () => number): number {
  return random() + random() + random() - 1.5;
}

interface Shape {
  n: number;
  d: number;
  c: number;
  /** Fraction of exact zeros (half of them -0) among the features. */
  zeros?: number;
  /** Row i keeps only its first (i + 1) features, as the row-space coordinates do. */
  triangular?: boolean;
}

function randomProblem({ n, d, c, zeros = 0, triangular = false }: Shape, seed: number): LogisticProblem {
  const random = mulberry32(seed);
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      if (triangular && j > i) continue;
      const u = random();
      z[i * d + j] = u < zeros / 2 ? 0 : u < zeros ? -0 : 3 * gaussianish(random);
    }
  }
  const labels = Int32Array.from({ length: n }, () => Math.floor(random() * c));
  // Class-balanced-like weights, a few zero, with 1/8 for symmetry views.
  const rowWeights = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : (0.5 + random() * 2) / (i % 2 ? 8 : 1)));
  return { z, n, d, classCount: c, labels, rowWeights, alpha: 0.3 + random() };
}

function randomTheta(length: number, scale: number, random: () => number): Float64Array {
  return Float64Array.from({ length }, () => scale * gaussianish(random));
}

const SHAPES: Shape[] = [
  { n: 1, d: 1, c: 2 },
  { n: 3, d: 5, c: 2 },
  { n: 9, d: 20, c: 2, zeros: 0.2 },
  { n: 37, d: 11, c: 3 },
  { n: 40, d: 12, c: 8 },
  { n: 42, d: 13, c: 5, zeros: 0.5 },
  { n: 6, d: 6, c: 4 },
  { n: 23, d: 23, c: 7, triangular: true },
  { n: 30, d: 10, c: 9, triangular: true },
  // SIMD lanes: one class (a padding lane), 10 classes (two pairs at a time, then one), odd d,
  // n not a multiple of 4.
  { n: 7, d: 9, c: 1 },
  { n: 14, d: 5, c: 1, zeros: 0.3 },
  { n: 33, d: 17, c: 10, zeros: 0.2 },
  { n: 26, d: 3, c: 10, triangular: true },
  { n: 45, d: 31, c: 2, zeros: 0.1 },
];

describe('the light head’s arithmetic, bit for bit', () => {
  it.each(KERNELS)('logisticObjectiveOf (%s) returns the reference’s value and gradient, over repeated evaluations', (kernel) => {
    SHAPES.forEach((shape, s) => {
      const problem = randomProblem(shape, 100 + s);
      const objective = logisticObjectiveOf(problem, kernel);
      expect(objective.kernel).toBe(kernel);
      const random = mulberry32(200 + s);
      const p = shape.d * shape.c + shape.c;
      // Small and large weights: logits up to several hundred exercise the shift by the maximum.
      for (const scale of [0, 0.01, 0.3, 3, 40]) {
        const theta = randomTheta(p, scale, random);
        const expectedGrad = new Float64Array(p);
        const actualGrad = new Float64Array(p).fill(7);
        const expected = referenceObjective(problem, theta, expectedGrad);
        expect(Object.is(objective(theta, actualGrad), expected)).toBe(true);
        expectSameBits(actualGrad, expectedGrad);
        // The exported one-shot form is the same arithmetic.
        const oneShotGrad = new Float64Array(p);
        expect(Object.is(logisticObjective(problem, theta, oneShotGrad), expected)).toBe(true);
        expectSameBits(oneShotGrad, expectedGrad);
      }
    });
  });

  it.each(KERNELS)('agrees where the numbers stop being finite (%s): infinite or NaN weights, overflowing logits, zero weights', (kernel) => {
    const shape = { n: 13, d: 6, c: 3, zeros: 0.3 };
    const problem = randomProblem(shape, 7);
    const objective = logisticObjectiveOf(problem, kernel);
    const random = mulberry32(8);
    const p = shape.d * shape.c + shape.c;
    const cases: Float64Array[] = [];
    for (const bad of [Infinity, -Infinity, NaN, 1e308, -1e308]) {
      for (const at of [0, 5, p - 1]) {
        const theta = randomTheta(p, 1, random);
        theta[at] = bad;
        cases.push(theta);
      }
    }
    cases.push(new Float64Array(p).fill(1e200));
    cases.push(new Float64Array(p));
    for (const theta of cases) {
      const expectedGrad = new Float64Array(p);
      const actualGrad = new Float64Array(p);
      const expected = referenceObjective(problem, theta, expectedGrad);
      expect(Object.is(objective(theta, actualGrad), expected)).toBe(true);
      expectSameBits(actualGrad, expectedGrad);
    }
    // One row's logit overflows (its residuals are NaN); its zero feature leaves the other
    // rows' gradient there finite in the reference.
    const single: LogisticProblem = {
      z: Float64Array.from([5, 0, 1, 0, 2, 1, 0, 3, 1, 0, -1, 2, 0, 1, 1]),
      n: 5,
      d: 3,
      classCount: 2,
      labels: Int32Array.from([0, 1, 1, 0, 1]),
      rowWeights: Float64Array.from([1, 1, 0.5, 1, 2]),
      alpha: 1,
    };
    const theta = Float64Array.from([1e308, 0, 0.5, -0.5, 0.1, 0.2, 0, 0]);
    const expectedGrad = new Float64Array(8);
    const actualGrad = new Float64Array(8);
    const expected = referenceObjective(single, theta, expectedGrad);
    expect(Number.isNaN(expected) && Number.isFinite(expectedGrad[2])).toBe(true);
    expect(Object.is(logisticObjectiveOf(single, kernel)(theta, actualGrad), expected)).toBe(true);
    expectSameBits(actualGrad, expectedGrad);
  });

  it.each(KERNELS)('L-BFGS takes the same steps as first written (%s): same iterations, same theta', (kernel) => {
    for (const [s, shape] of [{ n: 64, d: 10, c: 4 }, { n: 21, d: 21, c: 2, triangular: true }, { n: 50, d: 7, c: 3, zeros: 0.3 }, { n: 39, d: 9, c: 10 }].entries()) {
      const problem = randomProblem(shape, 300 + s);
      const start = randomTheta(shape.d * shape.c + shape.c, 0.1, mulberry32(400 + s));
      for (const memory of [10, 3]) {
        const expected = referenceMinimizeLbfgs((t, g) => referenceObjective(problem, t, g), start, { gradientTolerance: 1e-9, memory });
        const actual = minimizeLbfgs(logisticObjectiveOf(problem, kernel), start, { gradientTolerance: 1e-9, memory });
        expect(actual.iterations).toBe(expected.iterations);
        expect(actual.iterations).toBeGreaterThan(memory + 5);
        expect(Object.is(actual.value, expected.value)).toBe(true);
        expect(Object.is(actual.gradientNorm, expected.gradientNorm)).toBe(true);
        expectSameBits(actual.theta, expected.theta);
      }
    }
  });

  it('L-BFGS takes the same steps on non-convex functions, where steps backtrack and pairs are refused', () => {
    // Rosenbrock in 12 dimensions from a far start; and a sum of -cos started where it is
    // concave, so that early pairs have s·y < 0 and are not stored (4 of them, in the original).
    const rosenbrock = (t: Float64Array, g: Float64Array): number => {
      g.fill(0);
      let f = 0;
      for (let i = 0; i + 1 < t.length; i++) {
        const a = (t[i + 1] as number) - (t[i] as number) ** 2;
        const b = 1 - (t[i] as number);
        f += 100 * a * a + b * b;
        g[i] = (g[i] as number) - 400 * (t[i] as number) * a - 2 * b;
        g[i + 1] = (g[i + 1] as number) + 200 * a;
      }
      return f;
    };
    const cosines = (t: Float64Array, g: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < t.length; i++) {
        const x = t[i] as number;
        const w = 1 + (i % 5) / 2;
        f += -w * Math.cos(x) + 0.01 * x * x;
        g[i] = w * Math.sin(x) + 0.02 * x;
      }
      return f;
    };
    const cases = [
      { objective: rosenbrock, start: Float64Array.from({ length: 12 }, (_, i) => (i % 2 ? 2.5 : -1.8)) },
      { objective: cosines, start: Float64Array.from({ length: 20 }, (_, i) => 2.6 + 0.02 * i) },
    ];
    for (const { objective, start } of cases) {
      for (const memory of [10, 3]) {
        let evaluations = 0;
        const counted = (t: Float64Array, g: Float64Array): number => {
          evaluations++;
          return objective(t, g);
        };
        const expected = referenceMinimizeLbfgs(counted, start, { gradientTolerance: 1e-10, memory });
        const actual = minimizeLbfgs(objective, start, { gradientTolerance: 1e-10, memory });
        expect(evaluations).toBeGreaterThan(expected.iterations + 1);
        expect(actual.iterations).toBe(expected.iterations);
        expect(Object.is(actual.value, expected.value)).toBe(true);
        expectSameBits(actual.theta, expected.theta);
      }
    }
  });

  it('rowSpaceBasis returns the reference’s basis, coordinates and rank, also for dependent and zero rows', () => {
    const random = mulberry32(11);
    const shapes: { n: number; d: number }[] = [
      { n: 1, d: 4 },
      { n: 2, d: 9 },
      { n: 5, d: 9 },
      { n: 8, d: 30 },
      { n: 13, d: 7 },
      { n: 19, d: 40 },
    ];
    for (const { n, d } of shapes) {
      const z = Float64Array.from({ length: n * d }, () => gaussianish(random));
      // A repeated row, a combination of two rows and a zero row leave the rank short.
      if (n > 3) {
        z.copyWithin(2 * d, 0, d);
        for (let j = 0; j < d; j++) z[3 * d + j] = 0.5 * (z[j] as number) - 2 * (z[d + j] as number);
      }
      if (n > 5) z.fill(0, 5 * d, 6 * d);
      const expected = referenceRowSpaceBasis(z, n, d);
      const actual = rowSpaceBasis(z, n, d);
      expect(actual.rank).toBe(expected.rank);
      expectSameBits(actual.q, expected.q);
      expectSameBits(actual.coords, expected.coords);
    }
  });

  it.each(KERNELS)('fitLogisticRegression (%s) returns the reference fit, in the primal and in the rows’ span', (kernel) => {
    for (const [s, { n, d, c }] of [
      { n: 45, d: 6, c: 3 },
      { n: 14, d: 20, c: 4 },
      { n: 9, d: 9, c: 2 },
      { n: 23, d: 7, c: 1 },
      { n: 61, d: 11, c: 10 },
      { n: 19, d: 33, c: 8 },
    ].entries()) {
      const random = mulberry32(500 + s);
      const x = Float32Array.from({ length: n * d }, (_, p) => Math.max(0, gaussianish(random) + (p % d) / d));
      const labels = Array.from({ length: n }, (_, i) => i % c);
      const stats = featureStandardization(x, d);
      const rowWeights = labels.map((_, i) => (1 + (i % 3)) / 8);
      const startKernel = Float32Array.from({ length: d * c }, () => 0.2 * gaussianish(random));
      const bias = Float32Array.from({ length: c }, () => gaussianish(random));
      const expected = referenceFit(x, labels, stats, c, rowWeights, startKernel, bias);
      const actual = fitLogisticRegression(x, labels, stats, { classCount: c, rowWeights, start: { kernel: startKernel, bias }, objectiveKernel: kernel });
      expect(actual.objectiveKernel).toBe(kernel);
      expect(actual.iterations).toBe(expected.iterations);
      expect(Object.is(actual.value, expected.value)).toBe(true);
      expect(Object.is(actual.gradientNorm, expected.gradientNorm)).toBe(true);
      expectSameBits(actual.kernel, expected.kernel);
      expectSameBits(actual.bias, expected.bias);
    }
  });

  it('the SIMD module is valid WebAssembly, and what the app runs by default here', () => {
    expect(WebAssembly.validate(logisticSimdModuleBytes())).toBe(true);
    const problem = randomProblem({ n: 10, d: 4, c: 3 }, 3);
    expect(logisticObjectiveOf(problem).kernel).toBe('simd');
    const x = Float32Array.from({ length: 40 }, (_, p) => (p * 7) % 5);
    const fit = fitLogisticRegression(x, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], featureStandardization(x, 4), { classCount: 3 });
    expect(fit.objectiveKernel).toBe('simd');
  });

  it('a problem of 2 MB grows the SIMD memory from its one page and returns the reference’s numbers; views follow a later growth', () => {
    // 1,003 rows (not a multiple of 4) of 257 features, 3 classes.
    const shape = { n: 1003, d: 257, c: 3, zeros: 0.1 };
    const problem = randomProblem(shape, 17);
    const objective = logisticObjectiveOf(problem, 'simd');
    const random = mulberry32(18);
    const p = shape.d * shape.c + shape.c;
    const check = (evaluate: (theta: Float64Array, grad: Float64Array) => number): void => {
      const theta = randomTheta(p, 0.05, random);
      const expectedGrad = new Float64Array(p);
      const actualGrad = new Float64Array(p);
      expect(Object.is(evaluate(theta, actualGrad), referenceObjective(problem, theta, expectedGrad))).toBe(true);
      expectSameBits(actualGrad, expectedGrad);
    };
    check(objective);
    const rowEnd = new Int32Array(shape.n).fill(shape.d);
    const products = SimdProducts.create(problem.z, shape.n, shape.d, shape.c, rowEnd);
    if (!products) throw new Error('SIMD is available here.');
    expect(products.memory.buffer.byteLength).toBeGreaterThanOrEqual(simdLayout(shape.n, shape.d, 2).bytes);
    expect(products.memory.buffer.byteLength).toBeGreaterThan(2_000_000);
    const theta = randomTheta(p, 0.05, random);
    const first = Float64Array.from(products.logitRows(theta));
    // Growing detaches the buffer the views were taken on; the next call must take new ones.
    const detached = products.memory.buffer;
    products.memory.grow(3);
    expect(detached.byteLength).toBe(0);
    expectSameBits(products.logitRows(theta), first);
    const grown = products.gradientByPair();
    expect(grown.buffer).toBe(products.memory.buffer);
    expect(grown.length).toBe(4 * shape.d);
  });

  it('sizes up to 100,000 rows x 1,024 features fit in a WebAssembly memory; what does not fit is left to JavaScript', () => {
    expect(fitsInWasmMemory(100_000, 1024, 20)).toBe(true);
    expect(fitsInWasmMemory(600_000, 1024, 2)).toBe(false);
  });

  describe('without WebAssembly SIMD', () => {
    afterEach(() => {
      vi.restoreAllMocks();
      vi.resetModules();
    });

    it('computes in JavaScript when the module does not validate, and says so when SIMD is asked for', async () => {
      vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
      vi.resetModules();
      const fresh = await import('../../../src-main/engine/train/logistic-regression');
      const problem = randomProblem({ n: 11, d: 5, c: 3 }, 5);
      const objective = fresh.logisticObjectiveOf(problem);
      expect(objective.kernel).toBe('javascript');
      const theta = randomTheta(18, 0.5, mulberry32(6));
      const [expectedGrad, actualGrad] = [new Float64Array(18), new Float64Array(18)];
      expect(Object.is(objective(theta, actualGrad), referenceObjective(problem, theta, expectedGrad))).toBe(true);
      expectSameBits(actualGrad, expectedGrad);
      expect(() => fresh.logisticObjectiveOf(problem, 'simd')).toThrow(/no WebAssembly SIMD/);
    });

    it('computes in JavaScript when the memory cannot grow to the problem', () => {
      vi.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(() => {
        throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
      });
      const problem = randomProblem({ n: 300, d: 40, c: 4 }, 9);
      expect(logisticObjectiveOf(problem).kernel).toBe('javascript');
      expect(() => logisticObjectiveOf(problem, 'simd')).toThrow(/300 rows of 40 features do not fit/);
    });
  });

  it('refuses a problem whose sizes or labels do not fit', () => {
    const problem = randomProblem({ n: 4, d: 3, c: 2 }, 1);
    expect(() => logisticObjectiveOf({ ...problem, labels: Int32Array.from([0, 1, 2, 0]) })).toThrow(/Label 2/);
    expect(() => logisticObjectiveOf({ ...problem, n: 5 })).toThrow(/12 standardised values for 5 rows of 3/);
    expect(() => logisticObjectiveOf(problem)(new Float64Array(3), new Float64Array(3))).toThrow(/hold 8 values/);
  });
});
