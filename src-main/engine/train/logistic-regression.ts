/**
 * The light head's solver: multinomial logistic regression on standardised features,
 * trained to convergence with L-BFGS in Float64.
 *
 * Objective, over the n labelled rows x_i (standardised: z = (x - mean) / std, with the
 * pool's statistics) with class weights w_i:
 *   f(W, b) = sum_i w_i * CE(softmax(z_i W + b), y_i) + (alpha / 2) * ||W||^2
 * The penalty is on the summed loss (as scikit-learn's C = 1 / alpha), so it weighs a lot
 * against 10 labels and little against 10,000: the regularisation shrinks with the data.
 * The bias is not penalised. f is strictly convex in W and convex in b, so L-BFGS from any
 * start (a warm start from the previous round is the usual one) reaches the same optimum.
 *
 * The result is folded back into the raw feature space, W' = W / std, b' = b - (mean/std) W,
 * so the stored head, prediction and export see an ordinary dense layer on raw features.
 */

import { SimdProducts, simdAvailable } from './logistic-simd';

export interface FeatureStandardization {
  /** Per-feature mean over the pool. */
  mean: Float64Array;
  /** Per-feature standard deviation over the pool (floored so constant features stay finite). */
  std: Float64Array;
}

/** Smallest standard deviation used; a feature constant over the pool is left unscaled. */
const MIN_STD = 1e-6;

/** Per-feature mean and standard deviation of `rows` row-major rows of length d. */
export function featureStandardization(data: ArrayLike<number>, d: number): FeatureStandardization {
  if (d <= 0 || data.length % d !== 0) throw new Error(`Feature array of ${data.length} values does not hold whole rows of ${d}.`);
  const n = data.length / d;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] = (mean[f] as number) + (data[i * d + f] as number);
  for (let f = 0; f < d; f++) mean[f] = n > 0 ? (mean[f] as number) / n : 0;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const v = (data[i * d + f] as number) - (mean[f] as number);
      std[f] = (std[f] as number) + v * v;
    }
  }
  for (let f = 0; f < d; f++) {
    const s = n > 0 ? Math.sqrt((std[f] as number) / n) : 1;
    std[f] = s > MIN_STD ? s : 1;
  }
  return { mean, std };
}

export interface LogisticProblem {
  /** n x d standardised features, row-major. */
  z: Float64Array;
  n: number;
  d: number;
  classCount: number;
  labels: Int32Array;
  /** Weight of each row (class-balanced weights, or 1). */
  rowWeights: Float64Array;
  /** L2 penalty on W. */
  alpha: number;
}

/**
 * Objective and gradient at theta = [W (d x C, row-major), b (C)]; the gradient is written
 * into `grad`. Log-sum-exp is shifted by the row maximum, so large logits stay finite.
 * This is the arithmetic of record, row by row; `logisticObjectiveOf` computes exactly the
 * same numbers faster and is what the solver uses.
 */
