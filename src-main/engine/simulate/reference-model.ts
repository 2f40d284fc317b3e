/**
 * The reference of a seed: the loop's fine-tuning step (loop-core.ts fineTuneOnPool: the same
 * recipe and, in light mode, the same pool standardisation; the L2 choice when the run makes it) trained
 * once, cold, on every pool label. Its test accuracy is what "labels to reach 95%" is measured
 * against; its errors on the test images are compared with D (does D point at what the model
 * finds hard?).
 */
import { fineTuneOnPool } from '../loop/loop-core';
import type { TrainingMode } from '../train/head-weights';
import { predictProbabilities } from '../train/predict-probabilities';
import { sampledMeanPairwiseDistance } from './batch-redundancy';
import type { ReferenceRecord } from './simulation-records';
import type { SimulationFeatures } from './simulation-features';
import type { SeedSetup } from './seed-setup';
import { spearmanCorrelation } from './spearman-correlation';
import { gatherRows, modeRows, viewRowsOf } from './training-rows';

export async function trainReference(features: SimulationFeatures, setup: SeedSetup, mode: TrainingMode, options: { chooseL2?: boolean; symmetries?: boolean; signal?: AbortSignal } = {}): Promise<ReferenceRecord> {
  const { signal } = options;
  const started = performance.now();
  const rows = modeRows(features, mode);
  const labels = setup.poolIds.map((id) => features.labels[id] as number);
  const { result } = await fineTuneOnPool(rows, {
    mode,
    classes: features.classes,
    rows: setup.poolIds,
    labels,
    seed: setup.seed,
    ...(options.chooseL2 ? { chooseL2: true } : {}),
    ...(options.symmetries ? { views: viewRowsOf(features) } : {}),
    ...(features.topBlock ? { topBlock: features.topBlock } : {}),
    ...(signal ? { signal } : {}),
  });
  const c = features.classes.length;
  const probabilities = predictProbabilities(result.head, gatherRows(rows, setup.testIdList));
  const error = new Float64Array(setup.testIdList.length);
  const d = new Float64Array(setup.testIdList.length);
  let correct = 0;
  let dWrong = 0;
  let nWrong = 0;
  let dRight = 0;
  setup.testIdList.forEach((id, k) => {
    const truth = features.labels[id] as number;
    let best = 0;
    for (let j = 1; j < c; j++) if ((probabilities[k * c + j] as number) > (probabilities[k * c + best] as number)) best = j;
    error[k] = 1 - (probabilities[k * c + truth] as number);
    d[k] = setup.distinctiveness[id] as number;
    if (best === truth) {
      correct++;
      dRight += d[k] as number;
    } else {
      nWrong++;
      dWrong += d[k] as number;
    }
  });
  const n = setup.testIdList.length;
  return {
    seed: setup.seed,
    poolSize: setup.poolIds.length,
    testSize: n,
    testAccuracy: n === 0 ? 0 : correct / n,
    millis: performance.now() - started,
    spearmanDistinctivenessVsError: spearmanCorrelation(d, error),
    meanDistinctivenessOfErrors: nWrong > 0 ? dWrong / nWrong : null,
    meanDistinctivenessOfCorrect: correct > 0 ? dRight / correct : null,
    poolMeanDistanceB: sampledMeanPairwiseDistance(features.featuresB, setup.poolIds, 2000, setup.seed),
    centres: { origin: setup.centres.record.origin, count: setup.centres.sourceClasses.length },
  };
}
