/**
 * The light head on real photos at 10, 20, 50 and 200 labels (hymenoptera, MobileNet v1
 * 0.25, pooled layer B): fineTune's multinomial logistic regression on pool-standardised
 * features against an independent reference solution of the same problem — binary
 * logistic regression solved by Newton's method with an exact Hessian (two classes: the
 * multinomial optimum has w_bees = -w_ants, so the logit difference is a binary model with
 * half the penalty). The two must give the same logits and the same test accuracy; the
 * accuracies are printed for bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed, mulberry32, randomIndex } from '../../../src-main/core/seeded-random';
import { poolStandardization } from '../../../src-main/engine/loop/train-on-pool';
import type { SimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import { inverseFrequencyClassWeights } from '../../../src-main/engine/train/class-weights';
import { fineTune } from '../../../src-main/engine/train/fine-tune';
import { HYMENOPTERA_MISSING, hymenopteraAvailable, hymenopteraFeatures } from '../../support/hymenoptera-features';

/** Binary L2 logistic regression (penalty (lambda/2)|w|^2, bias free) by Newton's method: [w..., b]. */
function newtonBinary(z: Float64Array, y: Uint8Array, weights: Float64Array, d: number, lambda: number): Float64Array {
  const n = y.length;
  const p = d + 1;
  const theta = new Float64Array(p);
  for (let iteration = 0; iteration < 50; iteration++) {
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      let t = theta[d] as number;
      for (let j = 0; j < d; j++) t += (z[i * d + j] as number) * (theta[j] as number);
      const q = 1 / (1 + Math.exp(-t));
      const w = weights[i] as number;
      const r = w * (q - (y[i] as number));
      const s = w * q * (1 - q);
      for (let j = 0; j <= d; j++) {
        const xj = j === d ? 1 : (z[i * d + j] as number);
        grad[j] = (grad[j] as number) + r * xj;
        for (let k = 0; k <= j; k++) {
          const xk = k === d ? 1 : (z[i * d + k] as number);
          hess[j * p + k] = (hess[j * p + k] as number) + s * xj * xk;
        }
      }
    }
    for (let j = 0; j < d; j++) {
      grad[j] = (grad[j] as number) + lambda * (theta[j] as number);
      hess[j * p + j] = (hess[j * p + j] as number) + lambda;
    }
    hess[d * p + d] = (hess[d * p + d] as number) + 1e-12;
    // Cholesky solve H delta = grad (H symmetric positive definite; lower triangle filled).
    const l = new Float64Array(p * p);
    for (let j = 0; j < p; j++) {
      let sum = hess[j * p + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[j * p + k] as number) ** 2;
      const diag = Math.sqrt(sum);
      l[j * p + j] = diag;
      for (let i = j + 1; i < p; i++) {
        let v = hess[i * p + j] as number;
        for (let k = 0; k < j; k++) v -= (l[i * p + k] as number) * (l[j * p + k] as number);
        l[i * p + j] = v / diag;
      }
    }
    const u = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let v = grad[i] as number;
      for (let k = 0; k < i; k++) v -= (l[i * p + k] as number) * (u[k] as number);
      u[i] = v / (l[i * p + i] as number);
    }
    const delta = new Float64Array(p);
    for (let i = p - 1; i >= 0; i--) {
      let v = u[i] as number;
      for (let k = i + 1; k < p; k++) v -= (l[k * p + i] as number) * (delta[k] as number);
      delta[i] = v / (l[i * p + i] as number);
    }
    let step = 0;
    for (let j = 0; j < p; j++) {
      theta[j] = (theta[j] as number) - (delta[j] as number);
      step = Math.max(step, Math.abs(delta[j] as number));
    }
    if (step < 1e-12) break;
  }
  return theta;
}

let work: string;
let features: SimulationFeatures;

describe.skipIf(!hymenopteraAvailable)(`light head on real photos, few labels${hymenopteraAvailable ? '' : ` (${HYMENOPTERA_MISSING})`}`, () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'adma-light-head-'));
    features = await hymenopteraFeatures(work);
  }, 600_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('matches a Newton reference at 10, 20, 50 and 200 labels and learns from 10', async () => {
    const n = features.labels.length;
    const d = features.featuresB.cols;
    const x = features.featuresB.data as Float32Array;
    const stats = poolStandardization({ data: x, rowShape: [d] });
    // A seeded order of the images; the first 200 of it train, the rest test.
    const order = Array.from({ length: n }, (_, i) => i);
    const random = mulberry32(deriveSeed(7, 1));
    for (let i = n - 1; i > 0; i--) {
      const j = randomIndex(random, i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const test = order.slice(200);
    const accuracies: string[] = [];
    for (const count of [10, 20, 50, 200]) {
      const train = order.slice(0, count);
      const labels = train.map((i) => features.labels[i] as number);
      if (new Set(labels).size < 2) throw new Error(`the first ${count} images hold one class`);
      const rows = new Float32Array(count * d);
      train.forEach((id, k) => rows.set(x.subarray(id * d, (id + 1) * d), k * d));
      const result = await fineTune({ features: rows, rowShape: [d], labels }, { mode: 'light', classes: features.classes, standardization: stats });
      // Reference on the same standardised rows and class weights.
      const z = new Float64Array(count * d);
      for (let k = 0; k < count; k++) for (let j = 0; j < d; j++) z[k * d + j] = ((rows[k * d + j] as number) - (stats.mean[j] as number)) / (stats.std[j] as number);
      const classWeights = inverseFrequencyClassWeights(labels, 2);
      const reference = newtonBinary(z, Uint8Array.from(labels), Float64Array.from(labels, (c) => classWeights[c] as number), d, 0.5);
      let agree = 0;
      let correct = 0;
      let worst = 0;
      for (const id of test) {
        let ours = (result.head.dense.bias[1] as number) - (result.head.dense.bias[0] as number);
        let theirs = reference[d] as number;
        for (let j = 0; j < d; j++) {
          const v = x[id * d + j] as number;
          ours += v * ((result.head.dense.kernel[j * 2 + 1] as number) - (result.head.dense.kernel[j * 2] as number));
          theirs += ((v - (stats.mean[j] as number)) / (stats.std[j] as number)) * (reference[j] as number);
        }
        worst = Math.max(worst, Math.abs(ours - theirs) / Math.max(1, Math.abs(theirs)));
        if (ours > 0 === theirs > 0) agree++;
        if ((ours > 0 ? 1 : 0) === features.labels[id]) correct++;
      }
      // Float32 storage of the folded weights bounds the agreement, not the solver.
      expect(worst, `${count} labels: largest relative logit difference`).toBeLessThan(1e-3);
      expect(agree).toBeGreaterThanOrEqual(test.length - 1);
      const accuracy = correct / test.length;
      accuracies.push(`${count}: ${(100 * accuracy).toFixed(1)}% (${result.epochs} L-BFGS iterations, ${result.millis.toFixed(0)} ms)`);
      if (count === 10) expect(accuracy).toBeGreaterThan(0.6);
    }
    process.stdout.write(`light head, hymenoptera, MobileNet 0.25, ${test.length} test photos: ${accuracies.join('; ')}\n`);
  }, 120_000);
});
