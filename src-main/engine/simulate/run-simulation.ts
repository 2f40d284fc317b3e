/**
 * Oracle replay of every requested strategy on the same seeds, splits and fine-tuning
 * recipe (method page, "How to measure"): per seed a stratified test split, D once, the
 * reference (every pool label), then each strategy's learning curve from zero labels.
 */
import { DEFAULT_ADMA_OPTIONS } from '../adma/adma-strategy';
import type { PoolCentreOptions } from '../adma/pool-centres';
import type { StrategyName } from '../adma/query-strategy';
import type { TradeoffSchedule } from '../adma/tradeoff-schedule';
import type { UncertaintyMeasure } from '../adma/uncertainty';
import type { Pooling } from '../features/feature-store';
import type { TrainingMode } from '../train/head-weights';
import { summariseStrategies, type StrategySummary } from './learning-curve-summary';
import { referenceKey, type ReferenceCacheDir } from './reference-cache';
import { trainReference } from './reference-model';
import { setUpSeed } from './seed-setup';
import type { ReferenceRecord, RoundRecord } from './simulation-records';
import type { SimulationFeatures } from './simulation-features';
import { runStrategyCurve } from './strategy-curve';
import { formatScheduleSpec } from './tradeoff-schedule-spec';

export interface SimulationOptions {
  strategies: StrategyName[];
  seeds: number[];
  batch: number;
  rounds: number;
  testFraction: number;
  mode: TrainingMode;
  schedule: TradeoffSchedule;
  /** ADMA's U; default: the product's (DEFAULT_ADMA_OPTIONS). */
  uncertainty?: UncertaintyMeasure;
  /** Scale-free distances for D (default true). */
  normalize?: boolean;
  candidateFactor?: number;
  /** Pool-estimated centres (models without shipped centres); default: at least 3 images, at most 100 centres. */
  poolCentres?: Partial<PoolCentreOptions>;
  /** Layers pooled for D and the centres: global (default) or 2x2 grid (features.gridFeatures). */
  pooling?: Pooling;
  /** The light head's label spreading over the pool (loop core option). */
  labelSpreading?: boolean;
  /** The loop core's cross-validated L2 penalty (LoopCoreTrainRequest.chooseL2), for the curves and the reference. */
  chooseL2?: boolean;
  /** Light mode: every label learned in its symmetry views (needs features.views), for the curves and the reference. */
  symmetries?: boolean;
  /**
   * Stop each curve at the first round that reaches this fraction of the seed's all-labels
   * accuracy: labels-to-target is measured at a fraction of the cost, the curves (and their
   * ALC) end there.
   */
  stopAtTarget?: number;
  referenceCache?: ReferenceCacheDir;
  signal?: AbortSignal;
  onStatus?: (line: string) => void;
}

export interface SimulationMeta {
  model: { id: string; name: string };
  images: number;
  classes: string[];
  classCounts: number[];
  strategies: StrategyName[];
  seeds: number[];
  batch: number;
  rounds: number;
  testFraction: number;
  mode: TrainingMode;
  schedule: string;
  uncertainty: UncertaintyMeasure;
  normalize: boolean;
  candidateFactor: number | null;
  poolCentres: Partial<PoolCentreOptions> | null;
  pooling: Pooling;
  seconds: number;
}

export interface SimulationResult {
  meta: SimulationMeta;
  references: ReferenceRecord[];
  rounds: RoundRecord[];
  summary: StrategySummary[];
}

export async function runSimulation(features: SimulationFeatures, options: SimulationOptions): Promise<SimulationResult> {
  const started = performance.now();
  const normalize = options.normalize ?? true;
  const uncertainty = options.uncertainty ?? DEFAULT_ADMA_OPTIONS.uncertainty;
  if (!Number.isInteger(options.batch) || options.batch < 1) throw new RangeError(`The batch size must be a whole number of at least 1; got ${options.batch}.`);
  if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new RangeError(`Rounds must be a whole number of at least 1; got ${options.rounds}.`);
  if (features.classes.length < 2) throw new Error(`A simulation needs at least two classes; the folder has ${features.classes.length}.`);
  const status = options.onStatus ?? (() => undefined);
  const references: ReferenceRecord[] = [];
  const rounds: RoundRecord[] = [];
  const total = options.seeds.length * options.strategies.length;
  let done = 0;
  for (const seed of options.seeds) {
    const pooling = options.pooling ?? 'global';
    const setup = setUpSeed(features, seed, options.testFraction, normalize, options.poolCentres, pooling);
    const key = referenceKey({
      modelId: features.modelId,
      mode: options.mode,
      testFraction: options.testFraction,
      seed,
      normalize,
      ...(options.poolCentres ? { poolCentres: options.poolCentres } : {}),
      ...(pooling !== 'global' ? { pooling } : {}),
      ...(options.chooseL2 && options.mode === 'light' ? { l2: 'cross-validation' } : {}),
      ...(options.symmetries && options.mode === 'light' ? { symmetries: true } : {}),
      paths: features.paths,
      labels: features.labels,
    });
    let reference = options.referenceCache?.get(key);
    if (!reference) {
      status(`seed ${seed}: training the reference on all ${setup.poolIds.length} pool labels (${options.mode})…`);
      reference = await trainReference(features, setup, options.mode, { ...(options.chooseL2 ? { chooseL2: true } : {}), ...(options.symmetries ? { symmetries: true } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      options.referenceCache?.set(key, reference);
    }
    status(`seed ${seed}: reference accuracy ${(100 * reference.testAccuracy).toFixed(1)}% on ${reference.testSize} test images; Spearman(D, error) ${reference.spearmanDistinctivenessVsError.toFixed(3)}`);
    references.push(reference);
    for (const strategy of options.strategies) {
      const curve = await runStrategyCurve(features, setup, {
        strategy,
        strategyOptions: { schedule: options.schedule, uncertainty, normalize, ...(options.candidateFactor !== undefined ? { candidateFactor: options.candidateFactor } : {}) },
        mode: options.mode,
        batch: options.batch,
        rounds: options.rounds,
        ...(options.labelSpreading ? { labelSpreading: true } : {}),
        ...(options.chooseL2 ? { chooseL2: true } : {}),
        ...(options.symmetries ? { symmetries: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.stopAtTarget !== undefined ? { stopAtAccuracy: options.stopAtTarget * reference.testAccuracy } : {}),
        onRound: (r) => status(`[${done + 1}/${total}] seed ${seed} ${strategy}: round ${r.round + 1}/${options.rounds}, ${r.labels} labels, accuracy ${(100 * r.testAccuracy).toFixed(1)}% (${(r.millis / 1000).toFixed(2)} s)`),
      });
      rounds.push(...curve);
      done++;
    }
  }
  const counts = new Array<number>(features.classes.length).fill(0);
  for (const label of features.labels) counts[label] = (counts[label] as number) + 1;
  return {
    meta: {
      model: { id: features.modelId, name: features.modelName },
      images: features.labels.length,
      classes: features.classes,
      classCounts: counts,
      strategies: options.strategies,
      seeds: options.seeds,
      batch: options.batch,
      rounds: options.rounds,
      testFraction: options.testFraction,
      mode: options.mode,
      schedule: formatScheduleSpec(options.schedule),
      uncertainty,
      normalize,
      candidateFactor: options.candidateFactor ?? null,
      poolCentres: options.poolCentres ?? null,
      pooling: options.pooling ?? 'global',
      seconds: (performance.now() - started) / 1000,
    },
    references,
    rounds,
    summary: summariseStrategies(rounds, references),
  };
}