export function logisticObjective(problem: LogisticProblem, theta: Float64Array, grad: Float64Array): number {
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
    // CE = log sum exp - logit_y = log(sum) + max - logit_y; logits now hold exp(l - max).
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

/** Rows handled together by logisticObjectiveOf and rowSpaceBasis (their kernels are written for 4). */
const ROW_BLOCK = 4;

/**
 * Which code computes the objective's two products: WebAssembly SIMD (logistic-simd.ts) or
 * plain JavaScript. Both return the reference's numbers bit for bit; 'auto' (the default, what
 * the app and `adma simulate` run) takes SIMD where the runtime has it and the problem fits in
 * a WebAssembly memory, else JavaScript. Tests and the bench force one or the other.
 */
export type ObjectiveKernel = 'simd' | 'javascript';
export type ObjectiveKernelChoice = ObjectiveKernel | 'auto';

/** An objective prepared by logisticObjectiveOf, saying which kernel it runs. */
export type LogisticObjective = ((theta: Float64Array, grad: Float64Array) => number) & { readonly kernel: ObjectiveKernel };

/**
 * `logisticObjective` of one problem, prepared for the solver's many evaluations: the same
 * value and gradient, bit for bit, about 4x faster in V8's JavaScript and faster again on
 * WebAssembly SIMD (bench/README.md, "The light head's objective, faster"). `problem` must not
 * change while the function is in use. `kernel: 'simd'` throws where SIMD is not available or
 * the problem does not fit; 'auto' then falls back to JavaScript.
 *
 * Every floating-point sum is accumulated in the reference's order: a logit is its bias plus
 * x_j W_jk in ascending j, a gradient entry sums its rows in ascending i before the penalty, f
 * sums the rows in ascending i and then the penalty. What changes is only which loop runs
 * outside: rows go in blocks of 4 (one pass over a block's features for all its logits, kept
 * in registers 4 rows x 2 classes, then one pass for the gradient, 4 rows x 4 classes), W is
 * read transposed, and each row stops at its last nonzero feature (the row-space coordinates
 * are triangular). The reference skips zero features; here a zero feature x within a block's
 * span, and a padding row of a short last block (residuals 0), add x * w = ±0 instead. That
 * leaves every sum as it is while W and the residuals are finite: s + ±0 = s for s != 0, a
 * logit's sign of zero does not reach exp(l - max), and a gradient sum is never -0 (it starts
 * at +0 and x + y = 0 gives +0). So W is checked finite first, and a non-finite f (where a
 * residual may be NaN; a non-finite feature always makes f non-finite) is recomputed by the
 * reference: both then return exactly its numbers. The SIMD kernels do the same with lanes for
 * classes (logistic-simd.ts); the softmax, exp and log stay in JavaScript, shared.
 */
export function logisticObjectiveOf(problem: LogisticProblem, kernel: ObjectiveKernelChoice = 'auto'): LogisticObjective {
  const { z, n, d, classCount: c, labels, rowWeights } = problem;
  if (z.length !== n * d) throw new Error(`${z.length} standardised values for ${n} rows of ${d}.`);
  if (labels.length !== n || rowWeights.length !== n) throw new Error(`${labels.length} labels and ${rowWeights.length} row weights for ${n} rows.`);
  for (const label of labels) if (label < 0 || label >= c) throw new Error(`Label ${label} is not a class index in [0, ${c}).`);
  // Each row's span: its features up to the last nonzero one.
  const rowEnd = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let end = d;
    while (end > 0 && (z[i * d + end - 1] as number) === 0) end--;
    rowEnd[i] = end;
  }
  if (kernel !== 'javascript') {
    const products = SimdProducts.create(z, n, d, c, rowEnd);
    if (products) return Object.assign(simdObjective(problem, products), { kernel: 'simd' as const });
    if (kernel === 'simd') {
      throw new Error(simdAvailable() ? `${n} rows of ${d} features do not fit in a WebAssembly memory.` : 'This runtime has no WebAssembly SIMD.');
    }
  }
  return Object.assign(javascriptObjective(problem, rowEnd), { kernel: 'javascript' as const });
}

/**
 * A row's weighted cross-entropy from its logits at values[o, o + c), whose place it takes with
 * the row's residuals weight * softmax - weight * onehot(label): the reference's arithmetic.
 */
function softmaxResiduals(values: Float64Array, o: number, c: number, label: number, weight: number): number {
  let max = -Infinity;
  for (let k = 0; k < c; k++) if ((values[o + k] as number) > max) max = values[o + k] as number;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    const e = Math.exp((values[o + k] as number) - max);
    values[o + k] = e;
    sum += e;
  }
  // CE = log sum exp - logit_y = log(sum) + max - logit_y; values now hold exp(l - max).
  const loss = weight * (Math.log(sum) - Math.log(values[o + label] as number));
  for (let k = 0; k < c; k++) values[o + k] = (weight * (values[o + k] as number)) / sum - (k === label ? weight : 0);
  return loss;
}

