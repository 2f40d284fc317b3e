/**
 * Where the temperature should be fitted when the active loop chose the training labels.
 *
 * The app fits T on the out-of-fold logits of the training labels (label-quality.ts) and keeps
 * it when, cross-fitted, it lowers their log-loss and ECE (calibration.ts decideTemperature).
 * `label-quality.bench.ts` measured that rule on random label sets. In the app the training
 * labels are the images the loop asked about: after the cold start, the ones the model was
 * least sure of. This bench asks whether a T fitted on those still calibrates the images the
 * expert meets (a random sample: the test split), and compares it with the same rule fitted
 * on the evaluation set, the random sample the app already holds out and labels.
 *
 * Per setting and seed: the study's 30% test split measures; from the rest, an evaluation set
 * of E random images is held out (no strategy picks it, as in the app); the study's loop
 * (runStrategyCurve: the default `typical-margin`, and `random`) picks batches of 10 from the
 * rest. At each checkpoint N the light head is trained on the first N picks and T is chosen
 *   - train-oof: as the app does today (labelQuality on the N training labels);
 *   - evaluation: as the app does once the set holds 40 labeled images (label-quality.ts
 *     evaluationSetCalibration: decideTemperature on the head's predictions of the set, held out
 *     from its training already, judged over 5 seeded folds of the set).
 * Reported on the test split: ECE (10 bins) and mean log-loss at T = 1 and as shipped by each
 * rule, with the temperatures.
 *
 * Run: npx tsx bench/calibration-source.bench.ts [--settings pbc-mobilenet025-light,...] [--seeds 1,2,3,4,5]
 *      [--checkpoints 50,100,200] [--evaluation 40] [--strategies typical-margin,random]
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { loadModelFolder, loadStarterModel } from '../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures, type SimulationFeatures } from '../src-main/engine/simulate/simulation-features';
import { setUpSeed, type SeedSetup } from '../src-main/engine/simulate/seed-setup';
import { runStrategyCurve } from '../src-main/engine/simulate/strategy-curve';
import { DEFAULT_ADMA_OPTIONS } from '../src-main/engine/adma/adma-strategy';
import type { StrategyName } from '../src-main/engine/adma/query-strategy';
import { trainOnPool, type HeadInputs } from '../src-main/engine/loop/train-on-pool';
import { evaluationSetCalibration, labelQuality } from '../src-main/engine/quality/label-quality';
import { reliability, softmaxRows, temperatureObjective, topConfidence } from '../src-main/engine/quality/calibration';
import { SeededRandom } from '../src-main/core/seeded-random';
import { studySetting } from './study/study-settings';
import { lightHeadLogits } from './support/light-head-logits';

const { values } = parseArgs({
  options: {
    settings: { type: 'string' },
    seeds: { type: 'string' },
    checkpoints: { type: 'string' },
    evaluation: { type: 'string' },
    strategies: { type: 'string' },
  },
});
const settings = (values.settings ?? 'hymenoptera-mobilenet025-light,pbc-mobilenet025-light,pbc-mobilenet075-light').split(',');
const seeds = (values.seeds ?? '1,2,3,4,5').split(',').map(Number);
const checkpoints = (values.checkpoints ?? '50,100,200').split(',').map(Number);
const evaluationSize = Number(values.evaluation ?? 40);
const strategies = (values.strategies ?? 'typical-margin,random').split(',') as StrategyName[];
const rounds = Math.max(...checkpoints) / 10;

function scoreAt(logits: Float64Array, c: number, labels: number[], t: number): { ece: number; nll: number } {
  const top = topConfidence(softmaxRows(logits, c, t), c, labels);
  return { ece: reliability(top.confidence, top.correct).ece ?? NaN, nll: temperatureObjective(logits, c, labels, 1 / t).value };
}

interface Row {
  setting: string;
  strategy: string;
  labels: number;
  seed: number;
  accuracy: number;
  raw: { ece: number; nll: number };
  oof: { t: number; fitted: number; applied: boolean; ece: number; nll: number };
  evaluation: { t: number; fitted: number; applied: boolean; ece: number; nll: number };
  /** The evaluation set's fitted T applied whatever the cross-fitted check says. */
  evaluationAlways: { ece: number; nll: number };
}

