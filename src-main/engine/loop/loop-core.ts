/**
 * The one active-loop core: select → (the expert or the oracle labels) → fine-tune → score.
 * The app's worker (AdaptationPool), `adma train` and the simulator all run their rounds
 * through it, so the study measures the loop the app runs.
 *
 * - select: builds the SelectionContext from the pool's matrices, the current classifier's
 *   probabilities and class names, and the round index t given explicitly by the caller (t is
 *   the number of query rounds so far, not labels / batch: labels made outside the queue do
 *   not advance it); the strategy comes from the registry, which also owns the small-centre
 *   fallback.
 * - train: fine-tunes on every label so far, warm from the previous head, with the light
 *   head's features standardised by the whole pool's statistics (the same rows the app and
 *   the simulator hold), then scores every pool row.
 */
import type { CentreSet } from '../adma/centre-set';
import { createFeatureMatrix, type FeatureMatrix } from '../adma/feature-matrix';
import type { Selection, StrategyName } from '../adma/query-strategy';
import type { SelectionContext } from '../adma/selection-context';
import { createStrategy, type StrategyOptions } from '../adma/strategy-registry';
import { fineTune, type FineTuneOptions, type FineTuneResult } from '../train/fine-tune';
import type { HeadWeights, TopBlockWeights, TrainingMode } from '../train/head-weights';
import { featureStandardization, type FeatureStandardization } from '../train/logistic-regression';
import { predictPool } from '../onnx/head-graph';
import type { NearDuplicateIndex } from '../adma/near-duplicates';
import { poolEmbedding } from '../adma/pool-embedding';
import { mixSpreadProbabilities } from '../train/label-spreading';

export interface LoopPoolMatrices {
  /** Image id of each pool row. */
  imageIds: ArrayLike<number>;
  featuresA: FeatureMatrix;
  featuresB: FeatureMatrix;
  sourceProbabilities: FeatureMatrix;
  centres: CentreSet;
  distinctiveness: Float64Array;
}

export interface LoopSelectRequest {
  strategy: StrategyName;
  strategyOptions: StrategyOptions;
  /** Query rounds run so far (t). */
  round: number;
  labeledIds: ReadonlySet<number>;
  excludedIds: ReadonlySet<number>;
  labeledClassCount: number;
  seed: number;
  batchSize: number;
  /** Near duplicates among the pool rows, kept out of the batch (duplicate-free-batch.ts). */
  nearDuplicates?: NearDuplicateIndex;
}

/** Rows of the head's input (pooled layer B, or cut activations in deep mode). */
export interface HeadInputs {
  data: Float32Array;
  rowShape: number[];
}

export interface LoopTrainRequest {
  mode: TrainingMode;
  classes: string[];
  /** Pool rows of the labeled images and their class indices (into `classes`). */
  rows: readonly number[];
  labels: readonly number[];
  seed: number;
  previous?: HeadWeights;
  topBlock?: TopBlockWeights;
  signal?: AbortSignal;
  onEpoch?: FineTuneOptions['onEpoch'];
  /** Recipe overrides (e.g. `adma train --epochs` for deep mode). */
  fineTune?: Pick<FineTuneOptions, 'maxEpochs' | 'minSteps'>;
  /**
   * Mix the head's pool probabilities with label spreading over a k-NN graph of the pool's
   * layer-B features (train/label-spreading.ts). Off by default: the study did not show a
   * gain on every data set (bench/STUDY.md).
   */
  labelSpreading?: boolean;
}

export interface LoopTrainOutcome {
  result: FineTuneResult;
  /** rows x C probabilities of every pool row under the new head. */
  probabilities: Float32Array;
}

const standardizations = new WeakMap<Float32Array, FeatureStandardization>();

/** Per-feature mean and std of a pool's light-head inputs (computed once per array). */
export function poolStandardization(inputs: HeadInputs): FeatureStandardization {
  const known = standardizations.get(inputs.data);
  if (known) return known;
  const stats = featureStandardization(inputs.data, inputs.rowShape.reduce((a, b) => a * b, 1));
  standardizations.set(inputs.data, stats);
  return stats;
}