/** f += the penalty, grad += its gradient (after the data part, as the reference). */
function addPenalty(f: number, theta: Float64Array, grad: Float64Array, weightCount: number, alpha: number): number {
  let value = f;
  for (let p = 0; p < weightCount; p++) {
    const v = theta[p] as number;
    value += 0.5 * alpha * v * v;
    grad[p] = (grad[p] as number) + alpha * v;
  }
  return value;
}

/** The objective on WebAssembly SIMD: logits and gradient by `products`, the rest as in javascriptObjective. */
function simdObjective(problem: LogisticProblem, products: SimdProducts): (theta: Float64Array, grad: Float64Array) => number {
  const { n, d, classCount: c, labels, rowWeights, alpha } = problem;
  const biasOffset = d * c;
  const stride = products.stride;
  return (theta, grad) => {
    if (theta.length !== biasOffset + c || grad.length !== theta.length) throw new Error(`theta and grad must hold ${biasOffset + c} values.`);
    for (let p = 0; p < theta.length; p++) if (!Number.isFinite(theta[p] as number)) return logisticObjective(problem, theta, grad);
    const rows = products.logitRows(theta);
    let f = 0;
    for (let k = 0; k < c; k++) grad[biasOffset + k] = 0;
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      f += softmaxResiduals(rows, o, c, labels[i] as number, rowWeights[i] as number);
      for (let k = 0; k < c; k++) grad[biasOffset + k] = (grad[biasOffset + k] as number) + (rows[o + k] as number);
    }
    if (!Number.isFinite(f)) return logisticObjective(problem, theta, grad);
    const byPair = products.gradientByPair();
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < c; k++) grad[j * c + k] = byPair[((k >> 1) * d + j) * 2 + (k & 1)] as number;
    }
    return addPenalty(f, theta, grad, biasOffset, alpha);
  };
}