async function measure(settingId: string, features: SimulationFeatures, seed: number, strategy: StrategyName): Promise<Row[]> {
  const c = features.classes.length;
  const inputs: HeadInputs = { data: features.featuresB.data as Float32Array, rowShape: [features.featuresB.cols] };
  const setup = setUpSeed(features, seed, 0.3, true);
  // The evaluation set: E random pool images, never picked, never trained on (as in the app).
  const evaluationIds = new SeededRandom(seed * 7919 + 17).shuffled(setup.poolIds).slice(0, evaluationSize);
  const loopSetup: SeedSetup = { ...setup, testIds: new Set([...setup.testIds, ...evaluationIds]) };
  const curve = await runStrategyCurve(features, loopSetup, {
    strategy,
    strategyOptions: { uncertainty: DEFAULT_ADMA_OPTIONS.uncertainty, normalize: true },
    mode: 'light',
    batch: 10,
    rounds,
  });
  const picked = curve.flatMap((r) => r.queried);
  const testLabels = setup.testIdList.map((id) => features.labels[id] as number);
  const evaluationLabels = evaluationIds.map((id) => features.labels[id] as number);
  const out: Row[] = [];
  for (const n of checkpoints) {
    const rows = picked.slice(0, n);
    const labels = rows.map((id) => features.labels[id] as number);
    const classes = features.classes.map((name) => name);
    const head = (await trainOnPool(inputs, { mode: 'light', classes, rows, labels, seed })).head;
    const testLogits = lightHeadLogits(inputs, head, setup.testIdList, c);
    const fit = (await labelQuality({ inputs, imageIds: rows, rows, labels, classCount: c, seed, warmStart: head })).calibration;
    // The app's rule (label-quality.ts evaluationSetCalibration), on the head's float32 probabilities as the worker has them.
    const evaluated = evaluationSetCalibration(Float32Array.from(softmaxRows(lightHeadLogits(inputs, head, evaluationIds, c), c)), c, evaluationLabels, seed);
    if (!evaluated) throw new Error(`The evaluation set of ${evaluationIds.length} images is too small to fit a temperature on.`);
    const decision = { temperature: evaluated.temperature, fitted: evaluated.fittedTemperature, applied: evaluated.applied };
    const raw = scoreAt(testLogits, c, testLabels, 1);
    const top = topConfidence(softmaxRows(testLogits, c, 1), c, testLabels);
    out.push({
      setting: settingId,
      strategy,
      labels: n,
      seed,
      accuracy: top.correct.reduce((a, b) => a + b, 0) / testLabels.length,
      raw,
      oof: { t: fit.temperature, fitted: fit.fittedTemperature, applied: fit.applied, ...scoreAt(testLogits, c, testLabels, fit.temperature) },
      evaluation: { t: decision.temperature, fitted: decision.fitted, applied: decision.applied, ...scoreAt(testLogits, c, testLabels, decision.temperature) },
      evaluationAlways: scoreAt(testLogits, c, testLabels, decision.fitted),
    });
  }
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

await initBackend('wasm');
const all: Row[] = [];
for (const id of settings) {
  const setting = studySetting(id);
  if (!existsSync(setting.folder)) {
    console.log(`skipped ${id}: ${setting.folder} is absent`);
    continue;
  }
  const loaded = setting.model === 'starter' ? await loadStarterModel() : await loadModelFolder(setting.model);
  const features = await prepareSimulationFeatures(loaded, await readImageFolderDataset(setting.folder), { deep: false, cacheDir: setting.cacheDir });
  loaded.dispose();
  for (const strategy of strategies) {
    for (const seed of seeds) {
      const rows = await measure(id, features, seed, strategy);
      all.push(...rows);
      for (const r of rows) {
        process.stderr.write(
          `${id} ${strategy} seed ${seed} n ${r.labels}: acc ${(100 * r.accuracy).toFixed(1)}% ECE raw ${r.raw.ece.toFixed(3)} | oof T ${r.oof.fitted.toFixed(2)}${r.oof.applied ? '' : ' (not kept)'} ${r.oof.ece.toFixed(3)} | eval T ${r.evaluation.fitted.toFixed(2)}${r.evaluation.applied ? '' : ' (not kept)'} ${r.evaluation.ece.toFixed(3)}\n`,
        );
      }
    }
  }
}

console.log(`Test split: ECE (10 bins) and mean log-loss, mean over seeds ${seeds.join(', ')}; T: median fitted (kept on k of n seeds). Evaluation set: ${evaluationSize} random images.`);
console.log('');
console.log('| setting | labels picked by | labels | test accuracy | ECE raw | ECE, T from training labels (app today) | ECE, T from evaluation set | log-loss raw | log-loss, training labels | log-loss, evaluation set | ECE / log-loss, T from evaluation set always applied | T training labels (kept) | T evaluation set (kept) | evaluation set better than training labels (ECE / log-loss seeds) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const id of settings) {
  for (const strategy of strategies) {
    for (const n of checkpoints) {
      const rows = all.filter((r) => r.setting === id && r.strategy === strategy && r.labels === n);
      if (rows.length === 0) continue;
      const f = (xs: number[]): string => mean(xs).toFixed(3);
      const kept = (xs: boolean[]): number => xs.filter(Boolean).length;
      const betterEce = rows.filter((r) => r.evaluation.ece < r.oof.ece).length;
      const betterNll = rows.filter((r) => r.evaluation.nll < r.oof.nll).length;
      console.log(
        `| ${id} | ${strategy} | ${n} | ${(100 * mean(rows.map((r) => r.accuracy))).toFixed(1)}% | ${f(rows.map((r) => r.raw.ece))} | ${f(rows.map((r) => r.oof.ece))} | ${f(rows.map((r) => r.evaluation.ece))} | ${f(rows.map((r) => r.raw.nll))} | ${f(rows.map((r) => r.oof.nll))} | ${f(rows.map((r) => r.evaluation.nll))} | ${f(rows.map((r) => r.evaluationAlways.ece))} / ${f(rows.map((r) => r.evaluationAlways.nll))} | ${median(rows.map((r) => r.oof.fitted)).toFixed(2)} (${kept(rows.map((r) => r.oof.applied))}/${rows.length}) | ${median(rows.map((r) => r.evaluation.fitted)).toFixed(2)} (${kept(rows.map((r) => r.evaluation.applied))}/${rows.length}) | ${betterEce}/${rows.length} / ${betterNll}/${rows.length} |`,
      );
    }
  }
}
