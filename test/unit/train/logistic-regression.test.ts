import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random';
import {
  featureStandardization,
  fitLogisticRegression,
  logisticObjective,
  minimizeLbfgs,
  type LogisticProblem,
} from '../../../src-main/engine/train/logistic-regression';

function gaussianish(random: () => number): number {
  return random() + random() + random() - 1.5;
}

/** n rows of d features in c classes: class means apart, noise, an offset and a scale per feature. */
function syntheticProblem(n: number, d: number, c: number, seed: number): { x: Float64Array; labels: Int32Array } {
  const random = mulberry32(seed);
  const means = Array.from({ length: c }, () => Array.from({ length: d }, () => 2 * gaussianish(random)));
  const x = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % c;
    labels[i] = label;
    for (let j = 0; j < d; j++) x[i * d + j] = 5 + (j + 1) * ((means[label]?.[j] as number) + 1.5 * gaussianish(random));
  }
  return { x, labels };
}

function problemOf(x: Float64Array, labels: Int32Array, d: number, c: number, alpha: number): LogisticProblem {
  const stats = featureStandardization(x, d);
  const n = labels.length;
  const z = Float64Array.from(x, (v, p) => (v - (stats.mean[p % d] as number)) / (stats.std[p % d] as number));
  return { z, n, d, classCount: c, labels, rowWeights: Float64Array.from({ length: n }, (_, i) => 1 + (i % 3) / 2), alpha };
}

describe('multinomial logistic regression (L-BFGS, Float64)', () => {
  it('has an analytic gradient that matches central finite differences', () => {
    const d = 5;
    const c = 3;
    const { x, labels } = syntheticProblem(30, d, c, 1);
    const problem = problemOf(x, labels, d, c, 0.7);
    const random = mulberry32(9);
    const theta = Float64Array.from({ length: d * c + c }, () => gaussianish(random));
    const grad = new Float64Array(theta.length);
    logisticObjective(problem, theta, grad);
    const scratch = new Float64Array(theta.length);
    const h = 1e-6;
    for (let p = 0; p < theta.length; p++) {
      const plus = Float64Array.from(theta);
      plus[p] = (plus[p] as number) + h;
      const minus = Float64Array.from(theta);
      minus[p] = (minus[p] as number) - h;
      const numeric = (logisticObjective(problem, plus, scratch) - logisticObjective(problem, minus, scratch)) / (2 * h);
      expect(grad[p]).toBeCloseTo(numeric, 5);
    }
  });

  it('reaches the optimum a plain gradient descent reference reaches, with a vanishing gradient', () => {
    const d = 4;
    const c = 3;
    const { x, labels } = syntheticProblem(40, d, c, 2);
    const problem = problemOf(x, labels, d, c, 1);
    const objective = (theta: Float64Array, grad: Float64Array): number => logisticObjective(problem, theta, grad);
    const result = minimizeLbfgs(objective, new Float64Array(d * c + c), { gradientTolerance: 1e-9 });
    expect(result.converged).toBe(true);
    // Reference: fixed-step gradient descent, run far past convergence.
    const reference = new Float64Array(d * c + c);
    const grad = new Float64Array(reference.length);
    for (let step = 0; step < 40_000; step++) {
      objective(reference, grad);
      for (let p = 0; p < reference.length; p++) reference[p] = (reference[p] as number) - 0.01 * (grad[p] as number);
    }
    for (let p = 0; p < reference.length; p++) expect(result.theta[p]).toBeCloseTo(reference[p] as number, 6);
    expect(result.gradientNorm).toBeLessThan(1e-7);
  });

  it('folds the standardisation into raw-space weights that give the same logits', () => {
    const d = 6;
    const c = 4;
    const { x, labels } = syntheticProblem(48, d, c, 3);
    const stats = featureStandardization(x, d);
    const fit = fitLogisticRegression(x, labels, stats, { classCount: c, lbfgs: { gradientTolerance: 1e-10 } });
    const problem = problemOf(x, labels, d, c, 1);
    problem.rowWeights.fill(1);
    const direct = minimizeLbfgs((t, g) => logisticObjective(problem, t, g), new Float64Array(d * c + c), { gradientTolerance: 1e-10 });
    for (let i = 0; i < 48; i++) {
      for (let k = 0; k < c; k++) {
        let raw = fit.bias[k] as number;
        let standard = direct.theta[d * c + k] as number;
        for (let j = 0; j < d; j++) {
          raw += (x[i * d + j] as number) * (fit.kernel[j * c + k] as number);
          standard += (problem.z[i * d + j] as number) * (direct.theta[j * c + k] as number);
        }
        expect(raw).toBeCloseTo(standard, 5);
      }
    }
  });

  it('reaches the same optimum from a warm start, in fewer iterations', () => {
    const d = 8;
    const c = 3;
    const { x, labels } = syntheticProblem(90, d, c, 4);
    const stats = featureStandardization(x, d);
    const first = fitLogisticRegression(x.subarray(0, 60 * d), labels.subarray(0, 60), stats, { classCount: c });
    const cold = fitLogisticRegression(x, labels, stats, { classCount: c, lbfgs: { gradientTolerance: 1e-9 } });
    const warm = fitLogisticRegression(x, labels, stats, { classCount: c, start: first, lbfgs: { gradientTolerance: 1e-9 } });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    for (let p = 0; p < cold.kernel.length; p++) expect(warm.kernel[p]).toBeCloseTo(cold.kernel[p] as number, 4);
  });

  it('solves fewer rows than features in the rows’ span, to the primal optimum', () => {
    const d = 24;
    const c = 3;
    const { x, labels } = syntheticProblem(12, d, c, 6);
    const stats = featureStandardization(x, d);
    const fit = fitLogisticRegression(x, labels, stats, { classCount: c, lbfgs: { gradientTolerance: 1e-10 } });
    const problem = problemOf(x, labels, d, c, 1);
    problem.rowWeights.fill(1);
    const primal = minimizeLbfgs((t, g) => logisticObjective(problem, t, g), new Float64Array(d * c + c), { gradientTolerance: 1e-10 });
    expect(fit.value).toBeCloseTo(primal.value, 8);
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < c; k++) expect((fit.kernel[j * c + k] as number) * (stats.std[j] as number)).toBeCloseTo(primal.theta[j * c + k] as number, 4);
    }
  });

  it('stays finite and regularised on separable data with two labels', () => {
    const x = Float64Array.from([0, 1, 10, 11]);
    const fit = fitLogisticRegression(x, [0, 1], featureStandardization(x, 2), { classCount: 2 });
    expect(fit.converged).toBe(true);
    expect(Array.from(fit.kernel).every(Number.isFinite)).toBe(true);
    // The penalty keeps the standardised weights small: |w std| well below 10.
    expect(Math.abs((fit.kernel[0] as number) * 5)).toBeLessThan(2);
  });

  it('refuses labels outside the classes and rows that do not fit', () => {
    const x = Float64Array.from([0, 1, 2, 3]);
    const stats = featureStandardization(x, 2);
    expect(() => fitLogisticRegression(x, [0, 2], stats, { classCount: 2 })).toThrow(/Label 2/);
    expect(() => fitLogisticRegression(x, [0], stats, { classCount: 2 })).toThrow(/4 feature values for 1 rows/);
    expect(() => featureStandardization(x, 3)).toThrow(/whole rows/);
  });
});