/** The objective in plain JavaScript (see logisticObjectiveOf). */
function javascriptObjective(problem: LogisticProblem, rowEnd: Int32Array): (theta: Float64Array, grad: Float64Array) => number {
  const { z, n, d, classCount: c, labels, rowWeights, alpha } = problem;
  const biasOffset = d * c;
  const weightsByClass = new Float64Array(c * d);
  // Logits, then residuals (weight * softmax - weight * onehot), of the rows of one block.
  const block = new Float64Array(ROW_BLOCK * c);
  return (theta, grad) => {
    if (theta.length !== biasOffset + c || grad.length !== theta.length) throw new Error(`theta and grad must hold ${biasOffset + c} values.`);
    for (let p = 0; p < theta.length; p++) if (!Number.isFinite(theta[p] as number)) return logisticObjective(problem, theta, grad);
    for (let j = 0; j < d; j++) for (let k = 0; k < c; k++) weightsByClass[k * d + j] = theta[j * c + k] as number;
    grad.fill(0);
    let f = 0;
    for (let i = 0; i < n; i += ROW_BLOCK) {
      const rows = Math.min(ROW_BLOCK, n - i);
      // A short last block repeats its first row, with residuals 0.
      const z0 = i * d;
      const z1 = rows > 1 ? z0 + d : z0;
      const z2 = rows > 2 ? z0 + 2 * d : z0;
      const z3 = rows > 3 ? z0 + 3 * d : z0;
      let end = 0;
      for (let r = 0; r < rows; r++) end = Math.max(end, rowEnd[i + r] as number);
      let k = 0;
      for (; k + 2 <= c; k += 2) {
        const w0 = k * d;
        const w1 = w0 + d;
        const b0 = theta[biasOffset + k] as number;
        const b1 = theta[biasOffset + k + 1] as number;
        let l00 = b0, l01 = b1, l10 = b0, l11 = b1, l20 = b0, l21 = b1, l30 = b0, l31 = b1;
        for (let j = 0; j < end; j++) {
          const v0 = weightsByClass[w0 + j] as number;
          const v1 = weightsByClass[w1 + j] as number;
          const x0 = z[z0 + j] as number;
          const x1 = z[z1 + j] as number;
          const x2 = z[z2 + j] as number;
          const x3 = z[z3 + j] as number;
          l00 += x0 * v0;
          l01 += x0 * v1;
          l10 += x1 * v0;
          l11 += x1 * v1;
          l20 += x2 * v0;
          l21 += x2 * v1;
          l30 += x3 * v0;
          l31 += x3 * v1;
        }
        block[k] = l00;
        block[k + 1] = l01;
        block[c + k] = l10;
        block[c + k + 1] = l11;
        block[2 * c + k] = l20;
        block[2 * c + k + 1] = l21;
        block[3 * c + k] = l30;
        block[3 * c + k + 1] = l31;
      }
      for (; k < c; k++) {
        const w0 = k * d;
        const b0 = theta[biasOffset + k] as number;
        let l0 = b0, l1 = b0, l2 = b0, l3 = b0;
        for (let j = 0; j < end; j++) {
          const v0 = weightsByClass[w0 + j] as number;
          l0 += (z[z0 + j] as number) * v0;
          l1 += (z[z1 + j] as number) * v0;
          l2 += (z[z2 + j] as number) * v0;
          l3 += (z[z3 + j] as number) * v0;
        }
        block[k] = l0;
        block[c + k] = l1;
        block[2 * c + k] = l2;
        block[3 * c + k] = l3;
      }
      for (let r = 0; r < ROW_BLOCK; r++) {
        const o = r * c;
        if (r >= rows) {
          block.fill(0, o, o + c);
          continue;
        }
        f += softmaxResiduals(block, o, c, labels[i + r] as number, rowWeights[i + r] as number);
      }
      if (!Number.isFinite(f)) return logisticObjective(problem, theta, grad);
      k = 0;
      for (; k + 4 <= c; k += 4) {
        const e00 = block[k] as number, e01 = block[k + 1] as number, e02 = block[k + 2] as number, e03 = block[k + 3] as number;
        const e10 = block[c + k] as number, e11 = block[c + k + 1] as number, e12 = block[c + k + 2] as number, e13 = block[c + k + 3] as number;
        const e20 = block[2 * c + k] as number, e21 = block[2 * c + k + 1] as number, e22 = block[2 * c + k + 2] as number, e23 = block[2 * c + k + 3] as number;
        const e30 = block[3 * c + k] as number, e31 = block[3 * c + k + 1] as number, e32 = block[3 * c + k + 2] as number, e33 = block[3 * c + k + 3] as number;
        for (let j = 0; j < end; j++) {
          const x0 = z[z0 + j] as number;
          const x1 = z[z1 + j] as number;
          const x2 = z[z2 + j] as number;
          const x3 = z[z3 + j] as number;
          const w = j * c + k;
          grad[w] = (grad[w] as number) + x0 * e00 + x1 * e10 + x2 * e20 + x3 * e30;
          grad[w + 1] = (grad[w + 1] as number) + x0 * e01 + x1 * e11 + x2 * e21 + x3 * e31;
          grad[w + 2] = (grad[w + 2] as number) + x0 * e02 + x1 * e12 + x2 * e22 + x3 * e32;
          grad[w + 3] = (grad[w + 3] as number) + x0 * e03 + x1 * e13 + x2 * e23 + x3 * e33;
        }
      }
      for (; k < c; k++) {
        const e0 = block[k] as number;
        const e1 = block[c + k] as number;
        const e2 = block[2 * c + k] as number;
        const e3 = block[3 * c + k] as number;
        for (let j = 0; j < end; j++) {
          const w = j * c + k;
          grad[w] = (grad[w] as number) + (z[z0 + j] as number) * e0 + (z[z1 + j] as number) * e1 + (z[z2 + j] as number) * e2 + (z[z3 + j] as number) * e3;
        }
      }
      for (let k = 0; k < c; k++) {
        const b = biasOffset + k;
        grad[b] = (grad[b] as number) + (block[k] as number) + (block[c + k] as number) + (block[2 * c + k] as number) + (block[3 * c + k] as number);
      }
    }
    return addPenalty(f, theta, grad, biasOffset, alpha);
  };
}

