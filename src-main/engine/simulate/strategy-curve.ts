/**
 * One learning curve: a strategy replayed from zero labels on one seed's split, through the
 * app's loop core (loop/loop-core.ts). Each round t selects a batch (the SelectionContext excludes the test images and carries the current
 * model's probabilities), the oracle labels it with the folder names, the head is
 * fine-tuned warm on every label so far (the seed's recipe, the same for every strategy),
 * and the test split is scored. While fewer than two classes have labels there is no
 * classifier: the "model" predicts the one class seen, and strategies get no probabilities.
 */
import type { StrategyName } from '../adma/query-strategy';
import type { StrategyOptions } from '../adma/strategy-registry';
import { LoopCore } from '../loop/loop-core';
import type { L2Choice } from '../quality/l2-choice';
import { DEFAULT_L2 } from '../train/logistic-regression';
import type { HeadWeights, TrainingMode } from '../train/head-weights';
import { meanPairwiseDistance } from './batch-redundancy';
import type { RoundRecord } from './simulation-records';
import type { SimulationFeatures } from './simulation-features';
import type { SeedSetup } from './seed-setup';
import { modeRows, viewRowsOf } from './training-rows';

export interface CurveOptions {
  strategy: StrategyName;
  strategyOptions: StrategyOptions;
  mode: TrainingMode;
  batch: number;
  rounds: number;
  /** The loop core's label spreading (LoopTrainRequest.labelSpreading). */
  labelSpreading?: boolean;
  /** The loop core's cross-validated L2 penalty (LoopCoreTrainRequest.chooseL2). */
  chooseL2?: boolean;
  /** Light mode: learn each label in its symmetry views (HeadInputs.views); needs SimulationFeatures.views. */
  symmetries?: boolean;
  signal?: AbortSignal;
  /** Stop after the first round whose test accuracy reaches this (labels-to-target runs). */
  stopAtAccuracy?: number;
  onRound?: (record: RoundRecord) => void;
}

export async function runStrategyCurve(features: SimulationFeatures, setup: SeedSetup, options: CurveOptions): Promise<RoundRecord[]> {
  const n = features.labels.length;
  const c = features.classes.length;
  const rows = modeRows(features, options.mode);
  const views = options.symmetries ? viewRowsOf(features) : undefined;
  const imageIds = Int32Array.from({ length: n }, (_, i) => i);
  // The app's loop core, on the simulation's pool (pool row = image id).
  const core = new LoopCore(
    {
      imageIds,
      featuresA: features.featuresA,
      featuresB: features.featuresB,
      sourceProbabilities: features.sourceProbabilities,
      centres: setup.centres,
      distinctiveness: setup.distinctiveness,
    },
    () => ({ data: rows.data, rowShape: rows.rowShape }),
  );
  const labeled: number[] = [];
  const labeledIds = new Set<number>();
  /** Dataset class indices in order of first label: the classifier's output order. */
  const seen: number[] = [];
  let head: HeadWeights | null = null;
  let l2Choice: L2Choice | null = null;
  const records: RoundRecord[] = [];

  for (let round = 0; round < options.rounds; round++) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('Simulation cancelled.');
    if (labeled.length >= setup.poolIds.length) break;
    const started = performance.now();
    const selection = core.select({
      strategy: options.strategy,
      strategyOptions: options.strategyOptions,
      round,
      labeledIds,
      excludedIds: setup.testIds,
      labeledClassCount: seen.length,
      seed: setup.seed,
      batchSize: options.batch,
    });
    const selectMillis = performance.now() - started;
    const batchClassCounts = new Array<number>(c).fill(0);
    let dSum = 0;
    for (const item of selection.items) {
      if (setup.testIds.has(item.imageId) || labeledIds.has(item.imageId)) {
        throw new Error(`Strategy ${options.strategy} picked image ${item.imageId}, which is ${setup.testIds.has(item.imageId) ? 'a test image' : 'already labelled'}.`);
      }
      const label = features.labels[item.imageId] as number;
      labeled.push(item.imageId);
      labeledIds.add(item.imageId);
      batchClassCounts[label] = (batchClassCounts[label] as number) + 1;
      if (!seen.includes(label)) seen.push(label);
      dSum += setup.distinctiveness[item.imageId] as number;
    }

    const trainStarted = performance.now();
    let epochs = 0;
    let l2: number | null = null;
    let predicted: Int32Array;
    if (seen.length >= 2) {
      const classNames = seen.map((k) => features.classes[k] as string);
      const { result, probabilities, l2: chosen } = await core.train({
        mode: options.mode,
        classes: classNames,
        rows: labeled,
        labels: labeled.map((id) => seen.indexOf(features.labels[id] as number)),
        seed: setup.seed,
        ...(features.topBlock ? { topBlock: features.topBlock } : {}),
        ...(head ? { previous: head } : {}),
        ...(options.chooseL2 ? { chooseL2: true, ...(l2Choice ? { previousL2: l2Choice } : {}) } : {}),
        ...(options.labelSpreading ? { labelSpreading: true } : {}),
        ...(views ? { views } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      head = result.head;
      epochs = result.epochs;
      l2Choice = chosen;
      l2 = chosen?.alpha ?? (options.mode === 'light' ? DEFAULT_L2 : null);
      predicted = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let j = 1; j < seen.length; j++) if ((probabilities[i * seen.length + j] as number) > (probabilities[i * seen.length + best] as number)) best = j;
        predicted[i] = seen[best] as number;
      }
    } else {
      predicted = new Int32Array(n).fill(seen[0] ?? -1);
    }
    const trainMillis = performance.now() - trainStarted;
    let correct = 0;
    for (const id of setup.testIdList) if (predicted[id] === features.labels[id]) correct++;
    const record: RoundRecord = {
      strategy: options.strategy,
      seed: setup.seed,
      round,
      labels: labeled.length,
      testAccuracy: setup.testIdList.length === 0 ? 0 : correct / setup.testIdList.length,
      millis: performance.now() - started,
      selectMillis,
      trainMillis,
      lambda: selection.items[0]?.lambda ?? null,
      queried: selection.items.map((item) => item.imageId),
      batchClassCounts,
      batchMeanDistanceB: meanPairwiseDistance(features.featuresB, selection.items.map((item) => item.imageId)),
      batchMeanDistinctiveness: selection.items.length ? dSum / selection.items.length : 0,
      classesSeen: seen.length,
      epochs,
      l2,
    };
    records.push(record);
    options.onRound?.(record);
    if (options.stopAtAccuracy !== undefined && record.testAccuracy >= options.stopAtAccuracy) break;
  }
  return records;
}
