/**
 * The light head's solver before and after its faster arithmetic, in one process:
 * `npx tsx bench/light-head-solver.bench.ts [--labels 200,1000] [--runs 3] [--before 3750d64]`.
 * The solver as it was (logistic-regression.ts at commit `--before`, read with git show into a
 * temporary file; it imports nothing) and as it is now fit the same problem, alternately, on
 * the blood cells (../shared/data/pbc-blood-cells) with MobileNet v1 0.25 and 0.75: a round of
 * "No up or down" (every label and its 7 other symmetry views, at 1/8 weight), warm from the
 * head of 10 fewer labels, as trainOnPool builds it; then the same without the views. Prints
 * the median time of `--runs` fits of each, whether the two fits are bit-identical (kernel,
 * bias, objective, iterations) and whether the fit reproduces trainOnPool's head, and the
 * whole trainOnPool round now. Measures and prints; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
writeFileSync(beforePath, execFileSync('git', ['show', `${values.before}:src-main/engine/train/logistic-regression.ts`], { cwd: ROOT }));
const before = (await import(beforePath)) as typeof current;

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

try {
  const backend = await initBackend();
  console.log(`solver: plain JavaScript, Float64, on Node ${process.version} (training backend for the rest: ${backend.label}); before = ${values.before}`);
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
          const times = { before: [] as number[], now: [] as number[] };
          let fits: { before?: current.LogisticFit; now?: current.LogisticFit } = {};
          for (let run = 0; run < runs; run++) {
            for (const [name, solver] of [['before', before], ['now', current]] as const) {
              const started = performance.now();
              fits = { ...fits, [name]: solver.fitLogisticRegression(x, labels, stats, options) };
              times[name].push(performance.now() - started);
            }
          }
          const old = fits.before as current.LogisticFit;
          const fit = fits.now as current.LogisticFit;
          const identical = sameBits(old.kernel, fit.kernel) && sameBits(old.bias, fit.bias) && Object.is(old.value, fit.value) && old.iterations === fit.iterations;
          const roundTimes: number[] = [];
          let head = previous;
          for (let run = 0; run < runs; run++) {
            const result = await trainOnPool(inputs, round);
            roundTimes.push(result.millis);
            head = result.head;
          }
          const reproduces = sameBits(Float32Array.from(fit.kernel), head.dense.kernel) && sameBits(Float32Array.from(fit.bias), head.dense.bias);
          const [was, is] = [median(times.before), median(times.now)];
          console.log(
            `${id}: ${n} labels${withViews ? ' with the views' : ''} (${labels.length} rows of ${d}, warm, ${fit.iterations} iterations): ` +
              `solver before ${was.toFixed(0)} ms, now ${is.toFixed(0)} ms (${(was / is).toFixed(2)}x); bit-identical: ${identical ? 'yes' : 'NO'}; ` +
              `same head as trainOnPool: ${reproduces ? 'yes' : 'NO'}; trainOnPool round now ${median(roundTimes).toFixed(0)} ms`,
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