export interface LbfgsOptions {
  /** Stop when the largest gradient component is below this times max(1, |f|); default 1e-6. */
  gradientTolerance?: number;
  /** Upper bound on iterations; default 500. */
  maxIterations?: number;
  /** Correction pairs kept; default 10. */
  memory?: number;
  /** Checked once per iteration. */
  signal?: AbortSignal;
}

export interface LbfgsResult {
  theta: Float64Array;
  value: number;
  iterations: number;
  /** Largest absolute gradient component at the end. */
  gradientNorm: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/**
 * Minimises a smooth function with L-BFGS (two-loop recursion) and a backtracking line
 * search on the Armijo condition; a pair is stored only when its curvature s·y is
 * positive, so the inverse-Hessian estimate stays positive definite.
 *
 * Each pass of the two-loop recursion over `direction` also takes the dot product the next
 * step needs, s·y, s·s and y·y come from one pass, and the pairs dropped from the memory are
 * reused: fewer passes and no allocation per iteration, with every sum in ascending order as
 * in separate passes, so the same steps bit for bit.
 */
export function minimizeLbfgs(
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
  // s·y / y·y of the newest pair: the initial Hessian's scale.
  let gamma = 1;
  const spare: Float64Array[] = [];
  const direction = new Float64Array(p);
  const alphas = new Float64Array(memory);
  let iterations = 0;
  let nextTheta = new Float64Array(p);
  let nextGrad = new Float64Array(p);
  while (iterations < maxIterations) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('Training was cancelled.');
    if (!Number.isFinite(value)) throw new Error(`Training diverged (objective ${value}).`);
    if (maxAbs(grad) <= tolerance * Math.max(1, Math.abs(value))) break;
    // Two-loop recursion: direction = -H grad; `next` is the dot product the next step needs.
    const count = sList.length;
    let next = 0;
    if (count > 0) {
      const s = sList[count - 1] as Float64Array;
      for (let i = 0; i < p; i++) {
        const v = -(grad[i] as number);
        direction[i] = v;
        next += (s[i] as number) * v;
      }
    } else {
      for (let i = 0; i < p; i++) direction[i] = -(grad[i] as number);
    }
    for (let m = count - 1; m >= 0; m--) {
      const a = (rhoList[m] as number) * next;
      alphas[m] = a;
      const y = yList[m] as Float64Array;
      next = 0;
      if (m > 0) {
        const s = sList[m - 1] as Float64Array;
        for (let i = 0; i < p; i++) {
          const v = (direction[i] as number) - a * (y[i] as number);
          direction[i] = v;
          next += (s[i] as number) * v;
        }
      } else {
        for (let i = 0; i < p; i++) direction[i] = (direction[i] as number) - a * (y[i] as number);
      }
    }
    if (count > 0) {
      const y = yList[0] as Float64Array;
      next = 0;
      for (let i = 0; i < p; i++) {
        const v = (direction[i] as number) * gamma;
        direction[i] = v;
        next += (y[i] as number) * v;
      }
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
      for (let i = 0; i < p; i++) direction[i] = (direction[i] as number) * scale;
    }
    for (let m = 0; m < count; m++) {
      const b = (rhoList[m] as number) * next;
      const s = sList[m] as Float64Array;
      const a = alphas[m] as number;
      next = 0;
      if (m + 1 < count) {
        const y = yList[m + 1] as Float64Array;
        for (let i = 0; i < p; i++) {
          const v = (direction[i] as number) + (a - b) * (s[i] as number);
          direction[i] = v;
          next += (y[i] as number) * v;
        }
      } else {
        for (let i = 0; i < p; i++) direction[i] = (direction[i] as number) + (a - b) * (s[i] as number);
      }
    }
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (round-off): restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      for (let i = 0; i < p; i++) direction[i] = -(grad[i] as number);
      slope = dot(grad, direction);
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
    const s = spare.pop() ?? new Float64Array(p);
    const y = spare.pop() ?? new Float64Array(p);
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let i = 0; i < p; i++) {
      const si = (nextTheta[i] as number) - (theta[i] as number);
      const yi = (nextGrad[i] as number) - (grad[i] as number);
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
      ss += si * si;
      yy += yi * yi;
    }
    if (sy > 1e-12 * Math.sqrt(ss * yy)) {
      if (sList.length === memory) {
        spare.push(sList.shift() as Float64Array, yList.shift() as Float64Array);
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
      gamma = sy / yy;
    } else {
      spare.push(s, y);
    }
    const relativeChange = (value - nextValue) / Math.max(1, Math.abs(value));
    [theta, nextTheta] = [nextTheta, theta];
    [grad, nextGrad] = [nextGrad, grad];
    value = nextValue;
    if (relativeChange < 1e-15) break; // f no longer changes in Float64
  }
  const gradientNorm = maxAbs(grad);
  return { theta, value, iterations, gradientNorm, converged: gradientNorm <= tolerance * Math.max(1, Math.abs(value)) };
}

