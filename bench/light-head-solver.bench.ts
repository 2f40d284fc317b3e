/**
 * The light head's solver, its objective on WebAssembly SIMD against JavaScript, and before its
 * faster arithmetic, in one process:
 * `npx tsx bench/light-head-solver.bench.ts [--labels 200,1000] [--runs 3] [--before 3750d64|none]`.
 * The solver as it was (logistic-regression.ts at commit `--before`, read with git show into a
 * temporary file; it imports nothing) and as it is now with each objective kernel (objectiveKernel
 * 'javascript' and 'simd') fit the same problem, alternately, on the blood cells
 * (../shared/data/pbc-blood-cells) with MobileNet v1 0.25 and 0.75: a round of "No up or down"
 * (every label and its 7 other symmetry views, at 1/8 weight), warm from the head of 10 fewer
 * labels, as trainOnPool builds it; then the same without the views. Prints the median time of
 * `--runs` fits of each, whether the fits are bit-identical (kernel, bias, objective,
 * iterations), whether the fit reproduces trainOnPool's head (which runs the default kernel),
 * the whole trainOnPool round now, and, where the fit is in the primal (rows >= features), the
 * median of 15 objective evaluations at the warm start on each kernel. Measures and prints;
 * asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { poolStandardization, poolTrainingRows, trainOnPool, type HeadInputs, type LoopTrainRequest } from '../src-main/engine/loop/train-on-pool';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../src-main/engine/simulate/simulation-features';
import { viewRowsOf } from '../src-main/engine/simulate/training-rows';
import { inverseFrequencyClassWeights } from '../src-main/engine/train/class-weights';
import * as current from '../src-main/engine/train/logistic-regression';
import { simdAvailable } from '../src-main/engine/train/logistic-simd';
import { ROOT, studySetting } from './study/study-settings';
import { benchLabelOrder } from './support/label-order';

const { values } = parseArgs({
  options: { labels: { type: 'string', default: '200,1000' }, runs: { type: 'string', default: '3' }, before: { type: 'string', default: '3750d64' } },
});
const labelCounts = values.labels.split(',').map(Number);
const runs = Number(values.runs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const temporary = mkdtempSync(join(tmpdir(), 'adma-solver-bench-'));
const beforePath = join(temporary, 'logistic-regression-before.ts');
if (values.before !== 'none') writeFileSync(beforePath, execFileSync('git', ['show', `${values.before}:src-main/engine/train/logistic-regression.ts`], { cwd: ROOT }));
const before = values.before === 'none' ? null : ((await import(beforePath)) as typeof current);

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

/** What fineTune's light mode hands fitLogisticRegression for this round (see fine-tune.ts). */
function fitInputs(inputs: HeadInputs, request: LoopTrainRequest, classCount: number) {
  const { features, labels, copies } = poolTrainingRows(inputs, request);
  const classWeights = inverseFrequencyClassWeights(labels, classCount);
  const previous = request.previous;
  if (!previous || previous.classes.join() !== request.classes.join()) throw new Error('The bench warm-starts from a head of the same classes.');
  return {
    x: features,
    labels,
    stats: poolStandardization(inputs),
    options: {
      classCount,
      rowWeights: labels.map((c) => (classWeights[c] as number) / copies),
      start: { kernel: previous.dense.kernel, bias: previous.dense.bias },
    },
  };
}

/** Median time of one objective evaluation at the warm start, each kernel alternately (the primal problem as fitLogisticRegression builds it). */
function objectiveTimes(x: Float32Array, labels: number[], stats: current.FeatureStandardization, options: { classCount: number; rowWeights: number[]; start: { kernel: ArrayLike<number>; bias: ArrayLike<number> } }): Record<current.ObjectiveKernel, number> {
  const d = stats.mean.length;
  const n = labels.length;
  const c = options.classCount;
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = ((x[i * d + j] as number) - (stats.mean[j] as number)) / (stats.std[j] as number);
  const problem: current.LogisticProblem = { z, n, d, classCount: c, labels: Int32Array.from(labels), rowWeights: Float64Array.from(options.rowWeights), alpha: current.DEFAULT_L2 };
  const theta = new Float64Array(d * c + c);
  for (let j = 0; j < d; j++) for (let k = 0; k < c; k++) theta[j * c + k] = (options.start.kernel[j * c + k] as number) * (stats.std[j] as number);
  const grad = new Float64Array(theta.length);
  const objectives = { javascript: current.logisticObjectiveOf(problem, 'javascript'), simd: current.logisticObjectiveOf(problem, 'simd') };
  const times: Record<current.ObjectiveKernel, number[]> = { javascript: [], simd: [] };
  for (let run = 0; run < 15; run++) {
    for (const kernel of ['javascript', 'simd'] as const) {
      const started = performance.now();
      objectives[kernel](theta, grad);
      times[kernel].push(performance.now() - started);
    }
  }
  return { javascript: median(times.javascript), simd: median(times.simd) };
}