/**
 * The loop's fine-tuning step: the labeled rows of the pool's head inputs, trained warm, a
 * light head on features standardised with the whole pool's statistics. `adma train` calls
 * it directly (it keeps no pool state between runs).
 */
export async function trainOnPool(inputs: HeadInputs, request: LoopTrainRequest): Promise<FineTuneResult> {
  const rowLength = inputs.rowShape.reduce((a, b) => a * b, 1);
  const features = new Float32Array(request.rows.length * rowLength);
  request.rows.forEach((row, k) => features.set(inputs.data.subarray(row * rowLength, (row + 1) * rowLength), k * rowLength));
  return fineTune(
    { features, rowShape: inputs.rowShape, labels: request.labels },
    {
      mode: request.mode,
      classes: request.classes,
      seed: request.seed,
      ...(request.mode === 'light' ? { standardization: poolStandardization(inputs) } : {}),
      ...(request.previous ? { previous: request.previous } : {}),
      ...(request.topBlock ? { topBlock: request.topBlock } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onEpoch ? { onEpoch: request.onEpoch } : {}),
      ...(request.fineTune ?? {}),
    },
  );
}

export class LoopCore {
  private head: HeadWeights | null = null;
  private probabilities: FeatureMatrix | null = null;
  /** The current head's calibration temperature: reasons quote probabilities as the product shows them. */
  private shownTemperature = 1;

  constructor(
    readonly pool: LoopPoolMatrices,
    /** The head's input rows of the whole pool for a mode (deep rows may load lazily). */
    private readonly inputsFor: (mode: TrainingMode) => HeadInputs,
  ) {}

  get currentHead(): HeadWeights | null {
    return this.head;
  }

  /** Use a head (e.g. the project's latest version) and score the pool with it; `temperature`: its calibration, for reasons only. */
  async useHead(head: HeadWeights, temperature = 1): Promise<Float32Array> {
    // ONNX Runtime where the engine infers with it, else TF.js: the two agree to ~1e-7.
    const probabilities = await predictPool(head, this.inputsFor(head.mode).data);
    this.head = head;
    this.shownTemperature = temperature;
    this.probabilities = createFeatureMatrix(probabilities, this.pool.imageIds.length, head.classes.length);
    return probabilities;
  }

  clear(): void {
    this.head = null;
    this.probabilities = null;
    this.shownTemperature = 1;
  }

  /** The current head's calibration temperature, once fitted after training. */
  showAtTemperature(temperature: number): void {
    this.shownTemperature = temperature;
  }

  context(request: Omit<LoopSelectRequest, 'strategy' | 'strategyOptions' | 'batchSize'>): SelectionContext {
    const hasClassifier = this.head !== null && this.head.classes.length >= 2;
    return {
      imageIds: this.pool.imageIds,
      labeledIds: request.labeledIds,
      excludedIds: request.excludedIds,
      round: request.round,
      labeledClassCount: request.labeledClassCount,
      featuresA: this.pool.featuresA,
      featuresB: this.pool.featuresB,
      sourceProbabilities: this.pool.sourceProbabilities,
      targetProbabilities: hasClassifier ? this.probabilities : null,
      ...(hasClassifier && this.head ? { targetClassNames: this.head.classes, shownTemperature: this.shownTemperature } : {}),
      centres: this.pool.centres,
      seed: request.seed,
      distinctiveness: this.pool.distinctiveness,
      ...(request.nearDuplicates ? { nearDuplicates: request.nearDuplicates } : {}),
    };
  }

  select(request: LoopSelectRequest): Selection {
    const strategy = createStrategy(request.strategy, request.strategyOptions);
    return strategy.select(this.context(request), request.batchSize);
  }

  async train(request: LoopTrainRequest): Promise<LoopTrainOutcome> {
    const result = await trainOnPool(this.inputsFor(request.mode), request);
    const headProbabilities = await this.useHead(result.head);
    if (!request.labelSpreading) return { result, probabilities: headProbabilities };
    const probabilities = mixSpreadProbabilities(poolEmbedding(this.pool.featuresB), headProbabilities, request.rows, request.labels, result.head.classes.length);
    this.probabilities = createFeatureMatrix(probabilities, this.pool.imageIds.length, result.head.classes.length);
    return { result, probabilities };
  }
}