/** The L2 penalty on the standardised weights when none is given (1 / C = 1, scikit-learn's default C). */
export const DEFAULT_L2 = 1;

export interface LogisticFitOptions {
  classCount: number;
  /** L2 penalty on the standardised weights (1 / C); default DEFAULT_L2. */
  alpha?: number;
  /** Per-row weights; default 1 each. */
  rowWeights?: ArrayLike<number>;
  /** Starting raw-space weights [d x C] and bias [C] (e.g. the previous round, class-aligned). */
  start?: { kernel: ArrayLike<number>; bias: ArrayLike<number> };
  lbfgs?: LbfgsOptions;
  /** The objective's kernel; default 'auto' (SIMD where available). Both give the same fit bit for bit. */
  objectiveKernel?: ObjectiveKernelChoice;
}

export interface LogisticFit {
  /** Raw-space kernel [d x C] (standardisation folded in). */
  kernel: Float64Array;
  /** Raw-space bias [C]. */
  bias: Float64Array;
  value: number;
  iterations: number;
  gradientNorm: number;
  converged: boolean;
  /** The kernel the objective ran on. */
  objectiveKernel: ObjectiveKernel;
}

/**
 * Fits the regression on raw features `x` (n x d) standardised with `stats`, warm-started
 * from `start`. With fewer rows than features (the usual few-label case: 10 to a few hundred
 * labels on 256-1024 features) it solves in the rows' span: every L2 optimum has W in the
 * span of the rows, so with an orthonormal basis Q (d x r, modified Gram-Schmidt on the rows)
 * W = Q a and Z W = (Z Q) a, |W| = |a|: the same objective on r <= n features, at n r C per
 * evaluation instead of n d C, equally well conditioned.
 */