try {
  const backend = await initBackend();
  console.log(`solver: Float64 in JavaScript or WebAssembly SIMD (default here: ${simdAvailable() ? 'SIMD' : 'JavaScript'}), on Node ${process.version} (training backend for the rest: ${backend.label}); before = ${values.before}; load: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const id of ['pbc-mobilenet025-light', 'pbc-mobilenet075-light']) {
    const setting = studySetting(id);
    const dataset = await readImageFolderDataset(setting.folder);
    const loaded = await loadModelFolder(setting.model);
    try {
      const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: setting.cacheDir, symmetryViews: true });
      const d = features.featuresB.cols;
      const order = benchLabelOrder(features.labels.length);
      const plain: HeadInputs = { data: features.featuresB.data as Float32Array, rowShape: [d] };
      for (const n of labelCounts) {
        for (const withViews of [true, false]) {
          const inputs = withViews ? { ...plain, views: viewRowsOf(features) } : plain;
          const picked = order.slice(0, n);
          const request: LoopTrainRequest = { mode: 'light', classes: features.classes, rows: picked, labels: picked.map((row) => features.labels[row] as number), seed: 1 };
          const previous = (await trainOnPool(inputs, { ...request, rows: picked.slice(0, n - 10), labels: request.labels.slice(0, n - 10) })).head;
          const round = { ...request, previous };
          const { x, labels, stats, options } = fitInputs(inputs, round, features.classes.length);
          const kernels: current.ObjectiveKernel[] = ['javascript', 'simd'];
          const times = new Map<string, number[]>();
          const fits = new Map<string, current.LogisticFit>();
          for (let run = 0; run < runs; run++) {
            const solvers: [string, () => current.LogisticFit][] = kernels.map((kernel) => [kernel, () => current.fitLogisticRegression(x, labels, stats, { ...options, objectiveKernel: kernel })]);
            if (before) solvers.unshift(['before', () => before.fitLogisticRegression(x, labels, stats, options)]);
            for (const [name, solve] of solvers) {
              const started = performance.now();
              fits.set(name, solve());
              times.set(name, [...(times.get(name) ?? []), performance.now() - started]);
            }
          }
          const fit = fits.get('simd') as current.LogisticFit;
          const sameFit = (other: current.LogisticFit): boolean =>
            sameBits(other.kernel, fit.kernel) && sameBits(other.bias, fit.bias) && Object.is(other.value, fit.value) && other.iterations === fit.iterations;
          const identical = [...fits.values()].every(sameFit);
          const evaluation = labels.length >= d ? objectiveTimes(x, labels, stats, options) : null;
          const roundTimes: number[] = [];
          let head = previous;
          for (let run = 0; run < runs; run++) {
            const result = await trainOnPool(inputs, round);
            roundTimes.push(result.millis);
            head = result.head;
          }
          const reproduces = sameBits(Float32Array.from(fit.kernel), head.dense.kernel) && sameBits(Float32Array.from(fit.bias), head.dense.bias);
          const ms = (name: string): number => median(times.get(name) as number[]);
          const [js, simd] = [ms('javascript'), ms('simd')];
          console.log(
            `${id}: ${n} labels${withViews ? ' with the views' : ''} (${labels.length} rows of ${d}, warm, ${fit.iterations} iterations): ` +
              (before ? `solver before ${ms('before').toFixed(0)} ms, ` : '') +
              `JavaScript ${js.toFixed(0)} ms, SIMD ${simd.toFixed(0)} ms (${(js / simd).toFixed(2)}x); bit-identical: ${identical ? 'yes' : 'NO'}; ` +
              `same head as trainOnPool: ${reproduces ? 'yes' : 'NO'}; trainOnPool round now ${median(roundTimes).toFixed(0)} ms` +
              (evaluation ? `; one evaluation: JavaScript ${evaluation.javascript.toFixed(2)} ms, SIMD ${evaluation.simd.toFixed(2)} ms` : ''),
          );
        }
      }
    } finally {
      loaded.dispose();
    }
  }
} finally {
  rmSync(temporary, { recursive: true, force: true });
}
