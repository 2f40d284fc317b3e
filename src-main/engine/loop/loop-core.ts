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
 *   the simulator hold), then scores every pool row. The light head's L2 penalty is the fixed
 *   default; choosing it by cross-validation (quality/l2-choice.ts) is an option the study
 *   measured and the product leaves off (bench/STUDY.md).
 */
import type { CentreSet } from '../adma/centre-set';
import { createFeatureMatrix, type FeatureMatrix } from '../adma/feature-matrix';
import type { Selection, StrategyName } from '../adma/query-strategy';
import type { SelectionContext } from '../adma/selection-context';
import { createStrategy, type StrategyOptions } from '../adma/strategy-registry';
import type { FineTuneResult } from '../train/fine-tune';
import type { HeadWeights, TrainingMode } from '../train/head-weights';
import { predictPool } from '../onnx/head-graph';
import type { NearDuplicateIndex } from '../adma/near-duplicates';
import { poolEmbedding } from '../adma/pool-embedding';
import { mixSpreadProbabilities } from '../train/label-spreading';
import { chooseL2, type L2Choice } from '../quality/l2-choice';
import { trainOnPool, type HeadInputs, type LoopTrainRequest, type ViewRows } from './train-on-pool';

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

export interface LoopCoreTrainRequest extends Omit<LoopTrainRequest, 'l2'> {
  /**
   * Light mode: choose the L2 penalty by cross-validation from 100 labels on
   * (quality/l2-choice.ts), carried from `previousL2` while it holds. Off by default: on
   * labels chosen by the queue, cross-validation picks too strong a penalty and the default
   * needed more labels to reach 95% of the all-labels accuracy (bench/STUDY.md).
   */
  chooseL2?: boolean;
  /** With chooseL2: the previous round's choice. */
  previousL2?: L2Choice;
  /** Light mode, images with no up or down: every label is learned in its symmetry views too (HeadInputs.views). */
  views?: ViewRows;
}

export interface LoopTrainOutcome {
  result: FineTuneResult;
  /** With chooseL2 (light mode): the penalty trained with and when it was chosen; else null (the fixed default). */
  l2: L2Choice | null;
  /** rows x C probabilities of every pool row under the new head. */
  probabilities: Float32Array;
}

/**
 * The loop's fine-tuning step: trainOnPool, with the L2 penalty chosen first when the request
 * asks for it. The loop core and the simulator's reference model train through it.
 */
export async function fineTuneOnPool(poolInputs: HeadInputs, request: LoopCoreTrainRequest): Promise<{ result: FineTuneResult; l2: L2Choice | null }> {
  const { previousL2, chooseL2: choose, views, ...train } = request;
  const inputs = views ? { ...poolInputs, views } : poolInputs;
  const chosen =
    choose && request.mode === 'light'
      ? await chooseL2({ inputs, rows: request.rows, labels: request.labels, classes: request.classes, seed: request.seed, ...(previousL2 ? { previous: previousL2 } : {}), ...(request.signal ? { signal: request.signal } : {}) })
      : null;
  const l2 = chosen ? { alpha: chosen.alpha, chosenOn: chosen.chosenOn, classes: chosen.classes } : null;
  return { result: await trainOnPool(inputs, { ...train, ...(l2 ? { l2: l2.alpha } : {}) }), l2 };
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

  async train(request: LoopCoreTrainRequest): Promise<LoopTrainOutcome> {
    const { result, l2 } = await fineTuneOnPool(this.inputsFor(request.mode), request);
    const headProbabilities = await this.useHead(result.head);
    if (!request.labelSpreading) return { result, l2, probabilities: headProbabilities };
    const probabilities = mixSpreadProbabilities(poolEmbedding(this.pool.featuresB), headProbabilities, request.rows, request.labels, result.head.classes.length);
    this.probabilities = createFeatureMatrix(probabilities, this.pool.imageIds.length, result.head.classes.length);
    return { result, l2, probabilities };
  }
}