export function fitLogisticRegression(x: ArrayLike<number>, labels: ArrayLike<number>, stats: FeatureStandardization, options: LogisticFitOptions): LogisticFit {
  const d = stats.mean.length;
  const c = options.classCount;
  const n = labels.length;
  if (x.length !== n * d) throw new Error(`${x.length} feature values for ${n} rows of ${d}.`);
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[i * d + j] = ((x[i * d + j] as number) - (stats.mean[j] as number)) / (stats.std[j] as number);
  }
  const labelArray = Int32Array.from(labels);
  for (const label of labelArray) if (label < 0 || label >= c) throw new Error(`Label ${label} is not a class index in [0, ${c}).`);
  const problem: LogisticProblem = {
    z,
    n,
    d,
    classCount: c,
    labels: labelArray,
    rowWeights: options.rowWeights ? Float64Array.from(options.rowWeights) : new Float64Array(n).fill(1),
    alpha: options.alpha ?? DEFAULT_L2,
  };
  if (n < d) return fitInRowSpace(problem, stats, options);
  const start = new Float64Array(d * c + c);
  if (options.start) {
    // Unfold the raw-space start into standardised space: W = W' std, b = b' + mean W'.
    for (let k = 0; k < c; k++) {
      let shift = 0;
      for (let j = 0; j < d; j++) {
        const w = options.start.kernel[j * c + k] as number;
        start[j * c + k] = w * (stats.std[j] as number);
        shift += w * (stats.mean[j] as number);
      }
      start[d * c + k] = (options.start.bias[k] as number) + shift;
    }
  }
  const objective = logisticObjectiveOf(problem, options.objectiveKernel);
  const result = minimizeLbfgs(objective, start, options.lbfgs);
  const { kernel, bias } = foldIntoRawSpace(result.theta.subarray(0, d * c), result.theta.subarray(d * c), stats, c);
  return { kernel, bias, value: result.value, iterations: result.iterations, gradientNorm: result.gradientNorm, converged: result.converged, objectiveKernel: objective.kernel };
}

function foldIntoRawSpace(w: Float64Array, b: Float64Array, stats: FeatureStandardization, c: number): { kernel: Float64Array; bias: Float64Array } {
  const d = stats.mean.length;
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
}

/**
 * Orthonormal basis of the rows of z (n x d) by modified Gram-Schmidt: q (r x d) and the rows'
 * coordinates (n x r). Row by row, a row v is projected out of each basis vector in turn
 * (r = q.v, v -= r q, sums in ascending feature order) and joins the basis, normalised, when
 * what is left is not round-off. Rows go 4 at a time against the basis of the rows before
 * them, each read of a basis vector serving 4 rows, then one by one against the vectors the
 * block's own rows added: every row sees the same operations in the same order as alone.
 */
export function rowSpaceBasis(z: Float64Array, n: number, d: number): { q: Float64Array; coords: Float64Array; rank: number } {
  const maxRank = Math.min(n, d);
  const basis = new Float64Array(maxRank * d);
  // Row i's coordinates, in basis order, at i * maxRank (the later ones stay 0).
  const coordsByRow = new Float64Array(n * maxRank);
  let rank = 0;
  // The rows of a block, being reduced; a short last block is padded with zero rows.
  const block = new Float64Array(ROW_BLOCK * d);
  const v1 = d;
  const v2 = 2 * d;
  const v3 = 3 * d;
  for (let i = 0; i < n; i += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, n - i);
    block.fill(0);
    block.set(z.subarray(i * d, (i + rows) * d));
    const norms0 = new Float64Array(rows);
    for (let b = 0; b < rows; b++) {
      let norm0 = 0;
      for (let j = 0; j < d; j++) norm0 += (block[b * d + j] as number) ** 2;
      norms0[b] = norm0;
    }
    const shared = rank;
    for (let m = 0; m < shared; m++) {
      const q = m * d;
      let r0 = 0;
      let r1 = 0;
      let r2 = 0;
      let r3 = 0;
      for (let j = 0; j < d; j++) {
        const qj = basis[q + j] as number;
        r0 += qj * (block[j] as number);
        r1 += qj * (block[v1 + j] as number);
        r2 += qj * (block[v2 + j] as number);
        r3 += qj * (block[v3 + j] as number);
      }
      for (let j = 0; j < d; j++) {
        const qj = basis[q + j] as number;
        block[j] = (block[j] as number) - r0 * qj;
        block[v1 + j] = (block[v1 + j] as number) - r1 * qj;
        block[v2 + j] = (block[v2 + j] as number) - r2 * qj;
        block[v3 + j] = (block[v3 + j] as number) - r3 * qj;
      }
      const c = i * maxRank + m;
      coordsByRow[c] = r0;
      if (rows > 1) coordsByRow[c + maxRank] = r1;
      if (rows > 2) coordsByRow[c + 2 * maxRank] = r2;
      if (rows > 3) coordsByRow[c + 3 * maxRank] = r3;
    }
    for (let b = 0; b < rows; b++) {
      const v = b * d;
      const coords = (i + b) * maxRank;
      for (let m = shared; m < rank; m++) {
        const q = m * d;
        let r = 0;
        for (let j = 0; j < d; j++) r += (basis[q + j] as number) * (block[v + j] as number);
        for (let j = 0; j < d; j++) block[v + j] = (block[v + j] as number) - r * (basis[q + j] as number);
        coordsByRow[coords + m] = r;
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += (block[v + j] as number) ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-10 * Math.sqrt(norms0[b] as number) && norm > 0) {
        const q = rank * d;
        for (let j = 0; j < d; j++) basis[q + j] = (block[v + j] as number) / norm;
        coordsByRow[coords + rank] = norm;
        rank++;
      }
    }
  }
  const coords = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) coords.set(coordsByRow.subarray(i * maxRank, i * maxRank + rank), i * rank);
  return { q: basis.slice(0, rank * d), coords, rank };
}

function fitInRowSpace(problem: LogisticProblem, stats: FeatureStandardization, options: LogisticFitOptions): LogisticFit {
  const { z, n, d, classCount: c } = problem;
  const { q, coords, rank } = rowSpaceBasis(z, n, d);
  const reduced: LogisticProblem = { ...problem, z: coords, d: rank };
  const start = new Float64Array(rank * c + c);
  if (options.start) {
    // a = Q W_start (standardised), bias unfolded as in the primal; W_start read by class.
    const startByClass = new Float64Array(c * d);
    for (let j = 0; j < d; j++) for (let k = 0; k < c; k++) startByClass[k * d + j] = options.start.kernel[j * c + k] as number;
    for (let k = 0; k < c; k++) {
      const column = k * d;
      let shift = 0;
      for (let j = 0; j < d; j++) shift += (startByClass[column + j] as number) * (stats.mean[j] as number);
      start[rank * c + k] = (options.start.bias[k] as number) + shift;
      for (let r = 0; r < rank; r++) {
        const row = r * d;
        let v = 0;
        for (let j = 0; j < d; j++) v += (q[row + j] as number) * (startByClass[column + j] as number) * (stats.std[j] as number);
        start[r * c + k] = v;
      }
    }
  }
  const objective = logisticObjectiveOf(reduced, options.objectiveKernel);
  const result = minimizeLbfgs(objective, start, options.lbfgs);
  // W = Q^T a, summed over r in ascending order, by class, then laid out d x C.
  const wByClass = new Float64Array(c * d);
  for (let r = 0; r < rank; r++) {
    const row = r * d;
    for (let k = 0; k < c; k++) {
      const a = result.theta[r * c + k] as number;
      if (a === 0) continue;
      const column = k * d;
      for (let j = 0; j < d; j++) wByClass[column + j] = (wByClass[column + j] as number) + a * (q[row + j] as number);
    }
  }
  const w = new Float64Array(d * c);
  for (let j = 0; j < d; j++) for (let k = 0; k < c; k++) w[j * c + k] = wByClass[k * d + j] as number;
  const { kernel, bias } = foldIntoRawSpace(w, result.theta.subarray(rank * c), stats, c);
  return { kernel, bias, value: result.value, iterations: result.iterations, gradientNorm: result.gradientNorm, converged: result.converged, objectiveKernel: objective.kernel };
}
